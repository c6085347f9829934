from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/register/legal/", views.register_legal, name="register_legal"),
    path("accounts/register/done/", views.register_done, name="register_done"),
    path("accounts/register/resend/", views.resend, name="resend"),
    path("accounts/register/resend/done/", views.resend_done, name="resend_done"),
    path("accounts/register/confirm/<str:token>/", views.confirm, name="confirm"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("cabinet/settings/", views.settings_index, name="settings"),
    path("cabinet/settings/password/", views.password_change, name="password_change"),
    path("cabinet/settings/email/", views.email_change, name="email_change"),
    path(
        "cabinet/settings/email/confirm/<str:token>/",
        views.email_confirm,
        name="email_confirm",
    ),
]
