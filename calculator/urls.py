from django.urls import path

from calculator import views

app_name = "calculator"

urlpatterns = [
    path("", views.index, name="index"),
    path("sample.xlsx", views.sample, name="sample"),
    path("upload/<int:pk>/", views.upload_job, name="upload_job"),
]
