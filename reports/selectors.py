"""Reads for rounds and reports, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agency, AgencyKind, Plan
from tasks.models import Task, TaskLead

from .models import (
    HANDED_IN,
    Attachment,
    EntryRole,
    EventAction,
    Notification,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
    ReportStatus,
    RoundStatus,
)
from .permissions import notifications_visible_to, rounds_visible_to

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.permissions import AnyUser

NOT_STARTED = "not_started"
OVERDUE = "overdue"
STATE_LABELS = {
    NOT_STARTED: _("Chưa nộp"),
    ReportStatus.DRAFT: _("Đang soạn"),
    ReportStatus.SUBMITTED: _("Đã nộp"),
    ReportStatus.RETURNED: _("Bị trả lại"),
    ReportStatus.ACCEPTED: _("Đã duyệt"),
    OVERDUE: _("Quá hạn"),
}


def round_list_for_user(user: AnyUser) -> QuerySet[ReportingRound]:
    return rounds_visible_to(user).prefetch_related("plans").order_by("-deadline")


def round_tasks(reporting_round: ReportingRound) -> QuerySet[Task]:
    """Every task of the round's plans: what its reports answer on."""
    return Task.objects.filter(plan__in=reporting_round.plans.all())


def round_owing_agencies(reporting_round: ReportingRound) -> QuerySet[Agency]:
    """Every lead agency of a task in scope; printed collectives ("các Sở, ngành") owe nothing.
    Only agencies of the round's own province: a lead in another province is a data error, and
    no one there can hand in a report here."""
    return (
        Agency.objects.filter(
            province_id=reporting_round.province_id,
            pk__in=TaskLead.objects.filter(task__plan__in=reporting_round.plans.all()).values(
                "agency_id"
            ),
        )
        .exclude(kind=AgencyKind.GROUP)
        .order_by("name")
    )


def round_missing_agencies(reporting_round: ReportingRound) -> QuerySet[Agency]:
    """Who still owes a report in the round: the lead agencies of its tasks
    (``round_owing_agencies``) less those whose report is submitted or accepted; a draft or a
    returned report still owes.

    The one rule for "who has not reported" that both reminders follow: the reminder letter is
    addressed to all of them; the daily e-mails go to them less those already mailed that day
    (``reports.reminders.reminder_agencies``). One query, ordered by name.
    """
    handed_in = Report.objects.filter(reporting_round=reporting_round, status__in=HANDED_IN)
    return round_owing_agencies(reporting_round).exclude(pk__in=handed_in.values("agency_id"))


def round_report_statuses(
    reporting_round: ReportingRound, agencies: Iterable[Agency]
) -> dict[int, str]:
    """The status of each of ``agencies``' report in the round, by agency pk; an agency without
    a report is left out (one query)."""
    return dict(
        Report.objects.filter(
            reporting_round=reporting_round, agency__in=[a.pk for a in agencies]
        ).values_list("agency_id", "status")
    )


@dataclass
class AgencyRow:
    agency: Agency
    report: Report | None
    state: str
    overdue: bool
    owes: bool

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


# The overview lists a round's tasks a page at a time: a national round has thousands.
ROUND_TASKS_PER_PAGE = 50


def round_overview(
    reporting_round: ReportingRound, *, state: str = "", page: str | int | None = None
) -> dict:
    """Agencies × state with counts, and one page of the tasks with their latest reported
    status. The same number of queries whatever the size of the round."""
    task_page = round_task_statuses(reporting_round, page=page)
    return {
        **round_agency_rows(reporting_round, state=state),
        "tasks": task_page.object_list,
        "task_page": task_page,
    }


# What a report says (its paragraphs), which the lists of reports never print: not read there.
REPORT_TEXTS = [
    field.name for field in Report._meta.concrete_fields if isinstance(field, models.TextField)
]


