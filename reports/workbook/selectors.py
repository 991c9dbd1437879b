"""What agencies' workbooks are built from: their tasks in the round, their reports if any, and
their reports of the last round they handed one in (to pre-fill from).

A fixed number of queries however many agencies: the coordinator's zip of a whole round reads
the round's tasks once and shares them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

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
            Prefetch("coordinating_agencies", queryset=Agency.objects.only("pk")),
        )
        .order_by("plan__date", "plan_id", "position", "pk")
    )


def workbooks_data(
    reporting_round: ReportingRound, agencies: Sequence[Agency]
) -> list[WorkbookData]:
    """Each agency's tasks in the round (led, then coordinated), its report and last round's."""
    ids = [agency.pk for agency in agencies]
    tasks = _tasks(
        round_tasks(reporting_round).filter(
            Q(leads__agency_id__in=ids) | Q(coordinating_agencies__in=ids)
        )
    )
    reports = {
        report.agency_id: report
        for report in Report.objects.filter(
            reporting_round=reporting_round, agency_id__in=ids
        ).prefetch_related("entries")
    }
    previous: dict[int, Report] = {}
    for handed_in in (
        Report.objects.filter(
            agency_id__in=ids,
            status__in=HANDED_IN,
            reporting_round__province_id=reporting_round.province_id,
            reporting_round__deadline__lte=reporting_round.deadline,
        )
        .exclude(reporting_round=reporting_round)
        .select_related("reporting_round")
        .order_by("-reporting_round__deadline", "-reporting_round_id")
    ):
        previous.setdefault(handed_in.agency_id, handed_in)
    prefetch_related_objects(list(previous.values()), "entries")
    # Who leads and who coordinates each task, read once: the loop below is agencies × tasks.
    leads = {task.pk: {lead.agency_id for lead in task.leads.all()} for task in tasks}
    helpers = {task.pk: {other.pk for other in task.coordinating_agencies.all()} for task in tasks}
    result = []
    for agency in agencies:
        current, before = reports.get(agency.pk), previous.get(agency.pk)
        now = {e.task_id: e for e in current.entries.all()} if current else {}
        then = {e.task_id: e for e in before.entries.all()} if before else {}
        data = WorkbookData(reporting_round, agency, current, before)
        for task in tasks:
            if agency.pk in leads[task.pk]:
                data.lead.append(WorkbookTask(task, now.get(task.pk), then.get(task.pk)))
            elif agency.pk in helpers[task.pk]:
                data.coordinated.append(WorkbookTask(task, now.get(task.pk), then.get(task.pk)))
        result.append(data)
    return result


def workbook_data(reporting_round: ReportingRound, agency: Agency) -> WorkbookData:
    return workbooks_data(reporting_round, [agency])[0]


def round_workbook_agencies(reporting_round: ReportingRound) -> QuerySet[Agency]:
    """The agencies whose workbooks the coordinator downloads at once: those that owe a report."""
    return round_owing_agencies(reporting_round)
