"""The per-user calendar feed (.ics): what calendar programs subscribe to."""

from datetime import date

import pytest
from icalendar import Calendar

from agreements.models import Meeting, MeetingKind
from tests.factories import make_user
from tests.reports.factories import open_round, reporter_of

pytestmark = pytest.mark.django_db


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def leader(quang_tri):
    return make_user("ld-cal", "leader", quang_tri, None)


def subscribe(client, user) -> str:
    """Open the calendar page as ``user`` and return the feed address it shows."""
    client.force_login(user)
    page = client.get("/calendar/")
    assert page.status_code == 200
    url = page.context["feed_url"]
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    assert url in page.content.decode()
    client.logout()
    return url.removeprefix("http://testserver")


def test_feed_holds_the_users_meetings_and_deadlines_without_login(
    client, leader, coordinator, coordinator_kh, quang_tri, khanh_hoa
):
    Meeting.objects.create(
        province=quang_tri,
        kind=MeetingKind.HIGH_LEVEL,
        title="Hội đàm thường niên với tỉnh Salavan",
        date=date(2027, 3, 10),
        place="Đông Hà",
    )
    Meeting.objects.create(
        province=khanh_hoa,
        kind=MeetingKind.HIGH_LEVEL,
        title="Hội nghị của tỉnh khác",
        date=date(2027, 3, 10),
    )
    open_round(coordinator, number="91/UBND-ĐN", deadline=date(2027, 1, 15))
    open_round(
        coordinator_kh, numbers=("592/KH-UBND",), number="92/UBND-ĐN", deadline=date(2027, 1, 15)
    )
    url = subscribe(client, leader)

    found = events(client.get(url))  # anonymous: a calendar program does not log in

    talks = found["Hội đàm thường niên với tỉnh Salavan"]
    assert talks.decoded("DTSTART") == date(2027, 3, 10)
    assert talks.decoded("DTEND") == date(2027, 3, 11)  # all-day, end exclusive
    assert str(talks["LOCATION"]) == "Đông Hà"
    assert found["Hạn nộp báo cáo đợt 91/UBND-ĐN"].decoded("DTSTART") == date(2027, 1, 15)
    assert "Hội nghị của tỉnh khác" not in found
    assert "Hạn nộp báo cáo đợt 92/UBND-ĐN" not in found
    # Every event keeps its UID across fetches, so calendars update rather than duplicate.
    again = events(client.get(url))
    assert {str(e["UID"]) for e in again.values()} == {str(e["UID"]) for e in found.values()}


def test_a_planned_meeting_spans_its_planned_time_and_says_so(client, leader, quang_tri):
    Meeting.objects.create(
        province=quang_tri,
        kind=MeetingKind.REVIEW,
        title="Hội nghị sơ kết",
        timeframe_text="Quý II/2027",
    )
    found = events(client.get(subscribe(client, leader)))
    planned = found["Dự kiến Quý II/2027: Hội nghị sơ kết"]
    assert planned.decoded("DTSTART") == date(2027, 4, 1)
    assert planned.decoded("DTEND") == date(2027, 7, 1)


def test_a_reporter_sees_only_rounds_its_agency_owes(client, coordinator, quang_tri):
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "cal-rep")
    open_round(coordinator, number="93/UBND-ĐN", deadline=date(2027, 2, 1))
    url = subscribe(client, reporter)
    found = events(client.get(url))
    assert "Hạn nộp báo cáo đợt 93/UBND-ĐN" in found


def test_forged_or_rotated_token_gets_404(client, leader):
    old = subscribe(client, leader)
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    client.force_login(leader)
    response = client.post("/calendar/")
    assert response.status_code == 302
    client.logout()
    assert client.get(old).status_code == 404
    new = subscribe(client, leader)
    assert new != old
    assert client.get(new).status_code == 200


def test_deactivated_user_feed_stops(client, leader):
    url = subscribe(client, leader)
    leader.is_active = False
    leader.save()
    assert client.get(url).status_code == 404


def test_token_is_not_kept_in_history(client, leader):
    subscribe(client, leader)
    leader.refresh_from_db()
    assert leader.calendar_token
    assert not hasattr(leader.history.first(), "calendar_token")
