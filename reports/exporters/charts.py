"""Bar charts of a round's summary, drawn on the server: SVG for the PDF and Word, PNG for old Word.

No JavaScript and no charting library. A chart is laid out once as a list of rectangles, lines and
texts in a fixed coordinate space (640 units across = 160 mm, the text width of an A4 page with
the official margins); ``Chart.svg()`` writes that list as SVG and ``Chart.png()`` paints the
same list with Pillow (already installed as a WeasyPrint dependency) for the raster fallback Word
needs next to an SVG picture. Text widths come from the Tinos metrics (the Times New Roman
substitute shipped in ``static/fonts``), so labels wrap the same way in every format and the
output is identical from run to run.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings

from reports.summary import NO_REPORT, STATUS_LABELS, STATUS_ORDER, Breakdown
from tasks.exporters.fonts import text_width

WIDTH = 640.0  # user units; 1 unit = 0.25 mm when printed at 160 mm
MM_PER_UNIT = 0.25
FONT_FAMILY = "'Times New Roman', Tinos, serif"

# One colour per status, in STATUS_ORDER; readable on paper and in grey.
PALETTE = {
    "not_started": "#F0B429",
    "in_progress": "#2F6FBF",
    "done": "#2E8B57",
    "delayed": "#C8382E",
    "cancelled": "#5F6B73",
    "deferred": "#8E5BB5",
    NO_REPORT: "#D0D4D8",
}
TEXT = "#1A1A1A"
MUTED = "#555555"
GRID = "#DDDDDD"
AXIS = "#888888"


def wrap(text: str, size: float, width: float, *, lines: int = 2, bold: bool = False) -> list[str]:
    """Greedy word wrap into at most ``lines`` lines; the last one ends in "…" if cut."""
    words = " ".join(text.split()).split(" ")
    if lines <= 1:
        words = [" ".join(words)]
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if text_width(candidate, size, bold=bold) <= width or not current:
            current = candidate
            continue
        out.append(current)
        current = word
        if len(out) >= lines - 1:
            current = " ".join(words[index:])
            break
    out.append(current)
    last = out[-1]
    if text_width(last, size, bold=bold) > width:
        while last and text_width(last + "…", size, bold=bold) > width:
            last = last[:-1]
        out[-1] = last.rstrip(" ,;") + "…"
    return out


# -- the drawing model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    fill: str = TEXT


def _n(value: float) -> str:
    """Coordinates with at most one decimal and no trailing zeros: stable, compact output."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass
class Chart:
    title: str
    height: float
    items: list = field(default_factory=list)
    width: float = WIDTH

    @property
    def width_mm(self) -> float:
        return self.width * MM_PER_UNIT

    @property
    def height_mm(self) -> float:
        return self.height * MM_PER_UNIT

    def svg(self) -> str:
        out = [
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
            f'viewBox="0 0 {_n(self.width)} {_n(self.height)}" '
            f'width="{_n(self.width_mm)}mm" height="{_n(self.height_mm)}mm" '
            f'class="chart" role="img" aria-label={quoteattr(self.title)} '
            f"font-family={quoteattr(FONT_FAMILY)}>",
            f"<title>{escape(self.title)}</title>",
            f'<rect x="0" y="0" width="{_n(self.width)}" height="{_n(self.height)}" '
            'fill="#FFFFFF"/>',
        ]
        for item in self.items:
            if isinstance(item, Rect):
                out.append(
                    f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.w)}" '
                    f'height="{_n(item.h)}" fill="{item.fill}"/>'
                )
            elif isinstance(item, Line):
                out.append(
                    f'<line x1="{_n(item.x1)}" y1="{_n(item.y1)}" x2="{_n(item.x2)}" '
                    f'y2="{_n(item.y2)}" stroke="{item.stroke}" stroke-width="{_n(item.width)}"/>'
                )
            else:
                weight = ' font-weight="bold"' if item.bold else ""
                anchor = f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
                out.append(
                    f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-size="{_n(item.size)}"'
                    f'{weight}{anchor} fill="{item.fill}">{escape(item.text)}</text>'
                )
        out.append("</svg>")
        return "\n".join(out) + "\n"

    def png(self, scale: float = 2.5) -> bytes:
        """The same drawing as a PNG (``scale`` pixels per unit: 2.5 ≈ 250 dpi at 160 mm)."""
        from PIL import Image, ImageDraw

        size = (round(self.width * scale), round(self.height * scale))
        image = Image.new("RGB", size, "#FFFFFF")
        draw = ImageDraw.Draw(image)
        anchors = {"start": "ls", "middle": "ms", "end": "rs"}
        for item in self.items:
            if isinstance(item, Rect):
                x0, y0 = item.x * scale, item.y * scale
                x1, y1 = (item.x + item.w) * scale, (item.y + item.h) * scale
                if x1 - x0 >= 0.5 and y1 - y0 >= 0.5:
                    draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=item.fill)
            elif isinstance(item, Line):
                draw.line(
                    (item.x1 * scale, item.y1 * scale, item.x2 * scale, item.y2 * scale),
                    fill=item.stroke,
                    width=max(1, round(item.width * scale)),
                )
            else:
                draw.text(
                    (item.x * scale, item.y * scale),
                    unicodedata.normalize("NFC", item.text),
                    font=_font(item.bold, round(item.size * scale)),
                    fill=item.fill,
                    anchor=anchors[item.anchor],
                )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True, dpi=(254, 254))
        return buffer.getvalue()


