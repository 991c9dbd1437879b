"""The leaders' dashboard: every plan in force at a glance, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from agreements.models import Agency, Plan, PlanStatus
from tasks.models import BudgetLine, Task, TaskLead, TaskStatus

from .models import EntryRole, ReportEntry, ReportingRound, ReportStatus, RoundStatus
from .summary import Breakdown

OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DELAYED)
SOON_DAYS = 90


@dataclass
class PlanPanel:
    plan: Plan
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0
    funds_planned: Decimal = Decimal(0)
    funds_spent: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in TaskStatus.choices]


def dashboard_data(
    user, *, partner=None, plan=None, field_name: str = "", agency: Agency | None = None
):
    today = timezone.localdate()
    soon = today + timedelta(days=SOON_DAYS)
    plans = Plan.objects.visible_to(user).filter(status=PlanStatus.ISSUED)
    if partner is not None:
        plans = plans.filter(partners=partner)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    plans = list(plans.distinct().order_by("-date"))
    tasks = Task.objects.filter(plan__in=plans)
    if field_name:
        tasks = tasks.filter(field__iexact=field_name)
    if agency is not None:
        tasks = tasks.filter(pk__in=TaskLead.objects.filter(agency=agency).values("task_id"))
    panels = {p.pk: PlanPanel(p) for p in plans}
    for row in tasks.values("plan_id", "status").annotate(n=Count("pk")):
        panels[row["plan_id"]].counts[row["status"]] = row["n"]
    timed = tasks.values("plan_id").annotate(
        overdue=Count("pk", filter=Q(end_date__lt=today, status__in=OPEN)),
        soon=Count("pk", filter=Q(end_date__gte=today, end_date__lte=soon, status__in=OPEN)),
    )
    for row in timed:
        panels[row["plan_id"]].overdue = row["overdue"]
        panels[row["plan_id"]].due_soon = row["soon"]
    planned = (
        BudgetLine.objects.filter(task__in=tasks)
        .values("task__plan_id")
        .annotate(total=Sum("amount"))
    )
    for row in planned:
        panels[row["task__plan_id"]].funds_planned = row["total"] or Decimal(0)
    spent = (
        ReportEntry.objects.filter(
            task__in=tasks, role=EntryRole.LEAD, report__status=ReportStatus.ACCEPTED
        )
        .values("task__plan_id")
        .annotate(total=Sum("funds_spent"))
    )
    for row in spent:
        panels[row["task__plan_id"]].funds_spent = row["total"] or Decimal(0)
    breakdowns = [Breakdown(p.plan.number, dict(p.counts)) for p in panels.values() if p.total]
    current_round = (
        ReportingRound.objects.visible_to(user)
        .filter(status=RoundStatus.OPEN)
        .order_by("deadline")
        .first()
    )
    upcoming = _deadlines(user, today)
    return {
        "panels": list(panels.values()),
        "breakdowns": breakdowns,
        "current_round": current_round,
        "upcoming": upcoming,
        "today": today,
        "soon_days": SOON_DAYS,
    }


def _deadlines(user, today) -> list[tuple]:
    """Report deadlines and meetings in the next months, soonest first."""
    from agreements.models import Meeting, ReportDeadline

    horizon = today + timedelta(days=180)
    items: dict[object, list] = defaultdict(list)
    for deadline in ReportDeadline.objects.filter(
        plan__in=Plan.objects.visible_to(user), date__gte=today, date__lte=horizon
    ).select_related("plan"):
        items[deadline.date].append(f"Hạn báo cáo {deadline.plan.number}")
    for reporting_round in ReportingRound.objects.visible_to(user).filter(
        deadline__gte=today, deadline__lte=horizon
    ):
        items[reporting_round.deadline].append(f"Hạn nộp đợt {reporting_round.request_number}")
    for meeting in Meeting.objects.visible_to(user).filter(
        start_date__gte=today, start_date__lte=horizon
    ):
        items[meeting.start_date].append(meeting.title)
    return sorted(((day, labels) for day, labels in items.items()), key=lambda pair: pair[0])
