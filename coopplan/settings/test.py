"""Test settings: fast hashing, in-memory mail, demo accounts allowed."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
DEMO_ACCOUNTS = True
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# TEST_MEDIA_ROOT: a second installation in a subprocess (tests/test_backup.py restores into it).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or BASE_DIR / "var" / "test-media")
AXES_ENABLED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
