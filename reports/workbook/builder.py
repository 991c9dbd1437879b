"""Build an agency's report workbook: cover, general part, tasks it leads, tasks it coordinates,
and a hidden identity sheet.

Written in openpyxl's write-only mode, every cell through ``agreements.xlsx.xlsx_cell``. Input
cells are unlocked and shaded, every sheet protected without a password (only the shaded cells
take typing), numbers and statuses validated with Vietnamese messages, A4 landscape.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, TEXT_SHORT
from agreements.numbers import INTEGER_MAX
from agreements.text import fold
from agreements.xlsx import xlsx_cell, xlsx_row, xlsx_workbook
from tasks.exporters.base import Export
from tasks.models import Task, TaskStatus

from ..models import ReportingRound
from . import layout
from .layout import (
    COUNT,
    INPUT,
    MONEY,
    QUANTITY,
    READONLY,
    STATUS,
    TEXT,
    canonical,
    cell_text,
    row_digest,
)
from .selectors import WorkbookData, WorkbookTask, workbook_data, workbooks_data

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_MAX = 10**15 - 1
QUANTITY_MAX = 10**10 - 1

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="Times New Roman", size=14, bold=True)
BOLD = Font(name="Times New Roman", size=12, bold=True)
BODY = Font(name="Times New Roman", size=12)
NOTE = Font(name="Times New Roman", size=11, italic=True, color="404040")
UNLOCKED = Protection(locked=False)
FILLS = {
    "input": PatternFill("solid", fgColor=layout.INPUT_FILL),
    "previous": PatternFill("solid", fgColor=layout.PREVIOUS_FILL),
    "header": PatternFill("solid", fgColor=layout.HEADER_FILL),
}
NUMBER_FORMATS = {COUNT: "#,##0", MONEY: "#,##0", QUANTITY: "#,##0.##"}
INPUT_KINDS = (TEXT, STATUS, COUNT, MONEY, QUANTITY)


def _styles() -> list[NamedStyle]:
    """The workbook's cell styles, registered once per file: a cell then takes one by name."""
    styles = [
        NamedStyle("coopplan title", font=TITLE_FONT, alignment=CENTER),
        NamedStyle(
            "coopplan header", font=BOLD, alignment=CENTER, border=BORDER, fill=FILLS["header"]
        ),
        NamedStyle("coopplan heading", font=BOLD, alignment=WRAP),
        NamedStyle("coopplan note", font=NOTE, alignment=WRAP),
        NamedStyle("coopplan body", font=BODY, alignment=WRAP, border=BORDER),
    ]
    for kind in INPUT_KINDS:
        for shade in ("input", "previous"):
            styles.append(
                NamedStyle(
                    _input_style(kind, shade == "previous"),
                    font=BODY,
                    alignment=WRAP,
                    border=BORDER,
                    fill=FILLS[shade],
                    number_format=NUMBER_FORMATS.get(kind, "General"),
                    protection=UNLOCKED,  # the only cells that take typing
                )
            )
    return styles


def _input_style(kind: str, previous: bool) -> str:
    return f"coopplan {kind} {'previous' if previous else 'input'}"


def status_labels() -> list[str]:
    return [str(label) for _value, label in TaskStatus.choices]


@dataclass
class Input:
    """An input cell: what it shows, what the app holds (its base), how it is checked."""

    key: str
    value: object
    base: object
    kind: str
    limit: int | None = None
    previous: bool = False  # pre-filled from the last round, not from the app


