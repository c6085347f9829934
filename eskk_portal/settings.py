"""Settings of the ESSK portal, read from the environment (django-environ).

Development needs nothing: `make run` exports DEBUG=true and the database is a
SQLite file under var/. With DEBUG off the portal refuses to start without a
real SECRET_KEY and an explicit ALLOWED_HOSTS.
"""

import shutil
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from core.bank import bank_details_errors

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# DEBUG as deployed: pytest-django switches settings.DEBUG off while tests run, and
# seed_demo must tell a development database from a production one (issue 23).
DEBUG_AS_DEPLOYED = DEBUG
# With DEBUG, Django's technical 404 page instead of the portal's (core.middleware).
DEBUG_TECHNICAL_404 = env.bool("DEBUG_TECHNICAL_404", default=False)

# Used only with DEBUG on; refused below when DEBUG is off.
_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of 50+ characters when DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    # A wildcard lets any Host header build the links of the portal's mail (issue 23).
    if any(host.strip() in ("*", ".") for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured("ALLOWED_HOSTS=* is refused when DEBUG is off: name the hosts.")
    # Links in mail sent outside a request (workers, cron) need the real address.
    if not env.str("PORTAL_BASE_URL", default=""):
        raise ImproperlyConfigured("PORTAL_BASE_URL must be set when DEBUG is off.")

# Staff must pass a TOTP code (django-otp) to enter /admin/ (issue 19); off in development.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not DEBUG)
# The issuer an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "ЭССК"

# Accepting «PASSED» for every CAPTCHA is only for automated tests.
CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
if CAPTCHA_TEST_MODE and not DEBUG:
    raise ImproperlyConfigured("CAPTCHA_TEST_MODE is refused when DEBUG is off.")

INSTALLED_APPS = [
    "core.admin_config.PortalAdminConfig",  # django.contrib.admin, in grammatical Russian
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "core.admin_config.CaptchaConfig",  # django-simple-captcha, named in Russian
    "accounts.axes_config.AxesConfig",  # django-axes, named in Russian
    "csp",
    "core.admin_config.OtpConfig",  # django-otp, named in Russian
    "core.admin_config.OtpTotpConfig",
    "core.admin_config.OtpStaticConfig",
    "core",
    "accounts",
    "billing",
    "meters",
    "payments",
    "documents",
    "calculator",
    "services",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PortalNotFoundMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the two-factor code (accounts.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so that it sees every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eskk_portal.urls"
WSGI_APPLICATION = "eskk_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A reused connection is checked (SELECT 1) before a request's first query, so that the
# first request after a database restart or failover gets its page, not a 503. It costs
# one round trip per request; bench/http_bench.py measures the floor without it too.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    # SQLite waits for a writer instead of failing at once with "database is locked":
    # a transaction takes the write lock when it begins (IMMEDIATE), so two writers
    # queue behind the busy timeout instead of deadlocking on a read lock (issue 23).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # Tests use a file as `make run` does: an in-memory database shares one cache
    # between threads, whose table locks ignore the busy timeout.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that also recognises an unconfirmed account (see accounts/backends.py).
    "accounts.backends.PortalBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "email", "organisation_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 6},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "billing:account"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Asia/Novokuznetsk"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["eskk_portal.formats"]
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
STORAGES = {
    # Uploaded attachments and rendered PDFs live outside the web root: they
    # are served only through views that check the owner.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.path("MEDIA_ROOT", default=VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# E-mail: files under var/mail/ and the console unless EMAIL_URL names a server.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ЭССК <lk@eskk.ru>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "core.mail.FileAndConsoleBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")

# Sessions: an absolute limit of 12 hours, an idle limit of 30 minutes
# (accounts.middleware.SessionTimeoutMiddleware), ended server-side at logout.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_IDLE_TIMEOUT = int(timedelta(minutes=30).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Brute force (accounts/throttle.py): ten failures lock the pair contract + IP for
# 15 minutes; never the contract itself, whatever the number of addresses.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

CAPTCHA_FONT_SIZE = 32
CAPTCHA_IMAGE_SIZE = (140, 50)
CAPTCHA_LETTER_ROTATION = (-25, 25)
CAPTCHA_TIMEOUT = 10
# A Cyrillic word as in the seed, drawn with a font that has Cyrillic letters; spelled aloud
# by flite (`apt-get install flite`) when it is installed.
CAPTCHA_CHALLENGE_FUNCT = "accounts.captcha.cyrillic_word"
CAPTCHA_FONT_PATH = str(
    BASE_DIR / "documents" / "static" / "documents" / "fonts" / "DejaVuSans-Bold.ttf"
)
CAPTCHA_FLITE_PATH = env.str("CAPTCHA_FLITE_PATH", default=shutil.which("flite") or "") or None

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Everything the portal needs is served by the portal itself: no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object a line: a newline or other control character in a logged value (a
    # user name, say) is escaped and never forges a line of the log (issue 23).
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "json_ensure_ascii": False,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- The supplier (seller) on documents -------------------------------------
SUPPLIER = {
    "name": "Общество с ограниченной ответственностью «Энергосбытовая компания Кузбасса»",
    "short_name": "ООО «ЭССК»",
    "inn": "4205109750",
    "kpp": "420501001",
    "address": "650000, Кемеровская обл. - Кузбасс, г. Кемерово, пр-кт Кузнецкий, д. 30",
    "phone": "8 800 3012 555",
}
CONTACT_PHONE = "8 800 3012 555"

# --- Cache -----------------------------------------------------------------
# Nothing of the portal's own keeps pages in a cache: the default cache is Django's
# per-process memory, for what libraries store there.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Request size: the table of all meters ----------------------------------
# The table of all meters posts a field per meter and zone: hundreds of meters.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Login lockout and CAPTCHA ----------------------------------------------
# The lockout page says when the pair may try again; a failure during the
# lockout does not push that time further.
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The login form asks for the CAPTCHA after this many failures of contract + IP (or of
# the contract from all addresses); on every attempt from an address that failed
# LOGIN_SPRAY_FAILURES_PER_HOUR logins within the hour; the owner is mailed at the
# contract's LOGIN_OWNER_ALERT_AFTER_FAILURES-th failure. Admin-login failures are
# counted apart (issue 23).
LOGIN_CAPTCHA_AFTER_FAILURES = 3
LOGIN_SPRAY_FAILURES_PER_HOUR = 20
LOGIN_OWNER_ALERT_AFTER_FAILURES = 10
AXES_USERNAME_CALLABLE = "accounts.throttle.axes_username"

# --- Card payments: the acquiring gateway and the mock bank -----------------
# The mock acquiring bank (gateway/) exists only with MOCK_GATEWAY: its app and
# its /gateway/ URLs. The default follows DEBUG; production talks to a real bank
# by the PAYMENT_* settings alone and refuses to start without them (below).
MOCK_GATEWAY = env.bool("MOCK_GATEWAY", default=DEBUG)
if MOCK_GATEWAY:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("payments") + 1, "gateway")
# The acquiring gateway, reached only over HTTP by payments/client.py. Empty (the
# development default) means the mock bank on the portal's own address, taken
# from the request (payments.client.gateway_url), so any port pays end to end.
PAYMENT_GATEWAY_URL = env.str("PAYMENT_GATEWAY_URL", default="")
# The demo terminal of the mock bank; refused below with DEBUG off.
_DEMO_TERMINAL_KEY = "ESSKDemoTerminal"
_DEMO_PAYMENT_SECRET = "essk-demo-terminal-secret"  # noqa: S105  # nosec B105
PAYMENT_TERMINAL_KEY = env.str("PAYMENT_TERMINAL_KEY", default=_DEMO_TERMINAL_KEY)
PAYMENT_SECRET = env.str("PAYMENT_SECRET", default=_DEMO_PAYMENT_SECRET)
# Where the gateway POSTs its notifications (login-free, signature-checked);
# empty means this portal's own payments:notify URL on the request's address.
PAYMENT_NOTIFICATION_URL = env.str("PAYMENT_NOTIFICATION_URL", default="")
PAYMENT_GATEWAY_TIMEOUT = env.float("PAYMENT_GATEWAY_TIMEOUT", default=10.0)
# How long the bank's payment page of an order lives (sent as RedirectDueDate);
# «Продолжить оплату» is offered until then.
PAYMENT_LINK_LIFETIME = timedelta(minutes=env.int("PAYMENT_LINK_LIFETIME_MINUTES", default=60))
if not DEBUG:
    if MOCK_GATEWAY:
        raise ImproperlyConfigured(
            "MOCK_GATEWAY is refused when DEBUG is off: real card payments need a real bank."
        )
    for _name, _demo in (
        ("PAYMENT_GATEWAY_URL", ""),
        ("PAYMENT_NOTIFICATION_URL", ""),
        ("PAYMENT_TERMINAL_KEY", _DEMO_TERMINAL_KEY),
        ("PAYMENT_SECRET", _DEMO_PAYMENT_SECRET),
    ):
        if vars()[_name] in ("", _demo):
            raise ImproperlyConfigured(
                f"{_name} must be set to the bank's own value when DEBUG is off."
            )
# How long the mock gateway's payment link lives (T-Bank's RedirectDueDate default: 24 h).
GATEWAY_ORDER_LIFETIME = timedelta(minutes=env.int("GATEWAY_ORDER_LIFETIME_MINUTES", default=1440))
# The mock gateway's own configuration, as the bank would hold it: terminal → secret.
GATEWAY_TERMINALS = {
    env.str("GATEWAY_TERMINAL_KEY", default=PAYMENT_TERMINAL_KEY): env.str(
        "GATEWAY_SECRET", default=PAYMENT_SECRET
    )
}

# --- The supplier's bank and signatories on documents -----------------------
# The seller's bank and signatories on invoices, VAT invoices and statements;
# copied into each document when it is issued.
SUPPLIER_BANK = {
    "bank": env.str("SUPPLIER_BANK_NAME", default="Кемеровское отделение № 8615 ПАО Сбербанк"),
    "bik": env.str("SUPPLIER_BANK_BIK", default="043207612"),
    "account": env.str("SUPPLIER_BANK_ACCOUNT", default="40702810926020100733"),
    "corr_account": env.str("SUPPLIER_BANK_CORR_ACCOUNT", default="30101810200000000612"),
}
# An invoice with a wrong account sends the customers' money nowhere: with DEBUG off the
# portal does not start on details whose control key fails (core/bank.py); with DEBUG
# on the system check warns.
SUPPLIER_BANK_ERRORS = bank_details_errors(
    SUPPLIER_BANK["bik"], SUPPLIER_BANK["account"], SUPPLIER_BANK["corr_account"]
)
if SUPPLIER_BANK_ERRORS and not DEBUG:
    raise ImproperlyConfigured(
        "Реквизиты банка поставщика (SUPPLIER_BANK_*) неверны: " + "; ".join(SUPPLIER_BANK_ERRORS)
    )
SUPPLIER_SIGNATORIES = {
    "head": env.str("SUPPLIER_HEAD", default="Петров А. В."),
    "head_title": env.str("SUPPLIER_HEAD_TITLE", default="Генеральный директор"),
    "accountant": env.str("SUPPLIER_ACCOUNTANT", default="Сидорова Е. Н."),
}

# --- Requests and notifications ---------------------------------------------
# Links in mail sent by cron (no request to take the host from).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
SERVICES_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Callables `(since, until) -> documents issued` for the «новый документ» mail;
# see services.notifications.IssuedDocument for what a document must offer.
SERVICES_DOCUMENT_SOURCES: list[str] = ["documents.notifications.issued_between"]

# --- deployment: Redis, Celery (issue 18) -----------------------------------
# One Redis serves as Celery's broker, the cache, the sessions' cache and axes'
# counters. Unset (make run, tests): tasks run eagerly in the process and the
# cache is Django's local memory; nothing else changes.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished: a worker killed mid-task leaves it
# to be delivered again (every task is idempotent), and one task at a time per
# process is taken from the broker so that a kill loses at most that one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# An unacknowledged task comes back after this long (Redis has no consumer
# heartbeat); the longest task, a billing upload, is limited well below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "imports"
CELERY_TASK_ROUTES = {
    "core.tasks.*": {"queue": "mail"},
    "accounts.tasks.*": {"queue": "mail"},
    "services.tasks.*": {"queue": "mail"},
    "documents.tasks.*": {"queue": "documents"},
    "billing.tasks.*": {"queue": "imports"},
    "payments.tasks.*": {"queue": "imports"},
    "meters.tasks.*": {"queue": "imports"},
    "calculator.tasks.*": {"queue": "imports"},
}
# A customer's upload (readings, the calculator's hourly profiles, core.jobs) is
# read by a worker within these limits: at the soft one the task stops, writes
# nothing and says so; at the hard one the worker process is killed.
UPLOAD_SOFT_TIME_LIMIT = env.int("UPLOAD_SOFT_TIME_LIMIT_SECONDS", default=60)
UPLOAD_TIME_LIMIT = env.int("UPLOAD_TIME_LIMIT_SECONDS", default=90)
if not 0 < UPLOAD_SOFT_TIME_LIMIT <= UPLOAD_TIME_LIMIT:
    # Celery refuses such a task when it is queued: every upload would fail.
    raise ImproperlyConfigured(
        "UPLOAD_SOFT_TIME_LIMIT_SECONDS must be positive and at most UPLOAD_TIME_LIMIT_SECONDS."
    )
# An operator's billing file uploaded in the admin (up to 2 000 000 rows, a couple of
# minutes at the measured import rate) is stopped past these limits, nothing written.
IMPORT_SOFT_TIME_LIMIT = env.int("IMPORT_SOFT_TIME_LIMIT_SECONDS", default=1800)
IMPORT_TIME_LIMIT = env.int("IMPORT_TIME_LIMIT_SECONDS", default=1900)
if not 0 < IMPORT_SOFT_TIME_LIMIT <= IMPORT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "IMPORT_SOFT_TIME_LIMIT_SECONDS must be positive and at most IMPORT_TIME_LIMIT_SECONDS."
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(env.path("CELERY_BEAT_SCHEDULE", default=VAR_DIR / "beat"))
# The cron of the deployment, run by `celery beat` (the commands of the same name).
CELERY_BEAT_SCHEDULE = {
    "reconcile-payments": {
        "task": "payments.tasks.reconcile_payments",
        "schedule": timedelta(minutes=15),
    },
    "send-pending-mail": {
        "task": "core.tasks.send_pending_mail",
        "schedule": timedelta(seconds=env.int("MAIL_SWEEP_SECONDS", default=60)),
    },
    # 07:00 local time: the reminders arrive at the start of the working day.
    "send-notifications": {
        "task": "services.tasks.send_notifications",
        "schedule": crontab(hour=7, minute=0),
    },
    # On the 1st at 02:00: the penalties up to the last day of the past month.
    "accrue-penalties": {
        "task": "billing.tasks.accrue_penalties",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
}
# The outbox (core.mail): a mail claimed by a worker that died is sent by the
# sweep once the claim is this old.
MAIL_CLAIM_TIMEOUT = timedelta(seconds=env.int("MAIL_CLAIM_TIMEOUT_SECONDS", default=300))
# PDFs of issued documents are rendered by a worker when they are issued. Without
# a worker (tasks eager) they are rendered on first download instead: an import of
# thousands of documents would otherwise render them all inside the command.
DOCUMENTS_PDF_AT_ISSUE = env.bool("DOCUMENTS_PDF_AT_ISSUE", default=bool(REDIS_URL))

# The proxies in front of the portal (nginx, a load balancer): addresses or
# networks, comma-separated. Only from them is X-Forwarded-For believed
# (core.clientip), for the audit log and for django-axes' lockouts.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"

# With Redis: one cache for every node, and sessions read from it before the
# database (cached_db: a lost Redis loses no session). django-axes keeps its
# database handler: its counts are shared by all nodes already, and the login
# form's CAPTCHA rule (accounts.throttle) reads them there.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "eskk",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Shared files: S3-compatible storage (django-storages) when a bucket is named,
# so that every node sees every upload and rendered PDF; else MEDIA_ROOT.
S3_BUCKET = env.str("S3_BUCKET", default=env.str("AWS_STORAGE_BUCKET_NAME", default=""))
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="media"),
            # Private objects; nobody reaches them but through the portal's views.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Behind nginx with the media volume mounted: the internal location that serves
# a file after the portal's ownership check (core.files, deploy/nginx.conf).
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
