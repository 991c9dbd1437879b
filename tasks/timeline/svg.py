"""A plan's tasks on a time axis: laid out once, drawn as SVG for the page and the PDF.

The layout (:func:`timeline_layout`) is pure: it takes plain rows (:class:`TimelineSection`,
:class:`TimelineTask`), milestones and ``today`` and returns coordinates; nothing in it reads the
database. :func:`timeline_svg` writes a layout (or one page of it) as SVG with every text escaped,
no script and no ``style`` attribute, so the page's Content-Security-Policy (``style-src 'self'``)
has nothing to block. :func:`plan_timeline_read` at the end is the only part that queries.

A task is drawn from what its printed "Thời gian" was understood to mean (``Task.apply_timeframe``)
and nothing else: a span is a solid bar; "Thường xuyên" a hatched bar over the plan's period; a
recurring task one block per occurrence; a deadline only ("trước ngày 15/11/2022") a flag at its
date. A text that was not understood gets no bar but the words "chưa xác định thời gian": a
guessed date on a leader's wall chart would be worse than a visible gap someone can fix.

Coordinates: 1 unit = 0.25 mm at the natural size (1080 units = 270 mm, the width of an A4
landscape page less 13.5 mm margins). Text is measured with the metrics of the shipped Tinos
font (metric-compatible with Times New Roman and Liberation Serif, which the screen falls back
to), so truncation matches what is drawn.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from agreements.permissions import meetings_visible_to, plans_visible_to

from .exporters.fonts import text_width

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
FONT_FAMILY = "Tinos, 'Times New Roman', 'Liberation Serif', serif"

INK = "#1A1A1A"
MUTED = "#5B6475"
GRID = "#E2E5EA"
GRID_YEAR = "#9AA3B0"
BAND = "#F3F5F8"
SECTION_FILL = "#E8ECF2"
BAR = "#2F6FBF"
ONGOING = "#2F6FBF"
ONGOING_FILL = "#DCE7F5"
RECURRING = "#2E8B57"
DEADLINE = "#A86400"
TODAY = "#C8382E"
MILESTONE_COLOURS = {"meeting": "#1B4F9C", "review": "#8E5BB5", "deadline": "#C8382E"}

# Task row states.
SPAN, DAY, ONGOING_STATE, RECURRING_STATE, DEADLINE_STATE, UNDATED = (
    "span",
    "day",
    "ongoing",
    "recurring",
    "deadline",
    "undated",
)


# -- inputs -------------------------------------------------------------------------------------


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
        """From a ``tasks.timeframes.Timeframe`` (what ``parse_timeframe`` returns)."""
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
    out = []
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


# -- describing a task's time in words (the table under the chart, tooltips) --------------------


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


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
    span = f"{_d(task.start)} – {_d(task.end)}" if task.start and task.end else ""
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
            return _("Hạn %(date)s") % {"date": _d(task.end)}
        return _("Từ %(date)s") % {"date": _d(task.start)}
    if state == DAY:
        return _d(task.start)
    return span


def milestone_when(milestone: Milestone) -> str:
    if milestone.start and milestone.end and milestone.start != milestone.end:
        words = f"{_d(milestone.start)} – {_d(milestone.end)}"
        return f"{milestone.when_text} ({words})" if milestone.when_text else words
    day = milestone.start or milestone.end
    if day:
        return _d(day)
    return milestone.when_text or _("Chưa xác định thời gian")


def milestone_kind_label(kind: str) -> str:
    return {
        "meeting": _("Hội đàm, hội nghị"),
        "review": _("Sơ kết, tổng kết"),
        "deadline": _("Hạn báo cáo"),
    }.get(kind, kind)


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


# -- SVG ----------------------------------------------------------------------------------------


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(
    x: float,
    y: float,
    text: str,
    size: float = FONT,
    *,
    anchor: str = "start",
    bold: bool = False,
    italic: bool = False,
    fill: str = INK,
) -> str:
    extra = ""
    if anchor != "start":
        extra += f' text-anchor="{anchor}"'
    if bold:
        extra += ' font-weight="bold"'
    if italic:
        extra += ' font-style="italic"'
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"{extra}>'
        f"{escape(text)}</text>"
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(h)}" '
        f'fill="{fill}"{extra}/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width=1.0, dash="") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
        f'stroke-width="{_n(width)}"{dashes}/>'
    )


def _titled(tooltip: str, *parts: str, css: str = "") -> str:
    klass = f" class={quoteattr(css)}" if css else ""
    return f"<g{klass}><title>{escape(tooltip)}</title>{''.join(parts)}</g>"


def _polygon(points: Sequence[tuple[float, float]], fill: str) -> str:
    coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    return f'<polygon points="{coords}" fill="{fill}"/>'


def _hatch_defs(prefix: str) -> str:
    # A 6 × 6 tile with one diagonal stroke (and its corners) hatches seamlessly without
    # patternTransform; WeasyPrint and browsers draw it alike.
    return (
        f'<defs><pattern id="{prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect x="0" y="0" width="6" height="6" fill="{ONGOING_FILL}"/>'
        f'<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="{ONGOING}" stroke-width="1.2"/>'
        "</pattern></defs>"
    )


def _marker(kind: str, x: float, cy: float, number: int) -> list[str]:
    colour = MILESTONE_COLOURS.get(kind, MUTED)
    r = 6.5
    if kind == "review":
        shape = _polygon(
            [(x, cy - r - 1), (x + r + 1, cy), (x, cy + r + 1), (x - r - 1, cy)], colour
        )
    elif kind == "deadline":
        shape = _polygon([(x - r, cy - r + 1), (x + r, cy - r + 1), (x, cy + r)], colour)
    else:
        shape = f'<circle cx="{_n(x)}" cy="{_n(cy)}" r="{_n(r)}" fill="{colour}"/>'
    label_y = cy + 3 - (2 if kind == "deadline" else 0)
    return [shape, _text(x, label_y, str(number), 8, anchor="middle", bold=True, fill="#FFFFFF")]


def _task_tooltip(task: TimelineTask) -> str:
    printed = task.timeframe_text or _("(không ghi)")
    return _("%(task)s\nThời gian: %(printed)s → %(understood)s") % {
        "task": task.label,
        "printed": printed,
        "understood": understood_label(task),
    }


def _draw_task(row: Row, prefix: str) -> list[str]:
    task = row.item
    assert isinstance(task, TimelineTask)  # noqa: S101 - rows of kind "task" hold tasks
    out = []
    mid = row.y + row.height / 2
    label = fit(task.content, FONT, CHART_X0 - TEXT_X - 10)
    out.append(
        _titled(
            task.label,
            _text(NUMBER_X, mid + 3.5, fit(task.number, FONT, TEXT_X - NUMBER_X - 3)),
            _text(TEXT_X, mid + 3.5, label),
            css="task-label",
        )
    )
    bar, tooltip = row.bar, _task_tooltip(task)
    top = mid - BAR_H / 2
    if bar is None:
        words = _("chưa xác định thời gian")
        if task.timeframe_text:
            words += f" ({task.timeframe_text})"
        words = fit(words, SMALL, CHART_X1 - CHART_X0 - 8, italic=True)
        return [
            *out,
            _titled(
                tooltip,
                _rect(
                    CHART_X0 + 2,
                    top,
                    text_width(words, SMALL, italic=True) + 8,
                    BAR_H,
                    "#FFFFFF",
                    f' stroke="{MUTED}" stroke-width="0.6" stroke-dasharray="2 2"',
                ),
                _text(CHART_X0 + 6, mid + 3, words, SMALL, italic=True, fill=MUTED),
                css="undated",
            ),
        ]
    parts: list[str] = []
    width = bar.x1 - bar.x0
    if row.state == ONGOING_STATE:
        parts.append(
            _rect(
                bar.x0,
                top,
                width,
                BAR_H,
                f"url(#{prefix}-hatch)",
                f' stroke="{ONGOING}" stroke-width="0.8" stroke-dasharray="4 2"',
            )
        )
    elif row.state == RECURRING_STATE:
        parts.append(_line(bar.x0, mid, bar.x1, mid, RECURRING, 0.8, "2 2"))
    elif row.state == SPAN:
        parts.append(_rect(bar.x0, top, max(width, 2), BAR_H, BAR))
    elif row.state == DAY:
        x = (bar.x0 + bar.x1) / 2
        parts.append(
            _polygon([(x, top - 1), (x + 5, mid), (x, top + BAR_H + 1), (x - 5, mid)], BAR)
        )
    elif row.state == DEADLINE_STATE:
        x = bar.x1 if task.end else bar.x0
        parts.append(_line(x, top - 2, x, top + BAR_H + 2, DEADLINE, 1.4))
        parts.append(_polygon([(x, top - 2), (x - 7, top + 1.5), (x, top + 5)], DEADLINE))
    for x0, x1 in bar.marks:
        inset = 0.8 if x1 - x0 > 4 else 0
        parts.append(
            _rect(x0 + inset, top + 1.5, max(x1 - x0 - 2 * inset, 1), BAR_H - 3, RECURRING)
        )
    if bar.cut_left:
        parts.append(_polygon([(CHART_X0 - 5, mid), (CHART_X0, top), (CHART_X0, top + BAR_H)], INK))
    if bar.cut_right:
        parts.append(_polygon([(CHART_X1 + 5, mid), (CHART_X1, top), (CHART_X1, top + BAR_H)], INK))
    out.append(_titled(tooltip, *parts, css=f"bar {row.state}"))
    return out


def timeline_svg(
    timeline: Timeline,
    *,
    start: int = 0,
    stop: int | None = None,
    prefix: str = "tl",
    width_mm: float | None = None,
) -> str:
    """The timeline (or rows ``start:stop`` of it, under the same header) as an SVG element.

    ``prefix`` keeps element ids unique when one document holds several charts (PDF pages);
    ``width_mm`` prints it at that width instead of the natural 270 mm.
    """
    scale = (width_mm / WIDTH) if width_mm else MM_PER_UNIT
    rows = timeline.rows[start:stop]
    shift = (rows[0].y - timeline.body_top) if rows else 0.0
    body_top = timeline.body_top
    body_bottom = body_top + sum(row.height for row in rows)
    height = body_bottom + FOOTER
    title = timeline.title or _("Tiến độ thực hiện kế hoạch")
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(height)}" '
        f'width="{_n(WIDTH * scale)}mm" height="{_n(height * scale)}mm" '
        f'class="plan-timeline-chart" role="img" aria-label={quoteattr(title)} '
        f"font-family={quoteattr(FONT_FAMILY)}>",
        f"<title>{escape(title)}</title>",
        _hatch_defs(prefix),
        _rect(0, 0, WIDTH, height, "#FFFFFF"),
    ]
    # Alternate years shaded, header and body, so a bar's years read at a glance.
    for index, tick in enumerate(timeline.years):
        if index % 2:
            out.append(_rect(tick.x0, PAD, tick.x1 - tick.x0, body_bottom - PAD, BAND))
    # Header: years, quarters, the milestone lanes; the label column's headings.
    year_y = PAD + YEAR_BAND - 5
    for tick in timeline.years:
        out.append(
            _text((tick.x0 + tick.x1) / 2, year_y, str(tick.year), 10.5, anchor="middle", bold=True)
        )
    out.append(_text(NUMBER_X, year_y, _("STT"), SMALL, bold=True, fill=MUTED))
    out.append(_text(TEXT_X, year_y, _("Nội dung công việc"), SMALL, bold=True, fill=MUTED))
    lanes_top = PAD + YEAR_BAND
    if timeline.header_quarters:
        for x, label, width in timeline.quarters:
            out.append(
                _text(
                    x + width / 2,
                    PAD + YEAR_BAND + QUARTER_BAND - 3.5,
                    label,
                    SMALL,
                    anchor="middle",
                    fill=MUTED,
                )
            )
        lanes_top += QUARTER_BAND
    if timeline.lanes:
        out.append(
            _text(
                TEXT_X,
                lanes_top + LANE / 2 + 3,
                _("Mốc (xem danh sách bên dưới)"),
                SMALL,
                italic=True,
                fill=MUTED,
            )
        )
    # Section rows shaded before the grid so that gridlines stay visible across them.
    for row in rows:
        if row.kind == "section":
            out.append(_rect(0, row.y - shift, WIDTH, row.height, SECTION_FILL))
    # Gridlines: quarters light, years darker, from the header down to the last row.
    if timeline.header_quarters:
        for x, label, _width in timeline.quarters:
            if label != "I":
                out.append(_line(x, PAD + YEAR_BAND, x, body_bottom, GRID, 0.6))
    for tick in timeline.years:
        out.append(_line(tick.x0, PAD, tick.x0, body_bottom, GRID_YEAR, 0.8))
    out.append(_line(CHART_X1, PAD, CHART_X1, body_bottom, GRID_YEAR, 0.8))
    out.append(_line(0, body_top, WIDTH, body_top, GRID_YEAR, 0.8))
    # Milestones: a band for a planned stretch, a dashed line for a day, the marker in its lane.
    for placed in timeline.milestones:
        if placed.x is None:
            continue
        colour = MILESTONE_COLOURS.get(placed.milestone.kind, MUTED)
        tooltip = (
            f"{placed.number}. {milestone_kind_label(placed.milestone.kind)}: "
            f"{placed.milestone.title} ({milestone_when(placed.milestone)})"
        )
        cy = lanes_top + placed.lane * LANE + LANE / 2
        parts = []
        if placed.x_end is not None:
            parts.append(
                _rect(
                    placed.x,
                    body_top,
                    placed.x_end - placed.x,
                    body_bottom - body_top,
                    colour,
                    ' fill-opacity="0.08"',
                )
            )
            parts.append(_line(placed.x, cy, placed.x_end, cy, colour, 1.2))
            parts.append(_line(placed.x, cy - 4, placed.x, cy + 4, colour, 1.2))
            parts.append(_line(placed.x_end, cy - 4, placed.x_end, cy + 4, colour, 1.2))
            marker_x = (placed.x + placed.x_end) / 2
        else:
            parts.append(_line(placed.x, cy, placed.x, body_bottom, colour, 0.9, "3 2"))
            marker_x = placed.x
        parts.extend(_marker(placed.milestone.kind, marker_x, cy, placed.number))
        out.append(_titled(tooltip, *parts, css=f"milestone {placed.milestone.kind}"))
    # Rows.
    for row in rows:
        moved = Row(row.kind, row.y - shift, row.height, row.item, row.state, row.bar, row.depth)
        if row.kind == "section":
            section = row.item
            assert isinstance(section, TimelineSection)  # noqa: S101
            indent = NUMBER_X + 10 * min(row.depth, 3)
            text = fit(section.label, FONT, WIDTH - indent - PAD, bold=True)
            out.append(
                _titled(
                    section.label,
                    _text(indent, moved.y + row.height / 2 + 3.5, text, bold=True),
                    css="section",
                )
            )
        else:
            out.append(_line(0, moved.y + row.height, WIDTH, moved.y + row.height, GRID, 0.4))
            out.extend(_draw_task(moved, prefix))
    # Today's line last, above everything.
    if timeline.today_x is not None:
        x = timeline.today_x
        label = _("Hôm nay %(date)s") % {"date": _d(timeline.today)}
        anchor = "end" if x > CHART_X1 - 60 else "start"
        out.append(
            _titled(
                label,
                _line(x, PAD, x, body_bottom + 3, TODAY, 1.4),
                _text(
                    x + (-3 if anchor == "end" else 3),
                    body_bottom + FOOTER - 3,
                    label,
                    SMALL,
                    anchor=anchor,
                    bold=True,
                    fill=TODAY,
                ),
                css="today",
            )
        )
    out.append(_line(CHART_X0, body_bottom, CHART_X1, body_bottom, GRID_YEAR, 0.8))
    axis_words = _("Trục thời gian: %(start)s – %(end)s") % {
        "start": _d(timeline.axis_start),
        "end": _d(timeline.axis_end),
    }
    out.append(_text(NUMBER_X, body_bottom + FOOTER - 3, axis_words, SMALL, fill=MUTED))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def legend_svg(prefix: str = "lg") -> str:
    """The key to the chart's symbols, as one small SVG strip."""
    entries: list[tuple[str, list[str]]] = []
    y, mid = 4.0, 4.0 + BAR_H / 2
    entries.append((_("Khoảng thời gian"), [_rect(0, y, 26, BAR_H, BAR)]))
    entries.append(
        (
            _("Thường xuyên"),
            [
                _rect(
                    0,
                    y,
                    26,
                    BAR_H,
                    f"url(#{prefix}-hatch)",
                    f' stroke="{ONGOING}" stroke-width="0.8" stroke-dasharray="4 2"',
                )
            ],
        )
    )
    entries.append(
        (
            _("Định kỳ"),
            [
                _line(0, mid, 26, mid, RECURRING, 0.8, "2 2"),
                _rect(1, y + 1.5, 7, BAR_H - 3, RECURRING),
                _rect(17, y + 1.5, 7, BAR_H - 3, RECURRING),
            ],
        )
    )
    entries.append(
        (
            _("Hạn"),
            [
                _line(20, y - 2, 20, y + BAR_H + 2, DEADLINE, 1.4),
                _polygon([(20, y - 2), (13, y + 1.5), (20, y + 5)], DEADLINE),
            ],
        )
    )
    entries.append(
        (
            _("Chưa xác định thời gian"),
            [
                _rect(
                    1,
                    y,
                    24,
                    BAR_H,
                    "#FFFFFF",
                    f' stroke="{MUTED}" stroke-width="0.6" stroke-dasharray="2 2"',
                )
            ],
        )
    )
    entries.append((_("Hội đàm, hội nghị"), _marker("meeting", 13, mid, 1)))
    entries.append((_("Sơ kết, tổng kết"), _marker("review", 13, mid, 2)))
    entries.append((_("Hạn báo cáo"), _marker("deadline", 13, mid + 1, 3)))
    entries.append((_("Hôm nay"), [_line(13, y - 3, 13, y + BAR_H + 3, TODAY, 1.4)]))
    out = []
    x = 0.0
    for label, parts in entries:
        caption = _text(32, mid + 3.5, label, FONT)
        out.append(f'<g transform="translate({_n(x)} 0)">{"".join(parts)}{caption}</g>')
        x += 32 + text_width(label, FONT) + 18
    width, height = x, 20.0
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width * MM_PER_UNIT)}mm" '
        f'height="{_n(height * MM_PER_UNIT)}mm" class="plan-timeline-legend" '
        f'role="img" aria-label={quoteattr(_("Chú giải"))} font-family={quoteattr(FONT_FAMILY)}>'
        f"{_hatch_defs(prefix)}{''.join(out)}</svg>\n"
    )


