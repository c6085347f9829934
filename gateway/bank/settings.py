"""Settings of the mock bank's own service: `DJANGO_SETTINGS_MODULE=gateway.bank.settings`.

For demos only: it takes test cards and pays nothing. Its terminal and secret
are the ones the portal is given as PAYMENT_TERMINAL_KEY / PAYMENT_SECRET.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("BANK_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("BANK_SECRET_KEY must be a random string of 50+ characters.")
ALLOWED_HOSTS = env.list("BANK_ALLOWED_HOSTS", default=["bank", "localhost", "127.0.0.1"])

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles", "gateway"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "gateway.bank.urls"
WSGI_APPLICATION = "eskk_portal.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
# The bank's own database, never the portal's.
DATABASES = {"default": env.db("BANK_DATABASE_URL")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "ru"
TIME_ZONE = "Asia/Novokuznetsk"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["eskk_portal.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
WHITENOISE_USE_FINDERS = True
# Behind the demo's nginx on plain HTTP or TLS alike.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("BANK_CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"

GATEWAY_ORDER_LIFETIME = timedelta(minutes=env.int("GATEWAY_ORDER_LIFETIME_MINUTES", default=1440))
GATEWAY_TERMINALS = {env.str("GATEWAY_TERMINAL_KEY"): env.str("GATEWAY_SECRET")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
