"""A plan's tables as an Excel workbook: one printable sheet per appendix, one data sheet.

The printable sheets look like the printed appendices (headings, merged section rows, Times New
Roman, landscape A4 fitted to the page width, header row repeated). The "Dữ liệu" sheet has one
flat row per task with real dates and amounts, for filters and pivot tables.

Written in openpyxl's write-only mode: everything about a sheet that is stored before its rows
(widths, frozen panes, page fitting) is set before the first row is appended.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import cast

from django.db.models import Sum
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from agreements.xlsx import (
    XlsxStyle,
    xlsx_cell,
    xlsx_page_margins,
    xlsx_page_numbers,
    xlsx_row,
    xlsx_style,
    xlsx_workbook,
)
from tasks.models import BudgetLine, Section, TaskStatus
from tasks.selectors import TaskLine, plan_line_rows

from .base import CONTENT_TYPES, PLAN_READERS, Export, plan_filename, plan_readers, register
from .columns import (
    PlanTable,
    appendix_label,
    clean_text,
    field_name,
    line_cell,
    plan_tables,
    section_label,
    table_heading,
)
from .xlsx_rows import TextStyle, styled_row_height, text_style

FONT_NAME = "Times New Roman"
TABLE_SHEET = "Kế hoạch"
DATA_SHEET = "Dữ liệu"
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})

_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TEXT = Font(name=FONT_NAME, size=13)
BOLD = Font(name=FONT_NAME, size=13, bold=True)
BOLD_ITALIC = Font(name=FONT_NAME, size=13, bold=True, italic=True)
ITALIC = Font(name=FONT_NAME, size=13, italic=True)
HEADER = Font(name=FONT_NAME, size=12, bold=True)
DATA = Font(name=FONT_NAME, size=12)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
JUSTIFY = Alignment(horizontal="justify", vertical="center", wrap_text=True)
ALIGNMENTS = {"center": CENTRE, "justify": JUSTIFY, "left": LEFT}
# Data rows wrap too: a clipped cell hides text on screen and on paper.
DATA_ALIGN = Alignment(vertical="top", wrap_text=True)

DATA_COLUMNS = [
    # header, width
    ("Kế hoạch", 16),
    ("Phụ lục", 12),
    ("Mục", 36),
    ("STT", 7),
    ("Thứ tự", 8),  # the printed order: sorts "10." after "2."
    ("Nội dung", 70),
    ("Đơn vị chủ trì", 32),
    ("Chủ trì thứ nhất", 28),  # joint leads: one value per task for a pivot table
    ("Đơn vị phối hợp", 36),
    ("Thời gian", 16),
    ("Bắt đầu", 12),
    ("Kết thúc", 12),
    ("Thường xuyên", 10),
    ("Lĩnh vực", 22),
    ("Đối tác", 22),
    ("Ghi chú", 24),
    ("Kinh phí", 16),
    ("Trạng thái", 16),
]
ROLES_SHEET = "Chủ trì - phối hợp"
ROLE_COLUMNS = [
    ("Kế hoạch", 16),
    ("Thứ tự", 8),
    ("STT", 7),
    ("Nội dung", 70),
    ("Cơ quan, đơn vị", 36),
    ("Vai trò", 12),
]
LEAD_ROLE, COORDINATING_ROLE = "Chủ trì", "Phối hợp"


@register("plan", "xlsx", may_use=plan_readers, audience=PLAN_READERS)
def render_plan_xlsx(plan) -> Export:
    # Tasks are read with values() (TaskLine): the workbook prints columns, never a model.
    rows, _sections = plan_line_rows(plan)
    tables = plan_tables(plan, rows)
    workbook = xlsx_workbook()
    names = _SheetNames(reserved=[DATA_SHEET, ROLES_SHEET])
    for table in tables:
        _write_table(workbook.create_sheet(names.take(_sheet_title(table, tables))), plan, table)
    sections = {row.section.pk: row.section for row in rows if row.kind == "section"}
    _write_data(workbook.create_sheet(DATA_SHEET), plan, tables, sections)
    _write_roles(workbook.create_sheet(ROLES_SHEET), plan, tables)
    buffer = BytesIO()
    workbook.save(buffer)
    return Export(
        filename=plan_filename(plan, "xlsx"),
        content_type=CONTENT_TYPES["xlsx"],
        content=buffer.getvalue(),
    )


def _sheet_title(table: PlanTable, tables: list[PlanTable]) -> str:
    """ "Phụ lục I" for an appendix; "Kế hoạch" for a plan printed as one table."""
    if table.appendix is not None:
        return appendix_label(table.appendix)
    if len(tables) == 1 or table.top is None:
        return TABLE_SHEET
    return section_label(table.top) or TABLE_SHEET


class _SheetNames:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""

    def __init__(self, reserved: list[str]):
        self.used = {name.casefold() for name in reserved}

    def take(self, wanted: str) -> str:
        base = " ".join(wanted.translate(_SHEET_FORBIDDEN).split()).strip("'")[:31] or TABLE_SHEET
        name, counter = base, 1
        while name.casefold() in self.used:
            counter += 1
            suffix = f" ({counter})"
            name = base[: 31 - len(suffix)] + suffix
        self.used.add(name.casefold())
        return name


def _cell(ws, value, font=TEXT, alignment=LEFT, border=BORDER, number_format=None):
    return xlsx_cell(
        ws, value, font=font, alignment=alignment, border=border, number_format=number_format
    )


class _Styled:
    """A sheet's styles, each resolved once (``xlsx_style``) with what measuring its text needs,
    and its rows written as tall as their text: a row costs no style lookup and reads nothing
    back from its cells."""

    def __init__(self, ws: Worksheet, widths: list[int]):
        self.ws = ws
        self.widths = widths
        self.styles: dict[tuple, tuple[XlsxStyle, TextStyle]] = {}

    def style(self, font=TEXT, alignment=LEFT, border=BORDER, number_format=None):
        key = (id(font), id(alignment), id(border), number_format)
        found = self.styles.get(key)
        if found is None:
            style = xlsx_style(
                self.ws, font=font, alignment=alignment, border=border, number_format=number_format
            )
            found = self.styles[key] = (style, text_style(font, alignment))
        return found

    def row(self, index: int, values: list, styles: list, *, merged: bool = False) -> None:
        ws = self.ws
        cells = [
            xlsx_cell(ws, value, style=style[0])
            for value, style in zip(values, styles, strict=True)
        ]
        ws.row_dimensions[index].height = styled_row_height(
            ws,
            [cell.value for cell in cells],
            [style[1] for style in styles],
            self.widths,
            merged=merged,
        )
        xlsx_row(ws, cells)


def _page_setup(ws: Worksheet, header_row: int | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = xlsx_page_margins()
    ws.print_options.horizontalCentered = True
    xlsx_page_numbers(ws, font=FONT_NAME)
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _write_table(ws: Worksheet, plan, table: PlanTable) -> None:
    columns = table.columns
    span = len(columns)
    last = get_column_letter(span)
    widths = [column.width for column in columns]
    heading = table_heading(plan, table)
    header_row = len(heading) + 2  # a blank row between the headings and the table

    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"A{header_row + 1}"
    _page_setup(ws, header_row)

    sheet = _Styled(ws, widths)
    row_index = 0

    def row(values: list, styles: list, *, merged: bool = False) -> None:
        """Append a row as tall as its text wrapped in its columns (merged: all of them)."""
        nonlocal row_index
        row_index += 1
        if merged and span > 1:
            ws.merged_cells.add(f"A{row_index}:{last}{row_index}")
        sheet.row(row_index, values, styles, merged=merged)

    for line in heading:
        font = BOLD_ITALIC if line.bold and line.italic else BOLD if line.bold else ITALIC
        row([line.text], [sheet.style(font, CENTRE, None)], merged=True)
    row_index += 1
    xlsx_row(ws, [])

    header = sheet.style(HEADER, CENTRE)
    row([clean_text(column.header) for column in columns], [header] * span)

    # Styles are resolved when first used: the workbook lists no style that no cell has.
    task_styles: list | None = None
    keys = [column.key for column in columns]
    for plan_row in table.rows:
        if plan_row.kind == "section":
            font = BOLD if table.level(plan_row) <= 1 else BOLD_ITALIC
            # Every cell of the merged range keeps its border, or the grid shows gaps.
            values = [section_label(plan_row.section)] + [None] * (span - 1)
            row(values, [sheet.style(font, LEFT)] + [sheet.style(font)] * (span - 1), merged=True)
            continue
        if task_styles is None:
            task_styles = [sheet.style(TEXT, ALIGNMENTS[column.align]) for column in columns]
        task_line = cast(TaskLine, plan_row.task)
        row([line_cell(task_line, key) for key in keys], task_styles)


def _budget_totals(plan) -> dict[int, int]:
    sums = (
        BudgetLine.objects.filter(task__plan=plan)
        .values("task_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["task_id"]: int(row["total"]) for row in sums}


def _agency_roles(task: TaskLine) -> list[tuple[str, str]]:
    """(agency, role) of a task: its lead agencies, then the coordinating ones; the printed text
    stands in when no agency is linked."""
    leads = list(task.lead_names)
    if not leads and task.lead_text:
        leads = [clean_text(task.lead_text)]
    coordinating = list(task.coordinating_names)
    if not coordinating and task.coordinating_text:
        coordinating = [clean_text(task.coordinating_text)]
    return [(name, LEAD_ROLE) for name in leads] + [
        (name, COORDINATING_ROLE) for name in coordinating
    ]


STATUS_LABELS = dict(TaskStatus.choices)


def _data_values(
    plan_number: str,
    appendix: Section | None,
    task: TaskLine,
    order: int,
    budgets: dict[int, int],
    sections: dict[int, Section],
) -> list:
    section = sections.get(task.section_id) if task.section_id else None
    if section is not None and section == appendix:
        section = None
    first_lead = task.lead_names[0] if task.lead_names else None
    return [
        plan_number,
        appendix_label(appendix) if appendix is not None else "",
        section_label(section) if section is not None else "",
        clean_text(task.number),
        order,
        clean_text(task.content),
        clean_text("; ".join(task.lead_names) or task.lead_text),
        first_lead if first_lead else clean_text(task.lead_text).split(";")[0].strip(),
        line_cell(task, "coordinating"),
        clean_text(task.timeframe_text),
        task.start_date,
        task.end_date,
        "Có" if task.ongoing else "Không",
        field_name(task, sections),
        line_cell(task, "partners"),
        clean_text(task.note),
        budgets.get(task.pk),
        str(STATUS_LABELS.get(task.status, task.status)),
    ]


def _data_sheet(ws: Worksheet, columns: list[tuple[str, int]], count: int) -> _Styled:
    for index, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _page_setup(ws, header_row=1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    sheet = _Styled(ws, [width for _, width in columns])
    header = sheet.style(HEADER, CENTRE)
    sheet.row(1, [name for name, _ in columns], [header] * len(columns))
    return sheet


def _data_styles(sheet: _Styled, values: list) -> list:
    """Each value's style: dates and amounts get their number format."""
    text = sheet.style(DATA, DATA_ALIGN, None)
    styles = [text] * len(values)
    for index, value in enumerate(values):
        if value is not None and type(value) is not str:
            styles[index] = sheet.style(DATA, DATA_ALIGN, None, _number_format(value))
    return styles


