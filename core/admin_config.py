"""App configs that give the admin its Russian face; in a module without models, since
INSTALLED_APPS imports it before any model is loaded."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` with the portal's site (core.adminsite) as `admin.site`."""

    default_site = "core.adminsite.PortalAdminSite"


class CaptchaConfig(AppConfig):
    """django-simple-captcha (it ships no AppConfig of its own) under a Russian name."""

    name = "captcha"
    label = "captcha"
    verbose_name = "Проверочные слова на картинке"
    default_auto_field = "django.db.models.AutoField"


class OtpConfig(AppConfig):
    """django-otp (two-factor login) under a Russian name; it ships no AppConfig."""

    name = "django_otp"
    label = "django_otp"
    verbose_name = "Двухфакторный вход"


class OtpTotpConfig(AppConfig):
    """django-otp's authenticator apps (TOTP), named in Russian."""

    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    verbose_name = "Двухфакторный вход: приложения"
    default_auto_field = "django.db.models.AutoField"


class OtpStaticConfig(AppConfig):
    """django-otp's recovery codes, named in Russian."""

    name = "django_otp.plugins.otp_static"
    label = "otp_static"
    verbose_name = "Двухфакторный вход: коды восстановления"
    default_auto_field = "django.db.models.AutoField"
