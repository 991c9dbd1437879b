"""A .docx or .xlsx file as grids of cell texts, merged cells expanded, after checking the file.

Text typed in the old Vietnamese encodings (TCVN3, VNI) comes out as Unicode: by the font of
each Word run or Excel cell (".VnTime", "VNI-Times" …), and where no font says so, by the text
of the whole document (``legacy``). Old Office files (.doc, .xls) and encrypted ones are told
apart here and converted, if LibreOffice is installed, by ``office``.

Only real Office Open XML files get through: the zip magic, the content types and the
uncompressed size are checked before openpyxl or python-docx see a byte (defusedxml is
installed, so openpyxl parses with it).

Work is bounded by the limits, not by the file: each worksheet's XML is streamed first (its
declared dimension, then its rows and cells, stopping at the first limit crossed), so an
over-large sheet is refused before openpyxl loads anything; the rows are then read in
openpyxl's streaming (read-only) mode. A Word body is streamed the same way (rows per table,
cells in the document) before python-docx builds its tree.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from xml.parsers import expat

from agreements.xlsx_package import NS_MAIN, SheetListTooLarge, column_index, xlsx_sheet_parts

from . import legacy

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
    title: str = ""  # the sheet's own title, as typed

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


@dataclass
class SourceDocument:
    """What was read from a file: its paragraphs and grids in order, and how it was read."""

    kind: str  # "xlsx" | "docx"
    blocks: list[str | Grid]  # paragraphs (Word) and grids, in document order
    # legacy encoding → the fonts (or "văn bản" when the text itself told) it was read from
    encodings: dict[str, set[str]] = field(default_factory=dict)

    @property
    def grids(self) -> list[Grid]:
        return [block for block in self.blocks if isinstance(block, Grid)]

    def notes(self) -> list[str]:
        """What was converted, in Vietnamese, for the preview."""
        notes = []
        for encoding, fonts in sorted(self.encodings.items()):
            named = sorted(font for font in fonts if font)
            source = f"phông {', '.join(named)}" if named else "nhận ra từ nội dung"
            notes.append(
                f"Văn bản gõ bằng bảng mã {legacy.NAMES[encoding]} ({source}) đã được chuyển "
                "sang Unicode."
            )
        return notes


# What waits between the upload and the confirmation is what was read, not the file: read once
# (the upload), then loaded in a few milliseconds by the preview and the confirmation.
# ``version`` changes with this layout: a pending import of another layout is not loaded.
_SOURCE_VERSION = 1


def source_dump(source: SourceDocument) -> bytes:
    """``source`` as JSON (``source_load`` reads it back equal)."""
    blocks: list[str | dict] = [
        block
        if isinstance(block, str)
        else {
            "name": block.name,
            "kind": block.kind,
            "rows": block.rows,
            "row_numbers": block.row_numbers,
            "preamble": block.preamble,
            "title": block.title,
        }
        for block in source.blocks
    ]
    encodings = {name: sorted(fonts) for name, fonts in source.encodings.items()}
    document = {
        "version": _SOURCE_VERSION,
        "kind": source.kind,
        "blocks": blocks,
        "encodings": encodings,
    }
    return json.dumps(document, ensure_ascii=False).encode()


def source_load(data: bytes) -> SourceDocument | None:
    """What ``source_dump`` wrote; None for anything else (another version, a damaged file)."""
    try:
        document = json.loads(data)
        if document.get("version") != _SOURCE_VERSION:
            return None
        return SourceDocument(
            kind=document["kind"],
            blocks=[
                block if isinstance(block, str) else Grid(**block) for block in document["blocks"]
            ],
            encodings={name: set(fonts) for name, fonts in document["encodings"].items()},
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


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
    if data.startswith(OLE_MAGIC) or data[:64].lstrip().startswith(b"{\\rtf"):
        from .office import format_error

        raise format_error(data)
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
    return read_source(data).grids


def read_source(data: bytes) -> SourceDocument:
    """The paragraphs and grids of a .docx/.xlsx file in document order, text in Unicode."""
    kind = detect_format(data)
    _check_part_sizes(zipfile.ZipFile(BytesIO(data)))
    try:
        return _read_xlsx(data) if kind == "xlsx" else _read_docx(data)
    except PlanImportError:
        raise
    except Exception as exc:  # a damaged part: openpyxl/python-docx raise many kinds
        label = "Excel" if kind == "xlsx" else "Word"
        raise PlanImportError(f"Tệp {label} bị hỏng hoặc không đọc được ({exc}).") from exc


def _read_xlsx(data: bytes) -> SourceDocument:
    from openpyxl import load_workbook

    archive = zipfile.ZipFile(BytesIO(data))
    titles = _sheet_titles(archive)
    fonts = _cell_fonts(archive)
    scans = {path: _scan_sheet(archive, path, title, fonts) for path, title in titles.items()}
    # Only now, every sheet within the limits, does openpyxl open the file (streaming mode).
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    source = SourceDocument(kind="xlsx", blocks=[])
    try:
        sheets = [_xlsx_sheet(ws, scans, archive, fonts, source) for ws in workbook.worksheets]
    finally:
        workbook.close()
    # Cells no font spoke for: the text of the whole workbook decides (a rich-text cell, a
    # file whose fonts were changed without converting its text).
    encoding = legacy.document_encoding(
        text
        for grid, decided, _scan in sheets
        for r, row in enumerate(grid.rows)
        for c, text in enumerate(row)
        if (r, c) not in decided
    )
    for grid, decided, scan in sheets:
        if encoding is not None:
            for r, row in enumerate(grid.rows):
                for c, text in enumerate(row):
                    if (r, c) not in decided and legacy.needs_decoding(text, encoding):
                        row[c] = legacy.decode(text, encoding)
                        source.encodings.setdefault(encoding, set()).add("")
        _expand_merges(grid.rows, scan.merged)
        source.blocks.append(grid)
    return source


def _xlsx_sheet(ws, scans: dict, archive: zipfile.ZipFile, fonts, source: SourceDocument):
    """One sheet as a grid, rows streamed up to the last cell the scan saw, and the cells whose
    font named a legacy encoding (converted already, so the text guess leaves them)."""
    path = getattr(ws, "_worksheet_path", "")
    scan = scans.get(path) or _scan_sheet(archive, path, ws.title, fonts)
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
    decided = set()
    for (r, c), font in scan.legacy.items():
        if r < len(rows) and c < width and rows[r][c]:
            encoding = legacy.font_encoding(font)
            rows[r][c] = legacy.decode(rows[r][c], encoding, capitals=legacy.font_capitals(font))
            if encoding is not None:  # always: the scan keeps legacy fonts only
                source.encodings.setdefault(encoding, set()).add(font)
            decided.add((r, c))
    grid = Grid(
        name=f"trang tính “{ws.title}”",
        kind="xlsx",
        rows=rows,
        row_numbers=list(range(1, len(rows) + 1)),
        title=ws.title,
    )
    return grid, decided, scan


def _expand_merges(rows: list[list[str]], merges: list[_Merged]) -> None:
    width = len(rows[0]) if rows else 0
    for merged in merges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(rows) or left >= width:
            continue
        value = rows[top][left]
        for r in range(top, min(merged.max_row, len(rows))):
            for c in range(left, min(merged.max_col, width)):
                rows[r][c] = value


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


_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """{part path: sheet title} in workbook order (``agreements.xlsx_package``)."""
    try:
        return xlsx_sheet_parts(archive, max_part_size=MAX_PART_SIZE) or {}
    except SheetListTooLarge:
        raise PlanImportError("Tệp Excel bị hỏng: danh mục trang tính quá lớn.") from None


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
    legacy: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → legacy font


def _cell_fonts(archive: zipfile.ZipFile) -> dict[int, str]:
    """{cell style index: font name} for the styles whose font is a legacy Vietnamese one."""
    from defusedxml import ElementTree

    name = "xl/styles.xml"
    if name not in set(archive.namelist()) or archive.getinfo(name).file_size > MAX_PART_SIZE:
        return {}
    root = ElementTree.fromstring(archive.read(name))
    fonts = []
    for font_element in root.iterfind(f"{NS_MAIN}fonts/{NS_MAIN}font"):
        element = font_element.find(f"{NS_MAIN}name")
        fonts.append(element.get("val", "") if element is not None else "")
    legacy_fonts = {}
    for index, xf in enumerate(root.iterfind(f"{NS_MAIN}cellXfs/{NS_MAIN}xf")):
        try:
            font = fonts[int(xf.get("fontId") or 0)]
        except (ValueError, IndexError):
            continue
        if legacy.font_encoding(font):
            legacy_fonts[index] = font
    return legacy_fonts


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of "B2:D9" or "B2"; None if unreadable."""
    corners = []
    for part in ref.split(":")[:2]:
        match = _CELL_REF.match(part.strip())
        if match is None:
            return None
        corners.append((int(match.group(2)), column_index(match.group(1))))
    (r1, c1), (r2, c2) = corners[0], corners[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "  # expat "uri name"


def _scan_sheet(
    archive: zipfile.ZipFile, path: str, title: str, fonts: dict[int, str] | None = None
) -> _SheetScan:
    """Stream one sheet's XML and refuse it at the first limit it crosses.

    The declared dimension is checked as soon as it is read (a file may claim a million rows in
    a few bytes); then rows and cells are counted as they stream by, since a dimension can lie.
    Nothing is kept but the merged ranges and the cells set in a legacy Vietnamese font, so
    the work stops at the limits, whatever the size.
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
            if fonts:
                style = attrs.get("s") or "0"
                font = fonts.get(int(style)) if style.isdigit() else None
                if font is not None:
                    scan.legacy[(state["row"] - 1, column - 1)] = font
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


class _WordFonts:
    """The font each run is drawn in: the run's own, its character style, its paragraph's
    style (and the styles they are based on), the document defaults; only legacy names count."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.styles: dict[str, tuple[str | None, str | None]] = {}  # id → (font, based on)
        self.default: str | None = None
        styles = document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            self.default = self._font(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
        for style in styles.iterfind(qn("w:style")):
            based = style.find(qn("w:basedOn"))
            self.styles[style.get(qn("w:styleId"), "")] = (
                self._font(style.find(qn("w:rPr"))),
                based.get(qn("w:val")) if based is not None else None,
            )
        self._cache: dict[str | None, str | None] = {}

    def _font(self, rpr) -> str | None:
        if rpr is None:
            return None
        fonts = rpr.find(self.qn("w:rFonts"))
        if fonts is None:
            return None
        # Letters past ASCII are drawn in the "high ANSI" font.
        for attribute in ("w:hAnsi", "w:ascii", "w:hAnsiTheme", "w:asciiTheme"):
            value = fonts.get(self.qn(attribute))
            if value:
                return value
        return None

    def style_font(self, style_id: str | None) -> str | None:
        if style_id not in self._cache:
            font, seen, current = None, set(), style_id
            while current and current not in seen and font is None:
                seen.add(current)
                font, current = self.styles.get(current, (None, None))
            self._cache[style_id] = font
        return self._cache[style_id]

    def paragraph_font(self, p) -> str | None:
        ppr = p.find(self.qn("w:pPr"))
        style = ppr.find(self.qn("w:pStyle")) if ppr is not None else None
        return self.style_font(style.get(self.qn("w:val")) if style is not None else "Normal")

    def run_font(self, run, paragraph_font: str | None) -> str | None:
        rpr = run.find(self.qn("w:rPr"))
        font = self._font(rpr)
        if font is None and rpr is not None:
            style = rpr.find(self.qn("w:rStyle"))
            if style is not None:
                font = self.style_font(style.get(self.qn("w:val")))
        return font or paragraph_font or self.default


# Text pieces of a Word document: (text, legacy font or None), resolved once it has all been read.
_Pieces = list[tuple[str, str | None]]
_RUN_CONTAINERS = {"hyperlink", "ins", "smartTag", "fldSimple", "sdt", "sdtContent", "customXml"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
_RUN_TEXT[f"{_W}noBreakHyphen"] = "-"


def _run_text(run) -> str:
    """A run's text as Word shows it (what python-docx's Run.text gives, without its XPath)."""
    parts = []
    for child in run:
        tag = child.tag
        if tag in _RUN_TEXT:
            fixed = _RUN_TEXT[tag]
            parts.append(child.text or "" if fixed is None else fixed)
    return "".join(parts)


def _paragraph_pieces(p, fonts: _WordFonts) -> _Pieces:
    """The runs of one paragraph in order (inside links, insertions, fields, content controls),
    each with its legacy font; deleted text and text boxes left out."""
    pieces: _Pieces = []
    paragraph_font = fonts.paragraph_font(p)
    run_tag = fonts.qn("w:r")

    def walk(parent) -> None:
        for child in parent:
            tag = child.tag
            if tag == run_tag:
                text = _run_text(child)
                if text:
                    font = fonts.run_font(child, paragraph_font)
                    pieces.append((text, font if legacy.font_encoding(font) else None))
            elif isinstance(tag, str) and tag.rsplit("}", 1)[-1] in _RUN_CONTAINERS:
                walk(child)

    walk(p)
    return pieces


_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main "  # expat "uri name"


def _docx_main_part(archive: zipfile.ZipFile) -> str | None:
    """The Word body's part name, from the content types (usually word/document.xml)."""
    types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    for element in re.findall(r"<(?:\w+:)?Override\b[^>]*>", types):
        if DOCX_MAIN in element:
            name = re.search(r'PartName\s*=\s*"([^"]+)"', element)
            if name:
                return name.group(1).lstrip("/")
    return None


def _table_too_large(number: int, what: str) -> PlanImportError:
    return PlanImportError(
        f"Bảng {number} của tệp Word quá lớn ({what}): chỉ nhận bảng đến {_number(MAX_ROWS)} "
        f"dòng và cả tệp đến {_number(MAX_CELLS)} ô. Hãy chép riêng bảng kế hoạch sang một tệp "
        "mới rồi nhập lại."
    )


def _scan_docx(archive: zipfile.ZipFile) -> None:
    """Stream the Word body's XML and refuse it at the first limit it crosses, before
    python-docx builds its tree: rows per table (nested tables counted apart) and cells in the
    whole document, as ``_scan_sheet`` does for a worksheet."""
    part = _docx_main_part(archive)
    if part is None or part not in set(archive.namelist()):
        return  # python-docx says what is wrong with the package
    tables: list[list[int]] = []  # open tables: [number, rows so far]
    state = {"tables": 0, "cells": 0}

    def start(name: str, attrs: dict) -> None:
        if name == _WORD + "tbl":
            state["tables"] += 1
            tables.append([state["tables"], 0])
        elif name == _WORD + "tr" and tables:
            tables[-1][1] += 1
            if tables[-1][1] > MAX_ROWS:
                raise _table_too_large(tables[-1][0], f"hơn {_number(MAX_ROWS)} dòng")
        elif name == _WORD + "tc":
            state["cells"] += 1
            if state["cells"] > MAX_CELLS:
                number = tables[-1][0] if tables else state["tables"]
                raise _table_too_large(number, f"cả tệp hơn {_number(MAX_CELLS)} ô")

    def end(name: str) -> None:
        if name == _WORD + "tbl" and tables:
            tables.pop()

    def forbidden(*args) -> None:  # what defusedxml refuses: DTDs and entity declarations
        raise PlanImportError("Tệp Word chứa khai báo XML không được phép: không xử lý.")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    with archive.open(part) as source:
        while chunk := source.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _read_docx(data: bytes) -> SourceDocument:
    from docx import Document
    from docx.oxml.ns import qn

    _scan_docx(zipfile.ZipFile(BytesIO(data)))
    document = Document(BytesIO(data))
    fonts = _WordFonts(document)
    p_tag, tbl_tag, sdt_tag = qn("w:p"), qn("w:tbl"), qn("w:sdt")
    # First pass: pieces of text with their fonts. A paragraph is a list of pieces; a table a
    # list of rows of cells, each cell a list of paragraphs.
    raw: list = []
    tables = 0

    def body(parent) -> None:
        nonlocal tables
        for element in parent.iterchildren():
            if element.tag == p_tag:
                ppr = element.find(qn("w:pPr"))
                section_break = ppr is not None and ppr.find(qn("w:sectPr")) is not None
                raw.append(("p", _paragraph_pieces(element, fonts), section_break))
            elif element.tag == tbl_tag:
                tables += 1
                raw.append(("table", _table_pieces(element, fonts, tables), None))
            elif element.tag == sdt_tag:
                content = element.find(qn("w:sdtContent"))
                if content is not None:
                    body(content)

    body(document.element.body)

    # The text of the runs no legacy font spoke for decides for all of them together.
    def undecided():
        for kind, content, _extra in raw:
            paragraphs = [content] if kind == "p" else [p for r in content for c in r for p in c]
            for pieces in paragraphs:
                yield from (text for text, font in pieces if font is None)

    guessed = legacy.document_encoding(undecided())
    source = SourceDocument(kind="docx", blocks=[])

    def text_of(pieces: _Pieces) -> str:
        parts = []
        for text, font in pieces:
            if font is not None:
                encoding = legacy.font_encoding(font)
                text = legacy.decode(text, encoding, capitals=legacy.font_capitals(font))
                if encoding is not None:  # always: a piece keeps its font only if legacy
                    source.encodings.setdefault(encoding, set()).add(font)
            elif guessed is not None and legacy.needs_decoding(text, guessed):
                text = legacy.decode(text, guessed)
                source.encodings.setdefault(guessed, set()).add("")
            parts.append(text)
        return "".join(parts)

    preamble: list[str] = []
    grid_count = 0
    for kind, content, extra in raw:
        if kind == "p":
            text = _text(text_of(content))
            if text:
                preamble.append(text)
                source.blocks.append(text)
            if extra:
                preamble = []  # a new page section: what came before heads nothing below
            continue
        cache: dict[int, str] = {}
        rows = []
        for row in content:
            cells = []
            for cell in row:
                key = id(cell)
                if key not in cache:
                    cache[key] = _text("\n".join(text_of(paragraph) for paragraph in cell))
                cells.append(cache[key])
            rows.append(cells)
        width = max((len(row) for row in rows), default=0)
        rows = [row + [""] * (width - len(row)) for row in rows]
        grid_count += 1
        grid = Grid(
            name=f"bảng {grid_count}",
            kind="docx",
            rows=rows,
            row_numbers=list(range(1, len(rows) + 1)),
            preamble=preamble[-8:],
        )
        source.blocks.append(grid)
        preamble = []
    return source


def _int(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), MAX_COLUMNS))
    except ValueError:
        return 0


def _table_pieces(tbl, fonts: _WordFonts, number: int) -> list:
    """Rows of cells of paragraphs of pieces, one entry per grid column: a cell spanning
    columns repeats, a vertically merged one repeats the cell above (the same object, so its
    text is made once)."""
    from docx.oxml.ns import qn

    rows: list = []
    above: dict[int, list] = {}
    tr_tag, tc_tag, p_tag = qn("w:tr"), qn("w:tc"), qn("w:p")
    val = qn("w:val")
    for tr in tbl.iterchildren(tr_tag):
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        skip = _int(before.get(val)) if before is not None else 0
        cells: list = [[] for _ in range(min(skip, MAX_COLUMNS))]
        for tc in tr.iterchildren(tc_tag):
            column = len(cells)
            properties = tc.find(qn("w:tcPr"))
            span, merge = 1, None
            if properties is not None:
                spanned = properties.find(qn("w:gridSpan"))
                span = _int(spanned.get(val)) if spanned is not None else 1
                merged = properties.find(qn("w:vMerge"))
                merge = (merged.get(val) or "continue") if merged is not None else None
            if merge == "continue" and column in above:
                cell = above[column]
            else:
                cell = [_paragraph_pieces(p, fonts) for p in tc.iterchildren(p_tag)]
            for _ in range(max(1, span)):
                if len(cells) >= MAX_COLUMNS:
                    break
                above[len(cells)] = cell
                cells.append(cell)
        rows.append(cells)
        if len(rows) > MAX_ROWS:
            raise PlanImportError(f"Bảng {number} có quá nhiều dòng.")
    return rows
