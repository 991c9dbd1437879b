"""A plan's timeline as a landscape PDF: the chart cut into pages, then milestones and the table.

An SVG cannot break across pages, so the chart is drawn once per page from the same layout, each
slice under the repeated header (years, quarters, milestone lanes). The milestones and the table
of tasks with their printed and understood times follow, the table's header row repeated on
every page.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from tasks.timeline import legend_svg, timeline_pages_svg

from .base import CONTENT_TYPES, Export, slugify_vi
from .pdf import render_pdf

TEMPLATE = "tasks/pdf/plan_timeline.html"
# Landscape sheets (width, height) in mm; the margins are those of every PDF (static/css/pdf.css).
PAPERS = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}
# Room taken on the first page by the title, the plan's line and the legend; on the others by
# the running head.
FIRST_PAGE_HEAD_MM = 30.0
PAGE_HEAD_MM = 9.0


def timeline_filename(plan) -> str:
    """tien-do-ke-hoach-165-QD-UBND-2020.pdf"""
    year = plan.date.year if plan.date else plan.start_year
    return f"tien-do-ke-hoach-{slugify_vi(plan.number)}-{year}.pdf"


def timeline_context(data, *, rows, paper: str = "a4") -> dict:
    charts = timeline_pages_svg(
        data.timeline,
        sheet_mm=PAPERS[paper],
        first_head_mm=FIRST_PAGE_HEAD_MM,
        head_mm=PAGE_HEAD_MM,
    )
    return {
        "plan": data.plan,
        "data": data,
        "rows": rows,
        # Our own SVG: every text in it is escaped when it is written (tasks/timeline/svg.py).
        "charts": [mark_safe(chart) for chart in charts],  # noqa: S308
        "legend": mark_safe(legend_svg(prefix="legend")),  # noqa: S308
        "paper": paper.upper(),
    }


def render_timeline_pdf(data, *, rows, paper: str = "a4") -> Export:
    """``data`` from ``tasks.timeline.plan_timeline_for_user``; ``rows`` its ``timeline_rows``."""
    html = render_to_string(TEMPLATE, timeline_context(data, rows=rows, paper=paper))
    return Export(
        filename=timeline_filename(data.plan),
        content_type=CONTENT_TYPES["pdf"],
        content=render_pdf(html),
    )
