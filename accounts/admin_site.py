"""The admin with a TOTP code for staff when ADMIN_REQUIRE_2FA is on (issue 19).

django-otp's OTPAdminSite asks the code on the admin's login page and lets only a
verified session in; with the setting off (development, tests) the site is Django's
own. The default `admin.site` takes this class (AccountsConfig.ready), so every app's
`admin.register` stays as it is. A staff member's device is made by a superuser in the
admin («TOTP devices»); the first superuser enters with a code from
`manage.py addstatictoken <login>`.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class TwoFactorAdminSite(OTPAdminSite):
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else None

    @property
    def login_template(self):
        return "otp/admin111/login.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request) -> bool:
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