# -- reading a plan (the only part that queries) ------------------------------------------------


@dataclass
class PlanTimeline:
    """Everything the timeline page and its PDF show of one plan."""

    plan: object
    timeline: Timeline
    tasks: list[TimelineTask]  # the shown tasks, in printed order
    entries: list[TimelineSection | TimelineTask]
    sections: list[tuple[int, str]]  # filter choices: (pk, indented label)
    agencies: list[tuple[int, str]]  # filter choices: lead agencies of the plan's tasks
    section_id: int | None = None
    agency_id: int | None = None


def plan_milestones(plan, user) -> list[Milestone]:
    """Meetings and report deadlines of a plan (two queries).

    Meetings: those held under the agreements the plan implements, the one a directive follows,
    and those the plan's own directives follow. A meeting without a date or planned time but with
    a dated notice (196-TB/TU, 10/12/2021) is placed at the notice's date and says so. Deadlines:
    the plan's own and its directives' (6452/UBND-ĐN asks for a report on 165/QĐ-UBND's work).
    """
    from django.db.models import Q

    from agreements.models import MeetingKind, ReportDeadline

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
                "notice": meeting.notice_number or _d(meeting.notice_date),
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
    plan,
    user,
    today: date,
    section_id: int | None = None,
    agency_id: int | None = None,
) -> PlanTimeline:
    """A plan's timeline, optionally narrowed to one section (with its sub-sections) or to the
    tasks one agency leads. The axis stays the whole plan's so that filtered charts compare.

    Queries: the plan's rows (sections, tasks and their relations, see ``plan_rows``), meetings,
    deadlines; none per task.
    """
    from .selectors import plan_rows

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
    kept: list[tuple[object, TimelineSection | TimelineTask]] = []
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
    for source, entry in kept:
        if isinstance(entry, TimelineTask) and source.section_id:
            node = source.section_id
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


def timeline_pages_svg(
    timeline: Timeline,
    *,
    sheet_mm: tuple[float, float] = (297.0, 210.0),
    margin_mm: float = 10.0,
    first_head_mm: float = 30.0,
    head_mm: float = 9.0,
    prefix: str = "p",
) -> list[str]:
    """The chart cut into one SVG per printed page (an SVG cannot break across pages).

    ``sheet_mm`` is the landscape sheet, ``first_head_mm`` the room the title and legend take
    above the first chart and ``head_mm`` what a running head takes on the others. Each SVG is
    drawn at the sheet's text width and repeats the years, quarters and milestone lanes.
    """
    width_mm = sheet_mm[0] - 2 * margin_mm
    units_per_mm = WIDTH / width_mm
    usable = sheet_mm[1] - 2 * margin_mm
    slices = timeline.pages(
        (usable - head_mm) * units_per_mm, first_height=(usable - first_head_mm) * units_per_mm
    )
    return [
        timeline_svg(timeline, start=start, stop=stop, prefix=f"{prefix}{index}", width_mm=width_mm)
        for index, (start, stop) in enumerate(slices)
    ]
