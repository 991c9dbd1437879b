"""Telling people what concerns them: in the app ("Thông báo") and by e-mail.

Who is told:

- a round opens: the reporters of every agency that leads or coordinates a task of its plans
  (its tasks, the deadline, the link);
- a report is returned: the reporters of its agency, with the reviewer's comment;
- a report is accepted: the reporters of its agency (with the comment, if any);
- a report is submitted: the coordinators of the round's province.

The one who acted is never told of their own step. The notifications are written in the
transaction of the step (``reports/services.py`` calls the ``notify_*`` functions), so a step
refused or rolled back tells no one. The mails go after the commit, through the worker
(``reports.jobs.notification_emails_send``); a mail that fails is logged and never undoes nor
fails the step. Each person may turn e-mail off per kind (``EmailOptOut``); the notification is
still shown in the app.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Role, User
from agreements.models import AgencyKind
from agreements.official import date_short
from tasks.models import Task, TaskLead

from .models import EmailOptOut, Notification, NotificationKind, Report, ReportingRound

if TYPE_CHECKING:
    from accounts.permissions import AnyUser

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[coopplan] "
BODY_TEMPLATE = "reports/email/notification_body.txt"
# A round over a long plan: the mail and the notification list this many tasks, then a count.
TASKS_LISTED = 30
TASK_CHARS = 160

# The kinds each role can be told about: what the settings page offers.
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.REPORTER: (
        NotificationKind.ROUND_OPENED,
        NotificationKind.REPORT_RETURNED,
        NotificationKind.REPORT_ACCEPTED,
    ),
    Role.COORDINATOR: (NotificationKind.REPORT_SUBMITTED,),
}


def kinds_for(user: AnyUser) -> tuple[str, ...]:
    return KINDS_BY_ROLE.get(getattr(user, "role", ""), ())


# -- who is told ------------------------------------------------------------------------------


def _reporters(agency_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(
        agency_id__in=list(agency_ids), role=Role.REPORTER, is_active=True
    ).order_by("pk")


def _coordinators(province_id: int) -> QuerySet[User]:
    return User.objects.filter(
        province_id=province_id, role=Role.COORDINATOR, is_active=True
    ).order_by("pk")


def _create(rows: Sequence[Notification]) -> list[Notification]:
    """Write the notifications now; mail them once the step has committed."""
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        transaction.on_commit(lambda: _enqueue_emails(ids))
    return created


def _enqueue_emails(ids: list[int]) -> None:
    try:
        from .jobs import notification_emails_send

        notification_emails_send.enqueue(ids)
    except Exception:  # the step is done: a mail that cannot be queued is logged, not raised
        logger.exception("Không xếp được thư thông báo %s vào hàng đợi", ids)


# -- the steps --------------------------------------------------------------------------------


def _round_agency_tasks(reporting_round: ReportingRound) -> dict[int, list[Task]]:
    """Tasks of the round's plans per agency that leads or coordinates them, in plan order
    (three queries); agencies of another province and printed collectives are left out."""
    tasks = {
        t.pk: t
        for t in Task.objects.filter(plan__in=reporting_round.plans.all())
        .select_related("plan")
        .order_by("plan__date", "plan_id", "position", "pk")
    }
    by_agency: dict[int, set[int]] = defaultdict(set)
    links = (
        TaskLead.objects.filter(task_id__in=list(tasks)),
        Task.coordinating_agencies.through.objects.filter(task_id__in=list(tasks)),
    )
    for queryset in links:
        pairs = (
            queryset.filter(agency__province_id=reporting_round.province_id)
            .exclude(agency__kind=AgencyKind.GROUP)
            .values_list("agency_id", "task_id")
        )
        for agency_id, task_id in pairs:
            by_agency[agency_id].add(task_id)
    order = {pk: index for index, pk in enumerate(tasks)}
    return {
        agency_id: [tasks[pk] for pk in sorted(ids, key=order.__getitem__)]
        for agency_id, ids in by_agency.items()
    }


def _task_lines(tasks: list[Task]) -> str:
    lines = []
    for task in tasks[:TASKS_LISTED]:
        label = " ".join(part for part in (task.plan.number, task.number) if part)
        content = Truncator(" ".join(task.content.split())).chars(TASK_CHARS)
        lines.append(f"- {label}: {content}")
    if len(tasks) > TASKS_LISTED:
        lines.append(
            _("… và %(count)s nhiệm vụ khác (xem trên trang đợt báo cáo).")
            % {"count": len(tasks) - TASKS_LISTED}
        )
    return "\n".join(lines)


def notify_round_opened(*, reporting_round: ReportingRound, actor: User | None = None) -> None:
    """Tell the reporters of every agency with a task in the round: its tasks, the deadline."""
    agency_tasks = _round_agency_tasks(reporting_round)
    link = reverse("reports:round_detail", args=[reporting_round.pk])
    plans = ", ".join(p.number for p in reporting_round.plans.all())
    rows = []
    for user in _reporters(agency_tasks).select_related("agency"):
        if actor is not None and user.pk == actor.pk:
            continue
        tasks = agency_tasks.get(user.agency_id or 0, [])
        names = {
            "number": reporting_round.request_number,
            "deadline": date_short(reporting_round.deadline),
            "agency": user.agency.name if user.agency else "",
            "plans": plans,
            "count": len(tasks),
        }
        title = _("Đợt báo cáo %(number)s: %(agency)s báo cáo trước ngày %(deadline)s") % names
        body = "\n".join(
            [
                _(
                    "Đợt báo cáo %(number)s (kế hoạch %(plans)s) đã mở. %(agency)s báo cáo "
                    "trước ngày %(deadline)s về %(count)s nhiệm vụ:"
                )
                % names,
                _task_lines(tasks),
            ]
        )
        rows.append(
            Notification(
                user=user,
                kind=NotificationKind.ROUND_OPENED,
                title=title,
                body=body,
                link=link,
                reporting_round=reporting_round,
            )
        )
    _create(rows)


def notify_report_submitted(*, report: Report, actor: User) -> None:
    """Tell the coordinators of the province that an agency handed in its report."""
    reporting_round = report.reporting_round
    names = {
        "agency": report.agency.name,
        "number": reporting_round.request_number,
        "who": actor.get_full_name() or actor.username,
    }
    title = _("%(agency)s đã nộp báo cáo đợt %(number)s") % names
    body = _("%(agency)s đã nộp báo cáo đợt %(number)s (người nộp: %(who)s). Hãy xem và duyệt.")
    rows = [
        Notification(
            user=user,
            kind=NotificationKind.REPORT_SUBMITTED,
            title=title,
            body=body % names,
            link=reverse("reports:report_detail", args=[report.pk]),
            reporting_round=reporting_round,
            report=report,
        )
        for user in _coordinators(reporting_round.province_id)
        if user.pk != actor.pk
    ]
    _create(rows)


def _notify_agency(
    *, report: Report, actor: User, kind: str, title: str, body: str, link: str
) -> None:
    rows = [
        Notification(
            user=user,
            kind=kind,
            title=title,
            body=body,
            link=link,
            reporting_round=report.reporting_round,
            report=report,
        )
        for user in _reporters([report.agency_id])
        if user.pk != actor.pk
    ]
    _create(rows)


def notify_report_returned(*, report: Report, actor: User, comment: str) -> None:
    """Tell the agency its report came back, with what to correct."""
    names = {
        "number": report.reporting_round.request_number,
        "agency": report.agency.name,
        "comment": comment,
        "deadline": date_short(report.reporting_round.deadline),
    }
    _notify_agency(
        report=report,
        actor=actor,
        kind=NotificationKind.REPORT_RETURNED,
        title=_("Báo cáo đợt %(number)s của %(agency)s bị trả lại để sửa") % names,
        body=_(
            "Sở Ngoại vụ trả lại báo cáo đợt %(number)s của %(agency)s.\n"
            "Nội dung cần sửa: %(comment)s\n"
            "Hãy sửa và nộp lại (hạn nộp của đợt: %(deadline)s)."
        )
        % names,
        link=reverse("reports:report_edit", args=[report.pk]),
    )


def notify_report_accepted(*, report: Report, actor: User, comment: str = "") -> None:
    """Tell the agency its report was accepted."""
    names = {"number": report.reporting_round.request_number, "agency": report.agency.name}
    body = _("Sở Ngoại vụ đã duyệt báo cáo đợt %(number)s của %(agency)s.") % names
    if comment.strip():
        body += "\n" + _("Ý kiến: %(comment)s") % {"comment": comment.strip()}
    _notify_agency(
        report=report,
        actor=actor,
        kind=NotificationKind.REPORT_ACCEPTED,
        title=_("Báo cáo đợt %(number)s của %(agency)s đã được duyệt") % names,
        body=body,
        link=reverse("reports:report_detail", args=[report.pk]),
    )


# -- e-mail -----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notification_message(notification: Notification) -> EmailMessage:
    context = {
        "notification": notification,
        "user": notification.user,
        "link": _absolute(notification.link) if notification.link else "",
        "settings_link": _absolute(reverse("reports:notification_settings")),
    }
    body = render_to_string(BODY_TEMPLATE, context).strip() + "\n"
    # A header cannot hold a line break.
    subject = SUBJECT_PREFIX + " ".join(notification.title.split())
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
    )


def notification_emails_deliver(ids: Sequence[int]) -> int:
    """Mail each of these notifications to its person, unless they have no address, are no
    longer active, turned this kind off, or were mailed already. Returns how many were sent;
    one failed mail is logged and the others are still sent."""
    notifications = list(
        Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    opted_out = set(
        EmailOptOut.objects.filter(user__in={n.user_id for n in notifications}).values_list(
            "user_id", "kind"
        )
    )
    sent = 0
    for notification in notifications:
        user = notification.user
        if not user.is_active or not user.email or (user.pk, notification.kind) in opted_out:
            continue
        try:
            notification_message(notification).send()
        except Exception:
            logger.exception("Gửi thư thông báo %s cho %s thất bại", notification.pk, user.pk)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


# -- the person's own list and choices (writes of this module) ------------------------------


def notification_safe_link(notification: Notification) -> str:
    """Where opening the notification leads: its page on this site, never elsewhere."""
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return link
    return reverse("reports:notification_list")


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one of the user's own notifications read (opening it does)."""
    if notification.user_id != user.pk:  # callers fetch through permissions: a forged id
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_settings_set(*, user: User, emailed: Iterable[str]) -> set[str]:
    """Keep e-mail on for the ``emailed`` kinds among those the user's role can receive, off for
    the others. Returns the kinds now off."""
    offered = set(kinds_for(user))
    unknown = set(emailed) - offered
    if unknown:
        raise ValueError(unknown)  # the form offers only these: anything else is forged
    off = offered - set(emailed)
    EmailOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    have = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    EmailOptOut.objects.bulk_create([EmailOptOut(user=user, kind=kind) for kind in off - have])
    return off


def email_settings_for(user: User) -> dict[str, Any]:
    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return {kind: kind not in off for kind in kinds_for(user)}
