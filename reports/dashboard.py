"""The leaders' dashboard: every plan in force at a glance, in a fixed number of queries.

The page, its PDF summary and its XLSX data all read from :func:`dashboard_data`, so a number on
the screen, in the downloaded file and behind its drill-down link always agree.

What the page shows is kept (:func:`dashboard_page_cached`) as its downloads are kept: under the
version of every plan and round (``agreements.documents``), the day and who asks, so a repeat
view costs one query for the versions, and the first view after any write reads everything anew.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.documents import kept_while_unchanged
from agreements.models import Agency, Locality, Meeting, Plan, PlanStatus, ReportDeadline
from agreements.permissions import meetings_visible_to, plans_visible_to, visibility_key
from tasks.models import (
    DUE_SOON_DAYS,
    OPEN_STATUSES,
    BudgetLine,
    Task,
    TaskLead,
    TaskQuerySet,
    TaskStatus,
)

from .models import EntryRole, ReportEntry, ReportingRound, ReportStatus, RoundStatus
from .permissions import rounds_visible_to
from .summary import Breakdown

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SOON_DAYS = DUE_SOON_DAYS
UPCOMING_DAYS = 180
PANELS = ("plans", "overdue", "due_soon", "round", "upcoming")


@dataclass(frozen=True)
class DashboardFilters:
    """What the leader narrowed the dashboard to; every count and download honours it."""

    partner: Locality | None = None
    plan: Plan | None = None
    field_name: str = ""
    agency: Agency | None = None

    def task_query(self, *, plan: bool = True, **extra) -> str:
        """The same filters as parameters of the task list, for drill-down links."""
        params: dict[str, object] = {}
        if plan and self.plan is not None:
            params["plan"] = self.plan.pk
        if self.partner is not None:
            params["partner"] = self.partner.pk
        if self.field_name:
            params["field"] = self.field_name
        if self.agency is not None:
            params["lead"] = self.agency.pk
        params.update(extra)
        return urlencode(params)

    def query(self) -> str:
        """The filters as parameters of the dashboard itself (for its downloads)."""
        params: dict[str, object] = {}
        if self.partner is not None:
            params["partner"] = self.partner.pk
        if self.plan is not None:
            params["plan"] = self.plan.pk
        if self.field_name:
            params["field"] = self.field_name
        if self.agency is not None:
            params["agency"] = self.agency.pk
        return urlencode(params)

    def describe(self) -> list[str]:
        lines = []
        if self.partner is not None:
            lines.append(_("Đối tác: %(name)s") % {"name": self.partner.name})
        if self.plan is not None:
            lines.append(_("Kế hoạch: %(number)s") % {"number": self.plan.number})
        if self.field_name:
            lines.append(_("Lĩnh vực: %(field)s") % {"field": self.field_name})
        if self.agency is not None:
            lines.append(_("Đơn vị chủ trì: %(name)s") % {"name": self.agency.name})
        return lines


@dataclass
class PlanPanel:
    plan: Plan
    query: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0
    funds_planned: Decimal = Decimal(0)
    funds_spent: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status_rows(self) -> list[tuple[str, StrOrPromise, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in TaskStatus.choices]

    def drill(self, **extra) -> str:
        """Query string of the task list showing the tasks behind one number of this row."""
        params = f"plan={self.plan.pk}"
        more = urlencode(extra)
        return "&".join(part for part in (params, self.query, more) if part)


@dataclass(frozen=True)
class Upcoming:
    day: date
    kind: str  # "meeting" | "deadline" | "round"
    label: str
    place: str = ""


def plans_in_force(user, filters: DashboardFilters) -> QuerySet[Plan]:
    """The plans the dashboard shows, unordered: read once as rows (``dashboard_data``) and
    used as a subquery by every count, rather than as a list of ids sent back in each."""
    plans = plans_visible_to(user).filter(status=PlanStatus.ISSUED)
    if filters.partner is not None:
        plans = plans.filter(
            pk__in=Task.objects.with_partner(filters.partner).values("plan_id")
        ) | plans.filter(partners=filters.partner)
        plans = plans.distinct()  # a plan may be found both ways
    if filters.plan is not None:
        plans = plans.filter(pk=filters.plan.pk)
    return plans


def dashboard_tasks(plan_ids: QuerySet, filters: DashboardFilters) -> TaskQuerySet:
    """The tasks every number of the dashboard counts: those of the plans, narrowed by filters."""
    tasks = Task.objects.filter(plan_id__in=plan_ids)
    if filters.partner is not None:
        tasks = tasks.with_partner(filters.partner)
    if filters.field_name:
        tasks = tasks.filter(field__iexact=filters.field_name)
    if filters.agency is not None:
        tasks = tasks.filter(
            pk__in=TaskLead.objects.filter(agency=filters.agency).values("task_id")
        )
    return tasks


def task_rows(tasks: QuerySet[Task]) -> list[Task]:
    """Tasks with what a list of them prints, in three queries whatever their number."""
    return list(
        tasks.select_related("plan", "section")
        .prefetch_related(
            Prefetch("leads", queryset=TaskLead.objects.select_related("agency").order_by("order"))
        )
        .order_by("end_date", "plan__date", "plan_id", "position", "pk")
    )


def dashboard_data(user, filters: DashboardFilters | None = None, *, details: bool = False):
    """Everything the dashboard shows.

    Eight queries at most whatever the number of plans and tasks (plans; status counts with
    their dates; planned and spent funds; the rounds, open or due soon; the highlighted
    round's agencies and reports; deadlines and meetings ahead); with ``details`` the overdue
    and due-soon task lists are read too, for the downloads.
    """
    filters = filters or DashboardFilters()
    today = timezone.localdate()
    soon = today + timedelta(days=SOON_DAYS)
    in_force = plans_in_force(user, filters)
    # ``search_text`` (every word of the plan, for the search box) is read by nobody here.
    plans = list(in_force.defer("search_text").order_by("-date", "pk"))
    plan_ids = in_force.values("pk")
    tasks = dashboard_tasks(plan_ids, filters)
    query = filters.task_query(plan=False)
    panels = {p.pk: PlanPanel(p, query=query) for p in plans}
    open_now = Q(status__in=OPEN_STATUSES)
    counted = (
        tasks.values("plan_id", "status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(end_date__lt=today) & open_now),
            soon=Count("pk", filter=Q(end_date__gte=today, end_date__lte=soon) & open_now),
        )
        .order_by()
    )
    for row in counted:
        panel = panels[row["plan_id"]]
        panel.counts[row["status"]] = row["n"]
        panel.overdue += row["overdue"]
        panel.due_soon += row["soon"]
    # Without a filter on the tasks themselves, "the tasks of these plans" needs no subquery
    # (PostgreSQL: a third of the time, 6 ms instead of 20 on 32 plans of 2,000 tasks).
    narrowed_tasks = (
        filters.partner is not None or bool(filters.field_name) or filters.agency is not None
    )
    of_tasks: dict[str, object] = (
        {"task__in": tasks} if narrowed_tasks else {"task__plan_id__in": plan_ids}
    )
    planned = (
        BudgetLine.objects.filter(**of_tasks)
        .values("task__plan_id")
        .annotate(total=Sum("amount"), spent=Value(False))
        .order_by()
    )
    spent = (
        ReportEntry.objects.filter(
            **of_tasks,
            role=EntryRole.LEAD,
            report__status=ReportStatus.ACCEPTED,
            funds_spent__isnull=False,  # as SUM reads them; index entry_lead_spent
        )
        .values("task__plan_id")
        .annotate(total=Sum("funds_spent"), spent=Value(True))
        .order_by()
    )
    # Planned (budget lines) and spent (accepted reports) in one query, a row per plan and kind.
    for funds in planned.union(spent, all=True):
        panel = panels[funds["task__plan_id"]]
        if funds["spent"]:
            panel.funds_spent = funds["total"] or Decimal(0)
        else:
            panel.funds_planned = funds["total"] or Decimal(0)
    panel_list = list(panels.values())
    rounds = dashboard_rounds(user, today, plan_ids=plan_ids if plans else None)
    narrowed = filters.plan is not None or filters.partner is not None
    current_round = dashboard_round(rounds, today, narrowed=narrowed)
    data = {
        "filters": filters,
        "panels": panel_list,
        "totals": _totals(panel_list),
        "breakdowns": [Breakdown(p.plan.number, dict(p.counts)) for p in panel_list if p.total],
        "current_round": current_round,
        "round_state": _round_state(current_round, rows=details),
        "upcoming": upcoming_events(user, today, rounds=rounds),
        "today": today,
        "soon_days": SOON_DAYS,
        "drill": {
            "all": filters.task_query(),
            "overdue": filters.task_query(overdue="true"),
            "due_soon": filters.task_query(due_soon="true"),
        },
        "download_query": filters.query(),
    }
    if details:
        data["overdue_tasks"] = task_rows(tasks.overdue(today))
        data["due_soon_tasks"] = task_rows(tasks.due_soon(today))
    return data


def dashboard_page_cached(user, filters: DashboardFilters, build: Callable[[], dict]) -> dict:
    """``build()`` (what the dashboard page shows for ``user`` and ``filters``), or the same
    kept from an earlier view the same day, when nothing has changed since
    (``agreements.documents.kept_while_unchanged``)."""
    day = timezone.localdate().isoformat()
    parts = (user.pk, visibility_key(user), filters.query(), day)
    return kept_while_unchanged("dashboard", parts, build)


def dashboard_rounds(
    user, today: date, *, plan_ids: QuerySet | None, days: int = UPCOMING_DAYS
) -> list[ReportingRound]:
    """The rounds the dashboard speaks of, in one query: every open one (``dashboard_round``
    picks among them) and every one due from today to ``days`` ahead (``upcoming_events``);
    ``covers``: whether the round covers one of the plans ``plan_ids`` (a subquery; None: no
    plan is shown)."""
    horizon = today + timedelta(days=days)
    covers: Exists | Value = Value(False)
    if plan_ids is not None:
        covers = Exists(
            ReportingRound.plans.through.objects.filter(
                reportinground_id=OuterRef("pk"), plan_id__in=plan_ids
            )
        )
    return list(
        rounds_visible_to(user)
        .filter(Q(status=RoundStatus.OPEN) | Q(deadline__gte=today, deadline__lte=horizon))
        .annotate(covers=covers)
        .defer("search_text")
        .order_by("deadline", "pk")
    )


def dashboard_round(
    rounds: list[ReportingRound], today: date, *, narrowed: bool
) -> ReportingRound | None:
    """The round the dashboard highlights ("Đợt báo cáo đang mở"), and whose summary its
    buttons download: an open round of the plans shown (any of the user's open rounds when no
    filter ``narrowed`` the plans), the one due soonest from today on; when every open round is
    past its deadline, the one due last. An old round left open never hides the current one.
    ``rounds``: from ``dashboard_rounds``, ordered by deadline.
    """
    candidates = [
        r
        for r in rounds
        # ``covers``: annotated by dashboard_rounds.
        if r.status == RoundStatus.OPEN and (r.covers or not narrowed)  # type: ignore[attr-defined]
    ]
    coming = [r for r in candidates if r.deadline >= today]
    if coming:
        return coming[0]
    return candidates[-1] if candidates else None


def _totals(panels: list[PlanPanel]) -> dict:
    return {
        "tasks": sum(p.total for p in panels),
        "overdue": sum(p.overdue for p in panels),
        "due_soon": sum(p.due_soon for p in panels),
        "funds_planned": sum((p.funds_planned for p in panels), Decimal(0)),
        "funds_spent": sum((p.funds_spent for p in panels), Decimal(0)),
        "counts": {
            value: sum(p.counts.get(value, 0) for p in panels)
            for value, _label in TaskStatus.choices
        },
    }


def _round_state(reporting_round: ReportingRound | None, *, rows: bool) -> dict | None:
    """The highlighted round's counts by state and how many agencies owe a report; with
    ``rows`` (the downloads) each agency's row too."""
    if reporting_round is None:
        return None
    from .selectors import round_agency_counts, round_agency_rows

    if not rows:
        return round_agency_counts(reporting_round)
    overview = round_agency_rows(reporting_round)
    owing = [row for row in overview["rows"] if row.owes]
    return {"counts": overview["counts"], "rows": overview["rows"], "owing": len(owing)}


def upcoming_events(
    user,
    today: date,
    *,
    days: int = UPCOMING_DAYS,
    rounds: list[ReportingRound] | None = None,
) -> list[Upcoming]:
    """Meetings and report deadlines from today on, soonest first (three queries; two when the
    caller has read the rounds, as ``dashboard_rounds`` does)."""
    horizon = today + timedelta(days=days)
    if rounds is None:
        rounds = list(rounds_visible_to(user).filter(deadline__gte=today, deadline__lte=horizon))
    events: list[Upcoming] = []
    plans = plans_visible_to(user)
    for deadline in ReportDeadline.objects.filter(
        plan__in=plans, date__gte=today, date__lte=horizon
    ).select_related("plan"):
        label = _("Hạn báo cáo theo %(number)s") % {"number": deadline.plan.number}
        if deadline.text:
            label = f"{label}: {deadline.text}"
        events.append(Upcoming(deadline.date, "deadline", label))
    for reporting_round in rounds:
        if not today <= reporting_round.deadline <= horizon:
            continue  # an open round due long ago or far ahead (read for the dashboard)
        label = _("Hạn nộp báo cáo đợt %(number)s") % {"number": reporting_round.request_number}
        events.append(Upcoming(reporting_round.deadline, "round", label))
    for meeting in meetings_visible_to(user).filter(start_date__gte=today, start_date__lte=horizon):
        if meeting.start_date is not None:  # always, as filtered: for mypy
            events.append(
                Upcoming(meeting.start_date, "meeting", meeting_label(meeting), meeting.place)
            )
    return sorted(events, key=lambda event: (event.day, event.kind, event.label))


def meeting_label(meeting: Meeting) -> str:
    """A meeting's title; one not yet fixed to a day says so, with its planned time as printed."""
    if meeting.date:
        return meeting.title
    return _("Dự kiến %(when)s: %(title)s") % {
        "when": meeting.timeframe_text,
        "title": meeting.title,
    }