def _number_format(value) -> str | None:
    if isinstance(value, date):
        return "dd/mm/yyyy"
    if isinstance(value, int) and not isinstance(value, bool):
        return "#,##0"
    return None


def _write_data(ws: Worksheet, plan, tables: list[PlanTable], sections) -> None:
    """One flat row per task (a record for filters and pivot tables), as tall as its text."""
    budgets = _budget_totals(plan)
    sheet = _data_sheet(ws, DATA_COLUMNS, sum(len(table.tasks) for table in tables))
    plan_number = clean_text(plan.number)
    order = 0
    for table in tables:
        appendix = table.appendix
        for task in table.tasks:
            order += 1
            line = cast(TaskLine, task)
            values = _data_values(plan_number, appendix, line, order, budgets, sections)
            sheet.row(order + 1, values, _data_styles(sheet, values))


def _write_roles(ws: Worksheet, plan, tables: list[PlanTable]) -> None:
    """Long format, one row per task × agency × role: joint leads count for each in a pivot."""
    rows = []
    order = 0
    plan_number = clean_text(plan.number)
    for table in tables:
        for task in table.tasks:
            order += 1
            line = cast(TaskLine, task)
            number, content = clean_text(line.number), clean_text(line.content)
            for agency, role in _agency_roles(line):
                rows.append([plan_number, order, number, content, agency, role])
    sheet = _data_sheet(ws, ROLE_COLUMNS, len(rows))
    for index, values in enumerate(rows, start=2):
        sheet.row(index, values, _data_styles(sheet, values))
