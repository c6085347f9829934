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
    path(
        "accounts/invitation/<str:token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("cabinet/settings/", views.settings_index, name="settings"),
    path("cabinet/settings/two-factor/", views.two_factor_index, name="two_factor"),
    path("cabinet/settings/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("cabinet/settings/two-factor/codes/", views.two_factor_codes, name="two_factor_codes"),
    path("cabinet/settings/two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path(
        "cabinet/settings/two-factor/require/",
        views.two_factor_require,
        name="two_factor_require",
    ),
    path("cabinet/settings/contracts/", views.contracts, name="contracts"),
    path(
        "cabinet/settings/contracts/<int:pk>/",
        views.contract_confirm,
        name="contract_confirm",
    ),
    path("cabinet/settings/access/", views.staff_access, name="staff_access"),
    path("cabinet/settings/access/invite/", views.invite, name="invite"),
    path("cabinet/settings/access/<int:pk>/", views.member_edit, name="member_edit"),
    path("cabinet/settings/access/<int:pk>/revoke/", views.member_revoke, name="member_revoke"),
    path(
        "cabinet/settings/access/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "cabinet/settings/access/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("cabinet/settings/password/", views.password_change, name="password_change"),
    path("cabinet/settings/email/", views.email_change, name="email_change"),
    path(
        "cabinet/settings/email/confirm/<str:token>/",
        views.email_confirm,
        name="email_confirm",
    ),
]
