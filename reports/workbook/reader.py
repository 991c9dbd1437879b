"""Read a filled report workbook back: its identity, then every input cell checked.

The file is checked before openpyxl sees it, as every upload is (``agreements.uploads`` for its
kind, then here): a real XLSX, at most ``MAX_FILE_BYTES``, each part's inflated size bounded,
and every sheet's XML streamed with a bare expat parser (no DTD, no entities) that stops at the
first limit crossed (rows, columns, cells), as ``tasks.importers.reader`` does for plan tables.
The same pass notes every cell holding a formula and whether the file keeps its computed value.

Nothing is ever evaluated and no external link is followed: openpyxl reads cached values only
(``data_only=True``, ``keep_links=False``). A formula in an input cell is taken as the value
the user's spreadsheet computed and saved with it; one saved without a value is refused.

Each problem names its sheet, its cell and what to fix, in Vietnamese.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.parsers import expat

from django import forms
from django.utils.translation import gettext as _

from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, TEXT_SHORT
from agreements.numbers import DecimalNumberField, MoneyField, WholeNumberField
from agreements.text import fold
from agreements.xlsx_package import SheetListTooLarge, column_index, xlsx_sheet_parts
from tasks.models import TaskStatus

from . import layout
from .layout import COUNT, INPUT, MONEY, QUANTITY, READONLY, STATUS, TEXT, cell_text, row_digest

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 40
MAX_CELLS = 60_000  # a round of 2,000 tasks with targets, ten columns each, and margin

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "


class WorkbookRefused(Exception):
    """The file as a whole cannot be read as this app's report workbook; says why, in
    Vietnamese. Nothing in it is marked: the user needs a fresh file."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    cells: str  # "E7", or "A7,B7" for a read-only row
    message: str

    @property
    def first_cell(self) -> str:
        return self.cells.split(",")[0]

    def __str__(self) -> str:
        return _("Trang «%(sheet)s», ô %(cell)s: %(message)s") % {
            "sheet": self.sheet,
            "cell": self.first_cell,
            "message": self.message,
        }


@dataclass
class Reading:
    identity: dict[str, str]
    values: dict[str, object] = field(default_factory=dict)  # key → checked value
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (sheet, cell)
    bases: dict[str, str] = field(default_factory=dict)  # key → canonical value at download
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def round_id(self) -> int:
        return int(self.identity["round"])

    @property
    def agency_id(self) -> int:
        return int(self.identity["agency"])

    @property
    def report_version(self) -> int | None:
        version = self.identity.get("report_version") or ""
        return int(version) if version.isdigit() else None


@dataclass
class _Scan:
    formulas: dict[str, bool] = field(default_factory=dict)  # cell → has a cached value


def _too_large(title: str, what: str) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "Trang «%(sheet)s» quá lớn (%(what)s): sổ báo cáo không có nhiều dòng, cột như vậy. "
            "Hãy tải tệp mới từ ứng dụng và điền lại."
        )
        % {"sheet": title, "what": what}
    )