def round_agency_rows(reporting_round: ReportingRound, *, state: str = "") -> dict:
    """Each agency that owes or handed in a report, with its state, and the counts by state.

    Two queries whatever the number of agencies: the owing agencies and the round's reports."""
    owing = list(round_owing_agencies(reporting_round))
    reports = {
        r.agency_id: r
        for r in Report.objects.filter(reporting_round=reporting_round)
        .select_related("agency")
        .defer(*REPORT_TEXTS)
    }
    agencies = {a.pk: a for a in owing}
    for known in reports.values():
        agencies.setdefault(known.agency_id, known.agency)
    owing_ids = {a.pk for a in owing}
    late = _round_late(reporting_round)
    rows = []
    for agency in sorted(agencies.values(), key=lambda a: a.name):
        report = reports.get(agency.pk)
        owes = agency.pk in owing_ids
        row_state, overdue = _agency_state(report.status if report else None, owes, late)
        rows.append(AgencyRow(agency, report, row_state, overdue, owes))
    counts = _state_counts((row.state, row.overdue) for row in rows)
    if state == OVERDUE:
        rows = [r for r in rows if r.overdue]
    elif state:
        rows = [r for r in rows if r.state == state]
    return {"rows": rows, "counts": counts}


def round_agency_counts(reporting_round: ReportingRound) -> dict:
    """``round_agency_rows`` without the rows: the counts by state and how many agencies owe a
    report, from ids and states alone (the dashboard's panel of the open round)."""
    owing_ids = set(round_owing_agencies(reporting_round).values_list("pk", flat=True))
    statuses = dict(
        Report.objects.filter(reporting_round=reporting_round).values_list("agency_id", "status")
    )
    late = _round_late(reporting_round)
    states = [
        _agency_state(statuses.get(pk), pk in owing_ids, late) for pk in owing_ids | set(statuses)
    ]
    return {"counts": _state_counts(states), "owing": len(owing_ids)}


def _round_late(reporting_round: ReportingRound) -> bool:
    return reporting_round.deadline < timezone.localdate()


def _agency_state(status: str | None, owes: bool, late: bool) -> tuple[str, bool]:
    """An agency's state in a round (its report's status, or not started) and whether it is
    overdue: it owes a report, the deadline has passed and nothing is handed in."""
    state = status or NOT_STARTED
    return state, late and owes and state not in HANDED_IN


def _state_counts(states: Iterable[tuple[str, bool]]) -> list[tuple[str, StrOrPromise, int]]:
    counts = dict.fromkeys(STATE_LABELS, 0)
    for state, overdue in states:
        counts[state] += 1
        counts[OVERDUE] += int(overdue)
    return [(key, STATE_LABELS[key], counts[key]) for key in STATE_LABELS]


def round_task_statuses(
    reporting_round: ReportingRound,
    *,
    page: str | int | None = None,
    per_page: int = ROUND_TASKS_PER_PAGE,
) -> Page:
    """One page of the tasks in scope, each with the status of the latest handed-in lead entry
    of this round (read for that page's tasks only)."""
    # The page is chosen on ids alone (a national round sorts 2,100 narrow rows, not wide ones);
    # its tasks are read whole below, as the task list does (tasks.views.agency_task_page).
    ordered = round_tasks(reporting_round).order_by("plan__date", "plan_id", "position", "pk")
    task_page = Paginator(ordered.only("pk"), per_page).get_page(page)
    order = {task.pk: index for index, task in enumerate(task_page.object_list)}
    shown = (
        Task.objects.filter(pk__in=order)
        .order_by()  # sorted below, as the page was chosen
        .select_related("plan", "section")
        .prefetch_related(
            Prefetch("leads", queryset=TaskLead.objects.select_related("agency").order_by("order"))
        )
    )
    tasks = sorted(shown, key=lambda task: order[task.pk])
    latest: dict[int, ReportEntry] = {}
    entries = (
        ReportEntry.objects.filter(
            report__reporting_round=reporting_round,
            report__status__in=HANDED_IN,
            role=EntryRole.LEAD,
            task__in=[task.pk for task in tasks],
        )
        .exclude(status="")
        .order_by("report__submitted_at", "pk")  # the page prints the entry, not its report
    )
    for entry in entries:
        latest[entry.task_id] = entry
    for task in tasks:
        # Read by the pages and exports only: no field of Task.
        task.latest_entry = latest.get(task.pk)  # type: ignore[attr-defined]
    task_page.object_list = tasks
    return task_page


