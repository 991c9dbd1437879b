"""Reminder e-mails to agencies that still owe a report in an open round (run daily by cron).

An agency is reminded at most once a day per round: the ``ReminderLog`` row is written in the
same transaction as the mail is sent, so a failed send leaves no log and is retried next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agreements.models import Agency

from .models import HANDED_IN, ReminderLog, Report, ReportingRound, RoundStatus
from .selectors import round_owing_agencies

logger = logging.getLogger(__name__)

SUBJECT_TEMPLATE = "reports/email/reminder_subject.txt"
BODY_TEMPLATE = "reports/email/reminder_body.txt"


@dataclass(frozen=True)
class Sent:
    """One reminder sent (or, in a dry run, that would be sent) to one agency for one round."""

    round: ReportingRound
    agency: Agency
    recipients: list[str]
    days_left: int  # negative when the deadline has passed

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def reminder_rounds(*, today: date, days: int):
    """Open rounds whose deadline is at most ``days`` days away, or already past."""
    return (
        ReportingRound.objects.filter(
            status=RoundStatus.OPEN, deadline__lte=today + timedelta(days=days)
        )
        .select_related("province")
        .order_by("deadline", "request_number", "pk")
    )


def reminder_agencies(reporting_round: ReportingRound, *, today: date) -> list[Agency]:
    """Agencies owing a report not yet handed in, and not already reminded today."""
    handed_in = Report.objects.filter(reporting_round=reporting_round, status__in=HANDED_IN).values(
        "agency_id"
    )
    reminded = ReminderLog.objects.filter(reporting_round=reporting_round, day=today).values(
        "agency_id"
    )
    return list(
        round_owing_agencies(reporting_round)
        # A lead agency of another province would be a data error; never mail it.
        .filter(province_id=reporting_round.province_id)
        .exclude(pk__in=handed_in)
        .exclude(pk__in=reminded)
    )


def reminder_recipients(agency: Agency) -> list[str]:
    """The agency's own address, then its active reporters' addresses; no duplicates."""
    candidates = [agency.email]
    candidates += (
        User.objects.filter(agency=agency, role=Role.REPORTER, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    seen: set[str] = set()
    recipients = []
    for address in candidates:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(address)
    return recipients


def round_link(reporting_round: ReportingRound) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "reports:round_detail", args=[reporting_round.pk]
    )


def reminder_message(
    reporting_round: ReportingRound, agency: Agency, recipients: list[str], *, today: date
) -> EmailMessage:
    report = Report.objects.filter(reporting_round=reporting_round, agency=agency).first()
    days_left = (reporting_round.deadline - today).days
    context = {
        "reporting_round": reporting_round,
        "agency": agency,
        "report": report,
        "days_left": days_left,
        "overdue_days": max(0, -days_left),
        "link": round_link(reporting_round),
    }
    # A header cannot hold a line break: the subject template is folded onto one line.
    subject = " ".join(render_to_string(SUBJECT_TEMPLATE, context).split())
    body = render_to_string(BODY_TEMPLATE, context).strip() + "\n"
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients
    )


class RemindersFailed(Exception):
    """Some sends failed (after every agency was tried); those agencies were not logged."""

    def __init__(self, sent: list[Sent], failures: list[str]):
        self.sent = sent
        self.failures = failures
        super().__init__("; ".join(failures))


def reminders_send(
    *,
    today: date,
    days: int,
    dry_run: bool = False,
    warn: Callable[[str], None] | None = None,
) -> list[Sent]:
    """Remind every agency that owes a report in an open round due within ``days`` of ``today``.

    Returns what was sent (in a dry run: what would be sent; nothing is sent nor logged).
    An agency without any address is reported through ``warn`` (the log by default) and is not
    logged, so it is tried again once an address is added. A failed send is not logged either;
    the other agencies are still tried, then ``RemindersFailed`` is raised.
    """
    warn = warn or logger.warning
    sent: list[Sent] = []
    failures: list[str] = []
    for reporting_round in reminder_rounds(today=today, days=days):
        days_left = (reporting_round.deadline - today).days
        for agency in reminder_agencies(reporting_round, today=today):
            names = {"round": reporting_round.request_number, "agency": agency.name}
            recipients = reminder_recipients(agency)
            if not recipients:
                warn(
                    _(
                        "Đợt %(round)s: %(agency)s chưa có địa chỉ thư điện tử (của cơ quan "
                        "hoặc cán bộ báo cáo), không gửi được thư nhắc."
                    )
                    % names
                )
                continue
            if not dry_run:
                try:
                    with transaction.atomic():
                        ReminderLog.objects.create(
                            reporting_round=reporting_round,
                            agency=agency,
                            day=today,
                            recipients=", ".join(recipients),
                        )
                        reminder_message(reporting_round, agency, recipients, today=today).send()
                except IntegrityError:
                    continue  # a concurrent run reminded this agency a moment ago
                except Exception as error:
                    logger.exception("Reminder to %s failed", agency.name)
                    failures.append(
                        _("Đợt %(round)s: gửi thư nhắc cho %(agency)s bị lỗi: %(error)s")
                        % {**names, "error": error}
                    )
                    continue
            sent.append(Sent(reporting_round, agency, recipients, days_left))
    if failures:
        raise RemindersFailed(sent, failures)
    return sent
