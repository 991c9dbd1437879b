"""What the plan exporters share: printed columns mapped to task values, and the tables to print.

A section keeps its column headers as printed ("NỘI DUNG CÔNG VIỆC", "Cơ quan/ đơn vị chủ trì",
"Lĩnh vực" …). Each header is matched by meaning, accent- and case-free, to one task value, so
any table a province types in comes out with the right values under its own headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agreements.official import date_line, document_number
from agreements.text import fold
from tasks.models import DEFAULT_COLUMNS, FundingSource, Section, SectionKind, Task
from tasks.selectors import PlanRow, TaskLine, plan_rows

NUMBER, CONTENT, LEAD, COORDINATING = "number", "content", "lead", "coordinating"
TIMEFRAME, NOTE, FIELD, PARTNERS, OTHER = "timeframe", "note", "field", "partners", "other"
FUNDING = "funding"

# Folded header → key: the first rule whose words occur wins, so "Thời gian thực hiện" is a
# time even though "Cơ quan/đơn vị phối hợp thực hiện" also says "thực hiện".
_RULES: list[tuple[str, tuple[str, ...]]] = [
    (LEAD, ("chu tri",)),
    (COORDINATING, ("phoi hop",)),
    (TIMEFRAME, ("thoi gian", "thoi han", "tien do")),
    (NOTE, ("ghi chu",)),
    (FIELD, ("linh vuc",)),
    (PARTNERS, ("doi tac", "dia phuong ban", "tinh ban")),
    (FUNDING, ("kinh phi", "nguon von")),
    (CONTENT, ("noi dung", "nhiem vu", "cong viec", "hoat dong")),
]
_NUMBER_HEADERS = {"stt", "tt", "so tt", "so thu tu", "s tt"}

# Relative widths: the content takes the most room, the number the least.
WIDTHS = {
    NUMBER: 6,
    CONTENT: 52,
    LEAD: 22,
    COORDINATING: 26,
    TIMEFRAME: 13,
    NOTE: 16,
    FIELD: 16,
    PARTNERS: 16,
    FUNDING: 16,
    OTHER: 14,
}
# How a cell's text sits, the same in PDF, Word and Excel: the number centred, the content
# justified like body text, every short text (agencies, time, note …) left-aligned, because a
# justified line of two words stretches across the cell.
ALIGN = {NUMBER: "center", CONTENT: "justify"}
CENTRED = {NUMBER}

# Control characters other than tab and newline are not allowed in XML (Word and Excel files).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int

    @property
    def centred(self) -> bool:
        return self.key in CENTRED

    @property
    def align(self) -> str:
        """ "center", "justify" or "left"."""
        return ALIGN.get(self.key, "left")


def column_key(header: str) -> str:
    folded = fold(header).strip(" .:")
    if folded in _NUMBER_HEADERS:
        return NUMBER
    for key, words in _RULES:
        if any(word in folded for word in words):
            return key
    return OTHER


def columns_for(section: Section | None) -> list[Column]:
    """The printed columns of ``section``'s table (the default six when it names none)."""
    headers = section.table_columns if section is not None else DEFAULT_COLUMNS
    columns = []
    for header in headers:
        key = column_key(header)
        columns.append(Column(key=key, header=header, width=WIDTHS[key]))
    return columns