class _Sheet:
    """One sheet being streamed: rows in order, input cells and read-only rows recorded."""

    def __init__(self, workbook, title: str, columns=()):
        self.ws = workbook.create_sheet(title)
        self.title = title
        self.row = 0
        self.map: list[list[str]] = []
        self.validations: dict[tuple[str, int | None], list[str]] = {}
        for letter, _label, width in columns:
            self.ws.column_dimensions[letter].width = width
        self.width = len(columns)

    def write(self, values: list, *, style: str = "body") -> int:
        self.row += 1
        ws, cells, readonly = self.ws, [], []
        for index, value in enumerate(values):
            coordinate = f"{get_column_letter(index + 1)}{self.row}"
            if isinstance(value, Input):
                cells.append(self._input(coordinate, value))
                continue
            if value in (None, "") and style == "body":
                cells.append(None)  # no cell at all: an empty bordered one costs as much as text
                continue
            cells.append(xlsx_cell(ws, value, style=f"coopplan {style}"))
            text = cell_text(value)
            if text:
                readonly.append((coordinate, text))
        xlsx_row(ws, cells)
        if readonly:
            self.map.append(
                [
                    self.title,
                    ",".join(c for c, _t in readonly),
                    "",
                    row_digest([t for _c, t in readonly]),
                    READONLY,
                ]
            )
        return self.row

    def _input(self, coordinate: str, spec: Input):
        value = spec.value
        if spec.kind == STATUS and value:
            value = str(TaskStatus(str(value)).label)
        cell = xlsx_cell(self.ws, value, style=_input_style(spec.kind, spec.previous))
        self.map.append([self.title, coordinate, spec.key, canonical(spec.base), INPUT])
        self.validations.setdefault((spec.kind, spec.limit), []).append(coordinate)
        return cell

    def merge_title(self, row: int) -> None:
        if self.width > 1:
            self.ws.merged_cells.add(f"A{row}:{get_column_letter(self.width)}{row}")

    def finish(self, *, header_row: int | None = None) -> None:
        ws = self.ws
        for (kind, limit), coordinates in self.validations.items():
            ws.data_validations.dataValidation.append(_validation(kind, limit, coordinates))
        ws.protection.sheet = True  # no password: only the shaded cells take typing
        ws.protection.formatColumns = False  # widen a column, a row, to read
        ws.protection.formatRows = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        if header_row:
            ws.print_title_rows = f"{header_row}:{header_row}"
            ws.freeze_panes = f"A{header_row + 1}"


def _validation(kind: str, limit: int | None, coordinates: list[str]) -> DataValidation:
    title = _("Giá trị không hợp lệ")
    if kind == STATUS:
        labels = ",".join(status_labels())
        dv = DataValidation(
            type="list",
            formula1=f'"{labels}"',
            error=_("Hãy chọn tình hình trong danh sách: %(labels)s.")
            % {"labels": "; ".join(status_labels())},
            prompt=_("Chọn một tình hình trong danh sách."),
        )
    elif kind == COUNT:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2=str(INTEGER_MAX),
            error=_("Chỉ gõ số nguyên không âm (ví dụ 12), không kèm chữ."),
            prompt=_("Số nguyên, ví dụ 12."),
        )
    elif kind == MONEY:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=str(MONEY_MAX),
            error=_("Chỉ gõ số tiền bằng đồng, không âm, không kèm chữ (ví dụ 1500000)."),
            prompt=_("Số tiền (đồng), ví dụ 1500000."),
        )
    elif kind == QUANTITY:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=str(QUANTITY_MAX),
            error=_("Chỉ gõ số không âm (ví dụ 12 hoặc 12,5), không kèm chữ."),
            prompt=_("Số thực hiện được so với chỉ tiêu."),
        )
    else:
        dv = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(limit or TEXT_CELL),
            error=_("Nội dung quá dài: tối đa %(limit)s ký tự.") % {"limit": limit or TEXT_CELL},
        )
    dv.errorTitle = title
    dv.promptTitle = _("Hướng dẫn")
    dv.showErrorMessage = True
    dv.showInputMessage = kind != TEXT
    dv.allow_blank = True
    dv.sqref = " ".join(coordinates)
    return dv


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _partners(task: Task) -> str:
    partners = list(task.partners.all()) or list(task.plan.partners.all())
    return ", ".join(p.name for p in partners)


