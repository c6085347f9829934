from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.account, name="account"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.entry, name="entry"),
    path("penalties/", views.penalties, name="penalties"),
]
