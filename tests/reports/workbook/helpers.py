"""Filling a downloaded report workbook as a person would: open it, type into cells, save."""

from __future__ import annotations

import io
import json
import warnings

from openpyxl import load_workbook

from reports.workbook import layout


def input_cells(data: bytes) -> dict[str, tuple[str, str]]:
    """{key: (sheet, cell)} of every input cell, from the file's identity sheet."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book[layout.IDENTITY].iter_rows(values_only=True))
    book.close()
    items = [json.loads(row[0]) for row in rows[layout.MAP_ROW :] if row and row[0]]
    return {key: (sheet, cell) for sheet, cell, key, _base, kind in items if kind == layout.INPUT}


def fill(data: bytes, values: dict) -> bytes:
    """Type ``values`` ({key or (sheet, cell): value}) into the workbook and save it."""
    cells = input_cells(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(data))
    for where, value in values.items():
        sheet, cell = cells[where] if isinstance(where, str) else where
        book[sheet][cell].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_cell(data: bytes, sheet: str, cell: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(data))
    return book[sheet][cell]