def _leads(task: Task) -> str:
    return "; ".join(lead.agency.display_name for lead in task.leads.all())


def workbook_filename(reporting_round: ReportingRound, agency) -> str:
    number = slugify(fold(reporting_round.request_number).replace("/", "-"))
    name = slugify(fold(agency.display_name))[:50]
    return f"bao-cao-{number}-{name}.xlsx"


def _pick(now: object, previous: object) -> tuple[object, bool]:
    """The app's value, or last round's where the app holds none (marked as such)."""
    if now not in (None, ""):
        return now, False
    if previous not in (None, ""):
        return previous, True
    return now, False


def _source_note(data: WorkbookData, from_app: bool, from_previous: bool) -> str:
    notes = []
    if from_app:
        notes.append(_("Theo bản đã lưu trong ứng dụng"))
    if from_previous and data.previous_report is not None:
        notes.append(
            _("Điền sẵn theo báo cáo đợt %(round)s: hãy kiểm tra lại")
            % {"round": data.previous_report.reporting_round.request_number}
        )
    return "; ".join(notes)


def workbook_build(data: WorkbookData) -> Export:
    """The agency's report workbook, pre-filled."""
    wb = xlsx_workbook()
    for named in _styles():
        wb.add_named_style(named)
    reporting_round, agency, report = data.reporting_round, data.agency, data.report
    made_at = timezone.localtime()
    sheets = [
        _cover(wb, data, made_at),
        _general(wb, data),
        _lead(wb, data),
        _coordinated(wb, data),
    ]
    identity = {
        "format": layout.FORMAT,
        "round": str(reporting_round.pk),
        "round_number": reporting_round.request_number,
        "agency": str(agency.pk),
        "agency_name": agency.name,
        "report_version": str(report.version) if report else "",
        "made_at": made_at.isoformat(timespec="seconds"),
    }
    rows = [row for sheet in sheets for row in sheet.map]
    identity["signature"] = layout.signature(identity, rows)
    hidden = wb.create_sheet(layout.IDENTITY)
    for name in layout.ID_FIELDS:
        xlsx_row(hidden, [name, identity[name]])
    xlsx_row(hidden, [])
    xlsx_row(hidden, ["[sheet, cells, key, base, kind]"])
    for row in rows:  # one cell a row: a fifth of the cells to write and to read back
        xlsx_row(hidden, [json.dumps(row, ensure_ascii=False)])
    hidden.sheet_state = "hidden"
    hidden.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)  # sheets stay as they are, no password
    buffer = io.BytesIO()
    wb.save(buffer)
    return Export(workbook_filename(reporting_round, agency), XLSX_TYPE, buffer.getvalue())


def _title(sheet: _Sheet, data: WorkbookData, heading: str) -> None:
    row = sheet.write([heading], style="title")
    sheet.merge_title(row)
    row = sheet.write(
        [
            _("%(agency)s · Đợt báo cáo %(round)s · Kỳ %(start)s – %(end)s · Hạn nộp %(deadline)s")
            % {
                "agency": data.agency.name,
                "round": data.reporting_round.request_number,
                "start": _date(data.reporting_round.period_start),
                "end": _date(data.reporting_round.period_end),
                "deadline": _date(data.reporting_round.deadline),
            }
        ],
        style="note",
    )
    sheet.merge_title(row)


