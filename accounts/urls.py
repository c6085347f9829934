from django.urls import path

from accounts import views
from core.views import under_construction

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("cabinet/settings/", under_construction("Настройки"), name="settings"),
]
