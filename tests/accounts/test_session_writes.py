"""Issue 14: a request that does not change the session does not write it.

A session lasts its age from login (``SESSION_SAVE_EVERY_REQUEST = False``); reading pages, an
htmx partial, a save with its "Đã lưu" message (kept in a cookie) and the page after it leave the
session row as it was. Logging in and out still write it.
"""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_pages_after_login_do_not_write_the_session(client, coordinator):
    # A real login (through django-axes, which checks for a lockout): it writes the session.
    with CaptureQueriesContext(connection) as login:
        response = client.post(
            "/accounts/login/", {"username": coordinator.username, "password": PASSWORD}
        )
    assert response.status_code == 302
    assert session_writes(login.captured_queries)
    stored = Session.objects.get(session_key=client.cookies["sessionid"].value)

    with CaptureQueriesContext(connection) as browsing:
        for url in ("/", "/rounds/", "/plans/", "/agencies/", "/calendar/", "/dashboard/"):
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
        partial = client.get("/agencies/suggest/", {"q": "so"}, headers={"HX-Request": "true"})
        assert partial.status_code == 200
        # A save whose message goes with the redirect, and the page that shows it.
        saved = client.post("/calendar/", follow=True)
        assert "Đã tạo địa chỉ lịch mới" in saved.content.decode()
        assert client.get("/calendar/").status_code == 200

    assert session_writes(browsing.captured_queries) == []
    after = Session.objects.get(session_key=stored.session_key)
    assert (after.session_data, after.expire_date) == (stored.session_data, stored.expire_date)

    with CaptureQueriesContext(connection) as logout:
        client.post("/accounts/logout/")
    assert session_writes(logout.captured_queries)
    assert not Session.objects.filter(session_key=stored.session_key).exists()
