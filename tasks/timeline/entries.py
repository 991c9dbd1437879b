"""What a timeline is drawn from: a plan's sections, tasks and milestones as plain values.

Nothing here reads the database or knows about coordinates. A task carries its printed "Thời
gian" and what it was understood to mean (``Task.apply_timeframe``) and nothing else: a span, a
day, "Thường xuyên" (ongoing), a recurrence, a deadline only ("trước ngày 15/11/2022"), or not
understood at all (undated) — :attr:`TimelineTask.state` says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Task row states.
SPAN, DAY, ONGOING_STATE, RECURRING_STATE, DEADLINE_STATE, UNDATED = (
    "span",
    "day",
    "ongoing",
    "recurring",
    "deadline",
    "undated",
)


@dataclass(frozen=True)
class TimelineSection:
    number: str
    title: str
    depth: int = 0
    pk: int | None = None

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.number, self.title) if part)


@dataclass(frozen=True)
class TimelineTask:
    """What the chart needs of a task: its printed text and what its timeframe was read as."""

    number: str
    content: str
    timeframe_text: str = ""
    start: date | None = None
    end: date | None = None
    ongoing: bool = False
    recurrence: str = ""
    interval: int = 1
    leads: tuple[str, ...] = ()
    pk: int | None = None

    @classmethod
    def from_task(cls, task) -> TimelineTask:
        """From a ``tasks.Task`` with its ``leads`` (and their agencies) prefetched."""
        return cls(
            number=task.number,
            content=task.content,
            timeframe_text=task.timeframe_text,
            start=task.start_date,
            end=task.end_date,
            ongoing=task.ongoing,
            recurrence=task.recurrence,
            interval=task.recurrence_interval or 1,
            leads=tuple(lead.agency.display_name for lead in task.leads.all()),
            pk=task.pk,
        )

    @classmethod
    def from_timeframe(cls, number: str, content: str, timeframe, **extra) -> TimelineTask:
        """From a ``agreements.timeframes.Timeframe`` (what ``parse_timeframe`` returns)."""
        return cls(
            number=number,
            content=content,
            timeframe_text=timeframe.text,
            start=timeframe.start,
            end=timeframe.end,
            ongoing=timeframe.ongoing,
            recurrence=timeframe.recurrence,
            interval=timeframe.interval,
            **extra,
        )

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.number, self.content) if part)

    @property
    def state(self) -> str:
        if self.ongoing:
            return ONGOING_STATE
        if self.recurrence:
            return RECURRING_STATE
        if self.start and self.end:
            return DAY if self.start == self.end else SPAN
        if self.end or self.start:
            return DEADLINE_STATE
        return UNDATED

    @property
    def understood(self) -> bool:
        return self.state != UNDATED


@dataclass(frozen=True)
class Milestone:
    """A dated event of the plan: a meeting, a review conference, a report deadline.

    ``start``/``end`` are a day or a planned stretch ("Quý III năm 2022"); both ``None`` when the
    event has no date yet (it is listed, not drawn). ``when_text`` is the time as printed.
    """

    kind: str  # "meeting" | "review" | "deadline"
    title: str
    start: date | None = None
    end: date | None = None
    when_text: str = ""
