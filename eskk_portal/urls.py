from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from accounts import captcha as portal_captcha
from core import views as core_views

admin.site.site_header = "ЭССК: администрирование личного кабинета"
admin.site.site_title = "ЭССК"
admin.site.index_title = "Управление порталом"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("agreement/", core_views.agreement, name="agreement"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("readyz/", core_views.readyz, name="readyz"),
    path("cabinet/contract/", core_views.choose_contract, name="choose_contract"),
    path("", include("accounts.urls")),
    # Before the library's own audio view, at the same address: letters said by name.
    re_path(r"^captcha/audio/(?P<key>\w+).wav$", portal_captcha.audio),
    path("captcha/", include("captcha.urls")),
    path("cabinet/account/", include("billing.urls")),
    path("cabinet/calculator/", include("calculator.urls")),
    path("cabinet/payments/", include("payments.urls")),
    path("cabinet/readings/", include("meters.urls")),
    path("cabinet/documents/", include("documents.urls")),
    path("cabinet/services/", include("services.urls")),
    path("admin/", admin.site.urls),
]
if settings.MOCK_GATEWAY:
    # The mock acquiring gateway stands for a bank's host: its own prefix.
    urlpatterns.append(path("gateway/", include("gateway.urls")))

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
handler403 = "core.views.permission_denied"
