from django.urls import path

from core.views import under_construction

app_name = "billing"

urlpatterns = [
    path("", under_construction("Лицевой счет"), name="account"),
]
