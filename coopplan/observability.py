"""Request ids in logs, for Django and for gunicorn's access log.

nginx gives every request an id (``proxy_set_header X-Request-ID $request_id``); the middleware
takes it, or makes one when the app runs without nginx, keeps it for the log records written
while the request is handled and returns it in the response's ``X-Request-ID`` header, so that
one line of gunicorn's access log and every line the request logged share the same id.

Secrets in addresses (a calendar feed's token, a ``?token=`` …) never reach a log line: every
handler, Django's and gunicorn's, formats through ``RedactingFormatter`` or
``RedactingJsonFormatter``, which pass the finished line through ``redact``. Redacting the
finished line covers the message, its arguments, extra fields (``request`` is printed as
``<WSGIRequest: GET '/calendar/…'>``) and tracebacks alike. A new URL that carries a secret adds
its pattern to ``SECRET_IN_PATH``; tests/test_log_redaction.py fails for a route with a text
parameter that is neither listed there nor known to be harmless.

This module imports nothing from Django: gunicorn's master process loads the access-log filter.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str] = ContextVar("request_id", default="-")
# Ids from outside are echoed into logs and headers: accept only short, plain tokens.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


REDACTED = "[redacted]"
# The secret part of an address, as (pattern, replacement). Slashes may come percent-encoded
# (a ``?next=`` or a referer quoting the address).
_SLASH = r"(?:/|%2[Ff])"
SECRET_IN_PATH: list[tuple[re.Pattern[str], str]] = [
    # reports:calendar_feed, /calendar/<token>.ics (also as webcal://…).
    (
        re.compile(
            rf"({_SLASH}calendar{_SLASH})[^/?#&\s\"'<>\\]+?(\.ics)?(?=[/?#&\s\"'<>\\]|$)",
            re.IGNORECASE,
        ),
        rf"\g<1>{REDACTED}\g<2>",
    ),
]
# Query parameters (and form fields logged as text) that hold a secret, whatever the page.
SECRET_PARAMETERS = (
    "token",
    "access_token",
    "refresh_token",
    "key",
    "api_key",
    "apikey",
    "secret",
    "password",
    "passwd",
    "signature",
    "sig",
    "code",
    "sessionid",
    "csrftoken",
    "csrfmiddlewaretoken",
)
_SECRET_PARAMETER = re.compile(
    r"((?:^|[?&;\s\"'])(?:%s)=)[^&;#\s\"'<>]*" % "|".join(SECRET_PARAMETERS),  # noqa: UP031
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with every secret of an address replaced by ``[redacted]``."""
    if not text:
        return text
    for pattern, replacement in SECRET_IN_PATH:
        text = pattern.sub(replacement, text)
    return _SECRET_PARAMETER.sub(rf"\g<1>{REDACTED}", text)


class RedactingFormatter(logging.Formatter):
    """The console's text lines, secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines (production, gunicorn), secrets redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


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
