"""A user's calendar feed (.ics): meetings, plans' report deadlines and reporting rounds.

Calendar programs (Outlook, Google Calendar, Thunderbird, phones) subscribe to an address and
fetch it on their own, without logging in; the address carries the user's secret token, and the
feed holds exactly what that user may see (the same ``visible_to`` querysets as the pages).
Events are all-day: the documents give days, not hours.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agreements.models import ReportDeadline
from agreements.permissions import meetings_visible_to, plans_visible_to

from .dashboard import meeting_label
from .permissions import rounds_visible_to


def _domain() -> str:
    site = getattr(settings, "SITE_URL", "") or "coopplan.local"
    return site.split("://", 1)[-1].strip("/") or "coopplan.local"


def _event(uid: str, summary: str, start: date, end: date | None, **extra) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", start)
    # DTEND of an all-day event is exclusive: the day after the last day.
    event.add("dtend", (end if end and end >= start else start) + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    for key, value in extra.items():
        if value:
            event.add(key, value)
    return event


def calendar_feed(user) -> bytes:
    """The iCalendar document of ``user``'s meetings and deadlines, past ones included.

    Past events stay so that last month's meeting does not vanish from the calendar; a province
    has a few dozen such events a year, so the feed stays small."""
    cal = Calendar()
    cal.add("prodid", "-//coopplan//Ke hoach hop tac//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add(
        "x-wr-calname", _("coopplan: lịch hợp tác của %(name)s") % {"name": user.get_username()}
    )
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})

    for meeting in meetings_visible_to(user).exclude(start_date=None).order_by("start_date", "pk"):
        if meeting.start_date is None:  # never, as filtered: for mypy
            continue
        cal.add_component(
            _event(
                f"meeting-{meeting.pk}",
                meeting_label(meeting),
                meeting.start_date,
                meeting.end_date,
                location=meeting.place,
                description=meeting.conclusions,
            )
        )
    plans = plans_visible_to(user)
    for deadline in (
        ReportDeadline.objects.filter(plan__in=plans).select_related("plan").order_by("date", "pk")
    ):
        cal.add_component(
            _event(
                f"deadline-{deadline.pk}",
                _("Hạn báo cáo theo %(number)s") % {"number": deadline.plan.number},
                deadline.date,
                None,
                description=deadline.text,
            )
        )
    for reporting_round in rounds_visible_to(user).order_by("deadline", "pk"):
        cal.add_component(
            _event(
                f"round-{reporting_round.pk}",
                _("Hạn nộp báo cáo đợt %(number)s") % {"number": reporting_round.request_number},
                reporting_round.deadline,
                None,
                description=reporting_round.summary,
            )
        )
    return cal.to_ical()
