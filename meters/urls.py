from django.urls import path

from core.views import under_construction

app_name = "meters"

urlpatterns = [
    path("", under_construction("Передача показаний"), name="readings"),
]