@lru_cache(maxsize=16)
def _font(bold: bool, size: int):
    from PIL import ImageFont

    name = "Tinos-Bold.ttf" if bold else "Tinos-Regular.ttf"
    return ImageFont.truetype(str(Path(settings.BASE_DIR) / "static" / "fonts" / name), size)


# -- layout helpers ---------------------------------------------------------------------------

PAD = 8.0
TITLE_SIZE = 16.0
LABEL_SIZE = 13.0
SMALL_SIZE = 11.5
LABEL_WIDTH = 186.0
BAR_X0 = PAD + LABEL_WIDTH + 8
BAR_X1 = WIDTH - 48
LINE_HEIGHT = 15.0
BAR_HEIGHT = 14.0


def _nice_max(value: int) -> tuple[int, int]:
    """An axis end ≥ value and a tick step (1, 2 or 5 × 10^k), about five ticks."""
    if value <= 0:
        return 1, 1
    raw = value / 5
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        step = max(1, factor * power)
        if step >= raw:
            break
    return step * math.ceil(value / step), step


def _title(chart: Chart, title: str) -> float:
    y = PAD
    for line in wrap(title, TITLE_SIZE, WIDTH - 2 * PAD, lines=2, bold=True):
        y += TITLE_SIZE + 3
        chart.items.append(Text(WIDTH / 2, y, line, TITLE_SIZE, "middle", bold=True))
    return y + 6


def _legend(chart: Chart, y: float, statuses: Sequence[str]) -> float:
    """Swatch and label per status, centred lines, wrapped to the chart width."""
    entries = [(s, str(STATUS_LABELS[s])) for s in statuses]
    lines: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    for status, label in entries:
        width = 10 + 4 + text_width(label, SMALL_SIZE)
        if lines[-1] and used + 16 + width > WIDTH - 2 * PAD:
            lines.append([])
            used = 0.0
        used += (16 if lines[-1] else 0) + width
        lines[-1].append((status, label, width))
    for line in lines:
        total = sum(w for *_, w in line) + 16 * (len(line) - 1)
        x = (WIDTH - total) / 2
        for status, label, width in line:
            chart.items.append(Rect(x, y + 2, 10, 10, PALETTE[status]))
            chart.items.append(Text(x + 14, y + 11, label, SMALL_SIZE, fill=MUTED))
            x += width + 16
        y += 16
    return y + 4


def _axis(chart: Chart, top: float, bottom: float, axis_max: int, step: int) -> float:
    scale = (BAR_X1 - BAR_X0) / axis_max
    for tick in range(0, axis_max + 1, step):
        x = BAR_X0 + tick * scale
        if tick:
            chart.items.insert(0, Line(x, top, x, bottom, GRID, 0.75))
        chart.items.append(Text(x, bottom + 12, _int(tick), SMALL_SIZE, "middle", fill=MUTED))
    chart.items.append(Line(BAR_X0, top, BAR_X0, bottom, AXIS, 1))
    chart.items.append(Line(BAR_X0, bottom, BAR_X1, bottom, AXIS, 1))
    return bottom + 18


def _row_label(chart: Chart, y: float, label: str) -> float:
    lines = wrap(label, LABEL_SIZE, LABEL_WIDTH, lines=3)
    height = max(20.0, len(lines) * LINE_HEIGHT + 6)
    first = y + (height - len(lines) * LINE_HEIGHT) / 2 + LABEL_SIZE - 1
    for index, line in enumerate(lines):
        chart.items.append(Text(PAD, first + index * LINE_HEIGHT, line, LABEL_SIZE))
    return height


