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
from agreements.text import fold
from tasks.models import DEFAULT_COLUMNS, Section, SectionKind, Task
from tasks.selectors import plan_rows

from .base import CONTENT_TYPES, Export, plan_filename, register
from .blocks import block_label, is_centred, number_is_bold, plan_text, top_section
from .pdf import render_pdf

TEMPLATE = "tasks/pdf/plan.html"

# Column header (folded) → task attribute, by meaning. First match wins, so "chủ trì" and
# "phối hợp" are looked for before the generic "nội dung"/"thực hiện" words.
_COLUMN_RULES: list[tuple[tuple[str, ...], str]] = [
    (("stt", "so tt", "so thu tu", "tt"), "number"),
    (("chu tri",), "lead"),
    (("phoi hop",), "coordinating"),
    (("thoi gian", "thoi han", "tien do"), "timeframe"),
    (("ghi chu",), "note"),
    (("linh vuc",), "field"),
    (("kinh phi", "nguon von"), "funding"),
    (("noi dung", "nhiem vu", "cong viec"), "content"),
]
# Relative widths of a landscape table's columns.
_COLUMN_WEIGHTS = {
    "number": 5,
    "content": 36,
    "lead": 15,
    "coordinating": 19,
    "timeframe": 10,
    "note": 11,
    "field": 11,
    "funding": 11,
    None: 10,
}


def column_key(header: str) -> str | None:
    """ "ĐƠN VỊ CHỦ TRÌ" → "lead"; "Cơ quan/đơn vị phối hợp thực hiện" → "coordinating"."""
    folded = fold(header)
    words = folded.replace("/", " ").replace(".", " ").split()
    for needles, key in _COLUMN_RULES:
        for needle in needles:
            if " " in needle and needle in folded:
                return key
            if " " not in needle and needle in words:
                return key
    return None


def lead_cell(task: Task) -> str:
    if task.lead_text:
        return task.lead_text
    return "; ".join(lead.agency.name for lead in task.leads.all())


def task_cell(task: Task, key: str | None) -> str:
    if key == "number":
        return task.number
    if key == "content":
        return task.content
    if key == "lead":
        return lead_cell(task)
    if key == "coordinating":
        return task.coordinating_text
    if key == "timeframe":
        return task.timeframe_text
    if key == "note":
        return task.note
    if key == "field":
        return task.field
    if key == "funding":
        return task.get_funding_source_display() if task.funding_source else ""
    return ""


def issuer_short(plan) -> str:
    """ "ỦY BAN NHÂN DÂN / TỈNH QUẢNG TRỊ" → "UBND tỉnh Quảng Trị" (for "Kèm theo … của …")."""
    lines = [line.strip() for line in (plan.issuing_body or "").splitlines() if line.strip()]
    province = plan.province.name
    if not lines or fold(lines[0]) == "uy ban nhan dan":
        unit = "tỉnh"
        if len(lines) > 1 and fold(lines[1]).endswith(fold(province)):
            unit = lines[1][: len(lines[1]) - len(province)].strip().lower() or "tỉnh"
        return f"UBND {unit} {province}"
    return " ".join(lines)


def attached_line(plan, verb: str = "Kèm theo") -> str:
    """ "(Kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 của UBND tỉnh Quảng Trị)"."""
    kind = {"decision": "Quyết định", "plan": "Kế hoạch", "directive": "Công văn"}.get(
        plan.kind, "văn bản"
    )
    day = official.date_line("", plan.date)
    return f"({verb} {kind} số {plan.number} {day} của {issuer_short(plan)})"


@dataclass
class Column:
    header: str
    key: str | None
    width: float


@dataclass
class Row:
    kind: str  # "section" | "task"
    depth: int = 0
    label: str = ""
    cells: list[tuple[str, str]] = field(default_factory=list)  # (css class, text)


@dataclass
class TableBlock:
    appendix: bool
    number: str
    title: str
    subtitle: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    has_tasks: bool = False
    top_pk: int | None = None


def make_columns(headers: list[str]) -> list[Column]:
    keys = [column_key(header) for header in headers]
    weights = [_COLUMN_WEIGHTS.get(key, _COLUMN_WEIGHTS[None]) for key in keys]
    total = sum(weights) or 1
    return [
        Column(header, key, round(100 * weight / total, 2))
        for header, key, weight in zip(headers, keys, weights, strict=True)
    ]


def table_blocks(plan) -> list[TableBlock]:
    """The plan's rows cut into tables: loose tasks first, then one per top-level section."""
    loose = TableBlock(False, "", "", "", make_columns(DEFAULT_COLUMNS))
    blocks: list[TableBlock] = []
    by_top: dict[int, TableBlock] = {}

    def block_for(top: Section) -> TableBlock:
        if top.pk not in by_top:
            block = TableBlock(
                appendix=top.kind == SectionKind.APPENDIX,
                number=top.number,
                title=top.title,
                subtitle=top.subtitle,
                columns=make_columns(top.table_columns),
                top_pk=top.pk,
            )
            by_top[top.pk] = block
            blocks.append(block)
        return by_top[top.pk]

    for row in plan_rows(plan):
        if row.kind == "section":
            block = block_for(row.appendix)
            if row.depth == 0:
                continue
            label = " ".join(part for part in (row.section.number, row.section.title) if part)
            block.rows.append(Row("section", row.depth, label))
            continue
        block = block_for(row.appendix) if row.appendix is not None else loose
        block.has_tasks = True
        block.rows.append(
            Row(
                "task",
                row.depth,
                cells=[
                    # A cell prints at most what the task form accepts (older rows may hold more).
                    (col.key or "other", printable(task_cell(row.task, col.key), TEXT_CELL))
                    for col in block.columns
                ],
            )
        )
    return [block for block in [loose, *blocks] if block.has_tasks]


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
        "date_line": official.date_line(plan.place, plan.date),
        "kind_label": official.document_kind_label(kind) if kind != "directive" else "",
        "is_directive": kind == "directive",
        "summary": plan.summary or plan.title,
        "main_items": text_items(text.main, by_top),
        "attached_items": text_items(text.attached, by_top),
        "signer_lines": [line.upper() for line in signer_lines],
        "signer": plan.signer,
        "recipients": recipients,
        "attached_line": attached_line(plan),
        "tables": [table for table in tables if table.top_pk not in placed],
    }


def render_plan_html(plan) -> str:
    return render_to_string(TEMPLATE, plan_context(plan))


@register("plan", "pdf")
def render_plan_pdf(plan) -> Export:
    return Export(
        filename=plan_filename(plan, "pdf"),
        content_type=CONTENT_TYPES["pdf"],
        content=render_pdf(render_plan_html(plan)),
    )
