"""Settings shared by every environment; everything that differs comes from the environment."""

import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Demo accounts exist only where a settings module says so; production never does.
DEMO_ACCOUNTS = False

INSTALLED_APPS = [
    "coopplan.apps.CoopplanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_filters",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "agreements",
    "tasks",
    "reports",
    "backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coopplan.observability.RequestIdMiddleware",
    # Django's, which never turns a committed save into an error page (coopplan/sessions.py).
    "coopplan.sessions.SessionMiddleware",
    # An htmx request sent to the login page gets a whole-page navigation (coopplan/htmx.py).
    "coopplan.htmx.HtmxLoginRedirectMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coopplan.htmx.HtmxMessagesMiddleware",
    # A file answered to a download link tells the page it started (coopplan/downloads.py).
    "coopplan.downloads.DownloadCookieMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the person with their agency and unread count (one query).
    "coopplan.auth.UserBackend",
]

# Throttle guessing: 5 failures lock that username from that address for 15 minutes. Locking on
# username and address together keeps one office behind a proxy from being locked out at once.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind nginx REMOTE_ADDR is the proxy: the client's address comes from X-Forwarded-For, but only
# when the request comes from one of these proxies (addresses or networks, comma-separated), and
# only the part of the header those proxies wrote (coopplan/client_ip.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: “{_proxy}” không phải địa chỉ IP hay dải mạng hợp lệ."
        ) from _error
AXES_CLIENT_IP_CALLABLE = "coopplan.client_ip.client_ip"

# Only the app's own files: no CDN, no inline script, nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "coopplan.urls"

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
                "accounts.context_processors.navigation",
                "reports.context_processors.notifications",
            ],
        },
    },
]

# Django's form templates, the common widgets, labels and error lists written in Python.
FORM_RENDERER = "coopplan.form_renderer.FastTemplates"

WSGI_APPLICATION = "coopplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL phải trỏ tới PostgreSQL hoặc SQLite.")

# Covering indexes (``Index(include=…)``, tasks.Task) are PostgreSQL's; SQLite builds the same
# index without the extra columns, which is all it needs at its sizes.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
# Vietnamese only: the screens have no other translation, and a browser set to English must not
# turn "12.000.000" into "12,000,000" on a Vietnamese page.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["coopplan.formats"]
# A filter left empty reads "— Tất cả —", not "---------" (agreements/choices.py: edit forms
# read "— Chọn —").
FILTERS_EMPTY_CHOICE_LABEL = "— Tất cả —"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the static root and are served only through permission checks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
# Plain storages here (dev, test: no collectstatic needed); production hashes and compresses.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The TrueType fonts are for the PDF renderer, which reads them from static/; browsers never
# ask for them, and compressing them (brotli) was most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A session lasts SESSION_COOKIE_AGE from login (or until the browser closes). It is not rewritten
# on every request: a write after the view has committed is one more way for a database restart to
# turn a saved form into an error page (coopplan/sessions.py).
SESSION_SAVE_EVERY_REQUEST = False
# An uploaded report workbook waits for its preview to be confirmed; one left unconfirmed is
# deleted after this many hours (agreements.uploads.pending_files_cleanup; cron: uploads_cleanup).
PENDING_UPLOAD_MAX_AGE_HOURS = float(os.environ.get("PENDING_UPLOAD_MAX_AGE_HOURS", "24"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "coopplan@localhost")

# Long documents (a round summary over hundreds of tasks) are built by a worker process:
# `python manage.py db_worker`. Smaller ones are rendered during the request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EXPORT_INLINE_MAX_TASKS = int(os.environ.get("EXPORT_INLINE_MAX_TASKS", "300"))
# A round summary PDF costs ~150 ms plus ~13 ms a task of layout (WeasyPrint) on an idle core,
# several times that under load, and holds a sync gunicorn worker meanwhile: only a small round's
# (a few hundred ms) is built in the request; the seed rounds' (50–60 tasks) go to the worker.
EXPORT_INLINE_MAX_PDF_TASKS = int(os.environ.get("EXPORT_INLINE_MAX_PDF_TASKS", "20"))
# ... and at most this much text (about 40 printed pages); more goes to the background worker.
EXPORT_INLINE_MAX_CHARS = int(os.environ.get("EXPORT_INLINE_MAX_CHARS", "120000"))
# After an issued plan changes, the worker builds its PDF, XLSX and DOCX before anyone asks, so
# the first click finds them ready (reports.jobs.documents_rebuild); off: only what was asked for.
DOCUMENTS_BUILD_AHEAD = env_bool("DOCUMENTS_BUILD_AHEAD", True)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Readable lines on the console; production switches the same handler to JSON lines. Every
# formatter passes its lines through coopplan.observability.redact (no secret of an address in a
# log), and Django's own loggers write through this handler only.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "coopplan.observability.RequestIdFilter"}},
    "formatters": {
        "console": {
            "class": "coopplan.observability.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "console",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults add handlers of their own (runserver's lines, DEBUG's console).
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
