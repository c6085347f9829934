from django.urls import path

from gateway import views

app_name = "gateway"

urlpatterns = [
    path("v2/Init", views.api_init, name="init"),
    path("v2/GetState", views.api_get_state, name="get_state"),
    path("v2/Cancel", views.api_cancel, name="cancel_api"),
    path("pay/<int:payment_id>/", views.pay, name="pay"),
    path("3ds/<int:payment_id>/", views.three_ds, name="three_ds"),
    path("pay/<int:payment_id>/cancel/", views.cancel, name="cancel"),
]
