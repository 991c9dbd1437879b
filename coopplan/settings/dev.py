"""Local development: `make run`. SQLite unless DATABASE_URL says otherwise."""

from .base import *

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
DEMO_ACCOUNTS = True
# Seed, demo accounts and reports, national-scale data: `make seed`, `make bench`.
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# `make run` starts no background worker: tasks run in the request that queues them (a round
# summary over EXPORT_INLINE_MAX_PDF_TASKS is built before its "being prepared" page shows, which
# then offers the file; the mails of a step go out before its page answers). Building every
# issued plan's documents ahead would then happen inside the request that edits the plan: off
# unless asked for. DEV_TASK_WORKER=1 keeps the queue in the database, for `manage.py db_worker`
# beside the dev server (as in production; `make bench` measures that way).
if not env_bool("DEV_TASK_WORKER", False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    DOCUMENTS_BUILD_AHEAD = env_bool("DOCUMENTS_BUILD_AHEAD", False)