def _cover(wb, data: WorkbookData, made_at) -> _Sheet:
    sheet = _Sheet(wb, layout.COVER, (("A", "", 28), ("B", "", 90)))
    rr, report = data.reporting_round, data.report
    row = sheet.write([_("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH HỢP TÁC")], style="title")
    sheet.merge_title(row)
    sheet.write([_("Cơ quan báo cáo"), data.agency.name])
    sheet.write(
        [
            _("Văn bản yêu cầu"),
            _("Số %(number)s ngày %(date)s")
            % {"number": rr.request_number, "date": _date(rr.request_date)},
        ]
    )
    if rr.summary:
        sheet.write([_("Trích yếu"), rr.summary])
    sheet.write([_("Kỳ báo cáo"), f"{_date(rr.period_start)} – {_date(rr.period_end)}"])
    sheet.write([_("Hạn nộp"), _date(rr.deadline)])
    sheet.write([_("Kế hoạch được báo cáo"), "; ".join(p.number for p in rr.plans.all())])
    state = (
        _("%(status)s, phiên bản %(version)s")
        % {"status": report.get_status_display(), "version": report.version}
        if report
        else _("Chưa có báo cáo trong ứng dụng")
    )
    sheet.write([_("Báo cáo trong ứng dụng lúc tải tệp"), state])
    sheet.write([_("Tải tệp lúc"), made_at.strftime("%H:%M %d/%m/%Y")])
    sheet.write([])
    sheet.write([_("Hướng dẫn")], style="heading")
    lines = [
        _("1. Chỉ gõ vào các ô có nền màu; các ô khác được khóa (không cần mật khẩu)."),
        _("2. Ô nền vàng: số liệu đã lưu trong ứng dụng hoặc để trống cho đơn vị điền."),
        _(
            "3. Ô nền xanh: điền sẵn theo báo cáo đợt trước của đơn vị; hãy kiểm tra và sửa cho "
            "đúng kỳ này."
        ),
        _("4. Tình hình thực hiện: chọn trong danh sách. Số: chỉ gõ chữ số, không kèm chữ."),
        _(
            "5. Không đổi tên, thêm, xóa trang tính; không chèn, xóa dòng. Lưu tệp dạng .xlsx "
            "rồi tải lên ở trang đợt báo cáo: ứng dụng cho xem trước những gì sẽ thay đổi."
        ),
    ]
    for line in lines:
        row = sheet.write([line], style="note")
        sheet.merge_title(row)
    sheet.finish()
    return sheet


def _general(wb, data: WorkbookData) -> _Sheet:
    sheet = _Sheet(wb, layout.GENERAL, layout.GENERAL_COLUMNS)
    _title(sheet, data, _("I. PHẦN CHUNG THEO ĐỀ CƯƠNG"))
    sheet.write([str(label) for _c, label, _w in layout.GENERAL_COLUMNS], style="header")
    report, previous = data.report, data.previous_report
    for item in layout.GENERAL_LAYOUT:
        now = getattr(report, item.name) if report else None
        # Counts and funds belong to one period: never carried over from the last round.
        before = getattr(previous, item.name) if previous and item.kind == TEXT else None
        value, from_previous = _pick(now, before)
        limit = TEXT_PARAGRAPH if item.kind == TEXT else None
        sheet.write(
            [
                item.number,
                str(item.label),
                Input(layout.key_general(item.name), value, now, item.kind, limit, from_previous),
                str(item.hint),
                _source_note(data, now not in (None, ""), from_previous),
            ]
        )
    sheet.finish(header_row=layout.HEADER_ROW)
    return sheet


def _plan_heading(sheet: _Sheet, task: Task) -> None:
    row = sheet.write(
        [
            _("Kế hoạch %(number)s: %(title)s")
            % {"number": task.plan.number, "title": task.plan.title}
        ],
        style="heading",
    )
    sheet.merge_title(row)


def _lead(wb, data: WorkbookData) -> _Sheet:
    sheet = _Sheet(wb, layout.LEAD, layout.LEAD_COLUMNS)
    _title(sheet, data, _("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƠN VỊ CHỦ TRÌ"))
    sheet.write([str(label) for _c, label, _w in layout.LEAD_COLUMNS], style="header")
    plan_id = None
    for item in data.lead:
        task = item.task
        if task.plan_id != plan_id:
            plan_id = task.plan_id
            _plan_heading(sheet, task)
        _lead_rows(sheet, data, item)
    if not data.lead:
        sheet.write([_("Đơn vị không chủ trì nhiệm vụ nào trong đợt báo cáo này.")], style="note")
    sheet.finish(header_row=layout.HEADER_ROW)
    return sheet


