"""A .docx or .xlsx file as grids of cell texts, merged cells expanded, after checking the file.

Only real Office Open XML files get through: the zip magic, the content types and the
uncompressed size are checked before openpyxl or python-docx see a byte (defusedxml is
installed, so openpyxl parses with it).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024
MAX_ROWS = 20000
MAX_COLUMNS = 60

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
    try:
        return _read_xlsx(data) if kind == "xlsx" else _read_docx(data)
    except PlanImportError:
        raise
    except Exception as exc:  # a damaged part: openpyxl/python-docx raise many kinds
        label = "Excel" if kind == "xlsx" else "Word"
        raise PlanImportError(f"Tệp {label} bị hỏng hoặc không đọc được ({exc}).") from exc


def _read_xlsx(data: bytes) -> list[Grid]:
    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(data), data_only=True)
    grids = []
    for ws in workbook.worksheets:
        height = min(ws.max_row or 0, MAX_ROWS + 1)
        if height > MAX_ROWS:
            raise PlanImportError(
                f"Trang tính “{ws.title}” có quá nhiều dòng (hơn {MAX_ROWS}): không xử lý."
            )
        width = min(ws.max_column or 0, MAX_COLUMNS)
        rows = (
            [
                [_text(value) for value in row]
                for row in ws.iter_rows(min_row=1, max_row=height, max_col=width, values_only=True)
            ]
            if height and width
            else []
        )
        for merged in ws.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= len(rows) or left >= width:
                continue
            value = rows[top][left]
            for r in range(top, min(merged.max_row, len(rows))):
                for c in range(left, min(merged.max_col, width)):
                    rows[r][c] = value
        grids.append(
            Grid(
                name=f"trang tính “{ws.title}”",
                kind="xlsx",
                rows=rows,
                row_numbers=list(range(1, len(rows) + 1)),
            )
        )
    return grids


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
