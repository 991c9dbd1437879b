"""Test settings: fast hashing, in-memory mail, demo accounts allowed."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
DEMO_ACCOUNTS = True
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# TEST_MEDIA_ROOT: a second installation in a subprocess (tests/test_backup.py restores into it).
# Each pytest-xdist worker (gw0, gw1 …) has its own folder, as it has its own test database.
MEDIA_ROOT = Path(
    os.environ.get("TEST_MEDIA_ROOT")
    or BASE_DIR / "var" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
)
AXES_ENABLED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
