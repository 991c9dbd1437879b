"""Files between two requests: an uploaded workbook waiting for its preview to be confirmed,
and a marked copy waiting to be downloaded.

Kept in the default storage under an unguessable name, and reachable only through the
session that uploaded it (the token is looked up there, never trusted from the URL alone).
A session keeps its last ``KEEP`` files; older ones are deleted as new ones arrive.
"""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404

SESSION_KEY = "report_workbooks"
KEEP = 60
PENDING = "pending"
MARKED = "marked"


def pending_store(request, *, data: bytes, kind: str, round_id: int, name: str) -> str:
    token = secrets.token_urlsafe(18)
    path = default_storage.save(f"workbooks/{token}.xlsx", ContentFile(data))
    files = dict(request.session.get(SESSION_KEY, {}))
    files[token] = {"path": path, "kind": kind, "round": round_id, "name": name[:200]}
    while len(files) > KEEP:
        oldest = next(iter(files))
        default_storage.delete(files.pop(oldest)["path"])
    request.session[SESSION_KEY] = files
    return token


def pending_get(request, token: str, *, kind: str, round_id: int) -> tuple[bytes, str]:
    """(bytes, original name) of this session's file, or 404."""
    item = request.session.get(SESSION_KEY, {}).get(token)
    if not item or item["kind"] != kind or item["round"] != round_id:
        raise Http404
    try:
        with default_storage.open(item["path"], "rb") as handle:
            return handle.read(), item["name"]
    except OSError:
        raise Http404 from None


def pending_drop(request, token: str) -> None:
    files = dict(request.session.get(SESSION_KEY, {}))
    item = files.pop(token, None)
    if item:
        default_storage.delete(item["path"])
        request.session[SESSION_KEY] = files
