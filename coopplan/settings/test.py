"""Test settings: fast hashing, in-memory mail, demo accounts allowed."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
DEMO_ACCOUNTS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
AXES_ENABLED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
