"""A .docx or .xlsx file as grids of cell texts, merged cells expanded, after checking the file.

Only real Office Open XML files get through: the zip magic, the content types and the
uncompressed size are checked before openpyxl or python-docx see a byte (defusedxml is
installed, so openpyxl parses with it).

Work is bounded by the limits, not by the file: each worksheet's XML is streamed first (its
declared dimension, then its rows and cells, stopping at the first limit crossed), so an
over-large sheet is refused before openpyxl loads anything; the rows are then read in
openpyxl's streaming (read-only) mode.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from xml.parsers import expat

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 60
# A plan of 1,000 tasks in 12 bordered columns is 12,000 cells. 30,000 cells (and at most
# 5,000 x 60 padded) are read in about a second and far under 200 MB; an over-large sheet is
# refused in a fraction of that, whatever its size (bench: /tmp probe in the issue-12 report).
MAX_CELLS = 30_000
# One XML part (a sheet, the shared strings, a Word body) inflated: a 30,000-cell sheet is
# about 1 MB of XML, the texts of 1,000 tasks about 1 MB.
MAX_PART_SIZE = 8 * 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


class PlanImportError(Exception):
    """A file that cannot be imported; the message says what and where, in Vietnamese."""


@dataclass
class Grid:
    """One sheet or one Word table: rows of cell texts, every row as wide as the widest."""

    name: str  # "trang tính “Phụ lục I”" or "bảng 2"
    kind: str  # "xlsx" | "docx"
    rows: list[list[str]]
    row_numbers: list[int]
    preamble: list[str] = field(default_factory=list)  # paragraphs above a Word table

    def column_label(self, index: int) -> str:
        if self.kind == "xlsx":
            from openpyxl.utils import get_column_letter

            return get_column_letter(index + 1)
        return str(index + 1)

    def where(self, row: int | None = None, column: int | None = None) -> str:
        parts = [self.name]
        if row is not None:
            numbers = self.row_numbers
            parts.append(f"dòng {numbers[row] if row < len(numbers) else row + 1}")
        if column is not None:
            parts.append(f"cột {self.column_label(column)}")
        return ", ".join(parts)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    return text.strip()


def detect_format(data: bytes) -> str:
    """ "xlsx" or "docx", by content; raises PlanImportError for anything else."""
    if len(data) > MAX_FILE_SIZE:
        raise PlanImportError(
            f"Tệp quá lớn ({len(data) / 1024 / 1024:.1f} MB): chỉ nhận tệp đến "
            f"{MAX_FILE_SIZE // 1024 // 1024} MB."
        )
    if data.startswith(OLE_MAGIC):
        raise PlanImportError(
            "Tệp được đặt mật khẩu (hoặc là tệp .doc/.xls đời cũ): hãy gỡ mật khẩu và lưu lại "
            "thành .docx hoặc .xlsx."
        )
    if not data.startswith(ZIP_MAGIC):
        raise PlanImportError("Tệp không phải là tệp Word (.docx) hoặc Excel (.xlsx) thật.")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise PlanImportError("Tệp .docx/.xlsx bị hỏng: không mở được nội dung nén.") from exc
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_SIZE:
        raise PlanImportError(
            "Tệp có nội dung giải nén quá lớn (nghi là tệp nén độc hại): không xử lý."
        )
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        raise PlanImportError("Tệp không phải là tệp Word (.docx) hoặc Excel (.xlsx) thật.")
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        raise PlanImportError("Tệp .docx/.xlsx bị hỏng: không đọc được danh mục nội dung.") from exc
    if XLSX_MAIN in types:
        return "xlsx"
    if DOCX_MAIN in types:
        return "docx"
    raise PlanImportError(
        "Tệp không phải là tệp Word (.docx) hoặc Excel (.xlsx) (có thể là tệp có macro hoặc "
        "định dạng khác)."
    )


def read_document(data: bytes) -> list[Grid]:
    """The grids of a .docx/.xlsx file in document order."""
    kind = detect_format(data)
    _check_part_sizes(zipfile.ZipFile(BytesIO(data)))
    try:
        return _read_xlsx(data) if kind == "xlsx" else _read_docx(data)
    except PlanImportError:
        raise
    except Exception as exc:  # a damaged part: openpyxl/python-docx raise many kinds
        label = "Excel" if kind == "xlsx" else "Word"
        raise PlanImportError(f"Tệp {label} bị hỏng hoặc không đọc được ({exc}).") from exc


def _read_xlsx(data: bytes) -> list[Grid]:
    from openpyxl import load_workbook

    archive = zipfile.ZipFile(BytesIO(data))
    titles = _sheet_titles(archive)
    scans = {path: _scan_sheet(archive, path, title) for path, title in titles.items()}
    # Only now, every sheet within the limits, does openpyxl open the file (streaming mode).
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    try:
        return [_xlsx_grid(ws, scans, archive) for ws in workbook.worksheets]
    finally:
        workbook.close()


def _xlsx_grid(ws, scans: dict, archive: zipfile.ZipFile) -> Grid:
    """One sheet as a grid, rows streamed up to the last cell the scan saw, merges expanded."""
    path = getattr(ws, "_worksheet_path", "")
    scan = scans.get(path) or _scan_sheet(archive, path, ws.title)
    height, width = scan.rows, scan.columns
    rows = (
        [
            [_text(value) for value in row] + [""] * (width - len(row))
            for row in ws.iter_rows(min_row=1, max_row=height, max_col=width, values_only=True)
        ]
        if height and width
        else []
    )
    rows += [[""] * width for _ in range(height - len(rows))]
    for merged in scan.merged:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(rows) or left >= width:
            continue
        value = rows[top][left]
        for r in range(top, min(merged.max_row, len(rows))):
            for c in range(left, min(merged.max_col, width)):
                rows[r][c] = value
    return Grid(
        name=f"trang tính “{ws.title}”",
        kind="xlsx",
        rows=rows,
        row_numbers=list(range(1, len(rows) + 1)),
    )


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _too_large(title: str, what: str) -> PlanImportError:
    return PlanImportError(
        f"Trang tính “{title}” quá lớn ({what}): chỉ nhận trang tính đến {_number(MAX_ROWS)} "
        f"dòng, {MAX_COLUMNS} cột và {_number(MAX_CELLS)} ô. Hãy xóa các dòng, cột thừa hoặc "
        "chép riêng bảng kế hoạch sang một tệp mới rồi nhập lại."
    )


def _check_part_sizes(archive: zipfile.ZipFile) -> None:
    for member in archive.infolist():
        name = member.filename
        if member.file_size > MAX_PART_SIZE and (
            name.startswith("xl/worksheets/")
            or name == "xl/sharedStrings.xml"
            or name.startswith("word/document")
        ):
            raise PlanImportError(
                f"Tệp có phần nội dung quá lớn ({member.file_size / 1024 / 1024:.0f} MB khi giải "
                f"nén, giới hạn {MAX_PART_SIZE // 1024 // 1024} MB): không xử lý. Hãy chép riêng "
                "bảng kế hoạch sang một tệp mới rồi nhập lại."
            )


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """{part path: sheet title} in workbook order, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if archive.getinfo(part).file_size > MAX_PART_SIZE:
            raise PlanImportError("Tệp Excel bị hỏng: danh mục trang tính quá lớn.")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    titles = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        path = targets.get(sheet.get(f"{_NS_REL}id"))
        if path in names:
            titles[path] = sheet.get("name", "")
    return titles


