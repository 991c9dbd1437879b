"""A plan as PDF in the official format: the document as stored, then its appendices in landscape.

Front pages (A4 portrait): header, document type and summary, the plan's text blocks in printed
order, signature block and "Nơi nhận". A decision that issues a plan (165/QĐ-UBND) prints its own
text and signature, then the Kế hoạch "ban hành kèm theo" (the blocks of part ``attached``, its
title and "(Ban hành kèm theo …)" line among them) on a new page. A ``table`` block prints its
section's task table where it stands (592/KH-UBND: inside "III. NHIỆM VỤ CỤ THỂ"). Every other
top-level section with tasks becomes a landscape table after the text: an appendix (kind
"appendix") on ``@page appendix`` pages numbered from 1 again, any other section on ``@page
table`` pages that keep the document's numbering. Tasks outside any section come first.

Only what the plan holds is printed: nothing the province did not write is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from agreements import official
from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, printable

from .base import CONTENT_TYPES, PLAN_READERS, Export, plan_filename, plan_readers, register
from .blocks import block_label, is_centred, number_is_bold, plan_text, top_section
from .columns import attachment_line, clean_text, plan_tables, section_label, task_cell

TEMPLATE = "tasks/pdf/plan.html"


@dataclass
class PdfColumn:
    header: str
    key: str
    width: float  # per cent of the table
    align: str


@dataclass
class Row:
    kind: str  # "section" | "task"
    depth: int = 0  # below the table's own heading (columns.PlanTable.level)
    label: str = ""
    cells: list[tuple[str, str]] = field(default_factory=list)  # (css classes, text)


@dataclass
class TableBlock:
    appendix: bool
    number: str
    title: str
    subtitle: str
    columns: list[PdfColumn]
    rows: list[Row] = field(default_factory=list)
    top_pk: int | None = None


def table_blocks(plan) -> list[TableBlock]:
    """The plan's tables (``columns.plan_tables``: the same columns and cells as Word and Excel)."""
    blocks = []
    for table in plan_tables(plan):
        if not table.tasks:
            continue  # a plan without tasks prints no empty table
        total = sum(column.width for column in table.columns) or 1
        columns = [
            PdfColumn(
                clean_text(column.header),
                column.key,
                round(100 * column.width / total, 2),
                column.align,
            )
            for column in table.columns
        ]
        block = TableBlock(
            appendix=table.appendix is not None,
            number=clean_text(table.top.number) if table.top else "",
            title=clean_text(table.top.title) if table.top else "",
            subtitle=clean_text(table.top.subtitle) if table.top else "",
            columns=columns,
            top_pk=table.top.pk if table.top else None,
        )
        for row in table.rows:
            if row.kind == "section":
                block.rows.append(Row("section", table.level(row), section_label(row.section)))
                continue
            block.rows.append(
                Row(
                    "task",
                    table.level(row),
                    cells=[
                        # A cell prints at most what the task form accepts (older rows may hold
                        # more).
                        (
                            f"{column.key} {column.align}",
                            printable(task_cell(row.task, column.key), TEXT_CELL),
                        )
                        for column in table.columns
                    ],
                )
            )
        blocks.append(block)
    return blocks


@dataclass
class TextItem:
    """One block as the template prints it, or the task table a table block places."""

    text: str = ""
    number: str = ""
    number_bold: bool = False
    classes: str = ""
    table: TableBlock | None = None


def text_items(blocks, tables_by_top: dict[int, TableBlock]) -> list[TextItem]:
    items = []
    for block in blocks:
        if block.kind == "table":
            table = tables_by_top.get(top_section(block.section).pk) if block.section else None
            if table is not None:
                items.append(TextItem(table=table))
            continue
        classes = [block.kind.replace("_", "-")]
        if block.bold:
            classes.append("bold")
        if block.italic:
            classes.append("italic")
        if is_centred(block):
            classes.append("center")
        bold_number = number_is_bold(block)
        items.append(
            TextItem(
                text=printable(
                    block.text if bold_number else block_label(block), TEXT_PARAGRAPH + 50
                ),
                number=block.number if bold_number else "",
                number_bold=bold_number,
                classes=" ".join(classes),
            )
        )
    return items


def plan_context(plan) -> dict:
    kind = plan.kind
    body_lines = [line.strip() for line in (plan.issuing_body or "").splitlines() if line.strip()]
    signer_lines = [
        line.strip()
        for text in (plan.signing_authority, plan.signing_title)
        for line in (text or "").splitlines()
        if line.strip()
    ]
    recipients = [line.strip() for line in (plan.recipients or "").splitlines() if line.strip()]
    text = plan_text(plan)
    tables = table_blocks(plan)
    by_top = {table.top_pk: table for table in tables if table.top_pk is not None}
    placed = text.placed_tops()
    return {
        "plan": plan,
        "issuer_lines": [line.upper() for line in body_lines],
        "number_line": f"Số: {official.document_number(plan.number)}",
        "subject": f"V/v {plan.summary}" if kind == "directive" and plan.summary else "",
        "date_line": official.date_line(plan.place, plan.date),
        "kind_label": official.document_kind_label(kind) if kind != "directive" else "",
        "is_directive": kind == "directive",
        "summary": plan.summary or plan.title,
        "main_items": text_items(text.main, by_top),
        "attached_items": text_items(text.attached, by_top),
        "signer_lines": [line.upper() for line in signer_lines],
        "signer": plan.signer,
        "recipients": recipients,
        "attached_line": attachment_line(plan),
        "tables": [table for table in tables if table.top_pk not in placed],
    }


def render_plan_html(plan) -> str:
    return render_to_string(TEMPLATE, plan_context(plan))


@register("plan", "pdf", may_use=plan_readers, audience=PLAN_READERS)
def render_plan_pdf(plan) -> Export:
    # WeasyPrint (a third of a second to import) loads with the first PDF a process lays out, not
    # with the registry: a web worker serving stored files never loads it.
    from .pdf import render_pdf

    return Export(
        filename=plan_filename(plan, "pdf"),
        content_type=CONTENT_TYPES["pdf"],
        content=render_pdf(render_plan_html(plan)),
    )
