"""Files between two requests: an uploaded workbook waiting for its preview to be confirmed,
and a marked copy waiting to be downloaded.

Kept in the default storage under an unguessable name, and reachable only through the
session that uploaded it (the token is looked up there, never trusted from the URL alone).
A session keeps its last ``KEEP`` files; older ones are deleted as new ones arrive.

A preview left unconfirmed (the tab closed, the session expired) leaves its file behind:
``pending_cleanup`` deletes every file older than ``settings.PENDING_UPLOAD_MAX_AGE_HOURS``,
whoever stored it. It runs each time a file is stored and from cron
(``manage.py uploads_cleanup``), so abandoned uploads never pile up even when nobody
uploads for weeks.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

from agreements.uploads import pending_files_cleanup

SESSION_KEY = "report_workbooks"
KEEP = 60
PENDING = "pending"
MARKED = "marked"
FOLDER = "workbooks"

logger = logging.getLogger(__name__)


class PendingGone(Http404):
    """The session's file is no longer stored (deleted as too old): the user uploads again."""


def pending_cleanup(*, max_age: timedelta | None = None, now: datetime | None = None) -> int:
    """Delete the stored workbooks older than ``max_age`` (the setting by default); how many."""
    return pending_files_cleanup(FOLDER, max_age=max_age, now=now)


def pending_store(request, *, data: bytes, kind: str, round_id: int, name: str) -> str:
    token = secrets.token_urlsafe(18)
    path = default_storage.save(f"{FOLDER}/{token}.xlsx", ContentFile(data))
    files = dict(request.session.get(SESSION_KEY, {}))
    files[token] = {"path": path, "kind": kind, "round": round_id, "name": name[:200]}
    while len(files) > KEEP:
        oldest = next(iter(files))
        default_storage.delete(files.pop(oldest)["path"])
    request.session[SESSION_KEY] = files
    pending_cleanup()  # others' abandoned uploads too, not only this session's
    return token


def pending_get(request, token: str, *, kind: str, round_id: int) -> tuple[bytes, str]:
    """(bytes, original name) of this session's file; 404 if it is not this session's, and
    ``PendingGone`` if it was but has been deleted since (too old)."""
    item = request.session.get(SESSION_KEY, {}).get(token)
    if not item or item["kind"] != kind or item["round"] != round_id:
        raise Http404
    try:
        with default_storage.open(item["path"], "rb") as handle:
            return handle.read(), item["name"]
    except OSError:
        raise PendingGone from None


def pending_drop(request, token: str) -> None:
    files = dict(request.session.get(SESSION_KEY, {}))
    item = files.pop(token, None)
    if item:
        default_storage.delete(item["path"])
        request.session[SESSION_KEY] = files