def report_entries(report: Report, *, page: bool = True) -> list[ReportEntry]:
    """The report's entries in form order, with their tasks and targets (what ``EntryForm``
    reads); with ``page`` also each task's plan and section and each entry's files (what the
    report's pages print). A saved form reads without ``page``: it answers with a redirect."""
    if page:
        entries = report.entries.select_related("task", "task__plan", "task__section")
        entries = entries.prefetch_related(
            "task__targets",
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at")),
        )
    else:
        entries = report.entries.select_related("task").prefetch_related("task__targets")
    return list(entries.order_by("role", "task__plan__date", "task__plan_id", "task__position"))


def report_detail(report: Report, *, entries: list[ReportEntry] | None = None) -> dict:
    """What the report's pages print: entries (``report_entries``, unless read already with
    ``page``), the events and the report's own files."""
    if entries is None:
        entries = report_entries(report)
    events = list(
        ReportEvent.objects.filter(report=report).select_related("user").order_by("at", "pk")
    )
    general_files = list(report.attachments.filter(entry__isnull=True).order_by("uploaded_at"))
    return {"entries": entries, "events": events, "general_files": general_files}


@dataclass
class RecordRow:
    reporting_round: ReportingRound
    report: Report | None
    verdict: str

    @property
    def verdict_label(self) -> str:
        return str(RECORD_LABELS[self.verdict])


RECORD_LABELS = {
    "on_time": _("Đúng hạn"),
    "late": _("Trễ hạn"),
    "missing": _("Không nộp"),
    "pending": _("Chưa đến hạn"),
}


def agency_record(agency: Agency) -> list[RecordRow]:
    """Every round the agency owed a report in (it led a task in scope): on time, late, missing."""
    today = timezone.localdate()
    rounds = (
        ReportingRound.objects.filter(
            province_id=agency.province_id, plans__tasks__leads__agency=agency
        )
        .distinct()
        .order_by("-deadline")
    )
    reports = {r.reporting_round_id: r for r in Report.objects.filter(agency=agency)}
    rows = []
    for reporting_round in rounds:
        report = reports.get(reporting_round.pk)
        if report is not None and report.status in HANDED_IN and report.submitted_at:
            on_time = timezone.localtime(report.submitted_at).date() <= reporting_round.deadline
            verdict = "on_time" if on_time else "late"
        elif reporting_round.deadline >= today:
            verdict = "pending"
        else:
            verdict = "missing"
        rows.append(RecordRow(reporting_round, report, verdict))
    return rows


REPORT_TEXT_FIELDS = (
    "agreements_signed",
    "trade_investment",
    "one_stop_border",
    "culture_education_health_science",
    "security_remains",
    "difficulties",
    "proposals",
    "next_period_proposals",
)


def round_document_chars(reporting_round: ReportingRound) -> int:
    """How much text the round's documents would print (reports, results and remarks, task
    contents): what decides whether a document is built in the request or by the background
    worker (2 queries).
    """
    reports = Report.objects.filter(reporting_round=reporting_round).aggregate(
        **{name: Coalesce(Sum(Length(name)), 0) for name in REPORT_TEXT_FIELDS}
    )
    entries = ReportEntry.objects.filter(report__reporting_round=reporting_round).aggregate(
        result=Coalesce(Sum(Length("result")), 0), remarks=Coalesce(Sum(Length("remarks")), 0)
    )
    tasks = round_tasks(reporting_round).aggregate(content=Coalesce(Sum(Length("content")), 0))
    return sum(reports.values()) + sum(entries.values()) + tasks["content"]


