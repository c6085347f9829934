from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.index, name="index"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/new/<slug:kind>/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "requests/<int:pk>/files/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("notifications/", views.notification_settings, name="notifications"),
    # Public: reached from a mail without logging in; the signed token is the proof.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
