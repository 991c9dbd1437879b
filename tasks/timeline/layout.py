"""A timeline's geometry: the time axis, its years and quarters, rows, bars, milestone lanes, pages.

:func:`timeline_layout` is pure: it takes plain entries (:mod:`.entries`), milestones and
``today`` and returns coordinates; nothing here reads the database or writes SVG.

Coordinates: 1 unit = 0.25 mm at the natural size (1080 units = 270 mm, the width of an A4
landscape page less 13.5 mm margins). Text is measured with the metrics of the shipped Tinos
font (metric-compatible with Times New Roman and Liberation Serif, which the screen falls back
to), so truncation (:func:`fit`) matches what is drawn.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tasks.exporters.fonts import text_width

from .entries import UNDATED, Milestone, TimelineSection, TimelineTask
from .wording import milestone_kind_label, milestone_when

WIDTH = 1080.0
MM_PER_UNIT = 0.25
PAD = 6.0
NUMBER_X = PAD
TEXT_X = PAD + 34
CHART_X0 = 430.0
CHART_X1 = WIDTH - PAD - 4
YEAR_BAND = 17.0
QUARTER_BAND = 13.0
LANE = 16.0
ROW_H = 16.0
SECTION_H = 18.0
BAR_H = 9.0
FONT = 10.0
SMALL = 8.5
# Quarter labels (I–IV) only when a quarter is wide enough to hold them.
MIN_QUARTER_WIDTH = 14.0
# Milestone markers closer than this share no lane.
MARKER_GAP = 15.0
# Under the last row: the axis's dates on the left, today's date at its line.
FOOTER = 13.0
# How far the axis may widen beyond the plan's period to reach a task dated outside it. Farther
# dates are misprints more often than plans; their bars are cut at the axis end with an arrow.
MAX_WIDEN_YEARS = 5


# -- outputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x0: float
    x1: float
    cut_left: bool = False  # the task starts before the axis
    cut_right: bool = False  # the task ends after the axis
    marks: tuple[tuple[float, float], ...] = ()  # recurring occurrences, each (x0, x1)


@dataclass(frozen=True)
class Row:
    kind: str  # "section" | "task"
    y: float
    height: float
    item: TimelineSection | TimelineTask
    state: str = ""  # for tasks: span | day | ongoing | recurring | deadline | undated
    bar: Bar | None = None
    depth: int = 0


@dataclass(frozen=True)
class PlacedMilestone:
    number: int
    milestone: Milestone
    x: float | None  # None: no date, or outside the axis
    x_end: float | None = None  # the end of a planned stretch (a quarter …)
    lane: int = 0

    @property
    def drawn(self) -> bool:
        return self.x is not None

    @property
    def when(self) -> str:
        return milestone_when(self.milestone)

    @property
    def kind_label(self) -> str:
        return milestone_kind_label(self.milestone.kind)


@dataclass(frozen=True)
class YearTick:
    year: int
    x0: float
    x1: float


@dataclass
class Timeline:
    axis_start: date
    axis_end: date  # inclusive
    years: list[YearTick]
    quarters: list[tuple[float, str, float]]  # (x, label "I".."IV", width)
    rows: list[Row]
    milestones: list[PlacedMilestone]
    lanes: int
    today: date
    today_x: float | None
    body_top: float
    header_quarters: bool
    title: str = ""
    undated: list[TimelineTask] = field(default_factory=list)

    @property
    def body_height(self) -> float:
        return sum(row.height for row in self.rows)

    @property
    def height(self) -> float:
        return self.body_top + self.body_height + FOOTER

    def x_of(self, day: date) -> float:
        return x_of(self.axis_start, self.axis_end, day)

    def pages(self, max_height: float, first_height: float | None = None) -> list[tuple[int, int]]:
        """Row slices that each fit ``max_height`` units (the first ``first_height``) with the
        header repeated on top. A section heading never ends a page: it moves to the next one
        with its first task.
        """

        def room(page: int) -> float:
            height = first_height if page == 0 and first_height is not None else max_height
            return max(height - self.body_top - FOOTER, SECTION_H + ROW_H)

        slices: list[tuple[int, int]] = []
        start, used = 0, 0.0
        for index, row in enumerate(self.rows):
            if index > start and used + row.height > room(len(slices)):
                stop = index
                while stop - 1 > start and self.rows[stop - 1].kind == "section":
                    stop -= 1
                slices.append((start, stop))
                start = stop
                used = sum(r.height for r in self.rows[start:index])
            used += row.height
        if start < len(self.rows) or not slices:
            slices.append((start, len(self.rows)))
        return slices


# -- layout -------------------------------------------------------------------------------------


def x_of(axis_start: date, axis_end: date, day: date) -> float:
    """The x of the start of ``day`` on an axis running from ``axis_start`` to ``axis_end``."""
    total = (axis_end - axis_start).days + 1
    return CHART_X0 + (day - axis_start).days * (CHART_X1 - CHART_X0) / total


def _task_dates(task: TimelineTask) -> list[date]:
    return [d for d in (task.start, task.end) if d is not None]


def _axis_years(period: tuple[int, int], dates: Iterable[date]) -> tuple[int, int]:
    first, last = period
    if first > last:
        first, last = last, first
    low, high = first - MAX_WIDEN_YEARS, last + MAX_WIDEN_YEARS
    for day in dates:
        first = min(first, max(day.year, low))
        last = max(last, min(day.year, high))
    return first, last


def _occurrences(task: TimelineTask, start: date, end: date) -> list[tuple[date, date]]:
    """The stretches a recurring task falls in: every ``interval`` years, quarters or months."""
    months = {"yearly": 12, "quarterly": 3, "monthly": 1}.get(task.recurrence)
    if not months:
        return []
    step = months * max(task.interval, 1)
    out: list[tuple[date, date]] = []
    cursor = date(start.year, 1 if months == 12 else start.month - (start.month - 1) % months, 1)
    while cursor <= end and len(out) < 400:
        month_index = cursor.month - 1 + months - 1
        last_year, last_month = cursor.year + month_index // 12, month_index % 12 + 1
        stretch_end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
        out.append((max(cursor, start), min(stretch_end, end)))
        month_index = cursor.month - 1 + step
        cursor = date(cursor.year + month_index // 12, month_index % 12 + 1, 1)
    return out


def _bar(task: TimelineTask, axis_start: date, axis_end: date) -> Bar | None:
    state = task.state
    if state == UNDATED:
        return None
    start = task.start or task.end
    end = task.end or task.start
    if start is None or end is None:  # ongoing or recurring in a plan without a period
        start, end = axis_start, axis_end
    if end < axis_start or start > axis_end:
        # Wholly outside the axis (farther than MAX_WIDEN_YEARS): an arrow at the near edge.
        edge = CHART_X0 if end < axis_start else CHART_X1
        return Bar(edge, edge, cut_left=end < axis_start, cut_right=start > axis_end)
    cut_left, cut_right = start < axis_start, end > axis_end
    shown_start, shown_end = max(start, axis_start), min(end, axis_end)

    def xs(a: date, b: date) -> tuple[float, float]:
        return x_of(axis_start, axis_end, a), x_of(axis_start, axis_end, b + timedelta(days=1))

    x0, x1 = xs(shown_start, shown_end)
    marks: tuple[tuple[float, float], ...] = ()
    if task.recurrence:
        marks = tuple(xs(a, b) for a, b in _occurrences(task, shown_start, shown_end))
    return Bar(x0, x1, cut_left, cut_right, marks)


def _place_milestones(
    milestones: Sequence[Milestone], axis_start: date, axis_end: date
) -> tuple[list[PlacedMilestone], int]:
    """Number milestones by date and give each a lane so that no two markers overlap."""
    dated = sorted(
        (m for m in milestones if m.start or m.end),
        key=lambda m: (m.start or m.end, m.end or m.start, m.kind, m.title),
    )
    undated = [m for m in milestones if not (m.start or m.end)]
    placed: list[PlacedMilestone] = []
    lane_ends: list[float] = []
    for number, milestone in enumerate([*dated, *undated], start=1):
        start = milestone.start or milestone.end
        end = milestone.end or milestone.start
        if start is None or end is None or end < axis_start or start > axis_end:
            placed.append(PlacedMilestone(number, milestone, None))
            continue
        x = x_of(axis_start, axis_end, max(start, axis_start))
        x_end = None
        if end > start:
            x_end = x_of(axis_start, axis_end, min(end, axis_end) + timedelta(days=1))
        # A lane holds markers and brackets that do not touch: each takes its span plus room
        # for a marker's half-width on both sides.
        left = x - MARKER_GAP / 2
        right = (x_end if x_end is not None else x) + MARKER_GAP / 2
        lane = next((i for i, edge in enumerate(lane_ends) if edge <= left), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(right)
        lane_ends[lane] = right
        placed.append(PlacedMilestone(number, milestone, x, x_end, lane))
    lanes = len(lane_ends)
    return placed, lanes


def timeline_layout(
    *,
    period: tuple[int, int],
    entries: Sequence[TimelineSection | TimelineTask],
    milestones: Sequence[Milestone] = (),
    today: date,
    cover: Iterable[date] = (),
    title: str = "",
) -> Timeline:
    """Lay out a plan's rows on a time axis.

    The axis runs from 1 January of the plan's first year to 31 December of its last, widened
    (by at most ``MAX_WIDEN_YEARS``) to whole years holding the dated tasks, the milestones and
    ``cover`` (dates that must stay on the axis when ``entries`` is a filtered part of a plan).
    Today's line is drawn only when today is on the axis.
    """
    tasks = [entry for entry in entries if isinstance(entry, TimelineTask)]
    dates = [d for task in tasks for d in _task_dates(task)]
    dates += [d for m in milestones for d in (m.start, m.end) if d is not None]
    dates += list(cover)
    first, last = _axis_years(period, dates)
    axis_start, axis_end = date(first, 1, 1), date(last, 12, 31)

    years = [
        YearTick(
            year,
            x_of(axis_start, axis_end, date(year, 1, 1)),
            x_of(axis_start, axis_end, date(year + 1, 1, 1)) if year < last else CHART_X1,
        )
        for year in range(first, last + 1)
    ]
    quarter_width = (CHART_X1 - CHART_X0) / (4 * len(years))
    quarters = [
        (
            x_of(axis_start, axis_end, date(year, month, 1)),
            ("I", "II", "III", "IV")[month // 3],
            quarter_width,
        )
        for year in range(first, last + 1)
        for month in (1, 4, 7, 10)
    ]
    header_quarters = quarter_width >= MIN_QUARTER_WIDTH
    placed, lanes = _place_milestones(milestones, axis_start, axis_end)
    body_top = PAD + YEAR_BAND + (QUARTER_BAND if header_quarters else 0) + LANE * lanes + 2

    rows: list[Row] = []
    y = body_top
    for entry in entries:
        if isinstance(entry, TimelineSection):
            rows.append(Row("section", y, SECTION_H, entry, depth=entry.depth))
            y += SECTION_H
            continue
        rows.append(Row("task", y, ROW_H, entry, entry.state, _bar(entry, axis_start, axis_end)))
        y += ROW_H
    today_x = x_of(axis_start, axis_end, today) if axis_start <= today <= axis_end else None
    return Timeline(
        axis_start=axis_start,
        axis_end=axis_end,
        years=years,
        quarters=quarters,
        rows=rows,
        milestones=placed,
        lanes=lanes,
        today=today,
        today_x=today_x,
        body_top=body_top,
        header_quarters=header_quarters,
        title=title,
        undated=[task for task in tasks if not task.understood],
    )


# -- text measure -------------------------------------------------------------------------------


def fit(text: str, size: float, width: float, *, bold: bool = False, italic: bool = False) -> str:
    """``text`` on one line, cut at a word (or a letter) with "…" if wider than ``width``."""
    text = " ".join(text.split())
    if text_width(text, size, bold=bold, italic=italic) <= width:
        return text
    room = width - text_width("…", size, bold=bold, italic=italic)
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits
        middle = (low + high + 1) // 2
        if text_width(text[:middle], size, bold=bold, italic=italic) <= room:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    if " " in cut and len(cut) - cut.rfind(" ") < 12:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–") + "…"
