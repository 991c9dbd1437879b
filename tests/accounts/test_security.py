"""Login throttling, CSRF, session expiry and the Content-Security-Policy."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from devdata.demo import demo_reports_load

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_login_page_is_vietnamese(client):
    html = client.get(LOGIN).content.decode()
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_repeated_failed_logins_are_throttled_per_username_and_address(client, coordinator):
    from tests.factories import make_user

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": "coordinator", "password": "sai"})
        assert response.status_code == 200
        assert "không đúng" in response.content.decode()
    locked = client.post(LOGIN, {"username": "coordinator", "password": "sai"})
    assert locked.status_code == 429
    assert "Tạm khóa" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(LOGIN, {"username": "coordinator", "password": "pw-for-tests-1"})
    assert again.status_code == 429
    # A colleague in the same office (same address) still gets in.
    make_user("colleague", "leader", coordinator.province, None)
    colleague = Client()
    response = colleague.post(LOGIN, {"username": "colleague", "password": "pw-for-tests-1"})
    assert response.status_code == 302


def test_correct_login_works_and_sessions_expire(client, coordinator):
    from django.contrib.sessions.models import Session

    response = client.post(LOGIN, {"username": "coordinator", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No Max-Age, no Expires: the browser drops the cookie when it closes.
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.get("/rounds/").status_code == 200

    def clock_moves_on(seconds: int) -> None:
        # The database backend compares a session's expiry date with now: moving that date back
        # is the clock moving forward, for this session only.
        session = Session.objects.get(session_key=cookie.value)
        session.expire_date -= timedelta(seconds=seconds)
        session.save()

    clock_moves_on(settings.SESSION_COOKIE_AGE - 60)  # a minute before the end: still in
    assert client.get("/rounds/").status_code == 200
    clock_moves_on(61)  # the session's age has passed since login
    response = client.get("/rounds/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/rounds/"


def test_posts_without_csrf_token_are_refused(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post("/rounds/new/", {"request_number": "1/UBND-ĐN"})
    assert response.status_code == 403


def test_content_security_policy_allows_only_own_files(client, coordinator):
    client.force_login(coordinator)
    policy = client.get("/rounds/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_logout_and_password_change(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/accounts/password_change/").status_code == 200
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-for-tests-1",
            "new_password1": "Hop-tac-Viet-Lao-2026",
            "new_password2": "Hop-tac-Viet-Lao-2026",
        },
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert client.get("/rounds/").status_code == 302


def test_demo_round_is_alive(client, coordinator):
    from agreements.models import Agency
    from tests.factories import make_user

    make_user(
        "ct_demo",
        "reporter",
        coordinator.province,
        Agency.objects.get(province=coordinator.province, name="Sở Công thương"),
    )
    lines = demo_reports_load()
    assert len(lines) == 5
    assert demo_reports_load() == []  # once only
    from reports.models import ReportingRound

    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    client.force_login(coordinator)
    response = client.get(f"/rounds/{reporting_round.pk}/")
    counts = {key: count for key, _, count in response.context["counts"]}
    assert counts["accepted"] == 2
    assert counts["submitted"] == 1
    assert counts["returned"] == 1
    assert counts["draft"] == 1
    assert counts["overdue"] > 0  # the deadline 15/9/2022 has passed for the others
    assert counts["not_started"] == counts["overdue"] - 2  # returned and draft are late too
