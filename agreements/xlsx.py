"""The one cell writer for every XLSX the project writes (plan, round summary, dashboard).

Whatever a user typed reaches a workbook only through :func:`xlsx_cell`, so text is always
text: a value that starts with ``= + - @``, a tab or a carriage return (what Excel or LibreOffice
would take, on open or on the next edit of the cell, for a formula such as
``=HYPERLINK(…)``) is stored as a string cell carrying Excel's own "quote prefix" flag — the
cell shows the text exactly as typed (a "- " bullet keeps no visible apostrophe) and the
spreadsheet never evaluates it. Numbers, dates and booleans stay what they are.

Shared by every app that writes a workbook: it lives in the lowest one (like ``uploads``).
A test (tests/test_xlsx_writer.py) fails if another module builds cells itself.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# What a spreadsheet may read as the start of a formula (OWASP "CSV injection" list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses (asks to "repair") a cell longer than this.
MAX_CELL_CHARS = 32767
TRUNCATED_NOTE = " […]"


def xlsx_workbook() -> Workbook:
    """A write-only workbook: rows are streamed, no cell objects kept."""
    return Workbook(write_only=True)


def xlsx_text(value: str) -> str:
    """The text as a cell may hold it: no XML-illegal control characters, at most 32,767 chars."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(TRUNCATED_NOTE)] + TRUNCATED_NOTE
    return text


def xlsx_cell(
    ws,
    value,
    *,
    font=None,
    alignment=None,
    border=None,
    fill=None,
    number_format=None,
    style: str | None = None,
) -> Cell:
    """One cell of a write-only sheet; text that could run as a formula is kept as text.

    ``style`` names a style registered on the workbook (``wb.add_named_style``): one lookup
    instead of a font, border, fill … each hashed per cell, for sheets of many styled cells."""
    guarded = False
    if isinstance(value, str):
        value = xlsx_text(value)
        guarded = value.startswith(FORMULA_TRIGGERS)
        if value == "":
            value = None
    cell = WriteOnlyCell(ws, value=value)
    if style is not None:
        cell.style = style  # first: a named style replaces the cell's whole formatting
    if guarded:
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True  # and Excel would re-read "+…", "-…", "@…" as one on edit
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def xlsx_row(ws, values) -> None:
    """Append a row; plain values go through :func:`xlsx_cell` too."""
    ws.append([value if isinstance(value, Cell) else xlsx_cell(ws, value) for value in values])
