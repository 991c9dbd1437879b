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

from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.page import PageMargins

from .official import PAGE_MARGINS_MM

# What a spreadsheet may read as the start of a formula (OWASP "CSV injection" list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses (asks to "repair") a cell longer than this.
MAX_CELL_CHARS = 32767
TRUNCATED_NOTE = " […]"


def xlsx_workbook() -> Workbook:
    """A write-only workbook: rows are streamed, no cell objects kept."""
    return Workbook(write_only=True)


def xlsx_page_numbers(ws: Any, *, font: str = "Times New Roman", size: int = 12) -> None:
    """Page numbers printed top centre, none on the first page (Nghị định 30/2020/NĐ-CP), as in
    the PDF and Word files; ``ws`` may be a write-only sheet."""
    ws.HeaderFooter.differentFirst = True
    header = ws.HeaderFooter.oddHeader
    header.center.text = "&P"
    header.center.font = f"{font},Regular"
    header.center.size = size


def xlsx_page_margins() -> PageMargins:
    """The official page margins (``agreements.official.PAGE_MARGINS_MM``) for a sheet's print
    setup, in inches as openpyxl wants them; the page number 8 mm from the top edge."""
    inch = 25.4
    return PageMargins(
        left=PAGE_MARGINS_MM.left / inch,
        right=PAGE_MARGINS_MM.right / inch,
        top=PAGE_MARGINS_MM.top / inch,
        bottom=PAGE_MARGINS_MM.bottom / inch,
        header=8 / inch,
        footer=8 / inch,
    )


def xlsx_text(value: str) -> str:
    """The text as a cell may hold it: no XML-illegal control characters, at most 32,767 chars."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(TRUNCATED_NOTE)] + TRUNCATED_NOTE
    return text


class XlsxStyle:
    """A cell style resolved once for a workbook (:func:`xlsx_style`), then given to any number
    of cells by ``xlsx_cell(ws, value, style=…)``: a cell costs no style lookup at all. The parts
    it was made of stay readable (``font``, ``alignment``), e.g. to measure a row's height."""

    __slots__ = ("array", "font", "alignment", "border", "fill", "number_format")

    def __init__(self, array: StyleArray, font, alignment, border, fill, number_format):
        self.array = array
        self.font = font
        self.alignment = alignment
        self.border = border
        self.fill = fill
        self.number_format = number_format


def xlsx_style(
    ws, *, font=None, alignment=None, border=None, fill=None, number_format=None
) -> XlsxStyle:
    """The style of cells with these parts in ``ws``'s workbook, built once (see ``_style_ids``)."""
    array = _style_ids(ws, font, alignment, border, fill, number_format or None)
    return XlsxStyle(array, font, alignment, border, fill, number_format or None)


def xlsx_cell(
    ws,
    value,
    *,
    font=None,
    alignment=None,
    border=None,
    fill=None,
    number_format=None,
    style: str | XlsxStyle | None = None,
) -> Cell:
    """One cell of a write-only sheet; text that could run as a formula is kept as text.

    ``style`` is a style resolved once by :func:`xlsx_style` (the fastest), or names a style
    registered on the workbook (``wb.add_named_style``); without it, the parts given (font,
    alignment, border, fill, number format) are combined once per workbook and reused
    (``_style_ids``). A style and parts are not mixed."""
    guarded = False
    if isinstance(value, str):
        value = xlsx_text(value)
        guarded = value.startswith(FORMULA_TRIGGERS)
        if value == "":
            value = None
    cell = WriteOnlyCell(ws)
    # Cell's slots (``_value``, ``_style``) are not in openpyxl's type stubs.
    raw: Any = cell
    if value is not None:
        if type(value) is str and value not in ERROR_CODES:
            # xlsx_text has done what openpyxl's own check would (no illegal character, at most
            # 32,767 characters): the value is stored as text directly, which is also what a
            # guarded "=…" must be.
            raw._value = value
            cell.data_type = "s"
        else:
            cell.value = value
    array = None
    if isinstance(style, XlsxStyle):
        array = style.array
    elif style is not None:
        cell.style = style  # a named style replaces the cell's whole formatting
    elif any(part is not None for part in (font, alignment, border, fill)) or number_format:
        array = _style_ids(ws, font, alignment, border, fill, number_format or None)
    if array is not None:
        # Cells share the array: openpyxl only reads it when it writes the cell. A guarded cell
        # changes its own (the quote prefix), so it gets a copy.
        raw._style = copy(array) if guarded else array
    if guarded:
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True  # and Excel would re-read "+…", "-…", "@…" as one on edit
    return cell


def _style_ids(ws, font, alignment, border, fill, number_format) -> StyleArray:
    """The style of a cell with these parts, built once per workbook and then reused.

    Assigning ``cell.font = …`` makes openpyxl hash the whole Font (every attribute) to find it
    in the workbook's list, for every cell; a workbook of 10,000 tasks has hundreds of thousands
    of such assignments. Our style objects are module constants, so their ids key a cache kept
    on the workbook; the first cell with a combination pays the hashing, the others share the
    resulting array of indexes (:func:`xlsx_cell`).
    """
    workbook = ws.parent
    cache: dict = workbook.__dict__.setdefault("_coopplan_styles", {})
    key = (id(font), id(alignment), id(border), id(fill), number_format)
    found = cache.get(key)
    if found is None:
        probe = WriteOnlyCell(ws)
        if font is not None:
            probe.font = font
        if alignment is not None:
            probe.alignment = alignment
        if border is not None:
            probe.border = border
        if fill is not None:
            probe.fill = fill
        if number_format:
            probe.number_format = number_format
        # The parts are kept alive with the array, so their ids are never reused for others.
        styles: Any = probe
        found = cache[key] = (styles._style, (font, alignment, border, fill))
    return found[0]


def xlsx_row(ws, values) -> None:
    """Append a row; plain values go through :func:`xlsx_cell` too."""
    if "_values_to_row" not in ws.__dict__:
        ws._values_to_row = _cells_to_row
    ws.append([value if isinstance(value, Cell) else xlsx_cell(ws, value) for value in values])


def _cells_to_row(cells: list[Cell], row_idx: int):
    """What openpyxl's write-only ``append`` does to a row, for rows of cells only.

    openpyxl (3.1.5, pinned) first tries every item of a row as a plain value: for a cell that
    raises, and formats, an error message naming the cell, before it takes the cell as it is;
    a workbook of 10,000 tasks pays that 360,000 times. :func:`xlsx_row` only ever appends
    cells made by :func:`xlsx_cell` (no hyperlink, no comment), so they are placed directly."""
    for column, cell in enumerate(cells, 1):
        cell.column = column
        cell.row = row_idx
        yield cell
