"""What an agency's workbook is built from: its tasks in the round, its report if any, and its
report of the last round it handed one in (to pre-fill from). A fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from agreements.models import Agency
from tasks.models import Task, TaskLead

from ..models import HANDED_IN, Report, ReportEntry, ReportingRound
from ..selectors import round_owing_agencies, round_tasks


@dataclass
class WorkbookTask:
    task: Task
    entry: ReportEntry | None = None  # what the app holds now
    previous: ReportEntry | None = None  # what the agency reported on it last round


@dataclass
class WorkbookData:
    reporting_round: ReportingRound
    agency: Agency
    report: Report | None
    previous_report: Report | None
    lead: list[WorkbookTask] = field(default_factory=list)
    coordinated: list[WorkbookTask] = field(default_factory=list)


def _tasks(queryset: QuerySet[Task]) -> list[Task]:
    return list(
        queryset.distinct()
        .select_related("plan")
        .prefetch_related(
            "partners",
            "plan__partners",
            "targets",
            Prefetch("leads", queryset=TaskLead.objects.select_related("agency").order_by("order")),
        )
        .order_by("plan__date", "plan_id", "position", "pk")
    )


def workbook_data(reporting_round: ReportingRound, agency: Agency) -> WorkbookData:
    """The agency's tasks in the round (led, then coordinated), its report and last round's."""
    scope = round_tasks(reporting_round)
    lead = _tasks(scope.filter(leads__agency=agency))
    lead_ids = {task.pk for task in lead}
    coordinated = [
        task
        for task in _tasks(scope.filter(coordinating_agencies=agency))
        if task.pk not in lead_ids
    ]
    report = (
        Report.objects.filter(reporting_round=reporting_round, agency=agency)
        .select_related("reporting_round")
        .first()
    )
    previous_report = (
        Report.objects.filter(
            agency=agency,
            status__in=HANDED_IN,
            reporting_round__province_id=reporting_round.province_id,
            reporting_round__deadline__lte=reporting_round.deadline,
        )
        .exclude(reporting_round=reporting_round)
        .select_related("reporting_round")
        .order_by("-reporting_round__deadline", "-reporting_round_id")
        .first()
    )
    now = {e.task_id: e for e in report.entries.all()} if report else {}
    before = {e.task_id: e for e in previous_report.entries.all()} if previous_report else {}
    return WorkbookData(
        reporting_round=reporting_round,
        agency=agency,
        report=report,
        previous_report=previous_report,
        lead=[WorkbookTask(t, now.get(t.pk), before.get(t.pk)) for t in lead],
        coordinated=[WorkbookTask(t, now.get(t.pk), before.get(t.pk)) for t in coordinated],
    )


def round_workbook_agencies(reporting_round: ReportingRound) -> QuerySet[Agency]:
    """The agencies whose workbooks the coordinator downloads at once: those that owe a report."""
    return round_owing_agencies(reporting_round)
