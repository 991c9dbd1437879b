"""Reading a plan for its timeline: the only part of the timeline that queries the database.

Permissions as on the plan page: the plan, its meetings and its directives are read through
``agreements.permissions`` (404 for a plan the user may not see). The rows come from
``tasks.selectors.plan_rows``; none is read per task.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from agreements.models import MeetingKind, Plan, ReportDeadline
from agreements.official import date_short
from agreements.permissions import meetings_visible_to, plan_get_for_user, plans_visible_to
from tasks.models import Section, Task
from tasks.selectors import plan_rows

from .entries import Milestone, TimelineSection, TimelineTask
from .layout import FONT, Timeline, fit, timeline_layout

if TYPE_CHECKING:
    from accounts.permissions import AnyUser


@dataclass
class PlanTimeline:
    """Everything the timeline page and its PDF show of one plan."""

    plan: Plan
    timeline: Timeline
    tasks: list[TimelineTask]  # the shown tasks, in printed order
    entries: list[TimelineSection | TimelineTask]
    sections: list[tuple[int, str]]  # filter choices: (pk, indented label)
    agencies: list[tuple[int, str]]  # filter choices: lead agencies of the plan's tasks
    section_id: int | None = None
    agency_id: int | None = None


def plan_milestones(plan: Plan, user: AnyUser) -> list[Milestone]:
    """Meetings and report deadlines of a plan (two queries).

    Meetings: those held under the agreements the plan implements, the one a directive follows,
    and those the plan's own directives follow. A meeting without a date or planned time but with
    a dated notice (196-TB/TU, 10/12/2021) is placed at the notice's date and says so. Deadlines:
    the plan's own and its directives' (6452/UBND-ĐN asks for a report on 165/QĐ-UBND's work).
    """
    visible_plans = plans_visible_to(user)
    wanted = Q(agreements__plans=plan) | Q(directives__in=visible_plans.filter(parent=plan))
    if plan.meeting_id:
        wanted |= Q(pk=plan.meeting_id)
    meetings = meetings_visible_to(user).filter(wanted).distinct().order_by("start_date", "pk")
    out = []
    for meeting in meetings:
        kind = (
            "review"
            if meeting.kind in (MeetingKind.REVIEW, MeetingKind.FINAL_REVIEW)
            else "meeting"
        )
        title = meeting.title
        start, end = meeting.start_date, meeting.end_date
        if start is None and end is None and meeting.notice_date:
            start = end = meeting.notice_date
            title = _("%(title)s (thông báo kết luận %(notice)s)") % {
                "title": meeting.title,
                "notice": meeting.notice_number or date_short(meeting.notice_date),
            }
        when = "" if meeting.date else meeting.timeframe_text
        out.append(Milestone(kind, title, start, end, when))
    deadlines = (
        ReportDeadline.objects.filter(Q(plan=plan) | Q(plan__in=visible_plans.filter(parent=plan)))
        .select_related("plan")
        .order_by("date", "pk")
    )
    for deadline in deadlines:
        text = deadline.text or _("Hạn báo cáo")
        if deadline.plan_id != plan.pk:
            text = f"{deadline.plan.number}: {text}"
        out.append(Milestone("deadline", text, deadline.date, deadline.date))
    return out


def plan_timeline_read(
    *,
    plan: Plan,
    user: AnyUser,
    today: date,
    section_id: int | None = None,
    agency_id: int | None = None,
) -> PlanTimeline:
    """A plan's timeline, optionally narrowed to one section (with its sub-sections) or to the
    tasks one agency leads. The axis stays the whole plan's so that filtered charts compare.

    Queries: the plan's rows (sections, tasks and their relations, see ``plan_rows``), meetings,
    deadlines; none per task.
    """
    rows = plan_rows(plan)
    sections = [row.section for row in rows if row.kind == "section"]
    parent_of = {section.pk: section.parent_id for section in sections}

    def inside(section_pk: int | None) -> bool:
        while section_pk is not None:
            if section_pk == section_id:
                return True
            section_pk = parent_of.get(section_pk)
        return False

    agencies: dict[int, str] = {}
    every_date: list[date] = []
    kept: list[tuple[Section | Task, TimelineSection | TimelineTask]] = []
    for row in rows:
        if row.kind == "section":
            section = row.section
            if section_id is None or inside(section.pk):
                kept.append(
                    (section, TimelineSection(section.number, section.title, row.depth, section.pk))
                )
            continue
        task = row.task
        leads = list(task.leads.all())
        for lead in leads:
            agencies.setdefault(lead.agency_id, lead.agency.display_name)
        every_date += [d for d in (task.start_date, task.end_date) if d]
        if section_id is not None and not inside(task.section_id):
            continue
        if agency_id is not None and all(lead.agency_id != agency_id for lead in leads):
            continue
        kept.append((task, TimelineTask.from_task(task)))

    # Drop the headings left without a task below them (after a filter, or empty sections).
    with_tasks: set[int] = set()
    for source, _entry in kept:
        if isinstance(source, Task) and source.section_id:
            node: int | None = source.section_id
            while node is not None and node not in with_tasks:
                with_tasks.add(node)
                node = parent_of.get(node)
    entries = [
        entry for source, entry in kept if isinstance(entry, TimelineTask) or entry.pk in with_tasks
    ]

    timeline = timeline_layout(
        period=(plan.start_year, plan.end_year),
        entries=entries,
        milestones=plan_milestones(plan, user),
        today=today,
        cover=every_date,
        title=_("Tiến độ thực hiện %(kind)s %(number)s")
        % {
            "kind": plan.get_kind_display(),
            "number": plan.number,
        },
    )
    depth_of = {row.section.pk: row.depth for row in rows if row.kind == "section"}
    return PlanTimeline(
        plan=plan,
        timeline=timeline,
        tasks=[entry for entry in entries if isinstance(entry, TimelineTask)],
        entries=entries,
        sections=[
            (s.pk, "\u00a0\u00a0" * depth_of[s.pk] + fit(str(s), FONT, 320)) for s in sections
        ],
        agencies=sorted(agencies.items(), key=lambda item: item[1].lower()),
        section_id=section_id,
        agency_id=agency_id,
    )


def _filter_id(filters: Mapping[str, str], name: str) -> int | None:
    value = filters.get(name, "")
    return int(value) if value.isdigit() else None


def plan_timeline_for_user(
    *, user: AnyUser, plan_pk: int, filters: Mapping[str, str], today: date
) -> PlanTimeline:
    """The timeline of a plan the user may see (404 otherwise), narrowed by the page's filters:
    ``section`` (a section's pk) and ``lead`` (an agency's pk); anything else is ignored.
    """
    plan = plan_get_for_user(user, plan_pk)
    return plan_timeline_read(
        plan=plan,
        user=user,
        today=today,
        section_id=_filter_id(filters, "section"),
        agency_id=_filter_id(filters, "lead"),
    )
