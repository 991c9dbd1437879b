"""Reads for plans and tasks, with their relations fetched in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from django.db.models import Prefetch, QuerySet

from agreements.models import Agency, Plan, PlanKind
from agreements.text import fold

from .blocks import next_stt
from .models import BlockPart, PlanBlock, Section, Task, TaskLead


def plan_get_by_number(*, number: str, province: str) -> Plan | None:
    """A plan by its number (accent- and case-free) and its province's name or alias."""
    wanted_number, wanted_province = fold(number), fold(province)
    candidates = Plan.objects.select_related("province").filter(
        province__search_text__contains=wanted_province
    )
    for plan in candidates:
        if fold(plan.number) == wanted_number and wanted_province in {
            fold(name) for name in plan.province.search_source()
        }:
            return plan
    return None


def task_number_next(*, plan: Plan, section: Section | None) -> str:
    """The STT offered for a new task of ``section``: the one after its last task's, the task
    ``task_position_new`` puts the new one after ("26." → "27.", "26.1" → "26.2")."""
    last = Task.objects.filter(plan=plan, section=section).order_by("-position", "-pk").first()
    return next_stt(last.number if last else "")


def task_queryset_leads(queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks with their plan, section and lead agencies in order: what a row of the plan page
    prints (it prints the coordinating agencies as typed), 2 queries whatever the number."""
    queryset = queryset if queryset is not None else Task.objects.all()
    return queryset.select_related("plan", "section").prefetch_related(
        Prefetch(
            "leads", queryset=TaskLead.objects.select_related("agency").order_by("order", "pk")
        ),
    )


def task_queryset_full(queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks with everything a table row shows: 4 queries whatever the number of rows."""
    return task_queryset_leads(queryset).prefetch_related("coordinating_agencies", "partners")


@dataclass
class SectionRow:
    """A section heading in a plan's tables; ``appendix`` is its top section (maybe itself)."""

    depth: int
    section: Section
    appendix: Section
    kind: Literal["section"] = "section"
    task: None = None


@dataclass
class TaskRow:
    """A task in a plan's tables, under ``section`` (none for a task outside every section)."""

    depth: int
    task: Task
    section: Section | None
    appendix: Section | None
    kind: Literal["task"] = "task"


# One printed row of a plan's tables: ``row.kind`` tells which.
PlanRow = SectionRow | TaskRow


def plan_rows(plan: Plan, *, page: bool = False) -> list[PlanRow]:
    """The plan's sections and tasks in printed order: the one ordering rule of the plan page,
    the timeline and every export (five queries: the sections, then ``task_queryset_full``;
    three with ``page``, which reads only what the plan page prints, ``task_queryset_leads``).

    The tree decides where a row is printed: a task under its own section, a sub-section under
    its parent, whatever their positions say, so that a task never lands under another
    appendix. ``position`` only orders the rows of one level: first the tasks outside every
    section (their table comes before the appendices), then the top-level sections; inside a
    section its tasks and sub-sections by position (a task before a sub-section of the same
    position), the older row first when positions tie.
    """
    sections = list(Section.objects.filter(plan=plan).select_related("partner", "parent"))
    read = task_queryset_leads if page else task_queryset_full
    tasks = list(read(Task.objects.filter(plan=plan)))
    return plan_rows_of(sections, tasks)


def plan_rows_of(sections: list[Section], tasks: Sequence[Task]) -> list[PlanRow]:
    """:func:`plan_rows` of sections and tasks already read (a task needs ``pk``,
    ``section_id`` and ``position``: :class:`TaskLine` will do, see ``plan_task_lines``)."""
    children: dict[int | None, list[Section | Task]] = {}
    known = {section.pk for section in sections}
    for section in sections:
        # A parent outside the plan (only the admin could do that) prints as a top-level section.
        parent = section.parent_id if section.parent_id in known else None
        children.setdefault(parent, []).append(section)
    for task in tasks:
        owner = task.section_id if task.section_id in known else None
        children.setdefault(owner, []).append(task)

    def sibling_key(item: Section | Task) -> tuple[int, int, int]:
        return (item.position, 1 if isinstance(item, Section) else 0, item.pk)

    top_level = children.get(None, [])
    top_level.sort(key=lambda item: (1 if isinstance(item, Section) else 0, *sibling_key(item)))
    rows: list[PlanRow] = []
    placed: set[int] = set()

    def walk(
        items: list[Section | Task], depth: int, parent: Section | None, top: Section | None
    ) -> None:
        for item in items:
            if not isinstance(item, Section):
                rows.append(TaskRow(depth, task=item, section=parent, appendix=top))
                continue
            if item.pk in placed:
                continue
            placed.add(item.pk)
            appendix = top or item
            rows.append(SectionRow(depth, section=item, appendix=appendix))
            walk(sorted(children.get(item.pk, []), key=sibling_key), depth + 1, item, appendix)

    walk(top_level, 0, None, None)
    # Sections caught in a parent loop (never reachable from the top): last, as top-level ones.
    stray = [section for section in sections if section.pk not in placed]
    walk(sorted(stray, key=sibling_key), 0, None, None)
    return rows


@dataclass(slots=True)
class TaskLine:
    """A task as the plan workbook prints it, read with ``values()`` (no model instance): its
    columns, and the names of its lead agencies (in order), coordinating agencies (in the
    order the printed text names them, as ``Task.coordinating_in_printed_order``) and partners.
    """

    pk: int
    section_id: int | None
    position: int
    number: str
    content: str
    lead_text: str
    coordinating_text: str
    timeframe_text: str
    note: str
    field: str
    funding_source: str
    status: str
    start_date: date | None
    end_date: date | None
    ongoing: bool
    lead_names: list[str]
    coordinating_names: list[str]
    partner_names: list[str]


TASK_LINE_FIELDS = (
    "pk",
    "section_id",
    "position",
    "number",
    "content",
    "lead_text",
    "coordinating_text",
    "timeframe_text",
    "note",
    "field",
    "funding_source",
    "status",
    "start_date",
    "end_date",
    "ongoing",
)


def plan_task_lines(plan: Plan) -> list[TaskLine]:
    """The plan's tasks as :class:`TaskLine` rows, in four queries whatever their number (tasks,
    lead agencies, coordinating agencies, partners), each read with ``values_list``."""
    leads: dict[int, list[str]] = {}
    for task_id, name in (
        TaskLead.objects.filter(task__plan=plan)
        .order_by("order", "pk")
        .values_list("task_id", "agency__name")
    ):
        leads.setdefault(task_id, []).append(name)
    # Coordinating agencies and partners in their models' own order, as a prefetch lists
    # them; coordinating ones are then sorted per task as the printed text names them.
    coordinating: dict[int, list[int]] = {}
    agency_name: dict[int, str] = {}
    agency_keys: dict[int, set[str]] = {}
    for task_id, agency_id, name, short_name, aliases in (
        Task.coordinating_agencies.through.objects.filter(task__plan=plan)
        .order_by("agency__province__name", "agency__name")
        .values_list(
            "task_id", "agency_id", "agency__name", "agency__short_name", "agency__aliases"
        )
    ):
        coordinating.setdefault(task_id, []).append(agency_id)
        if agency_id not in agency_name:
            agency_name[agency_id] = name
            agency_keys[agency_id] = Agency(
                name=name, short_name=short_name, aliases=aliases
            ).name_keys()
    partners: dict[int, list[str]] = {}
    for task_id, name in (
        Task.partners.through.objects.filter(task__plan=plan)
        .order_by("locality__country", "locality__name")
        .values_list("task_id", "locality__name")
    ):
        partners.setdefault(task_id, []).append(name)

    def printed_order(task_id: int, text: str) -> list[str]:
        ids = coordinating.get(task_id)
        if not ids:
            return []
        printed = fold(text)

        def key(agency_id: int) -> tuple[int, str]:
            found = [printed.find(k) for k in agency_keys[agency_id] if k and k in printed]
            return (min(found) if found else len(printed) + 1, agency_name[agency_id])

        return [agency_name[agency_id] for agency_id in sorted(ids, key=key)]

    lines = []
    for values in (
        Task.objects.filter(plan=plan).order_by("position", "pk").values(*TASK_LINE_FIELDS)
    ):
        task_id = values["pk"]
        lines.append(
            TaskLine(
                **values,
                lead_names=leads.get(task_id, []),
                coordinating_names=printed_order(task_id, values["coordinating_text"]),
                partner_names=partners.get(task_id, []),
            )
        )
    return lines


def plan_line_rows(plan: Plan) -> tuple[list[PlanRow], list[Section]]:
    """:func:`plan_rows` with :class:`TaskLine` rows in place of tasks (``row.task``), and the
    plan's sections."""
    sections = list(Section.objects.filter(plan=plan).select_related("partner", "parent"))
    # A TaskLine has every field a printed row reads (the exporters that take these rows read
    # nothing else), so it stands in for the Task the row type names.
    return plan_rows_of(sections, cast("list[Task]", plan_task_lines(plan))), sections


def section_path(section: Section | None, by_id: dict[int, Section] | None = None) -> list[Section]:
    path = []
    node = section
    while node is not None:
        path.append(node)
        node = node.parent
    return list(reversed(path))


def plan_blocks(plan: Plan) -> list[PlanBlock]:
    """A plan's text in printed order: its own part, then the Kế hoạch a Quyết định issues."""
    blocks = list(PlanBlock.objects.filter(plan=plan).select_related("section"))
    parts: dict[str, int] = {BlockPart.MAIN: 0, BlockPart.ATTACHED: 1}
    blocks.sort(key=lambda block: (parts.get(block.part, 2), block.position, block.pk))
    return blocks


@dataclass
class BlockPartView:
    """One part of a plan's text as the plan page shows it: its label and its blocks in order."""

    part: str
    label: str
    blocks: list[PlanBlock]


def plan_block_parts(plan: Plan, *, editing: bool = False) -> list[BlockPartView]:
    """The plan's text, "Quyết định" first and then the plan issued with it, in one query.

    A part with no block is left out, except, for someone editing, the main part and the
    attached plan of a Quyết định (so that there is somewhere to start typing).
    """
    blocks = plan_blocks(plan)
    parts = []
    for part, label in (
        (BlockPart.MAIN, plan.get_kind_display()),
        (BlockPart.ATTACHED, str(BlockPart.ATTACHED.label)),
    ):
        mine = [block for block in blocks if block.part == part]
        offered = editing and (part == BlockPart.MAIN or plan.kind == PlanKind.DECISION)
        if mine or offered:
            parts.append(BlockPartView(part=part, label=label, blocks=mine))
    return parts
