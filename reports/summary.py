"""The data of a round's summary report (báo cáo tổng hợp), shared by its PDF, XLSX and DOCX.

Computed once, in a fixed number of queries whatever the number of tasks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from agreements.models import Agency
from tasks.exporters.columns import field_name
from tasks.models import Section, TaskLead, TaskStatus

from .models import HANDED_IN, EntryRole, Report, ReportEntry, ReportingRound
from .selectors import round_owing_agencies, round_tasks

NO_REPORT = ""
NO_REPORT_LABEL = "Chưa có báo cáo"
STATUS_ORDER = [*(value for value, _ in TaskStatus.choices), NO_REPORT]
STATUS_LABELS = {**dict(TaskStatus.choices), NO_REPORT: NO_REPORT_LABEL}


@dataclass
class TaskRow:
    plan_number: str
    section: str
    number: str
    content: str
    lead: str
    partners: str
    field: str
    timeframe: str
    status: str
    result: str
    remarks: str = ""  # the lead agency's note ("Ghi chú"), printed only where there is one

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Breakdown:
    """Counts of tasks by status for one group (a field, an agency, a partner)."""

    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def ordered(self) -> list[int]:
        return [self.counts.get(status, 0) for status in STATUS_ORDER]


@dataclass
class AgencyText:
    agency: str
    text: str


@dataclass
class RoundSummary:
    reporting_round: ReportingRound
    generated_at: object
    tasks: list[TaskRow]
    by_status: list[tuple[str, str, int]]
    by_field: list[Breakdown]
    by_agency: list[Breakdown]
    by_partner: list[Breakdown]
    reports_handed_in: int
    delegations_out: int = 0
    delegations_out_officials: int = 0
    delegations_in: int = 0
    funds_state_budget: Decimal = Decimal(0)
    funds_other: Decimal = Decimal(0)
    difficulties: list[AgencyText] = field(default_factory=list)
    proposals: list[AgencyText] = field(default_factory=list)
    next_period_proposals: list[AgencyText] = field(default_factory=list)
    missing_agencies: list[Agency] = field(default_factory=list)
    owing_count: int = 0

    @property
    def funds_total(self) -> Decimal:
        return self.funds_state_budget + self.funds_other

    @property
    def has_remarks(self) -> bool:
        """Whether any task's report carries a note: the task table then has a "Ghi chú"
        column in every format, and only then."""
        return any(row.remarks for row in self.tasks)

    @property
    def status_labels(self) -> list[str]:
        return [str(STATUS_LABELS[s]) for s in STATUS_ORDER]


def _breakdowns(groups: dict[str, Counter]) -> list[Breakdown]:
    rows = [Breakdown(name, dict(counts)) for name, counts in groups.items()]
    return sorted(rows, key=lambda b: (-b.total, b.name))


def round_summary(reporting_round: ReportingRound) -> RoundSummary:
    plans = list(reporting_round.plans.all())
    sections = {s.pk: s for s in Section.objects.filter(plan__in=plans)}
    tasks = list(
        round_tasks(reporting_round)
        .select_related("plan", "section")
        .prefetch_related(
            Prefetch("leads", queryset=TaskLead.objects.select_related("agency").order_by("order")),
            "partners",
        )
        .order_by("plan__date", "plan_id", "position", "pk")
    )
    reports = list(
        Report.objects.filter(reporting_round=reporting_round, status__in=HANDED_IN)
        .select_related("agency")
        .order_by("agency__name")
    )
    latest: dict[int, ReportEntry] = {}
    for lead_entry in (
        ReportEntry.objects.filter(report__in=reports, role=EntryRole.LEAD)
        .exclude(status="")
        .select_related("report")
        .order_by("report__submitted_at", "pk")
    ):
        latest[lead_entry.task_id] = lead_entry

    rows: list[TaskRow] = []
    by_status: Counter = Counter()
    by_field: dict[str, Counter] = defaultdict(Counter)
    by_agency: dict[str, Counter] = defaultdict(Counter)
    by_partner: dict[str, Counter] = defaultdict(Counter)
    for task in tasks:
        entry = latest.get(task.pk)
        status = entry.status if entry else NO_REPORT
        leads = [lead.agency for lead in task.leads.all()]
        partners = [p.name for p in task.partners.all()]
        group = field_name(task, sections) or "Khác"  # the rule of every exported "Lĩnh vực"
        section = sections.get(task.section_id) if task.section_id else None
        rows.append(
            TaskRow(
                plan_number=task.plan.number,
                section=" ".join(p for p in (section.number, section.title) if p)
                if section
                else "",
                number=task.number,
                content=task.content,
                lead=task.lead_text or "; ".join(a.name for a in leads),
                partners="; ".join(partners),
                field=group,
                timeframe=task.timeframe_text,
                status=status,
                result=entry.result if entry else "",
                remarks=entry.remarks.strip() if entry else "",
            )
        )
        by_status[status] += 1
        by_field[group][status] += 1
        for agency in leads or []:
            by_agency[agency.name][status] += 1
        for partner in partners or ["(không ghi đối tác)"]:
            by_partner[partner][status] += 1

    owing = list(round_owing_agencies(reporting_round))
    handed_in = {r.agency_id for r in reports}
    summary = RoundSummary(
        reporting_round=reporting_round,
        generated_at=timezone.localtime(),
        tasks=rows,
        by_status=[(s, str(STATUS_LABELS[s]), by_status.get(s, 0)) for s in STATUS_ORDER],
        by_field=_breakdowns(by_field),
        by_agency=_breakdowns(by_agency),
        by_partner=_breakdowns(by_partner),
        reports_handed_in=len(reports),
        missing_agencies=[a for a in owing if a.pk not in handed_in],
        owing_count=len(owing),
    )
    for report in reports:
        summary.delegations_out += report.delegations_out or 0
        summary.delegations_out_officials += report.delegations_out_officials or 0
        summary.delegations_in += report.delegations_in or 0
        summary.funds_state_budget += report.funds_state_budget or 0
        summary.funds_other += report.funds_other or 0
        for name in ("difficulties", "proposals", "next_period_proposals"):
            text = getattr(report, name).strip()
            if text:
                getattr(summary, name).append(AgencyText(report.agency.name, text))
    return summary
