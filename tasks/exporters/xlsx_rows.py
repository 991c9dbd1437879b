"""Row heights for every workbook the project writes, from the text and the column widths.

A spreadsheet never grows a row by itself when the file sets none (LibreOffice keeps 15 pt, so
wrapped text runs over the rows below on screen and on paper), and never for a merged cell even
in Excel. Each row's height is therefore written: the tallest of its cells, each cell's text
wrapped into its column's width (or the merged range's) with the advance widths of the shipped
Tinos, metric-compatible with Times New Roman (:mod:`tasks.exporters.fonts`).

Column widths are in Excel's "characters" of the default font; one character is taken as 7 px
(Calibri 11's digit; Times New Roman 12's is wider), so a row is never too short, at most a
little roomy.
"""

from __future__ import annotations

from collections.abc import Sequence

from .fonts import line_height, wrapped_lines

PX_PER_CHAR = 7
PADDING_PX = 5  # Excel adds 5 px to every column
CELL_MARGIN_PT = 4.5  # left and right inner margin of a cell, together
ROW_PADDING_PT = 3.0  # above and below the text
DEFAULT_SIZE = 12.0
MAX_HEIGHT = 409.0  # the tallest row a spreadsheet accepts


def column_points(width_chars: float) -> float:
    """The usable text width of a column ``width_chars`` wide, in points."""
    return max((width_chars * PX_PER_CHAR + PADDING_PX) * 0.75 - CELL_MARGIN_PT, 1.0)


def cell_height(value, width_chars: float, font=None, alignment=None) -> float:
    """Points a cell needs: its text wrapped when the cell wraps, its own lines otherwise."""
    size = float(font.sz) if font is not None and font.sz else DEFAULT_SIZE
    bold = bool(font is not None and font.b)
    italic = bool(font is not None and font.i)
    text = "" if value is None else str(value)
    if alignment is not None and alignment.wrap_text:
        lines = wrapped_lines(text, column_points(width_chars), size, bold=bold, italic=italic)
    else:
        lines = text.count("\n") + 1
    return lines * line_height(size, bold=bold, italic=italic) + ROW_PADDING_PT


def row_height(cells: Sequence, widths: Sequence[float], *, merged: bool = False) -> float:
    """The height (points) of a row of write-only cells under columns ``widths`` wide.

    ``merged``: the first cell spans every column (a title, a section row).
    """
    if merged:
        cells, widths = cells[:1], [sum(widths)]
    lines = _lines_cache(cells)
    tallest = DEFAULT_SIZE * 1.15 + ROW_PADDING_PT
    for cell, width in zip(cells, widths, strict=False):
        value = getattr(cell, "value", cell)
        if value is None or value == "":
            continue
        height = _text_height(lines, str(value), width, _text_style(cell))
        if height > tallest:
            tallest = height
    return round(min(tallest, MAX_HEIGHT), 2)


TextStyle = tuple[float, bool, bool, bool]  # size, bold, italic, wraps


def text_style(font=None, alignment=None) -> TextStyle:
    """What measuring needs of a cell style's font and alignment (built once per style)."""
    return (
        float(font.sz) if font is not None and font.sz else DEFAULT_SIZE,
        bool(font is not None and font.b),
        bool(font is not None and font.i),
        bool(alignment is not None and alignment.wrap_text),
    )


def styled_row_height(
    ws,
    values: Sequence,
    styles: Sequence[TextStyle],
    widths: Sequence[float],
    *,
    merged: bool = False,
) -> float:
    """:func:`row_height` of cells known by value and :func:`text_style`: the same heights,
    without reading anything back from the cells (the plan workbook's tens of thousands of
    rows). ``values`` are the cells' values as written (``cell.value``)."""
    if merged:
        values, styles, widths = values[:1], styles[:1], [sum(widths)]
    lines = _lines_cache_of(ws)
    tallest = DEFAULT_SIZE * 1.15 + ROW_PADDING_PT
    for value, style, width in zip(values, styles, widths, strict=False):
        if value is None or value == "":
            continue
        height = _text_height(lines, value if type(value) is str else str(value), width, style)
        if height > tallest:
            tallest = height
    return round(min(tallest, MAX_HEIGHT), 2)


def _text_height(heights: dict, text: str, width: float, style: TextStyle) -> float:
    """Points a text needs in a column ``width`` wide, measured once per workbook for each
    (text, width, style): a workbook repeats its texts (agency names, "Năm 2025", a task's
    content on the printed sheet, the data sheet and the roles sheet)."""
    key = (text, width, style)
    height = heights.get(key)
    if height is None:
        size, bold, italic, wrap = style
        if wrap:
            lines = wrapped_lines(text, column_points(width), size, bold=bold, italic=italic)
        else:
            lines = text.count("\n") + 1
        height = heights[key] = lines * line_height(size, bold=bold, italic=italic) + ROW_PADDING_PT
    return height


def _lines_cache_of(ws) -> dict:
    return ws.parent.__dict__.setdefault("_coopplan_text_heights", {})


def _lines_cache(cells: Sequence) -> dict:
    """The workbook's cache of measured texts (a fresh one for cells of no sheet)."""
    for cell in cells:
        parent = getattr(cell, "parent", None)
        if parent is not None:
            return _lines_cache_of(parent)
    return {}


def _text_style(cell) -> tuple[float, bool, bool, bool]:
    """(size, bold, italic, wraps) of a cell, looked up once per style of a workbook: reading
    ``cell.font`` builds a proxy object each time."""
    style = getattr(cell, "_style", None)
    parent = getattr(cell, "parent", None)
    if style is None or parent is None:
        return DEFAULT_SIZE, False, False, False
    cache: dict = parent.parent.__dict__.setdefault("_coopplan_text_styles", {})
    key = (style.fontId, style.alignmentId)
    found = cache.get(key)
    if found is None:
        font, alignment = cell.font, cell.alignment
        found = cache[key] = (
            float(font.sz) if font.sz else DEFAULT_SIZE,
            bool(font.b),
            bool(font.i),
            bool(alignment.wrap_text),
        )
    return found


def set_row_height(ws, row: int, cells: Sequence, widths: Sequence[float], **kwargs) -> None:
    """Write the row's height; in write-only mode, before the row is appended."""
    ws.row_dimensions[row].height = row_height(cells, widths, **kwargs)