@dataclass
class _Merged:
    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class _SheetScan:
    rows: int = 0  # last row number holding a cell, at most MAX_ROWS
    columns: int = 0  # last column holding a cell, at most MAX_COLUMNS
    merged: list[_Merged] = field(default_factory=list)


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of "B2:D9" or "B2"; None if unreadable."""
    corners = []
    for part in ref.split(":")[:2]:
        match = _CELL_REF.match(part.strip())
        if match is None:
            return None
        corners.append((int(match.group(2)), _column_index(match.group(1))))
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat "uri name"


def _scan_sheet(archive: zipfile.ZipFile, path: str, title: str) -> _SheetScan:
    """Stream one sheet's XML and refuse it at the first limit it crosses.

    The declared dimension is checked as soon as it is read (a file may claim a million rows in
    a few bytes); then rows and cells are counted as they stream by, since a dimension can lie.
    Nothing is kept but the merged ranges, so the work stops at the limits, whatever the size.
    A bare expat parser with handlers only (no tree, no DTD, no entities) keeps this fast.
    """
    scan = _SheetScan()
    state = {"cells": 0, "row": 0, "column": 0}

    def start(name: str, attrs: dict) -> None:
        if name == _MAIN + "c":
            state["cells"] += 1
            corner = _range(attrs.get("r") or "")
            column = state["column"] = corner[1] if corner else state["column"] + 1
            if column > MAX_COLUMNS:
                raise _too_large(title, f"có dữ liệu ở cột thứ {column}")
            if state["cells"] > MAX_CELLS:
                raise _too_large(title, f"hơn {_number(MAX_CELLS)} ô")
            scan.rows = max(scan.rows, state["row"])
            scan.columns = max(scan.columns, column)
        elif name == _MAIN + "row":
            row = state["row"] = int(attrs.get("r") or state["row"] + 1)
            state["column"] = 0
            if row > MAX_ROWS:
                raise _too_large(title, f"có dòng số {_number(row)}")
        elif name == _MAIN + "dimension":
            bounds = _range(attrs.get("ref") or "")
            if bounds is not None and bounds[2] > MAX_ROWS:
                raise _too_large(title, f"khai báo {_number(bounds[2])} dòng")
            if bounds is not None and bounds[3] > MAX_COLUMNS:
                raise _too_large(title, f"khai báo {bounds[3]} cột")
        elif name == _MAIN + "mergeCell":
            bounds = _range(attrs.get("ref") or "")
            if bounds is not None and len(scan.merged) < MAX_CELLS:
                scan.merged.append(_Merged(*bounds))

    def forbidden(*args) -> None:  # what defusedxml refuses: DTDs and entity declarations
        raise PlanImportError("Tệp Excel chứa khai báo XML không được phép: không xử lý.")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    with archive.open(path) as source:
        while chunk := source.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return scan


def _read_docx(data: bytes) -> list[Grid]:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(BytesIO(data))
    grids: list[Grid] = []
    preamble: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = _text(Paragraph(element, document).text)
            if text:
                preamble.append(text)
            ppr = element.find(qn("w:pPr"))
            if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
                preamble = []  # a new page section: what came before heads nothing below
        elif element.tag == qn("w:tbl"):
            table = Table(element, document)
            rows = []
            for row in table.rows:
                cells = [_text("\n".join(p.text for p in cell.paragraphs)) for cell in row.cells]
                rows.append(cells[:MAX_COLUMNS])
                if len(rows) > MAX_ROWS:
                    raise PlanImportError(f"Bảng {len(grids) + 1} có quá nhiều dòng.")
            width = max((len(row) for row in rows), default=0)
            rows = [row + [""] * (width - len(row)) for row in rows]
            grids.append(
                Grid(
                    name=f"bảng {len(grids) + 1}",
                    kind="docx",
                    rows=rows,
                    row_numbers=list(range(1, len(rows) + 1)),
                    preamble=preamble[-8:],
                )
            )
            preamble = []
    return grids