def clean_text(text: str | None) -> str:
    """Printed text safe for XML: CR/LF as one newline, no control characters."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def field_name(task: Task | TaskLine, sections: dict[int, Section]) -> str:
    """The field ("Lĩnh vực") of a task: as typed, else the nearest heading below the appendix
    (165's "II. Hợp tác về Kinh tế …" groups its tasks by field). The one rule: the plan's
    "Dữ liệu" sheet and the round summary's "Theo lĩnh vực" (``reports.summary``) both use it.
    ``sections``: the plan's sections by id."""
    if task.field:
        return clean_text(task.field)
    node = sections.get(task.section_id) if task.section_id else None
    while node is not None:
        parent = sections.get(node.parent_id) if node.parent_id else None
        if node.kind != SectionKind.APPENDIX and node.title:
            if parent is None or parent.kind == SectionKind.APPENDIX:
                return clean_text(node.title)
        node = parent
    return ""


def number_key(number: str) -> tuple[int, ...]:
    """ "10." → (10,), "2.1" → (2, 1): the order of printed numbers ("10." after "2.")."""
    return tuple(int(part) for part in re.findall(r"\d+", number or "")) or (0,)


def lead_names(task: Task) -> str:
    """Full names of the lead agencies in order (uses the prefetch of task_queryset_full)."""
    return "; ".join(lead.agency.name for lead in task.leads.all())


def task_cell(task: Task, column_key: str) -> str:
    """The text a task shows under a column, as printed where the printed text is kept."""
    return _printed_cell(
        task,
        column_key,
        leads=lambda: lead_names(task),
        coordinating=lambda: "; ".join(
            agency.name for agency in task.coordinating_in_printed_order()
        ),
        partners=lambda: "; ".join(partner.name for partner in task.partners.all()),
        funding=lambda: str(task.get_funding_source_display()),
    )


def line_cell(line: TaskLine, column_key: str) -> str:
    """:func:`task_cell` of a task read as a :class:`~tasks.selectors.TaskLine` (the plan
    workbook): the same rules, the names already read."""
    return _printed_cell(
        line,
        column_key,
        leads=lambda: "; ".join(line.lead_names),
        coordinating=lambda: "; ".join(line.coordinating_names),
        partners=lambda: "; ".join(line.partner_names),
        funding=lambda: str(FUNDING_LABELS.get(line.funding_source, line.funding_source)),
    )


FUNDING_LABELS = dict(FundingSource.choices)


def _printed_cell(
    task: Task | TaskLine, column_key: str, *, leads, coordinating, partners, funding
):
    if column_key == NUMBER:
        value = task.number
    elif column_key == CONTENT:
        value = task.content
    elif column_key == LEAD:
        value = task.lead_text or leads()
    elif column_key == COORDINATING:
        value = task.coordinating_text or coordinating()
    elif column_key == TIMEFRAME:
        value = task.timeframe_text
    elif column_key == NOTE:
        value = task.note
    elif column_key == FIELD:
        value = task.field
    elif column_key == PARTNERS:
        value = partners()
    elif column_key == FUNDING:
        value = funding() if task.funding_source else ""
    else:
        value = ""
    return clean_text(value)


# -- the tables of a plan -----------------------------------------------------------------


@dataclass(frozen=True)
class HeadingLine:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class PlanTable:
    """One printed table: a top-level section (an appendix or not), or the tasks outside any."""

    top: Section | None
    columns: list[Column]
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def appendix(self) -> Section | None:
        return self.top if is_appendix(self.top) else None

    @property
    def tasks(self) -> list[Task]:
        return [row.task for row in self.rows if row.kind == "task"]

    def level(self, row: PlanRow) -> int:
        """Depth below the table's own heading: 0 for the sections I, II … of an appendix."""
        return row.depth - (1 if self.top is not None else 0)


def is_appendix(section: Section | None) -> bool:
    return section is not None and section.kind == SectionKind.APPENDIX and not section.parent_id


def section_label(section: Section) -> str:
    """ "II. Hợp tác về Kinh tế …": number and title as printed."""
    return clean_text(" ".join(part for part in (section.number, section.title) if part))


def plan_tables(plan, rows: list[PlanRow] | None = None) -> list[PlanTable]:
    """The plan's tables in printed order, as the PDF prints them.

    Tasks outside every section come first, then one table per top-level section (an appendix
    such as 165's "PHỤ LỤC I", or a part such as 592's "III. NHIỆM VỤ CỤ THỂ"), whose number and
    title head the table rather than fill a row of it. Tables without tasks are left out, but
    there is always one table, so a plan with no tasks still gets its header row.
    """
    rows = plan_rows(plan) if rows is None else rows
    loose = PlanTable(top=None, columns=columns_for(None))
    tables: list[PlanTable] = [loose]
    by_top: dict[int, PlanTable] = {}
    for row in rows:
        top = row.appendix
        if top is None:
            loose.rows.append(row)
            continue
        if top.pk not in by_top:
            by_top[top.pk] = PlanTable(top=top, columns=columns_for(top))
            tables.append(by_top[top.pk])
        if row.kind == "section" and (row.depth == 0 or not section_label(row.section)):
            continue  # the top heads the table; an unnamed grouping prints nothing
        by_top[top.pk].rows.append(row)
    with_tasks = [table for table in tables if table.tasks]
    return with_tasks or [loose]


KIND_NAMES = {"decision": "Quyết định", "plan": "Kế hoạch", "directive": "Công văn"}


def issuer_short(plan) -> str:
    """ "UBND tỉnh Quảng Trị" from "ỦY BAN NHÂN DÂN / TỈNH QUẢNG TRỊ"."""
    lines = [line.strip() for line in (plan.issuing_body or "").splitlines() if line.strip()]
    if not lines or fold(lines[0]) == "uy ban nhan dan":
        level = "thành phố" if len(lines) > 1 and fold(lines[1]).startswith("thanh pho") else "tỉnh"
        return f"UBND {level} {plan.province.name}"
    return " ".join(lines)


def attachment_line(plan, verb: str = "Kèm theo") -> str:
    """ "(Kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 của UBND tỉnh Quảng Trị)"."""
    number = document_number(plan.number)
    parts = [f"{verb} {KIND_NAMES.get(plan.kind, 'văn bản')} số {number}"]
    if plan.date:
        parts.append(date_line("", plan.date))
    parts.append(f"của {issuer_short(plan)}")
    return f"({' '.join(parts)})"


def appendix_label(section: Section) -> str:
    """ "PHỤ LỤC I" → "Phụ lục I" (sheet names, data columns)."""
    words = clean_text(section.number).split()
    if fold(" ".join(words[:2])) == "phu luc":
        return " ".join(["Phụ lục", *words[2:]])
    return " ".join(words) or clean_text(section.title)


def table_heading(plan, table: PlanTable) -> list[HeadingLine]:
    """The lines above a table: "PHỤ LỤC I", title, subtitle, "(Kèm theo …)"."""
    top = table.top
    lines = []
    if top is not None and table.appendix is not None:
        number = clean_text(top.number)
        if number:
            if not fold(number).startswith("phu luc"):
                number = f"PHỤ LỤC {number}"
            lines.append(HeadingLine(number.upper(), bold=True))
        if top.title:
            lines.append(HeadingLine(clean_text(top.title).upper(), bold=True))
    else:
        number = clean_text(top.number) if top is not None else ""
        title = clean_text(top.title).upper() if top is not None else ""
        label = " ".join(part for part in (number, title) if part) or "DANH MỤC NHIỆM VỤ"
        lines.append(HeadingLine(label, bold=True))
    if top is not None and top.subtitle:
        lines.append(HeadingLine(clean_text(top.subtitle), bold=True))
    lines.append(HeadingLine(attachment_line(plan), italic=True))
    return lines