def notification_list(user: AnyUser, *, limit: int = 100) -> list[Notification]:
    """The person's latest notifications, newest first (one query)."""
    return list(notifications_visible_to(user).order_by("-created_at", "-pk")[:limit])


def notification_unread_count(user: AnyUser) -> int:
    """How many of the person's notifications are unread: the header's number (one query)."""
    return notifications_visible_to(user).filter(read_at__isnull=True).count()


def notification_unread_annotation() -> Coalesce:
    """``notification_unread_count`` as an expression over users, so that the number is read
    with the person in the query that loads them for a request (``coopplan.auth``)."""
    unread = (
        Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)


@dataclass(frozen=True)
class RoundStart:
    """What the form of a new round starts from."""

    outline: list
    requesting_body: str
    source: ReportingRound | None  # the round whose outline is offered, if any


def round_form_start(
    user: AnyUser, *, plan: Plan | None = None, source: ReportingRound | None = None
) -> RoundStart:
    """The outline a new round starts from: the round the coordinator chose as template, else
    the latest round of the same plan, else none; never another plan's round by default (a new
    plan's round used to start from the outline of 3289/QĐ-UBND). The requesting body follows
    the same round, else the province's People's Committee."""
    if source is None and plan is not None:
        source = (
            rounds_visible_to(user)
            .filter(plans=plan)
            .exclude(outline=[])
            .order_by("-request_date", "-pk")
            .first()
        )
    province = getattr(user, "province", None)
    default_body = _("UBND tỉnh %(name)s") % {"name": province.name} if province else ""
    if source is None:
        return RoundStart([], str(default_body), None)
    return RoundStart(source.outline, source.requesting_body or str(default_body), source)


@dataclass
class DueRow:
    """One open round that concerns a reporter's agency, with the agency's report in it."""

    reporting_round: ReportingRound
    report: Report | None
    returned_comment: str
    days_left: int  # negative once the deadline has passed

    @property
    def state(self) -> str:
        return self.report.status if self.report else NOT_STARTED

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def handed_in(self) -> bool:
        return self.state in HANDED_IN

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not self.handed_in

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def reporter_due(user: AnyUser) -> list[DueRow]:
    """What a reporter's agency is asked for: every open round over a plan in which it leads or
    coordinates a task (or that holds its report), with the state of its report. Returned
    reports first (with the reviewer's comment), then those still owed, soonest deadline first,
    then those handed in. Three queries."""
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return []
    today = timezone.localdate()
    concerned = Task.objects.filter(
        Q(leads__agency_id=agency_id) | Q(coordinating_agencies=agency_id)
    ).values("plan_id")
    rounds = list(
        rounds_visible_to(user)
        .filter(status=RoundStatus.OPEN)
        .filter(Q(plans__in=concerned) | Q(reports__agency_id=agency_id))
        .distinct()
        .order_by("deadline", "pk")
    )
    reports = {
        r.reporting_round_id: r
        for r in Report.objects.filter(agency_id=agency_id, reporting_round__in=rounds)
    }
    comments: dict[int, str] = {}
    returned = [r.pk for r in reports.values() if r.status == ReportStatus.RETURNED]
    for event in ReportEvent.objects.filter(
        report_id__in=returned, action=EventAction.RETURNED
    ).order_by("at", "pk"):
        comments[event.report_id] = event.comment  # the latest wins
    rows = [
        DueRow(
            reporting_round,
            report := reports.get(reporting_round.pk),
            comments.get(report.pk, "") if report else "",
            (reporting_round.deadline - today).days,
        )
        for reporting_round in rounds
    ]

    def urgency(row: DueRow) -> int:
        if row.state == ReportStatus.RETURNED:
            return 0
        return 2 if row.handed_in else 1

    return sorted(rows, key=lambda row: (urgency(row), row.reporting_round.deadline))
