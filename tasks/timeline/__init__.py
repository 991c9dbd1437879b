"""A plan's tasks on a time axis, laid out once and drawn as SVG for the page and the PDF.

One job a module: :mod:`.entries` (what is drawn: sections, tasks, milestones as plain values),
:mod:`.layout` (the geometry), :mod:`.wording` (the words about time), :mod:`.svg` (the
drawing) and :mod:`.selectors` (the only database reads). Here only what the views and the PDF
exporter use.
"""

from .selectors import PlanTimeline, plan_timeline_for_user
from .svg import legend_svg, timeline_pages_svg
from .wording import timeline_rows

__all__ = [
    "PlanTimeline",
    "legend_svg",
    "plan_timeline_for_user",
    "timeline_pages_svg",
    "timeline_rows",
]
