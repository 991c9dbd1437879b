"""Reads for plans and tasks, with their relations fetched in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Prefetch, QuerySet

from agreements.models import Plan, PlanKind
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


def task_queryset_full(queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks with everything a table row shows: 4 queries whatever the number of rows."""
    queryset = queryset if queryset is not None else Task.objects.all()
    return queryset.select_related("plan", "section").prefetch_related(
        Prefetch(
            "leads", queryset=TaskLead.objects.select_related("agency").order_by("order", "pk")
        ),
        "coordinating_agencies",
        "partners",
    )


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


def plan_rows(plan: Plan) -> list[PlanRow]:
    """The plan's sections and tasks in printed order (sections and tasks share one sequence)."""
    sections = list(Section.objects.filter(plan=plan).select_related("partner", "parent"))
    tasks = list(task_queryset_full(Task.objects.filter(plan=plan)))
    by_id = {s.pk: s for s in sections}

    def depth_and_top(section: Section) -> tuple[int, Section]:
        depth, node = 0, section
        while node.parent_id:
            node = by_id[node.parent_id]
            depth += 1
        return depth, node

    rows: list[tuple[int, int, PlanRow]] = []
    top: Section | None
    for section in sections:
        depth, top = depth_and_top(section)
        rows.append((section.position, 0, SectionRow(depth, section=section, appendix=top)))
    for task in tasks:
        depth, top = depth_and_top(task.section) if task.section is not None else (-1, None)
        rows.append(
            (
                task.position,
                1,
                TaskRow(depth + 1, task=task, section=task.section, appendix=top),
            )
        )
    rows.sort(key=lambda item: (item[0], item[1], _tiebreak(item[2])))
    return [row for _, _, row in rows]


def _tiebreak(row: PlanRow) -> int:
    """Rows of one position: a section by its pk, a task by its section's (or its own)."""
    if row.kind == "section":
        return row.section.pk
    return row.section.pk if row.section is not None else row.task.pk


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
