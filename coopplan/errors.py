"""Error pages in Vietnamese, in the app's look, that never need the database to render.

Django's own handlers render ``400.html``, ``403.html`` and ``404.html`` (templates/). One
answer needs code: ``server_error``. When the failure is the database itself (PostgreSQL
restarting, the pool out of connections), the answer is a 503 that says so and asks the user to
reload and check, with ``Retry-After``; any other failure is the plain 500 page. Neither touches
the database or the session: the request that failed may be the one that could not reach them.

Django's CSRF failure view renders ``403_csrf.html`` when it exists: the form came from a stale
page (an expired session, another tab), said as such instead of "CSRF verification failed".
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

# Failures of the connection, not of the statement: a constraint or a bad query is a bug (500).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        if isinstance(error, DatabaseError):
            return False
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template(template_name).render(), status=500)
