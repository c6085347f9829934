from django.urls import path

from core.views import under_construction

app_name = "services"

urlpatterns = [
    path("", under_construction("Дополнительные услуги"), name="index"),
]
