"""Writes for sections and tasks. Views, the admin and the seed loader all come through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_change_reason_from_object

from agreements.documents import document_touch, plan_scope, province_scope
from agreements.history import (
    REQUEST_USER,
    history_bulk_copy,
    history_bulk_delete,
    history_bulk_m2m_copy,
    history_bulk_record,
    history_note,
    rows_update,
)
from agreements.models import Agency, Locality, Plan
from agreements.services import AgencyIndex
from agreements.text import fold

from .blocks import split_pasted
from .models import OPEN_STATUSES, BlockPart, PlanBlock, Section, Task, TaskLead

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from accounts.models import User

    from .selectors import PlanRow


def plan_next_position(plan: Plan) -> int:
    """A position after every row of the plan (a new top-level section goes last)."""
    section_max = Section.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    task_max = Task.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    return max(section_max, task_max) + 10


def _renumber(items: Sequence[Section | Task]) -> None:
    """Positions 10, 20, … in the given (printed) order, written without history: a position
    means nothing on its own, and the printed order does not change."""
    sections: list[Section] = []
    tasks: list[Task] = []
    for number, item in enumerate(items, start=1):
        if item.position == number * 10:
            continue
        item.position = number * 10
        (sections if isinstance(item, Section) else tasks).append(item)  # type: ignore[arg-type]
    rows_update(sections, ["position"])
    rows_update(tasks, ["position"])


def _position_after(
    plan: Plan, is_anchor: Callable[[PlanRow], bool], *, else_first: bool = False
) -> int:
    """A position for a new row right after the last row of ``plan`` for which ``is_anchor(row)``
    holds; when none does, before the plan's first row (``else_first``) or after its last.

    Positions follow the printed order of ``tasks.selectors.plan_rows`` (the tree decides where a
    row prints, positions only order the rows of one level). Where they do not, or the next row
    leaves no room, the plan is renumbered 10, 20, … in printed order first, so that the one
    sequence also orders tasks across the plan in lists and reports."""
    from .selectors import plan_rows

    rows = plan_rows(plan)
    items = [row.section if row.kind == "section" else row.task for row in rows]
    if not items:
        return 10
    index = max((i for i, row in enumerate(rows) if is_anchor(row)), default=None)
    if index is None and not else_first:
        return plan_next_position(plan)
    in_order = all(a.position < b.position for a, b in zip(items, items[1:], strict=False))
    if index is None:
        if not in_order or items[0].position < 2:
            _renumber(items)
        return items[0].position - 1
    anchor = items[index]
    following = items[index + 1] if index + 1 < len(items) else None
    if not in_order or (following is not None and following.position < anchor.position + 2):
        _renumber(items)
    return anchor.position + 1


def task_position_new(*, plan: Plan, section: Section | None) -> int:
    """A new task's place: after the last task of its section (right under the heading when it
    has none, so before its sub-sections); a task outside any section after the last such (the
    first row of the plan when there is none: that table prints before the appendices).

    The one rule for every way a task comes in: the plan page, htmx, the admin (a task added with
    no position). May renumber the plan to make room: call it inside the creating transaction.
    """
    if section is None:
        return _position_after(
            plan,
            lambda row: row.kind == "task" and row.section is None,
            else_first=True,
        )
    return _position_after(
        plan,
        lambda row: (
            (row.kind == "section" and row.section.pk == section.pk)
            or (row.kind == "task" and row.task.section_id == section.pk)
        ),
    )


def _position_under(plan: Plan, parent: Section) -> int:
    """A new sub-section's place: after everything printed under ``parent``, at any depth."""
    parents = dict(Section.objects.filter(plan=plan).values_list("pk", "parent_id"))

    def under(section_id: int | None) -> bool:
        while section_id is not None:
            if section_id == parent.pk:
                return True
            section_id = parents.get(section_id)
        return False

    return _position_after(
        plan,
        lambda row: under(row.section.pk if row.kind == "section" else row.task.section_id),
    )


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
    """Create a section; without ``position`` a sub-section goes at the end of its parent (after
    its tasks and sub-sections), a top-level one at the end of the plan."""
    document_touch(plan_scope(plan.pk))
    if position is None:
        position = _position_under(plan, parent) if parent else plan_next_position(plan)
    section = Section(
        plan=plan,
        parent=parent,
        kind=kind,
        number=number,
        title=title,
        subtitle=subtitle,
        partner=partner,
        columns=list(columns),
        position=position,
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def sections_create_bulk(
    *,
    plan: Plan,
    sections: Sequence[Section],
    user: AbstractBaseUser | None | Any = REQUEST_USER,
) -> list[Section]:
    """Save new sections of ``plan`` (unsaved ``Section``s, a parent before its children, each
    with its position) with their history: one statement per table and per level of the tree,
    whatever their number. Validated in memory first (``section_create``'s rules); an invalid
    one raises ``DraftError`` naming its index, saving nothing."""
    document_touch(plan_scope(plan.pk))
    depth: dict[int, int] = {}
    for index, section in enumerate(sections):
        section.plan = plan
        try:
            section.full_clean(exclude=("plan", "parent", "partner"), validate_unique=False)
            if section.parent is not None and section.parent.plan_id != plan.pk:
                raise ValidationError({"parent": _("Mục cha phải thuộc cùng kế hoạch.")})
            if section.parent is not None and section.parent.pk is None:
                if id(section.parent) not in depth:
                    raise ValidationError({"parent": _("Mục cha phải đứng trước mục con.")})
            if section.partner is not None and section.partner.pk is None:
                raise ValidationError({"partner": _("Địa phương đối tác chưa có trong danh mục.")})
        except ValidationError as error:
            raise DraftError(index, error) from error
        parent = section.parent
        depth[id(section)] = depth.get(id(parent), -1) + 1 if parent is not None else 0
        section.search_text = fold(" ".join(part for part in section.search_source() if part))
        history_note(section, user=user)
    for level in sorted(set(depth.values())):
        batch = [section for section in sections if depth[id(section)] == level]
        Section.objects.bulk_create(batch)
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            Section.history.bulk_history_create(batch, default_change_reason=None)
    return list(sections)


def task_agency_text(text: str, agencies: Iterable[Agency]) -> str:
    """A printed lead or coordinating cell with the names of ``agencies`` in it written as
    printed: typed without accents ("so cong thuong"), it still prints "Sở Công Thương"
    (``agreements.services.AgencyIndex.respell``); other words stay as typed."""
    agencies = list(agencies)
    return AgencyIndex(agencies).respell(text) if text and agencies else text


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
    """Create a task in a plan. Without ``partners`` it takes its section's, else its plan's.
    Without ``position`` it goes after the last task of its section (``task_position_new``)."""
    document_touch(plan_scope(plan.pk))
    if position is None:
        position = task_position_new(plan=plan, section=section)
    task = Task(
        plan=plan,
        section=section,
        number=number,
        content=content,
        lead_text=task_agency_text(lead_text, lead_agencies),
        coordinating_text=task_agency_text(coordinating_text, coordinating_agencies),
        timeframe_text=timeframe_text,
        note=note,
        field=field,
        funding_source=funding_source,
        origin=origin,
        position=position,
    )
    task.full_clean()
    task.save()
    task_set_leads(task=task, agencies=lead_agencies)
    task.coordinating_agencies.set(coordinating_agencies)
    if partners is None:
        partners = task_inherited_partners(task)
    task.partners.set(partners)
    return task


@dataclass
class TaskDraft:
    """One task to create with ``tasks_create_bulk``: the arguments of ``task_create``.

    ``partners`` None means the section's partner, else the plan's (as ``task_create``);
    ``position`` None means after the draft before it (the first after the plan's end).
    """

    content: str
    section: Section | None = None
    number: str = ""
    lead_agencies: Sequence[Agency] = ()
    lead_text: str = ""
    coordinating_agencies: Sequence[Agency] = ()
    coordinating_text: str = ""
    partners: Sequence[Locality] | None = None
    timeframe_text: str = ""
    note: str = ""
    field: str = ""
    funding_source: str = ""
    position: int | None = None
    origin: Task | None = None


class DraftError(ValidationError):
    """A row given to ``tasks_create_bulk`` or ``sections_create_bulk`` is not valid; ``index``
    is its place in the list (0-based), so the caller can name where it came from. Nothing was
    saved."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.index = index


# Foreign keys a draft's task carries as objects already loaded: checked in memory below, so
# full_clean() need not look each one up in the database.
_TASK_RELATIONS = ("plan", "section", "origin")


class _AgencyTexts:
    """``task_agency_text`` for the drafts of one bulk call: a plan's rows repeat the same
    cells and the same few agencies, so each set of agencies is indexed once and each cell
    respelled once. Keyed by the agencies' identities: the drafts hold them for the call."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[int, ...], AgencyIndex] = {}
        self._texts: dict[tuple[str, tuple[int, ...]], str] = {}

    def __call__(self, text: str, agencies: Sequence[Agency]) -> str:
        if not text or not agencies:
            return text
        ids = tuple(map(id, agencies))
        if (text, ids) not in self._texts:
            if ids not in self._indexes:
                self._indexes[ids] = AgencyIndex(agencies)
            self._texts[text, ids] = self._indexes[ids].respell(text)
        return self._texts[text, ids]


def _draft_task(plan: Plan, draft: TaskDraft, position: int, agency_text: _AgencyTexts) -> Task:
    task = Task(
        plan=plan,
        section=draft.section,
        number=draft.number,
        content=draft.content,
        lead_text=agency_text(draft.lead_text, draft.lead_agencies),
        coordinating_text=agency_text(draft.coordinating_text, draft.coordinating_agencies),
        timeframe_text=draft.timeframe_text,
        note=draft.note,
        field=draft.field,
        funding_source=draft.funding_source,
        origin=draft.origin,
        position=position,
    )
    task.full_clean(exclude=_TASK_RELATIONS, validate_unique=False, validate_constraints=False)
    errors: dict[str, str] = {}
    if draft.section is not None and (draft.section.pk is None or draft.section.plan_id != plan.pk):
        errors["section"] = _("Mục phải thuộc cùng kế hoạch với nhiệm vụ.")
    if draft.origin is not None and draft.origin.pk is None:
        errors["origin"] = _("Nhiệm vụ gốc chưa được lưu.")
    unsaved = [a for a in (*draft.lead_agencies, *draft.coordinating_agencies) if a.pk is None]
    if unsaved:
        errors["lead_agencies"] = _("Cơ quan «%(name)s» chưa có trong danh mục.") % {
            "name": unsaved[0].name
        }
    if any(locality.pk is None for locality in draft.partners or ()):
        errors["partners"] = _("Địa phương đối tác chưa có trong danh mục.")
    if errors:
        raise ValidationError(errors)
    # What Task.save() and SearchableModel.save() derive, which bulk_create does not call.
    task.apply_timeframe()
    task.search_text = fold(" ".join(part for part in task.search_source() if part))
    return task


def _unique(items: Iterable[Model]) -> list[Any]:
    """``items`` without repeats, in order (``.set()`` links each once)."""
    first: dict[Any, Model] = {}
    for item in items:
        first.setdefault(item.pk, item)
    return list(first.values())


@transaction.atomic
def tasks_create_bulk(
    *,
    plan: Plan,
    drafts: Sequence[TaskDraft],
    user: AbstractBaseUser | None | Any = REQUEST_USER,
    reason: str | None = None,
) -> list[Task]:
    """Create many tasks of one plan with a fixed number of statements, whatever their number.

    The same rows as ``task_create`` called once per draft: tasks, ordered leads, coordinating
    agencies, partners, and the same history: for each task a creation record, then one change
    record per many-to-many field set (coordinating agencies, then partners) with its snapshot
    of both fields, as simple-history writes on ``.set()``; a creation record for each lead.
    Every record names ``user`` and ``reason`` (``history_note``). Drafts are validated in
    memory first; an invalid one raises ``DraftError`` naming its index, saving nothing.
    """
    document_touch(plan_scope(plan.pk))
    inherited: list[Locality] | None = None
    position = 0
    tasks: list[Task] = []
    agency_text = _AgencyTexts()
    for index, draft in enumerate(drafts):
        if draft.position is None:
            position = position + 10 if position else plan_next_position(plan)
        else:
            position = draft.position
        try:
            task = _draft_task(plan, draft, position, agency_text)
        except ValidationError as error:
            raise DraftError(index, error) from error
        history_note(task, user=user, reason=reason)
        tasks.append(task)
    Task.objects.bulk_create(tasks)

    leads: list[TaskLead] = []
    coordinating_model = Task.coordinating_agencies.through
    partners_model = Task.partners.through
    coordinating: list[list[Any]] = []
    partners: list[list[Any]] = []
    for task, draft in zip(tasks, drafts, strict=True):
        seen: set[int] = set()
        # Numbered as task_set_leads numbers them: a repeated agency keeps its place's number.
        for order, agency in enumerate(draft.lead_agencies):
            if agency.pk not in seen:
                seen.add(agency.pk)
                leads.append(TaskLead(task_id=task.pk, agency_id=agency.pk, order=order))
                history_note(leads[-1], user=user, reason=reason)
        coordinating.append(
            [
                coordinating_model(task_id=task.pk, agency_id=a.pk)
                for a in _unique(draft.coordinating_agencies)
            ]
        )
        chosen = draft.partners
        if chosen is None:
            chosen = _section_partner(draft.section)
            if chosen is None:
                if inherited is None:
                    inherited = list(plan.partners.all())
                chosen = inherited
        partners.append(
            [partners_model(task_id=task.pk, locality_id=p.pk) for p in _unique(chosen)]
        )
    TaskLead.objects.bulk_create(leads)
    coordinating_model.objects.bulk_create([row for rows in coordinating for row in rows])
    partners_model.objects.bulk_create([row for rows in partners for row in rows])
    if leads:
        history_bulk_copy(
            TaskLead,
            [lead.pk for lead in leads],
            history_type="+",
            date=timezone.now(),
            user=TaskLead.history.model.get_default_history_user(leads[0]),
            reason=get_change_reason_from_object(leads[0]),
        )
    _task_history_bulk(tasks, coordinating, partners)
    return tasks


def _depth(section: Section) -> int:
    depth, node = 0, section.parent
    while node is not None:
        depth, node = depth + 1, node.parent
    return depth


def _section_partner(section: Section | None) -> list[Locality] | None:
    node = section
    while node is not None:
        if node.partner is not None:
            return [node.partner]
        node = node.parent
    return None


def _task_history_bulk(
    tasks: Sequence[Task], coordinating: Sequence[list[Any]], partners: Sequence[list[Any]]
) -> None:
    """The history ``task_create`` leaves, copied by the database from the rows just written
    (``history_bulk_copy``): a "+" record per task, a "~" record after coordinating agencies
    are set and another after partners are (each only when the set was not empty), each "~"
    with its snapshot of both fields at that moment. Each kind is written at its own instant,
    in that order, as one save after another would be."""
    if not tasks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    # Every task carries the same note (tasks_create_bulk): who and why are read once.
    user = Task.history.model.get_default_history_user(tasks[0])
    reason = get_change_reason_from_object(tasks[0])
    stamps: list[datetime] = []

    def copy(chosen: list[Task], history_type: str) -> dict[Any, int]:
        now = timezone.now()
        if stamps and now <= stamps[-1]:
            now = stamps[-1] + timedelta(microseconds=1)
        stamps.append(now)
        return history_bulk_copy(
            Task,
            [task.pk for task in chosen],
            history_type=history_type,
            date=stamps[-1],
            user=user,
            reason=reason,
        )

    copy(list(tasks), "+")
    rows = list(zip(tasks, coordinating, partners, strict=True))
    # Partners are set after the coordinating agencies: that record's snapshot has none yet.
    coordinated = copy([task for task, links, _p in rows if links], "~")
    partnered = copy([task for task, _c, links in rows if links], "~")
    history_bulk_m2m_copy(
        Task, "coordinating_agencies", [*coordinated.values(), *partnered.values()]
    )
    history_bulk_m2m_copy(Task, "partners", partnered.values())


def task_inherited_partners(task: Task) -> list[Locality]:
    node = task.section
    while node is not None:
        if node.partner is not None:
            return [node.partner]
        node = node.parent
    return list(task.plan.partners.all())


@transaction.atomic
def plan_carry_forward(
    *, plan: Plan, number: str, title: str, start_year: int, end_year: int, user: User | None = None
) -> Plan:
    """The next period's draft plan, holding copies of the tasks not finished, linked to origin.

    Sections are copied as printed (so the draft keeps its appendices and partners); sections that
    end up with no task are left out. Printed timeframes are kept: the coordinator revises them
    in the draft.
    """
    if start_year > end_year:
        raise ValidationError({"end_year": _("Năm kết thúc phải bằng hoặc sau năm bắt đầu.")})
    draft = Plan(
        province=plan.province,
        kind=plan.kind,
        number=number,
        title=title,
        start_year=start_year,
        end_year=end_year,
        predecessor=plan,
        issuing_body=plan.issuing_body,
        place=plan.place,
        status="draft",
    )
    history_note(draft, user=user, reason=_("Chuyển tiếp từ %(number)s") % {"number": plan.number})
    draft.full_clean()
    draft.save()
    document_touch(plan_scope(draft.pk))
    draft.partners.set(plan.partners.all())
    draft.agreements.set(plan.agreements.all())

    open_tasks = list(
        Task.objects.filter(plan=plan, status__in=OPEN_STATUSES)
        .select_related("section")
        .prefetch_related("leads", "coordinating_agencies", "partners")
        .order_by("position", "pk")
    )
    # Keyed as looked up: by a task's or section's parent id, which may be None (none found).
    sections: dict[int | None, Section] = {
        s.pk: s for s in Section.objects.filter(plan=plan).select_related("partner")
    }
    needed: set[int] = set()
    for task in open_tasks:
        node = sections.get(task.section_id)
        while node is not None:
            needed.add(node.pk)
            node = sections.get(node.parent_id)
    copies: dict[int | None, Section] = {}
    for section in sorted(sections.values(), key=lambda s: (s.position, s.pk)):
        if section.pk not in needed:
            continue
        copies[section.pk] = Section(
            parent=copies.get(section.parent_id),
            kind=section.kind,
            number=section.number,
            title=section.title,
            subtitle=section.subtitle,
            partner=section.partner,
            columns=section.columns,
            position=section.position,
        )
    # Parents before children (the sort is stable: printed order within a level).
    ordered = sorted(copies.values(), key=_depth)
    sections_create_bulk(plan=draft, sections=ordered, user=REQUEST_USER)
    agencies = {lead.agency_id: lead for task in open_tasks for lead in task.leads.all()}
    lead_agencies = {a.pk: a for a in Agency.objects.filter(pk__in=agencies)}
    tasks_create_bulk(
        plan=draft,
        drafts=[
            TaskDraft(
                section=copies.get(task.section_id),
                number=task.number,
                content=task.content,
                lead_agencies=[lead_agencies[lead.agency_id] for lead in task.leads.all()],
                lead_text=task.lead_text,
                coordinating_agencies=list(task.coordinating_agencies.all()),
                coordinating_text=task.coordinating_text,
                partners=list(task.partners.all()),
                timeframe_text=task.timeframe_text,
                note=task.note,
                field=task.field,
                funding_source=task.funding_source,
                position=task.position,
                origin=task,
            )
            for task in open_tasks
        ],
        user=REQUEST_USER if user is None else user,
    )
    return draft


@transaction.atomic
def agency_replace(
    *, agency: Agency, successor: Agency, since: date, user: User | None = None
) -> int:
    """Mark ``agency`` replaced by ``successor`` from ``since``; its open tasks follow.

    Returns how many tasks moved. Each moved task's history names the reorganisation, and the
    printed lead text is kept (it is what the document said) but no longer the lead on screen.
    A fixed number of statements however many tasks move (``task_leads_repoint``).
    """
    document_touch(province_scope(agency.province_id))
    agency.active = False
    agency.successor = successor
    agency.successor_since = since
    history_note(agency, user=user)
    agency.full_clean()
    agency.save()
    reason = _("Chuyển từ %(old)s sang %(new)s (kế thừa từ ngày %(date)s)") % {
        "old": agency.name,
        "new": successor.name,
        "date": since.strftime("%d/%m/%Y"),
    }
    moved = list(
        Task.objects.filter(leads__agency=agency, status__in=OPEN_STATUSES)
        .select_related("plan")  # a saved task re-reads its timeframe against the plan
        .order_by("pk")
    )
    task_leads_repoint(tasks=moved, old=agency, new=successor)
    Task.objects.filter(pk__in=[task.pk for task in moved]).update(lead_text="")
    for task in moved:
        task.lead_text = ""
        history_note(task, user=user, reason=reason)
    tasks_resave(moved)
    task_coordinating_repoint(
        tasks=list(
            Task.objects.filter(coordinating_agencies=agency, status__in=OPEN_STATUSES).order_by(
                "pk"
            )
        ),
        old=agency,
        new=successor,
    )
    return len(moved)


def tasks_resave(tasks: Sequence[Task]) -> None:
    """What ``save()`` of each task writes when its other fields are already stored: the
    derived fields where they changed (one UPDATE) and one history record each, named by its
    ``history_note`` (one INSERT, plus the links' snapshots). Select the plan with the tasks."""
    stale = []
    for task in tasks:
        before = [getattr(task, name) for name in Task.DERIVED_FIELDS]
        task.derived_refresh()
        if before != [getattr(task, name) for name in Task.DERIVED_FIELDS]:
            stale.append(task)
    if stale:
        rows_update(stale, list(Task.DERIVED_FIELDS))
    history_bulk_record(tasks, "~")


def task_leads_repoint(*, tasks: Sequence[Task], old: Agency, new: Agency) -> None:
    """On each of ``tasks``, ``new`` leads where ``old`` did (its first place if both led).

    What ``task_set_leads`` with the swapped list does to each task, history included (every
    lead deleted, then the list created again), in one read, one DELETE and one INSERT.
    """
    leads = list(
        TaskLead.objects.filter(task__in=[task.pk for task in tasks]).order_by(
            "task_id", "order", "pk"
        )
    )
    created: list[TaskLead] = []
    seen: set[tuple[int, int]] = set()
    order = 0
    for index, lead in enumerate(leads):
        if index == 0 or leads[index - 1].task_id != lead.task_id:
            order = 0
        agency_id = new.pk if lead.agency_id == old.pk else lead.agency_id
        if (lead.task_id, agency_id) not in seen:
            seen.add((lead.task_id, agency_id))
            created.append(TaskLead(task_id=lead.task_id, agency_id=agency_id, order=order))
        order += 1
    history_bulk_delete(leads)
    TaskLead.objects.bulk_create(created)
    history_bulk_record(created, "+")


def task_coordinating_repoint(*, tasks: Sequence[Task], old: Agency, new: Agency) -> None:
    """On each of ``tasks`` (all coordinated by ``old``), ``new`` coordinates instead.

    What ``remove(old)`` then ``add(new)`` on each task writes, history included (one record
    after each step, with the links as they then stand), in one DELETE and one INSERT.
    """
    if not tasks:
        return
    through = Task.coordinating_agencies.through
    ids = [task.pk for task in tasks]
    through.objects.filter(task_id__in=ids, agency_id=old.pk).delete()
    for task in tasks:
        history_note(task)
    history_bulk_record(tasks, "~")
    through.objects.bulk_create(
        [through(task_id=task_id, agency_id=new.pk) for task_id in ids], ignore_conflicts=True
    )
    history_bulk_record(tasks, "~")


@transaction.atomic
def task_update(
    *,
    task: Task,
    user: User,
    fields: dict[str, Any],
    lead_agencies: Sequence[Agency],
    coordinating: Iterable[Agency] | None = None,
) -> Task:
    """Save an edited task; the printed lead text becomes what the user typed, the names of
    the agencies in it written as printed (``task_agency_text``)."""
    document_touch(plan_scope(task.plan_id))
    for name, value in fields.items():
        setattr(task, name, value)
    if "lead_text" in fields:
        task.lead_text = task_agency_text(task.lead_text, lead_agencies)
    if "coordinating_text" in fields:
        named = coordinating if coordinating is not None else task.coordinating_agencies.all()
        task.coordinating_text = task_agency_text(task.coordinating_text, named)
    history_note(task, user=user)
    task.full_clean()
    task.save()
    task_set_leads(task=task, agencies=lead_agencies)
    if coordinating is not None:
        task.coordinating_agencies.set(coordinating)
    return task


@transaction.atomic
def task_move(*, task: Task, direction: str, user: User | None = None) -> bool:
    """Swap a task with its neighbour in the same section (printed order); False at an end."""
    document_touch(plan_scope(task.plan_id))
    siblings = Task.objects.filter(plan_id=task.plan_id, section=task.section_id)
    if direction == "up":
        other = siblings.filter(position__lt=task.position).order_by("-position", "-pk").first()
    else:
        other = siblings.filter(position__gt=task.position).order_by("position", "pk").first()
    if other is None:
        return False
    task.position, other.position = other.position, task.position
    for item in (task, other):
        history_note(item, user=user)
        item.save(update_fields=["position"])
    return True


@transaction.atomic
def task_delete(*, task: Task, user: User | None = None) -> None:
    document_touch(plan_scope(task.plan_id))
    history_note(task, user=user)
    task.delete()


@transaction.atomic
def section_move(*, section: Section, direction: str) -> bool:
    """Swap a section, with everything under it, and its neighbour of the same parent.

    Sections and tasks share one printed-order sequence, so the plan is renumbered 10, 20, …
    in the new order (positions carry no meaning of their own, hence bulk_update).
    """
    document_touch(plan_scope(section.plan_id))
    from .selectors import plan_rows

    rows = plan_rows(section.plan)
    # Every section of the plan is a row: ancestors are looked up here, not read one by one.
    sections: dict[int | None, Section] = {
        row.section.pk: row.section for row in rows if row.kind == "section"
    }

    def sibling_of(node: Section | None) -> int | None:
        """The ancestor of ``node`` (itself included) that is a sibling of ``section``."""
        while node is not None:
            if node.parent_id == section.parent_id:
                return node.pk
            node = sections.get(node.parent_id)
        return None

    prefix: list[PlanRow] = []
    blocks: dict[int, list[PlanRow]] = {}
    suffix: list[PlanRow] = []
    for row in rows:
        owner = row.section if row.kind == "section" else sections.get(row.task.section_id)
        key = sibling_of(owner)
        if key is not None:
            blocks.setdefault(key, []).extend([*suffix, row])  # stray rows stay where they were
            suffix = []
        elif blocks:
            suffix.append(row)
        else:
            prefix.append(row)
    order = list(blocks)
    index = order.index(section.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(order):
        return False
    order[index], order[other] = order[other], order[index]
    ordered = prefix + [row for key in order for row in blocks[key]] + suffix
    _renumber([row.section if row.kind == "section" else row.task for row in ordered])
    return True


_KEEP: Any = object()


@transaction.atomic
def section_update(
    *,
    section: Section,
    number: str,
    title: str,
    subtitle: str = "",
    kind: str | None = None,
    partner: Locality | None = _KEEP,
    parent: Section | None = _KEEP,
    user: User | None = None,
) -> Section:
    """Save an edited section. When its partner changes, the tasks under it that took the
    inherited partner take the new one; a task that names its own partners keeps them."""
    document_touch(plan_scope(section.plan_id))
    inherited_before = {task.pk: task_inherited_partners(task) for task in _tasks_under(section)}
    section.number, section.title, section.subtitle = number, title, subtitle
    if kind is not None:
        section.kind = kind
    if partner is not _KEEP:
        section.partner = partner
    if parent is not _KEEP:
        section.parent = parent
    history_note(section, user=user)
    section.full_clean()
    section.save()
    for task in _tasks_under(section):
        before = {locality.pk for locality in inherited_before.get(task.pk, [])}
        if {locality.pk for locality in task.partners.all()} == before:
            now = task_inherited_partners(task)
            if {locality.pk for locality in now} != before:
                task.partners.set(now)
    return section


def _tasks_under(section: Section) -> list[Task]:
    """Tasks of ``section`` and of every section below it, with what inheritance reads."""
    ids, frontier = {section.pk}, [section.pk]
    while frontier:
        frontier = list(Section.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.update(frontier)
    return list(
        Task.objects.filter(section_id__in=ids)
        .select_related("section__parent", "plan")
        .prefetch_related("partners", "plan__partners")
    )


@transaction.atomic
def section_delete(*, section: Section, user: User | None = None) -> None:
    """Only an empty section goes: tasks are never deleted as a side effect."""
    document_touch(plan_scope(section.plan_id))
    if Task.objects.filter(section__in=[section, *section.children.all()]).exists():
        raise ValidationError(
            _("Mục «%(name)s» còn nhiệm vụ: hãy chuyển hoặc xóa các nhiệm vụ trước.")
            % {"name": str(section)}
        )
    history_note(section, user=user)
    section.delete()


# Fields a block may take from a dict (the seed files, an import); "section" is resolved apart.
_BLOCK_FIELDS = ("part", "kind", "number", "level", "text", "bold", "italic", "align")


@transaction.atomic
def plan_blocks_replace(
    *, plan: Plan, blocks: Sequence[dict], user: User | None = None
) -> list[PlanBlock]:
    """Replace a plan's whole text by ``blocks`` (dicts in printed order), each part numbered apart.

    A table block names its section by ``section``: a Section of this plan, or the section's
    printed number ("III."). Every block is validated before any is saved; an error names the
    block (its place in the list) and the field.
    """
    document_touch(plan_scope(plan.pk))
    sections: dict[str, Section] = {}
    # A number printed twice ("II." in two appendices) means the top-level section first.
    for existing in Section.objects.filter(plan=plan).order_by("parent", "position"):
        sections.setdefault(existing.number, existing)
    positions: dict[str, int] = {}
    new: list[PlanBlock] = []
    for index, data in enumerate(blocks, start=1):
        block = PlanBlock(plan=plan, **{k: data[k] for k in _BLOCK_FIELDS if k in data})
        section = data.get("section")
        if isinstance(section, str):
            section = sections.get(section)
            if section is None:
                raise ValidationError(
                    _("Khối %(index)s: kế hoạch không có phụ lục, mục số «%(number)s».")
                    % {"index": index, "number": data["section"]}
                )
        block.section = section
        positions[block.part] = positions.get(block.part, 0) + 10
        block.position = positions[block.part]
        try:
            block.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    field: [f"{_('Khối')} {index}: {message}" for message in messages]
                    for field, messages in error.message_dict.items()
                }
            ) from error
        new.append(block)
    for old in PlanBlock.objects.filter(plan=plan):
        history_note(old, user=user)
        old.delete()
    for block in new:
        history_note(block, user=user)
        block.save()
    return new


# -- the document's text: ordered blocks ------------------------------------------------------

BLOCK_FIELDS = ("kind", "number", "level", "text", "bold", "italic", "align", "section")


def _part_blocks(plan: Plan, part: str) -> list[PlanBlock]:
    return list(
        PlanBlock.objects.select_for_update(no_key=True)
        .filter(plan=plan, part=part)
        .order_by("position", "pk")
    )


def _check_after(*, plan: Plan, part: str, after: PlanBlock | None) -> None:
    if after is not None and (after.plan_id != plan.pk or after.part != part):
        raise ValidationError({"after": _("Khối đứng trước phải thuộc cùng phần của văn bản.")})


def _insert_blocks(
    *, plan: Plan, part: str, after: PlanBlock | None, new: Sequence[PlanBlock], user: User | None
) -> list[PlanBlock]:
    """Save ``new`` blocks after ``after`` (or at the end of the part), numbering the part 10, 20 …

    The neighbours' positions are renumbered with bulk_update: a position has no meaning of its
    own, and one insertion should not write a history line for every block below it.
    """
    _check_after(plan=plan, part=part, after=after)
    existing = _part_blocks(plan, part)
    index = len(existing)
    if after is not None:
        index = next(i for i, block in enumerate(existing) if block.pk == after.pk) + 1
    ordered = existing[:index] + list(new) + existing[index:]
    for number, block in enumerate(ordered, start=1):
        block.position = number * 10
    for block in new:
        block.plan, block.part = plan, part
        block.full_clean()
    moved = [block for block in existing if block.pk]
    rows_update(moved, ["position"])
    for block in new:
        history_note(block, user=user)
        block.save()
    return list(new)


@transaction.atomic
def block_create(
    *,
    plan: Plan,
    kind: str,
    text: str = "",
    number: str = "",
    level: int = 1,
    bold: bool = False,
    italic: bool = False,
    align: str = "",
    section: Section | None = None,
    part: str = BlockPart.MAIN,
    after: PlanBlock | None = None,
    user: User | None = None,
) -> PlanBlock:
    """Add one block to the plan's text, after ``after`` or at the end of ``part``."""
    document_touch(plan_scope(plan.pk))
    block = PlanBlock(
        kind=kind,
        text=text,
        number=number,
        level=level,
        bold=bold,
        italic=italic,
        align=align,
        section=section,
    )
    return _insert_blocks(plan=plan, part=part, after=after, new=[block], user=user)[0]


@transaction.atomic
def block_paste(
    *,
    plan: Plan,
    text: str,
    part: str = BlockPart.MAIN,
    after: PlanBlock | None = None,
    user: User | None = None,
) -> list[PlanBlock]:
    """Several pasted paragraphs become blocks, their printed numbering recognised
    (``tasks.blocks.split_pasted``); all are saved or none."""
    document_touch(plan_scope(plan.pk))
    drafts = split_pasted(text)
    if not drafts:
        raise ValidationError({"text": _("Không có đoạn văn nào để thêm: hãy dán nội dung.")})
    new = [
        PlanBlock(
            kind=draft.kind,
            text=draft.text,
            number=draft.number,
            level=draft.level,
            bold=draft.bold,
            align=draft.align,
        )
        for draft in drafts
    ]
    return _insert_blocks(plan=plan, part=part, after=after, new=new, user=user)


@transaction.atomic
def block_update(
    *, block: PlanBlock, fields: Mapping[str, Any], user: User | None = None
) -> PlanBlock:
    """Save an edited block; only the text's own fields change (not its plan, part or place)."""
    document_touch(plan_scope(block.plan_id))
    unknown = set(fields) - set(BLOCK_FIELDS)
    if unknown:
        raise ValueError(f"not block fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(block, name, value)
    if block.kind != "table":
        block.section = None
    history_note(block, user=user)
    block.full_clean()
    block.save()
    return block


@transaction.atomic
def block_move(*, block: PlanBlock, direction: str, user: User | None = None) -> bool:
    """Swap a block with its neighbour in the same part; False when it is at that end already."""
    document_touch(plan_scope(block.plan_id))
    ordered = _part_blocks(block.plan, block.part)
    index = next(i for i, item in enumerate(ordered) if item.pk == block.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return False
    # Even steps first (no history: nothing the reader sees changes), then the swap, recorded.
    for number, item in enumerate(ordered, start=1):
        item.position = number * 10
    rows_update(ordered, ["position"])
    mine, theirs = ordered[index], ordered[other]
    mine.position, theirs.position = theirs.position, mine.position
    for item in (mine, theirs):
        history_note(item, user=user)
        item.save(update_fields=["position"])
    block.position = mine.position
    return True


@transaction.atomic
def block_delete(*, block: PlanBlock, user: User | None = None) -> None:
    document_touch(plan_scope(block.plan_id))
    history_note(block, user=user)
    block.delete()
