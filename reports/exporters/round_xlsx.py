"""Summary report of a round as an Excel workbook: one sheet per view, numbers as numbers.

Written in openpyxl's write-only mode (streamed rows, no cell objects kept), so a round of
thousands of tasks stays quick and light. Times New Roman is made the workbook's default font,
so unstyled cells and whatever the user types later match the official documents.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.worksheet import Worksheet

from agreements.official import date_text
from agreements.xlsx import (
    xlsx_cell,
    xlsx_page_margins,
    xlsx_page_numbers,
    xlsx_row,
    xlsx_workbook,
)
from reports.summary import round_summary
from tasks.exporters.base import CONTENT_TYPES, Export, register
from tasks.exporters.xlsx_rows import set_row_height

from .document import REMARKS_HEADER, missing_states, task_cells
from .official import (
    SUMMARY_READERS,
    heading,
    period_text,
    request_reference,
    round_filename,
    summary_readers,
)

FILENAME_PREFIX = "bao-cao-tong-hop"
FONT_NAME = "Times New Roman"
NUMBER = "#,##0"
PERCENT = "0.0%"

_BASE = Font(name=FONT_NAME, size=12)
BOLD = Font(name=FONT_NAME, size=12, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
ITALIC = Font(name=FONT_NAME, size=12, italic=True)
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_ALIGN = Alignment(horizontal="left", vertical="top", wrap_text=True)


class Sheet:
    """A write-only sheet with the few cell kinds the report needs."""

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float], *, landscape=False):
        self.ws = wb.create_sheet(title)
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.columns = len(widths)
        self.widths = list(widths)
        self.rows = 0
        setup = self.ws.page_setup
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_margins = xlsx_page_margins()
        xlsx_page_numbers(self.ws, font=FONT_NAME)

    def cell(self, value, *, font=None, number=None, align=None, border=False, fill=None):
        return xlsx_cell(
            self.ws,
            value,
            font=font,
            number_format=number,
            alignment=align,
            border=_BOX if border else None,
            fill=fill,
        )

    def append(self, values, *, merged: bool = False) -> None:
        """A row, as tall as its text wrapped in its columns needs (``xlsx_rows``)."""
        self.rows += 1
        if values:
            set_row_height(self.ws, self.rows, values, self.widths, merged=merged)
        xlsx_row(self.ws, values)

    def title(self, text: str, font=TITLE) -> None:
        """A line across the sheet's columns (merged), wrapped and as tall as its text."""
        self.append([self.cell(text, font=font, align=TITLE_ALIGN)], merged=True)
        if self.columns > 1:
            row = self.rows
            self.ws.merged_cells.add(f"A{row}:{get_column_letter(self.columns)}{row}")

    def header(self, labels: list[str]) -> None:
        self.append(
            [
                self.cell(label, font=BOLD, align=_HEAD_ALIGN, border=True, fill=_HEAD_FILL)
                for label in labels
            ]
        )


def new_workbook() -> Workbook:
    wb = xlsx_workbook()
    # Default font of the workbook (style 0 and the "Normal" style): Times New Roman. Set in
    # openpyxl's private style tables, which its stubs do not declare.
    styles: Any = wb
    styles._fonts = IndexedList([_BASE])
    styles._named_styles["Normal"].font = _BASE
    return wb


INTRO_ROWS = 5


def _intro(sheet: Sheet, summary, today) -> None:
    """Who, what and when, above every summary table (INTRO_ROWS rows)."""
    rr = summary.reporting_round
    head = heading(rr, "", today)
    sheet.title(f"{head.issuer_lines[0]} {head.issuer_lines[1]}", font=BOLD)
    sheet.title("BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ HỢP TÁC")
    sheet.title(
        f"Theo {request_reference(rr)}; kỳ báo cáo {period_text(rr)}; "
        f"hạn gửi báo cáo {date_text(rr.deadline)}",
        font=ITALIC,
    )
    generated = timezone.localtime(summary.generated_at)
    sheet.title(f"Số liệu tại thời điểm {generated:%H:%M} ngày {date_text(today)}", font=ITALIC)
    sheet.append([])


