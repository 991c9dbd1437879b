"""Local development: `make run`. SQLite unless DATABASE_URL says otherwise."""

from .base import *

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
DEMO_ACCOUNTS = True
# Seed, demo accounts and reports, national-scale data: `make seed`, `make bench`.
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
