"""Drawing a laid-out timeline as SVG: the chart (whole or cut into printed pages) and its legend.

Every text is escaped as it is written; there is no script and no ``style`` attribute, so the
page's Content-Security-Policy (``style-src 'self'``) has nothing to block. A span is a solid
bar; "Thường xuyên" a hatched bar over the plan's period; a recurring task one block per
occurrence; a deadline only a flag at its date. A task whose time was not understood gets no
bar but the words "chưa xác định thời gian": a guessed date on a leader's wall chart would be
worse than a visible gap someone can fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from agreements.official import PAGE_MARGINS_MM, PageMargins
from tasks.exporters.fonts import text_width

from .entries import (
    DAY,
    DEADLINE_STATE,
    ONGOING_STATE,
    RECURRING_STATE,
    SPAN,
    TimelineSection,
    TimelineTask,
)
from .layout import (
    BAR_H,
    CHART_X0,
    CHART_X1,
    FONT,
    FOOTER,
    LANE,
    MM_PER_UNIT,
    NUMBER_X,
    PAD,
    QUARTER_BAND,
    SMALL,
    TEXT_X,
    WIDTH,
    YEAR_BAND,
    Row,
    Timeline,
    fit,
)
from .wording import axis_label, milestone_tooltip, task_tooltip, today_label

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
    bar, tooltip = row.bar, task_tooltip(task)
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
        tooltip = milestone_tooltip(placed.number, placed.milestone)
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
        label = today_label(timeline.today)
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
    axis_words = axis_label(timeline.axis_start, timeline.axis_end)
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


def timeline_pages_svg(
    timeline: Timeline,
    *,
    sheet_mm: tuple[float, float] = (297.0, 210.0),
    margins: PageMargins = PAGE_MARGINS_MM,
    first_head_mm: float = 30.0,
    head_mm: float = 9.0,
    prefix: str = "p",
) -> list[str]:
    """The chart cut into one SVG per printed page (an SVG cannot break across pages).

    ``sheet_mm`` is the landscape sheet, ``margins`` its page margins (the official ones of
    every PDF, static/css/pdf.css), ``first_head_mm`` the room the title and legend take
    above the first chart and ``head_mm`` what a running head takes on the others. Each SVG is
    drawn at the sheet's text width and repeats the years, quarters and milestone lanes.
    """
    width_mm = sheet_mm[0] - margins.left - margins.right
    units_per_mm = WIDTH / width_mm
    usable = sheet_mm[1] - margins.top - margins.bottom
    slices = timeline.pages(
        (usable - head_mm) * units_per_mm, first_height=(usable - first_head_mm) * units_per_mm
    )
    return [
        timeline_svg(timeline, start=start, stop=stop, prefix=f"{prefix}{index}", width_mm=width_mm)
        for index, (start, stop) in enumerate(slices)
    ]