def _totals(wb: Workbook, summary, today) -> None:
    sheet = Sheet(wb, "Tổng hợp", [46, 18, 14])
    _intro(sheet, summary, today)
    total = len(summary.tasks)

    def line(label, value, number=NUMBER, bold=False):
        sheet.append(
            [
                sheet.cell(label, font=BOLD if bold else None, border=True, align=WRAP),
                sheet.cell(value, number=number, border=True, font=BOLD if bold else None),
            ]
        )

    sheet.header(["Tình hình thực hiện", "Số nhiệm vụ", "Tỷ lệ"])
    for _, label, count in summary.by_status:
        sheet.append(
            [
                sheet.cell(label, border=True),
                sheet.cell(count, number=NUMBER, border=True),
                sheet.cell(count / total if total else 0, number=PERCENT, border=True),
            ]
        )
    sheet.append(
        [
            sheet.cell("Tổng số nhiệm vụ", font=BOLD, border=True),
            sheet.cell(total, font=BOLD, number=NUMBER, border=True),
            sheet.cell(1 if total else 0, font=BOLD, number=PERCENT, border=True),
        ]
    )
    sheet.append([])
    missing = len(summary.missing_agencies)
    sheet.header(["Tình hình báo cáo", "Số cơ quan, đơn vị"])
    line("Cơ quan, đơn vị chủ trì phải báo cáo", summary.owing_count)
    line("Đã gửi báo cáo", summary.owing_count - missing)
    line("Chưa báo cáo", missing)
    line("Tổng số báo cáo đã gửi (kể cả đơn vị phối hợp)", summary.reports_handed_in)
    sheet.append([])
    sheet.header(["Trao đổi đoàn và kinh phí", "Số lượng"])
    line("Số đoàn đi công tác tại Lào", summary.delegations_out)
    line("Số lượt cán bộ, công chức đi Lào", summary.delegations_out_officials)
    line("Số đoàn Lào đến thăm và làm việc", summary.delegations_in)
    line("Kinh phí từ ngân sách nhà nước (đồng)", int(summary.funds_state_budget))
    line("Kinh phí từ nguồn khác (đồng)", int(summary.funds_other))
    line("Tổng kinh phí (đồng)", int(summary.funds_total), bold=True)


def _breakdown(
    wb: Workbook, title: str, name_header: str, rows, summary, today, note="", with_total=False
) -> None:
    labels = summary.status_labels
    sheet = Sheet(wb, title, [6, 48, 11, *[13] * len(labels)], landscape=True)
    # Set before the first row is written (write-only mode writes the view first).
    sheet.ws.freeze_panes = f"C{INTRO_ROWS + (2 if note else 1) + 1}"
    _intro(sheet, summary, today)
    if note:
        sheet.title(note, font=ITALIC)
    sheet.header(["STT", name_header, "Tổng số", *labels])
    first = sheet.rows
    for index, row in enumerate(rows, 1):
        sheet.append(
            [
                sheet.cell(index, align=CENTER, border=True),
                sheet.cell(row.name or "(không ghi)", align=WRAP, border=True),
                sheet.cell(row.total, number=NUMBER, font=BOLD, border=True),
                *(sheet.cell(n, number=NUMBER, border=True) for n in row.ordered()),
            ]
        )
    last_col = get_column_letter(sheet.columns)
    sheet.ws.auto_filter.ref = f"A{first}:{last_col}{max(sheet.rows, first)}"
    sheet.ws.print_title_rows = f"{first}:{first}"
    if with_total:  # each task belongs to one group only: the column sums are the round's
        sums = [sum(column) for column in zip(*(r.ordered() for r in rows), strict=True)]
        sheet.append(
            [
                sheet.cell(None, border=True),
                sheet.cell("Tổng cộng", font=BOLD, border=True),
                *(sheet.cell(n, number=NUMBER, font=BOLD, border=True) for n in [sum(sums), *sums]),
            ]
        )


