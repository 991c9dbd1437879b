"""A database restart between the view's commit and the session write: the user gets the page.

Django writes the session after the view. When PostgreSQL goes away in between, the write fails
(the session backend calls it "session was deleted") and Django answered a bare 400 although the
view's work was saved. Here the session row cannot be written (``Session.save`` raises what
psycopg raises on a dropped connection) while the view commits.
"""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError

from accounts.models import User
from agreements.models import Agency, Plan
from tests.tasks.test_import_views import plan_docx, upload

pytestmark = pytest.mark.django_db

DROPPED = OperationalError("server closed the connection unexpectedly")


@contextmanager
def session_writes_fail(times: int | None = None):
    """Every write of a session row fails (or the first ``times`` ones); reads still work."""
    real_save = Session.save
    failures = []

    def save(self, *args, **kwargs):
        if times is None or len(failures) < times:
            failures.append(self.session_key)
            raise DROPPED
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Session, "save", autospec=True, side_effect=save):
        yield failures


def test_a_committed_save_gets_its_page_while_the_session_cannot_be_written(
    coordinator_client, coordinator
):
    old_token = coordinator.calendar_token_rotate()
    with session_writes_fail() as failures:
        response = coordinator_client.post("/calendar/")

    assert response.status_code == 302 and response["Location"] == "/calendar/"
    coordinator.refresh_from_db()
    assert coordinator.calendar_token and coordinator.calendar_token != old_token
    assert failures == []  # nothing asked to write the unchanged session
    # Still logged in, with the message of the save.
    page = coordinator_client.get("/calendar/")
    assert page.status_code == 200
    assert "Đã tạo địa chỉ lịch mới" in page.content.decode()


def test_a_session_change_after_a_committed_import_is_retried_then_the_page_answers(
    coordinator_client, quang_tri
):
    assert upload(coordinator_client, plan_docx()).status_code == 302
    sport = Agency.objects.get(province=quang_tri, name="Sở Văn hóa, Thể thao và Du lịch")

    # The import commits, then removes the pending file from the session: that write fails once
    # (a dropped connection) and succeeds on a fresh one.
    with session_writes_fail(times=1) as failures:
        done = coordinator_client.post("/plans/import/preview/", {"map-0": sport.pk})

    assert len(failures) == 1
    plan = Plan.objects.get(province=quang_tri, number="30/KH-UBND")
    assert done.status_code == 302 and done["Location"] == f"/plans/{plan.pk}/"
    # The session was written on the second try: nothing is pending any more.
    assert "plan_import" not in coordinator_client.session
    assert coordinator_client.get("/plans/import/preview/").status_code == 302


def test_when_the_session_stays_unwritable_the_committed_page_still_answers(
    coordinator_client, quang_tri
):
    assert upload(coordinator_client, plan_docx(), number="31/KH-UBND").status_code == 302
    sport = Agency.objects.get(province=quang_tri, name="Sở Văn hóa, Thể thao và Du lịch")

    with session_writes_fail() as failures:
        done = coordinator_client.post("/plans/import/preview/", {"map-0": sport.pk})

    assert len(failures) == 2  # tried twice
    plan = Plan.objects.get(province=quang_tri, number="31/KH-UBND")
    assert done.status_code == 302 and done["Location"] == f"/plans/{plan.pk}/"
    assert User.objects.filter(username="coordinator").exists()


def test_a_session_lasts_its_age_from_login_and_pages_do_not_rewrite_it(client, coordinator):
    from django.conf import settings

    assert (
        client.post(
            "/accounts/login/", {"username": "coordinator", "password": "pw-for-tests-1"}
        ).status_code
        == 302
    )
    session = Session.objects.get()
    with session_writes_fail() as failures:
        assert client.get("/calendar/").status_code == 200
        assert client.get("/plans/").status_code == 200
    assert failures == []
    assert Session.objects.get().expire_date == session.expire_date
    logged_in = User.objects.get(username="coordinator").last_login
    age = (session.expire_date - logged_in).total_seconds()
    assert abs(age - settings.SESSION_COOKIE_AGE) < 60
