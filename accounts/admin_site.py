"""The admin with a TOTP code for staff when ADMIN_REQUIRE_2FA is on (issue 19).

`TwoFactorAdmin` is mixed into the class of the default `admin.site` (the portal's own,
core.adminsite) by AccountsConfig.ready, so every app's `admin.register` stays as it is.
With the setting on it does what django-otp's OTPAdminSite does: the login page asks for
the code (OTPAdminAuthenticationForm) and only a verified session is let in; with it off
(development, tests) the site is unchanged. A staff member's device comes from
`manage.py staff_totp <login>`; the first superuser can also enter with a code from
`manage.py addstatictoken <login>`.
"""

from django.conf import settings
from django.contrib import admin
from django_otp.admin import OTPAdminAuthenticationForm

OTP_LOGIN_TEMPLATE = "otp/admin111/login.html"


class TwoFactorAdmin:
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else None

    @property
    def login_template(self):
        return OTP_LOGIN_TEMPLATE if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request) -> bool:
        allowed = super().has_permission(request)
        if settings.ADMIN_REQUIRE_2FA:
            return allowed and request.user.is_verified()
        return allowed


def install() -> None:
    """Give the default admin site the two-factor rule, keeping its own class's behaviour."""
    site_class = admin.site.__class__  # the real site behind the lazy `admin.site`
    if not issubclass(site_class, TwoFactorAdmin):
        admin.site.__class__ = type(
            f"TwoFactor{site_class.__name__}", (TwoFactorAdmin, site_class), {}
        )