def _tasks(wb: Workbook, summary) -> None:
    headers = [
        "Kế hoạch",
        "Phần, mục",
        "STT",
        "Nội dung",
        "Đơn vị chủ trì",
        "Địa phương đối tác",
        "Lĩnh vực",
        "Thời gian",
        "Tình hình",
        "Kết quả",
    ]
    widths = [15, 28, 7, 60, 28, 20, 28, 16, 16, 60]
    remarks = summary.has_remarks  # as the PDF and the Word draft: "Ghi chú" only if some
    if remarks:
        headers.append(REMARKS_HEADER)
        widths.append(30)
    sheet = Sheet(wb, "Nhiệm vụ", widths, landscape=True)
    sheet.ws.freeze_panes = "A2"
    sheet.header(headers)
    cell = sheet.cell
    for row in summary.tasks:
        plan, number, content, lead, status, result = task_cells(row)
        cells = [
            cell(plan, align=WRAP),
            cell(row.section, align=WRAP),
            cell(number, align=CENTER),
            cell(content, align=WRAP),
            cell(lead, align=WRAP),
            cell(row.partners, align=WRAP),
            cell(row.field, align=WRAP),
            cell(row.timeframe, align=WRAP),
            cell(status, align=WRAP),
            cell(result, align=WRAP),
        ]
        if remarks:
            cells.append(cell(row.remarks, align=WRAP))
        sheet.append(cells)
    last = get_column_letter(len(headers))
    sheet.ws.auto_filter.ref = f"A1:{last}{max(sheet.rows, 1)}"
    sheet.ws.print_title_rows = "1:1"


def _texts(wb: Workbook, summary) -> None:
    sheet = Sheet(wb, "Khó khăn - Đề xuất", [26, 40, 90], landscape=True)
    sheet.ws.freeze_panes = "A2"
    sheet.header(["Nội dung", "Cơ quan, đơn vị", "Ý kiến"])
    groups = [
        ("Khó khăn, vướng mắc", summary.difficulties),
        ("Đề xuất, kiến nghị", summary.proposals),
        ("Đề xuất cho giai đoạn tới", summary.next_period_proposals),
    ]
    for label, items in groups:
        for item in items:
            sheet.append(
                [
                    sheet.cell(label, align=WRAP),
                    sheet.cell(item.agency, align=WRAP),
                    sheet.cell(item.text, align=WRAP),
                ]
            )
    sheet.ws.auto_filter.ref = f"A1:C{max(sheet.rows, 1)}"


def _missing(wb: Workbook, summary) -> None:
    sheet = Sheet(wb, "Chưa báo cáo", [6, 55, 28, 32])
    sheet.ws.freeze_panes = "A2"
    sheet.header(["STT", "Cơ quan, đơn vị", "Tình trạng", "Thư điện tử"])
    states = missing_states(summary.reporting_round, summary.missing_agencies)
    for index, agency in enumerate(summary.missing_agencies, 1):
        sheet.append(
            [
                sheet.cell(index, align=CENTER, border=True),
                sheet.cell(agency.name, align=WRAP, border=True),
                sheet.cell(states[agency.pk], align=WRAP, border=True),
                sheet.cell(agency.email or "", align=WRAP, border=True),
            ]
        )


def round_workbook(summary, *, today=None) -> bytes:
    today = today or timezone.localdate()
    wb = new_workbook()
    _totals(wb, summary, today)
    _breakdown(wb, "Theo lĩnh vực", "Lĩnh vực", summary.by_field, summary, today, with_total=True)
    _breakdown(
        wb,
        "Theo đơn vị",
        "Đơn vị chủ trì",
        summary.by_agency,
        summary,
        today,
        note="Nhiệm vụ có nhiều đơn vị chủ trì được tính cho từng đơn vị.",
    )
    _breakdown(
        wb,
        "Theo đối tác",
        "Địa phương đối tác",
        summary.by_partner,
        summary,
        today,
        note="Nhiệm vụ với nhiều địa phương đối tác được tính cho từng địa phương.",
    )
    _tasks(wb, summary)
    _texts(wb, summary)
    _missing(wb, summary)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@register("round", "xlsx", may_use=summary_readers, audience=SUMMARY_READERS)
def round_xlsx(reporting_round) -> Export:
    return Export(
        filename=round_filename(FILENAME_PREFIX, reporting_round, "xlsx"),
        content_type=CONTENT_TYPES["xlsx"],
        content=round_workbook(round_summary(reporting_round)),
    )
