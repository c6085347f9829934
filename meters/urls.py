from django.urls import path

from meters import views

app_name = "meters"

urlpatterns = [
    path("", views.readings, name="readings"),
    path("meter/<int:pk>/", views.meter_history, name="history"),
    path("meter/<int:pk>/submit/", views.submit, name="submit"),
    path("all/", views.bulk, name="bulk"),
    path("all/upload/", views.upload, name="upload"),
    path("all/upload/<int:pk>/", views.upload_job, name="upload_job"),
    path("all/hourly/", views.hourly_upload_view, name="hourly_upload"),
    path("all/hourly/<int:pk>/", views.hourly_upload_job, name="hourly_upload_job"),
]