def _ink(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#FFFFFF" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else TEXT


def _int(value: int) -> str:
    """1234 → "1.234" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    value = round(100 * part / whole, 1)
    return (f"{value:.1f}".rstrip("0").rstrip(".")).replace(".", ",") + "%"


def _empty(chart: Chart, y: float) -> Chart:
    chart.items.append(Text(WIDTH / 2, y + 18, "Chưa có dữ liệu", LABEL_SIZE, "middle", fill=MUTED))
    chart.height = y + 30
    return chart


# -- the charts -------------------------------------------------------------------------------


def status_chart(summary) -> Chart:
    """Tasks by status: one bar per status, with the count and the share of all tasks."""
    rows = [(status, label, count) for status, label, count in summary.by_status]
    total = sum(count for *_, count in rows)
    title = f"Tình hình thực hiện nhiệm vụ (tổng số {_int(total)} nhiệm vụ)"
    chart = Chart(title=title, height=0)
    y = _title(chart, title)
    if not total:
        return _empty(chart, y)
    axis_max, step = _nice_max(max(count for *_, count in rows))
    scale = (BAR_X1 - 40 - BAR_X0) / axis_max
    top = y
    for status, label, count in rows:
        height = _row_label(chart, y, label)
        bar_y = y + (height - BAR_HEIGHT) / 2
        width = count * scale
        if width:
            chart.items.append(Rect(BAR_X0, bar_y, width, BAR_HEIGHT, PALETTE[status]))
        chart.items.append(
            Text(
                BAR_X0 + width + 4,
                bar_y + BAR_HEIGHT - 3,
                f"{_int(count)} ({_percent(count, total)})",
                LABEL_SIZE,
            )
        )
        y += height
    chart.items.append(Line(BAR_X0, top, BAR_X0, y, AXIS, 1))
    chart.height = y + PAD
    return chart


def breakdown_layout(
    breakdowns: Sequence[Breakdown],
    title: str,
    *,
    limit: int | None = 15,
    rest_label: str = "Còn lại",
) -> Chart:
    """Stacked horizontal bars, one per group, split by status in STATUS_ORDER.

    Groups beyond ``limit`` (the list is expected biggest first) are added up into one last bar
    "Còn lại (n)" so that the chart still accounts for every task.
    """
    rows = [(b.name, b.ordered()) for b in breakdowns]
    if limit is not None and len(rows) > limit:
        rest = rows[limit:]
        summed = [sum(values) for values in zip(*(counts for _, counts in rest), strict=True)]
        rows = rows[:limit] + [(f"{rest_label} ({len(rest)})", summed)]
    chart = Chart(title=title, height=0)
    y = _title(chart, title)
    if not rows or not any(sum(counts) for _, counts in rows):
        return _empty(chart, y)
    present = [s for i, s in enumerate(STATUS_ORDER) if any(c[i] for _, c in rows)]
    y = _legend(chart, y, present)
    axis_max, step = _nice_max(max(sum(counts) for _, counts in rows))
    scale = (BAR_X1 - BAR_X0) / axis_max
    top = y
    for name, counts in rows:
        height = _row_label(chart, y, name or "(không ghi)")
        bar_y = y + (height - BAR_HEIGHT) / 2
        x = BAR_X0
        for status, count in zip(STATUS_ORDER, counts, strict=True):
            if not count:
                continue
            width = count * scale
            chart.items.append(Rect(x, bar_y, width, BAR_HEIGHT, PALETTE[status]))
            label = str(count)
            if width >= text_width(label, SMALL_SIZE) + 4:
                chart.items.append(
                    Text(
                        x + width / 2,
                        bar_y + BAR_HEIGHT - 3,
                        label,
                        SMALL_SIZE,
                        "middle",
                        fill=_ink(PALETTE[status]),
                    )
                )
            x += width
        chart.items.append(
            Text(x + 4, bar_y + BAR_HEIGHT - 3, _int(sum(counts)), LABEL_SIZE, bold=True)
        )
        y += height
    y = _axis(chart, top, y + 2, axis_max, step)
    chart.height = y + PAD / 2
    return chart


def status_bar_chart(summary) -> str:
    """SVG: tasks by status."""
    return status_chart(summary).svg()


def breakdown_chart(breakdowns: Sequence[Breakdown], title: str, *, limit: int | None = 15) -> str:
    """SVG: stacked bars by status for fields, agencies or partners (the first ``limit``)."""
    return breakdown_layout(breakdowns, title, limit=limit).svg()


def round_charts(summary, *, limit: int = 15) -> list[Chart]:
    """The four charts of a summary report, in the order the report discusses them."""

    def titled(base: str, rows: Sequence[Breakdown], unit: str) -> str:
        if len(rows) > limit:
            return f"{base} ({limit} {unit} có nhiều nhiệm vụ nhất)"
        return base

    return [
        status_chart(summary),
        breakdown_layout(
            summary.by_field,
            titled("Nhiệm vụ theo lĩnh vực", summary.by_field, "lĩnh vực"),
            limit=limit,
            rest_label="Các lĩnh vực khác",
        ),
        breakdown_layout(
            summary.by_agency,
            titled("Nhiệm vụ theo đơn vị chủ trì", summary.by_agency, "đơn vị"),
            limit=limit,
            rest_label="Các đơn vị khác",
        ),
        breakdown_layout(
            summary.by_partner,
            titled("Nhiệm vụ theo địa phương đối tác", summary.by_partner, "địa phương"),
            limit=limit,
            rest_label="Các địa phương khác",
        ),
    ]
