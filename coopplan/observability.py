"""Request ids in logs, for Django and for gunicorn's access log.

nginx gives every request an id (``proxy_set_header X-Request-ID $request_id``); the middleware
takes it, or makes one when the app runs without nginx, keeps it for the log records written
while the request is handled and returns it in the response's ``X-Request-ID`` header, so that
one line of gunicorn's access log and every line the request logged share the same id.

This module imports nothing from Django: gunicorn's master process loads the access-log filter.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str] = ContextVar("request_id", default="-")
# Ids from outside are echoed into logs and headers: accept only short, plain tokens.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs errors after the middleware has returned, with the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


class GunicornAccessFilter(logging.Filter):
    """Turns gunicorn's access-log atoms (the record's args) into fields of the JSON line."""

    FIELDS = {
        "remote_ip": "h",
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "referer": "f",
        "user_agent": "a",
        "request_id": "{x-request-id}o",
        "forwarded_for": "{x-forwarded-for}i",
    }

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if not isinstance(atoms, dict):
            return True
        for field, atom in self.FIELDS.items():
            value = atoms[atom]  # gunicorn's SafeAtoms: "-" when missing
            if value in (None, "-", ""):
                continue
            if isinstance(value, str):
                value = value.replace('\\"', '"')  # SafeAtoms escaped quotes for its text format
            if field == "status" and str(value).isdigit():
                value = int(value)
            setattr(record, field, value)
        return True
