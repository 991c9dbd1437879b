"""Summary report of a round as PDF: official format, SVG charts inline, landscape task table."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from reports.summary import round_summary
from tasks.exporters.base import CONTENT_TYPES, Export, register

from .document import Figure, Para, SummaryDocument, Table, summary_document, task_cells
from .official import (
    SUMMARY_READERS,
    html_nobreak,
    pdf_heading_context,
    round_filename,
    summary_readers,
)

FILENAME_PREFIX = "bao-cao-tong-hop"


def _blocks(doc: SummaryDocument) -> list[dict]:
    out: list[dict[str, Any]] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append({"kind": "para", "style": block.style, "text": html_nobreak(block.text)})
        elif isinstance(block, Figure):
            # Our own SVG: every text in it is XML-escaped by charts.Chart.svg().
            out.append({"kind": "figure", "svg": mark_safe(block.chart.svg())})  # noqa: S308
        elif isinstance(block, Table):
            rows = [list(zip(block.align, row, strict=True)) for row in block.rows]
            out.append({"kind": "table", "table": block, "rows": rows})
    return out


def round_summary_html(summary, *, today=None) -> str:
    """The HTML the PDF is printed from (also handy to check the charts are inlined)."""
    today = today or timezone.localdate()
    doc = summary_document(summary, today)
    return render_to_string(
        "reports/pdf/round.html",
        {
            "reporting_round": summary.reporting_round,
            "doc": doc,
            **pdf_heading_context(doc.heading),
            "title": html_nobreak(doc.title),
            "attached": html_nobreak(doc.appendix_attached),
            "blocks": _blocks(doc),
            "task_rows": [task_cells(row, doc.task_remarks) for row in doc.tasks],
            "recipients": doc.recipients,
            "signer_lines": doc.signer_lines,
            "signer": doc.signer_name,
        },
    )


@register("round", "pdf", may_use=summary_readers, audience=SUMMARY_READERS)
def round_pdf(reporting_round) -> Export:
    from tasks.exporters.pdf import render_pdf

    html = round_summary_html(round_summary(reporting_round))
    return Export(
        filename=round_filename(FILENAME_PREFIX, reporting_round, "pdf"),
        content_type=CONTENT_TYPES["pdf"],
        content=render_pdf(html),
    )
