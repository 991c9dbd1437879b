"""The timeline's words: a task's time as it was understood, milestones, tooltips, the table.

Everything a reader sees written about time, in Vietnamese through gettext, dates as dd/mm/yyyy:
"01/01/2020 – 31/12/2022", "Thường xuyên", "Hằng năm", "Hạn 15/11/2022", "Chưa xác định thời
gian". Used by the SVG (tooltips, today's line, the axis) and by the table under the chart on the
page and in the PDF.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from agreements.official import date_short

from .entries import (
    DAY,
    DEADLINE_STATE,
    ONGOING_STATE,
    RECURRING_STATE,
    UNDATED,
    Milestone,
    TimelineSection,
    TimelineTask,
)


def recurrence_label(recurrence: str, interval: int = 1) -> str:
    unit = {"yearly": _("năm"), "quarterly": _("quý"), "monthly": _("tháng")}.get(recurrence)
    if unit is None:
        return ""
    if interval <= 1:
        return _("Hằng %(unit)s") % {"unit": unit}
    return _("%(n)s %(unit)s một lần") % {"n": interval, "unit": unit}


def understood_label(task: TimelineTask) -> str:
    """What the chart read the printed timeframe as, in words: "01/01/2020 – 31/12/2022" …"""
    state = task.state
    span = f"{date_short(task.start)} – {date_short(task.end)}" if task.start and task.end else ""
    if state == UNDATED:
        return _("Chưa xác định thời gian")
    if state == ONGOING_STATE:
        words = _("Thường xuyên")
        if task.recurrence:
            words += ", " + recurrence_label(task.recurrence, task.interval).lower()
        return f"{words} ({span})" if span else words
    if state == RECURRING_STATE:
        words = recurrence_label(task.recurrence, task.interval)
        return f"{words} ({span})" if span else words
    if state == DEADLINE_STATE:
        if task.end:
            return _("Hạn %(date)s") % {"date": date_short(task.end)}
        return _("Từ %(date)s") % {"date": date_short(task.start)}
    if state == DAY:
        return date_short(task.start)
    return span


def milestone_when(milestone: Milestone) -> str:
    if milestone.start and milestone.end and milestone.start != milestone.end:
        words = f"{date_short(milestone.start)} – {date_short(milestone.end)}"
        return f"{milestone.when_text} ({words})" if milestone.when_text else words
    day = milestone.start or milestone.end
    if day:
        return date_short(day)
    return milestone.when_text or _("Chưa xác định thời gian")


def milestone_kind_label(kind: str) -> str:
    return {
        "meeting": _("Hội đàm, hội nghị"),
        "review": _("Sơ kết, tổng kết"),
        "deadline": _("Hạn báo cáo"),
    }.get(kind, kind)


def task_tooltip(task: TimelineTask) -> str:
    """A bar's tooltip: the task, its printed time and what the chart read it as."""
    printed = task.timeframe_text or _("(không ghi)")
    return _("%(task)s\nThời gian: %(printed)s → %(understood)s") % {
        "task": task.label,
        "printed": printed,
        "understood": understood_label(task),
    }


def milestone_tooltip(number: int, milestone: Milestone) -> str:
    """A milestone marker's tooltip: its number, kind, title and time."""
    return (
        f"{number}. {milestone_kind_label(milestone.kind)}: "
        f"{milestone.title} ({milestone_when(milestone)})"
    )


def today_label(today: date) -> str:
    return _("Hôm nay %(date)s") % {"date": date_short(today)}


def axis_label(axis_start: date, axis_end: date) -> str:
    return _("Trục thời gian: %(start)s – %(end)s") % {
        "start": date_short(axis_start),
        "end": date_short(axis_end),
    }


def timeline_rows(data) -> list[dict]:
    """The table under the chart: section headings and tasks with their times in words.

    ``data`` is a :class:`~tasks.timeline.selectors.PlanTimeline`.
    """
    return [
        {"section": entry}
        if isinstance(entry, TimelineSection)
        else {"task": entry, "understood": understood_label(entry)}
        for entry in data.entries
    ]
