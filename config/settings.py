"""One settings module for every environment; everything that differs comes from the environment.

Defaults are safe for production (DEBUG off, secure cookies) except where the demo or the test
command sets a variable explicitly. See .env.example for the list.
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Under pytest the defaults suit the test client (plain http, no collected static files); every value
# can still be forced from the environment, which is how CI runs `check --deploy`.
TESTING = "pytest" in sys.modules
# Commands that only read the code (no request served, nothing signed) run without a production secret, so
# `manage.py makemigrations --check` works on a fresh checkout and in CI.
CODE_ONLY_COMMAND = sys.argv[1:2] in (["makemigrations"], ["compilemessages"])
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING or CODE_ONLY_COMMAND):
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (see .env.example).")
    SECRET_KEY = "insecure-development-and-test-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = "Cổng thi đua ngành Giáo dục"  # pages, e-mails (allauth's included), error pages

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "treebeard",
    "import_export",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "units",
    "campaigns",
    "criteria",
    "nominations",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "units.audit.AuditContextMiddleware",
    "units.security.PrivatePagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The portal's 404/500 pages also with DEBUG on (the demo); after messages, so the pages show them.
    "units.errors.PortalErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "units.security.MFARequiredMiddleware",
    # Last, as django-axes asks: it must see the final authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/thidua"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://thidua"),
}

# Sessions live in the database so that any web node can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Files ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"  # never served directly: files go through permission-checked views

_static_backend = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if env.bool("STATIC_MANIFEST", default=not (DEBUG or TESTING))
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    # A storage class by path (a test storage for the worker-crash test, or a custom one) wins over the default.
    "default": {"BACKEND": env("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": _static_backend},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    # Any S3-compatible store (MinIO, Viettel/VNPT object storage, AWS).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# The limit is counted while a file arrives, before it is stored (units.uploads.LimitedUploadHandler).
FILE_UPLOAD_HANDLERS = [
    "units.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Virus-scan hook for every upload: a dotted path to scan(data: bytes) -> threat name or None.
# With CLAMD_ADDRESS set (tcp://clamav:3310 or unix:///run/clamav/clamd.ctl) every upload goes to ClamAV.
CLAMD_ADDRESS = env("CLAMD_ADDRESS", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30)
UPLOAD_SCANNER = env(
    "UPLOAD_SCANNER", default="units.uploads.clamd_scan" if CLAMD_ADDRESS else "units.uploads.builtin_scan"
)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
# One set of limits for every import (admin, portal pages, management commands): units.importing.read_table.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_SECONDS = env.int("IMPORT_MAX_SECONDS", default=60)
# Every zip-based file (xlsx, docx, pptx, odt...), uploaded or imported, is measured before it is unpacked.
ZIP_MAX_UNPACKED_BYTES = env.int("ZIP_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
ZIP_MAX_RATIO = env.int("ZIP_MAX_RATIO", default=100)
ZIP_RATIO_FLOOR_BYTES = env.int("ZIP_RATIO_FLOOR_BYTES", default=10 * 1024 * 1024)
ZIP_MAX_MEMBERS = env.int("ZIP_MAX_MEMBERS", default=5_000)

# --- Auth -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # The suite logs in hundreds of times; production hashing (PBKDF2, 1M rounds) would dominate it.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "units:home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "units.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Failed logins are counted and locked out by django-axes alone (one message, officer unlock).
ACCOUNT_RATE_LIMITS = {"login_failed": False}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cổng thi đua ngành Giáo dục"
MFA_ADAPTER = "units.security.MFAAdapter"
# Roles that must sign in with two-step verification (Django staff and superusers too, unless empty).
# The one-command demo empties it so that a newcomer can sign in with the printed password alone.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=["officer", "admin"])
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use the socket's address). The
# audit log and django-axes read the client address the same way (units.audit.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# allauth's rate limits (password reset, 429) count per client address the same way; without this they would
# count every client behind the proxy as one.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# The nginx proxy in front of `web` (docker-compose.yml), its configuration rendered from these settings by
# `manage.py render_proxy_config`: its body limit is UPLOAD_MAX_BYTES plus this headroom, so that a file just past
# the limit still reaches the app and gets its Vietnamese message, and anything larger is never read by a worker.
PROXY_BODY_HEADROOM_BYTES = env.int("PROXY_BODY_HEADROOM_BYTES", default=1024 * 1024)
PROXY_UPSTREAM = env("PROXY_UPSTREAM", default="web:8000")  # the service name: Docker's DNS lists every replica
PROXY_RESOLVER = env("PROXY_RESOLVER", default="127.0.0.11")  # Docker's embedded DNS
PROXY_SERVER_NAME = env("PROXY_SERVER_NAME", default="_")
PROXY_READ_TIMEOUT = env.int("PROXY_READ_TIMEOUT", default=65)  # a little over gunicorn's --timeout 60
PROXY_TLS_CERTIFICATE = env("PROXY_TLS_CERTIFICATE", default="")  # paths inside the proxy container; both set:
PROXY_TLS_CERTIFICATE_KEY = env("PROXY_TLS_CERTIFICATE_KEY", default="")  # HTTPS on 443, port 80 redirects
AXES_CLIENT_IP_CALLABLE = "units.audit.client_ip"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "units.adapters.axes_username"

# --- Mail -------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A backend class by path wins over EMAIL_URL (used by the outbox integration test's worker).
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng thi đua <khongtraloi@thidua.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# A worker that dies mid-send leaves its claimed messages; after this many seconds another worker takes them.
OUTBOX_CLAIM_TIMEOUT = env.int("OUTBOX_CLAIM_TIMEOUT", default=600)

# --- Celery -----------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Reports ----------------------------------------------------------------------------------------
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=7)  # files are deleted after this
REPORT_MAX_ACTIVE = env.int("REPORT_MAX_ACTIVE", default=3)  # waiting or running, per user
REPORT_MAX_PER_HOUR = env.int("REPORT_MAX_PER_HOUR", default=30)  # per user, rolling hour
REPORT_STALE_SECONDS = env.int("REPORT_STALE_SECONDS", default=180)  # no progress this long: re-queued
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=4)

# --- Locale -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
# Vietnamese only until an English catalogue exists: a browser asking for English must not get a page
# half in English (library strings) and half in Vietnamese (ours).
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Security ---------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "units.errors.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Logging: one line per record on stdout, key=value, easy to ship and grep ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {
            "format": 'time="%(asctime)s" level=%(levelname)s logger=%(name)s msg="%(message)s"',
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; fontTools logs font subsetting.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Dashboard --------------------------------------------------------------------------------------
# Panels shown on the home page, provided by apps that units may not import (see STYLE.md's arrows).
# Each is a callable (request) -> dict | None with "template" and its context, or None to show nothing.
# In this order: what the user's own units owe (overdue apart), their own self-assessment and nominations,
# what waits for their review and who is late below them, then an officer's province progress.
DASHBOARD_PANELS = [
    "campaigns.panels.upcoming_deadlines",
    "criteria.panels.assessment_work",
    "nominations.panels.nomination_work",
    "nominations.panels.nomination_reviews",
    "criteria.panels.assessment_reviews",
    "campaigns.panels.followed_deadlines",
    "campaigns.panels.province_progress",
    "criteria.panels.levels_chart",
]

# --- Import/export ----------------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Unit and person history rows are the audit trail of imports.
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Digital signatures (units.signatures): the trust store that uploaded PDFs' signatures must chain to (a PEM
# file or a folder of PEM/CRT files: the national root CA and the government specialised CA; none is shipped),
# and the deployment's seal for the PDFs it generates (a PKCS#12 file and its passphrase; unset: not sealed).
SIGNATURE_TRUST_ROOTS = env("SIGNATURE_TRUST_ROOTS", default="")
SIGNATURE_SEAL_P12 = env("SIGNATURE_SEAL_P12", default="")
SIGNATURE_SEAL_PASSPHRASE = env("SIGNATURE_SEAL_PASSPHRASE", default="")
SIGNATURE_TSA_URL = env("SIGNATURE_TSA_URL", default="")
