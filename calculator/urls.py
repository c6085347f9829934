from django.urls import path

from core.views import under_construction

app_name = "calculator"

urlpatterns = [
    path("", under_construction("Калькулятор"), name="index"),
]
