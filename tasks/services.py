"""Writes for sections and tasks. Views, the admin and the seed loader all come through here."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from agreements.models import Agency, Locality, Meeting, Plan

from .models import Section, Task, TaskLead
from .timeframes import parse_timeframe


def meeting_apply_timeframe(sender, instance: Meeting, **kwargs) -> None:
    """Keep a meeting's dates in step with its date or its printed planned time ("quý IV/2023")."""
    if instance.date:
        instance.start_date = instance.end_date = instance.date
    else:
        parsed = parse_timeframe(instance.timeframe_text or "")
        instance.start_date, instance.end_date = parsed.start, parsed.end


def plan_next_position(plan: Plan) -> int:
    """Sections and tasks share one printed-order sequence inside a plan."""
    section_max = Section.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    task_max = Task.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    return max(section_max, task_max) + 10


@transaction.atomic
def section_create(
    *,
    plan: Plan,
    title: str = "",
    number: str = "",
    kind: str = "part",
    parent: Section | None = None,
    subtitle: str = "",
    partner: Locality | None = None,
    columns: Sequence[str] = (),
    position: int | None = None,
) -> Section:
    section = Section(
        plan=plan,
        parent=parent,
        kind=kind,
        number=number,
        title=title,
        subtitle=subtitle,
        partner=partner,
        columns=list(columns),
        position=position if position is not None else plan_next_position(plan),
    )
    section.full_clean()
    section.save()
    return section


def task_set_leads(*, task: Task, agencies: Sequence[Agency]) -> None:
    """Replace the task's lead agencies, keeping the given order."""
    seen: set[int] = set()
    TaskLead.objects.filter(task=task).delete()
    for order, agency in enumerate(agencies):
        if agency.pk in seen:
            continue
        seen.add(agency.pk)
        TaskLead.objects.create(task=task, agency=agency, order=order)


@transaction.atomic
def task_create(
    *,
    plan: Plan,
    content: str,
    section: Section | None = None,
    number: str = "",
    lead_agencies: Sequence[Agency] = (),
    lead_text: str = "",
    coordinating_agencies: Sequence[Agency] = (),
    coordinating_text: str = "",
    partners: Sequence[Locality] | None = None,
    timeframe_text: str = "",
    note: str = "",
    field: str = "",
    funding_source: str = "",
    position: int | None = None,
    origin: Task | None = None,
) -> Task:
    """Create a task in a plan. Without ``partners`` it takes its section's, else its plan's."""
    task = Task(
        plan=plan,
        section=section,
        number=number,
        content=content,
        lead_text=lead_text,
        coordinating_text=coordinating_text,
        timeframe_text=timeframe_text,
        note=note,
        field=field,
        funding_source=funding_source,
        origin=origin,
        position=position if position is not None else plan_next_position(plan),
    )
    task.full_clean()
    task.save()
    task_set_leads(task=task, agencies=lead_agencies)
    task.coordinating_agencies.set(coordinating_agencies)
    if partners is None:
        partners = task_inherited_partners(task)
    task.partners.set(partners)
    return task


def task_inherited_partners(task: Task) -> list[Locality]:
    node = task.section
    while node is not None:
        if node.partner_id:
            return [node.partner]
        node = node.parent
    return list(task.plan.partners.all())
