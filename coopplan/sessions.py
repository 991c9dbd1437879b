"""Sessions that cannot turn a committed save into an error page.

A session is written only when it changes (``SESSION_SAVE_EVERY_REQUEST = False``: a session
lasts ``SESSION_COOKIE_AGE`` from login, it is not renewed on every page). Django's middleware
writes a changed session after the view has run, so when the database goes away in between
(PostgreSQL restarted), the user would get a bare 400 "session was deleted" or a 500 for work
the view had already committed. This middleware tries once more on a fresh connection and then,
if the session still cannot be written, answers what the view answered: the session change is
lost (logged), the committed work is not hidden.
"""

from __future__ import annotations

import logging

from django.contrib.sessions import middleware
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


class SessionMiddleware(middleware.SessionMiddleware):
    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as error:
            first = error
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as error:
            logger.warning(
                "Phiên đăng nhập không lưu được sau %s %s (%s; %s); trả lời như trang đã trả lời.",
                request.method,
                request.path,
                type(first).__name__,
                type(error).__name__,
            )
            return response
