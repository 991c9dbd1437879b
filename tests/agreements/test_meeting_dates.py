"""A meeting's dates follow its date or its printed planned time, whichever way it is written.

Issue 13: the rule was a pre_save signal of the tasks app, invisible from the model; it is now
``Meeting.apply_timeframe``, run by ``Meeting.save``.
"""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Meeting
from agreements.services import meeting_create, meeting_update

pytestmark = pytest.mark.django_db

Q3_2022 = (date(2022, 7, 1), date(2022, 9, 30))


def dates(meeting: Meeting) -> tuple[date | None, date | None]:
    meeting.refresh_from_db()
    return meeting.start_date, meeting.end_date


def test_through_the_services(quang_tri, coordinator):
    meeting = meeting_create(
        province=quang_tri,
        user=coordinator,
        fields={"title": "Hội đàm giữa kỳ", "kind": "mid_term", "timeframe_text": "Quý III/2022"},
    )
    assert dates(meeting) == Q3_2022
    meeting_update(meeting=meeting, user=coordinator, fields={"date": date(2022, 8, 16)})
    assert dates(meeting) == (date(2022, 8, 16), date(2022, 8, 16))
    meeting_update(
        meeting=meeting, user=coordinator, fields={"date": None, "timeframe_text": "quý IV/2023"}
    )
    assert dates(meeting) == (date(2023, 10, 1), date(2023, 12, 31))


def test_through_the_admin(administrator_client, quang_tri):
    response = administrator_client.post(
        reverse("admin:agreements_meeting_add"),
        {"kind": "high_level", "title": "Hội đàm cấp cao 2022", "timeframe_text": "Quý III/2022"},
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    meeting = Meeting.objects.get(title="Hội đàm cấp cao 2022")
    assert meeting.province == quang_tri and dates(meeting) == Q3_2022
    response = administrator_client.post(
        reverse("admin:agreements_meeting_change", args=[meeting.pk]),
        {"kind": "high_level", "title": "Hội đàm cấp cao 2022", "date": "2022-08-16"},
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert dates(meeting) == (date(2022, 8, 16), date(2022, 8, 16))


def test_through_the_model_as_the_seed_loader_writes(quang_tri):
    meeting = Meeting.objects.create(
        province=quang_tri, kind="review", title="Sơ kết", timeframe_text="Quý III/2022"
    )
    assert dates(meeting) == Q3_2022
    meeting.timeframe_text = "Thường xuyên"  # no dates: nothing a calendar could place
    meeting.save(update_fields=["timeframe_text"])
    assert dates(meeting) == (None, None)
