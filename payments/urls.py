from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("pay/", views.pay, name="pay"),
    path("history/", views.history, name="list"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    # The gateway's callback: login-free, CSRF-exempt, authenticated by the signature.
    path("notify/", views.notify, name="notify"),
]