def _check_container(data: bytes) -> zipfile.ZipFile:
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(
            _("Tệp nặng %(size).1f MB, vượt giới hạn %(limit)s MB của sổ báo cáo.")
            % {"size": len(data) / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
    if data.startswith(OLE_MAGIC):
        raise WorkbookRefused(
            _(
                "Tệp được đặt mật khẩu hoặc lưu dạng Excel cũ (.xls): hãy gỡ mật khẩu và lưu lại "
                "dạng .xlsx (Excel Workbook)."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookRefused(_("Tệp không phải tệp Excel .xlsx thật."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WorkbookRefused(_("Tệp .xlsx bị hỏng: không mở được nội dung nén.")) from exc
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise WorkbookRefused(
            _("Tệp có nội dung giải nén quá lớn (nghi là tệp nén độc hại): không xử lý.")
        )
    for member in members:
        if member.file_size > MAX_PART_BYTES:
            raise WorkbookRefused(
                _("Tệp có phần nội dung quá lớn (%(name)s): không xử lý.")
                % {"name": member.filename}
            )
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        raise WorkbookRefused(_("Tệp không phải tệp Excel .xlsx thật."))
    types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    if XLSX_MAIN not in types:
        raise WorkbookRefused(
            _("Tệp không phải sổ Excel .xlsx thường (có thể là tệp có macro hoặc định dạng khác).")
        )
    return archive


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet title: part path} (``agreements.xlsx_package``)."""
    try:
        parts = xlsx_sheet_parts(archive, max_part_size=MAX_PART_BYTES)
    except SheetListTooLarge:
        parts = None
    if parts is None:
        raise WorkbookRefused(_("Tệp .xlsx bị hỏng: không có danh mục trang tính."))
    return {title: path for path, title in parts.items()}


def _split(ref: str) -> tuple[int, int] | None:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = ref[len(letters) :]
    if not letters or not digits.isdigit() or len(letters) > 3:
        return None
    return int(digits), column_index(letters)


def _scan_sheet(archive: zipfile.ZipFile, path: str, title: str) -> _Scan:
    """Stream one sheet's XML: refuse it at the first limit crossed; note its formulas."""
    scan = _Scan()
    state: dict = {"cells": 0, "ref": "", "formula": False, "value": False, "in_value": False}

    def start(name: str, attrs: dict) -> None:
        if name == _MAIN + "c":
            state["cells"] += 1
            if state["cells"] > MAX_CELLS:
                raise _too_large(title, _("hơn %(n)s ô") % {"n": MAX_CELLS})
            ref = attrs.get("r") or ""
            where = _split(ref)
            if where is not None:
                if where[0] > MAX_ROWS:
                    raise _too_large(title, _("có dòng số %(n)s") % {"n": where[0]})
                if where[1] > MAX_COLUMNS:
                    raise _too_large(title, _("có cột thứ %(n)s") % {"n": where[1]})
            state.update(ref=ref, formula=False, value=False)
        elif name == _MAIN + "f":
            state["formula"] = True
        elif name == _MAIN + "v":
            state["in_value"] = True
        elif name == _MAIN + "row":
            row = attrs.get("r") or ""
            if row.isdigit() and int(row) > MAX_ROWS:
                raise _too_large(title, _("có dòng số %(n)s") % {"n": row})
        elif name == _MAIN + "dimension":
            corner = (attrs.get("ref") or "").split(":")[-1]
            where = _split(corner.replace("$", ""))
            if where is not None and (where[0] > MAX_ROWS or where[1] > MAX_COLUMNS):
                raise _too_large(title, _("khai báo vùng %(ref)s") % {"ref": attrs.get("ref")})

    def end(name: str) -> None:
        if name == _MAIN + "v":
            state["in_value"] = False
        elif name == _MAIN + "c" and state["formula"] and state["ref"]:
            scan.formulas[state["ref"]] = state["value"]

    def text(data: str) -> None:
        if state["in_value"] and data.strip():
            state["value"] = True  # a cached value saved with the formula

    def forbidden(*args) -> None:
        raise WorkbookRefused(_("Tệp chứa khai báo XML không được phép: không xử lý."))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with archive.open(path) as source:
            while chunk := source.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WorkbookRefused(
            _("Trang «%(sheet)s» bị hỏng, không đọc được.") % {"sheet": title}
        ) from exc
    return scan


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _identity(rows: list[tuple]) -> tuple[dict[str, str], list[list[str]]]:
    identity = {}
    for row in rows[: len(layout.ID_FIELDS)]:
        if row and row[0] in layout.ID_FIELDS:
            identity[str(row[0])] = _text(row[1] if len(row) > 1 else None)
    mapping = []
    for row in rows[layout.MAP_ROW :]:
        if not row or not isinstance(row[0], str):
            continue
        try:
            item = json.loads(row[0])
        except ValueError:
            raise WorkbookRefused(NOT_OURS % {"sheet": layout.IDENTITY}) from None
        if not isinstance(item, list) or len(item) != 5:
            raise WorkbookRefused(NOT_OURS % {"sheet": layout.IDENTITY})
        mapping.append([_text(value) for value in item])
    return identity, mapping


NOT_OURS = _(
    "Tệp không phải sổ báo cáo tải từ ứng dụng (hoặc trang nhận dạng ẩn «%(sheet)s» đã bị xóa, "
    "sửa). Hãy tải sổ báo cáo ở trang đợt báo cáo, điền vào đó rồi tải lên."
)


def workbook_read(data: bytes) -> Reading:
    """The identity of a filled workbook and each input cell's checked value, with every
    problem found; raises WorkbookRefused when the file itself cannot be taken."""
    from openpyxl import load_workbook

    archive = _check_container(data)
    paths = _sheet_paths(archive)
    missing = [title for title in (*layout.DATA_SHEETS, layout.IDENTITY) if title not in paths]
    if layout.IDENTITY in missing:
        raise WorkbookRefused(NOT_OURS % {"sheet": layout.IDENTITY})
    if missing:
        raise WorkbookRefused(
            _("Tệp thiếu trang tính «%(sheets)s» (đã đổi tên hoặc xóa). Hãy tải tệp mới.")
            % {"sheets": "», «".join(missing)}
        )
    scans = {title: _scan_sheet(archive, paths[title], title) for title in paths}
    # Only now, every sheet within the limits, does openpyxl open it: streaming, cached values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extensions openpyxl does not know (LibreOffice's)
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # a damaged part: openpyxl raises many kinds
            raise WorkbookRefused(_("Tệp Excel bị hỏng, không đọc được.")) from exc
    try:
        rows = list(book[layout.IDENTITY].iter_rows(values_only=True))
        identity, mapping = _identity(rows)
        if identity.get("format") != layout.FORMAT or not identity.get("signature"):
            raise WorkbookRefused(NOT_OURS % {"sheet": layout.IDENTITY})
        if layout.signature(identity, mapping) != identity["signature"]:
            raise WorkbookRefused(NOT_OURS % {"sheet": layout.IDENTITY})
        cells: dict[tuple[str, str], object] = {}
        for title in layout.DATA_SHEETS:
            for r, row in enumerate(book[title].iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        cells[(title, _coordinate(r, c))] = value
    finally:
        book.close()
    reading = Reading(identity=identity)
    if any(name.startswith("xl/externalLinks/") for name in archive.namelist()):
        reading.notes.append(
            _(
                "Tệp có liên kết tới sổ Excel khác: ứng dụng không mở các liên kết đó, chỉ lấy "
                "giá trị đã lưu trong tệp này."
            )
        )
    for sheet, where, key, base, kind in mapping:
        if kind == READONLY:
            texts = [cell_text(cells.get((sheet, c))) for c in where.split(",")]
            if row_digest(texts) != base:
                reading.problems.append(
                    Problem(
                        sheet,
                        where,
                        _(
                            "ô chỉ đọc (nội dung nhiệm vụ, tiêu đề, hướng dẫn) đã bị sửa. Hãy "
                            "trả lại nội dung cũ, hoặc tải tệp mới và chép phần đã điền sang."
                        ),
                    )
                )
        elif kind == INPUT:
            reading.cells[key] = (sheet, where)
            reading.bases[key] = base
            _read_input(reading, key, sheet, where, cells.get((sheet, where)), scans[sheet])
    return reading


def _coordinate(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def key_kind(key: str) -> tuple[str, int | None]:
    """What an input cell holds (layout's kinds) and its length limit for text."""
    part, _, rest = key.partition(":")
    if part == "g":
        kind = layout.GENERAL_KINDS[rest]
        return kind, TEXT_PARAGRAPH if kind == TEXT else None
    if part == "t":
        return QUANTITY, None
    if part == "c":
        return TEXT, TEXT_CELL
    name = rest.rsplit(":", 1)[-1]
    fields = {"status": (STATUS, None), "result": (TEXT, TEXT_CELL), "remarks": (TEXT, TEXT_SHORT)}
    return fields.get(name, (MONEY, None))


def _read_input(
    reading: Reading, key: str, sheet: str, cell: str, raw: object, scan: _Scan
) -> None:
    if cell in scan.formulas:
        if not scan.formulas[cell]:
            reading.problems.append(
                Problem(
                    sheet,
                    cell,
                    _(
                        "ô có công thức nhưng tệp không lưu kết quả của nó (ứng dụng không tính "
                        "công thức). Hãy gõ thẳng giá trị vào ô."
                    ),
                )
            )
            return
        reading.notes.append(
            _("Trang «%(sheet)s», ô %(cell)s: có công thức, lấy giá trị đã tính sẵn trong tệp.")
            % {"sheet": sheet, "cell": cell}
        )
    kind, limit = key_kind(key)
    try:
        reading.values[key] = clean_value(kind, raw, limit)
    except forms.ValidationError as error:
        reading.problems.append(Problem(sheet, cell, " ".join(error.messages)))


def _status(raw: object) -> str:
    text = _text(raw).strip()
    if not text:
        return ""
    for value, label in TaskStatus.choices:
        if fold(text) in (fold(str(label)), fold(value)):
            return value
    labels = "; ".join(str(label) for _v, label in TaskStatus.choices)
    raise forms.ValidationError(
        _("«%(text)s» không phải một tình hình thực hiện. Hãy chọn trong danh sách: %(labels)s.")
        % {"text": text[:60], "labels": labels}
    )


def clean_value(kind: str, raw: object, limit: int | None = None) -> object:
    """One input cell's value as the report stores it; a ValidationError in Vietnamese."""
    if isinstance(raw, str):
        raw = raw.strip()
    if kind == STATUS:
        return _status(raw)
    if kind == TEXT:
        if isinstance(raw, datetime | date):
            raw = raw.strftime("%d/%m/%Y")
        text = layout.canonical(raw).strip()
        if limit and len(text) > limit:
            raise forms.ValidationError(
                _("Nội dung dài %(n)s ký tự, quá giới hạn %(limit)s ký tự: hãy rút gọn.")
                % {"n": len(text), "limit": limit}
            )
        return text
    if isinstance(raw, bool) or isinstance(raw, datetime | date):
        raise forms.ValidationError(_("Ô này cần một số, không phải ngày tháng hay Có/Không."))
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise forms.ValidationError(_("Ô này cần một số."))
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal) and kind in (COUNT, MONEY):
        if raw != raw.to_integral_value():
            raise forms.ValidationError(
                _("«%(value)s»: cần một số nguyên (không có phần lẻ).") % {"value": raw}
            )
        raw = int(raw)
    if kind == COUNT:
        return WholeNumberField(required=False).clean(raw)
    if kind == MONEY:
        return MoneyField(required=False).clean(raw)
    if isinstance(raw, int):
        raw = Decimal(raw)
    value = DecimalNumberField(required=False, max_digits=12, decimal_places=2).clean(raw)
    return value
