from django.urls import path

from core.views import under_construction

app_name = "payments"

urlpatterns = [
    path("pay/", under_construction("Оплатить"), name="pay"),
    path("history/", under_construction("Мои платежи"), name="list"),
]
