"""Production: everything from the environment, refuses to start without a secret key.

`python manage.py check --deploy --settings=coopplan.settings.production` reports no issue with
SECRET_KEY (≥ 50 random characters) and ALLOWED_HOSTS set; `tests/test_production.py` keeps it so.
"""

import copy

from .base import *

DEBUG = env_bool("DEBUG", False)
DEMO_ACCOUNTS = False
# Development data (load_seed, generate_scale_data …) is not installed unless asked for: the load
# test loads the seed into its production-settings database with COOPPLAN_DEVDATA=1. Demo
# accounts stay refused either way (DEMO_ACCOUNTS).
if env_bool("COOPPLAN_DEVDATA", False):
    INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY chưa được đặt trong biến môi trường.")

# HTTPS ends at nginx, which says so in X-Forwarded-Proto. The *_SECURE and SSL_REDIRECT knobs
# exist so that a loopback run (load test) works over plain http.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer probes /healthz over plain http, on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The header only makes the domain eligible; nothing is preloaded unless someone submits it
# at hstspreload.org. SECURE_HSTS_PRELOAD=0 drops it (check --deploy then warns, W021).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Static files: WhiteNoise serves what `collectstatic` gathered into STATIC_ROOT, names hashed
# (cached for ever by browsers) and pre-compressed. The PDF renderer does not depend on it: it
# reads fonts and CSS from the source folders (tasks/exporters/pdf.py).
MIDDLEWARE = [
    MIDDLEWARE[0],  # SecurityMiddleware first, as WhiteNoise asks
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded files are served only through permission checks: never inside the static root.
if Path(MEDIA_ROOT).resolve().is_relative_to(Path(STATIC_ROOT).resolve()) or Path(
    STATIC_ROOT
).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()):
    raise ImproperlyConfigured("MEDIA_ROOT và STATIC_ROOT phải là hai thư mục tách biệt.")

# PostgreSQL: a psycopg connection pool per process (gunicorn worker, db_worker). Django requires
# CONN_MAX_AGE = 0 with it. Behind PgBouncer in transaction mode: DB_POOL=0 and
# DB_DISABLE_SERVER_SIDE_CURSORS=1 (a server-side cursor does not survive between transactions).
DATABASES = copy.deepcopy(DATABASES)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DB_DISABLE_SERVER_SIDE_CURSORS", False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "4")),
        # Seconds a request waits for a free connection before failing.
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }

# JSON lines on stdout (journald or the container runtime collects them), with the request id.
LOGGING = copy.deepcopy(LOGGING)
LOGGING["formatters"]["json"] = {
    "()": "coopplan.observability.RedactingJsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": True,
}
LOGGING["handlers"]["console"]["formatter"] = "json"
LOGGING["handlers"]["console"]["stream"] = "ext://sys.stdout"