def _lead_rows(sheet: _Sheet, data: WorkbookData, item: WorkbookTask) -> None:
    task, entry, previous = item.task, item.entry, item.previous
    status_now = entry.status if entry else ""
    result_now = entry.result if entry else ""
    funds_now = entry.funds_spent if entry else None
    remarks_now = entry.remarks if entry else ""
    status, status_prev = _pick(status_now, previous.status if previous else "")
    result, result_prev = _pick(result_now, previous.result if previous else "")
    remarks, remarks_prev = _pick(remarks_now, previous.remarks if previous else "")
    from_app = any(v not in (None, "") for v in (status_now, result_now, funds_now, remarks_now))
    sheet.write(
        [
            task.number,
            task.content,
            _partners(task),
            task.timeframe_text,
            Input(
                layout.key_entry(task.pk, "status"), status, status_now, STATUS, None, status_prev
            ),
            Input(
                layout.key_entry(task.pk, "result"),
                result,
                result_now,
                TEXT,
                TEXT_CELL,
                result_prev,
            ),
            "",
            "",
            Input(layout.key_entry(task.pk, "funds_spent"), funds_now, funds_now, MONEY),
            Input(
                layout.key_entry(task.pk, "remarks"),
                remarks,
                remarks_now,
                TEXT,
                TEXT_SHORT,
                remarks_prev,
            ),
            _source_note(data, from_app, status_prev or result_prev or remarks_prev),
        ]
    )
    actuals = entry.actuals if entry else {}
    for target in task.targets.all():
        actual = actuals.get(str(target.pk))
        sheet.write(
            [
                "",
                "",
                "",
                "",
                "",
                "",
                str(target),
                Input(layout.key_target(task.pk, target.pk), actual, actual, QUANTITY),
                "",
                "",
                "",
            ]
        )


def _coordinated(wb, data: WorkbookData) -> _Sheet:
    sheet = _Sheet(wb, layout.COORDINATED, layout.COORDINATED_COLUMNS)
    _title(sheet, data, _("III. Ý KIẾN VỀ CÁC NHIỆM VỤ ĐƠN VỊ PHỐI HỢP"))
    sheet.write([str(label) for _c, label, _w in layout.COORDINATED_COLUMNS], style="header")
    plan_id = None
    for item in data.coordinated:
        task, entry, previous = item.task, item.entry, item.previous
        if task.plan_id != plan_id:
            plan_id = task.plan_id
            _plan_heading(sheet, task)
        now = entry.result if entry else ""
        value, from_previous = _pick(now, previous.result if previous else "")
        sheet.write(
            [
                task.number,
                task.content,
                _leads(task),
                task.timeframe_text,
                Input(layout.key_remark(task.pk), value, now, TEXT, TEXT_CELL, from_previous),
                _source_note(data, bool(now), from_previous),
            ]
        )
    if not data.coordinated:
        sheet.write([_("Đơn vị không phối hợp nhiệm vụ nào trong đợt báo cáo này.")], style="note")
    sheet.finish(header_row=layout.HEADER_ROW)
    return sheet


def agency_workbook(reporting_round: ReportingRound, agency) -> Export:
    return workbook_build(workbook_data(reporting_round, agency))


def round_workbooks_zip(reporting_round: ReportingRound, agencies) -> Export:
    """One workbook per agency, in one zip (the coordinator hands them out by e-mail)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, data in enumerate(workbooks_data(reporting_round, list(agencies)), start=1):
            export = workbook_build(data)
            # Numbered: two agencies whose names fold alike still get a file each.
            archive.writestr(f"{index:02d}-{export.filename}", export.content)
    number = slugify(fold(reporting_round.request_number).replace("/", "-"))
    return Export(f"so-bao-cao-{number}.zip", "application/zip", buffer.getvalue())
