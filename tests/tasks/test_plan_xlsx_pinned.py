"""The plan workbook of 165/QĐ-UBND, pinned cell by cell: fonts, borders, alignment, number
formats, merged ranges and row heights as the province's document prints them. Written when
the workbook was made faster (issue 14), so that speed never changes what a reader sees."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tasks.exporters.plan_xlsx import DATA_SHEET, ROLES_SHEET, render_plan_xlsx
from tests.tasks.test_export_xlsx import seed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def workbook(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
        return load_workbook(BytesIO(render_plan_xlsx(plan).content))


def looks(cell) -> tuple:
    font, alignment = cell.font, cell.alignment
    return (
        font.name,
        font.sz,
        bool(font.b),
        bool(font.i),
        alignment.horizontal,
        alignment.vertical,
        bool(alignment.wrap_text),
        cell.border.left.style,
        cell.border.top.style,
        cell.fill.fill_type,
    )


TNR = "Times New Roman"
BOXED = ("thin", "thin", None)  # border left, border top, no fill


def test_headings_header_sections_and_tasks_keep_their_look(workbook):
    ws = workbook["Phụ lục I"]
    assert ws["A1"].value == "PHỤ LỤC I"
    assert looks(ws["A1"]) == (TNR, 13, True, False, "center", "center", True, None, None, None)
    assert looks(ws["A4"]) == (TNR, 13, False, True, "center", "center", True, None, None, None)
    assert ws["A6"].value == "STT"
    assert looks(ws["B6"]) == (TNR, 12, True, False, "center", "center", True, *BOXED)
    # A section row: bold, left, merged across the table, every cell of it boxed.
    assert str(ws["A7"].value).startswith("1 Hợp tác về Chính trị")
    assert looks(ws["A7"]) == (TNR, 13, True, False, "left", "center", True, *BOXED)
    # (openpyxl reads the other cells of a merged range back as their borders only)
    assert [ws[f"{column}7"].border.top.style for column in "BCDEF"] == ["thin"] * 5
    assert ws["F7"].border.right.style == "thin"
    # A task: the number centred, the content justified, the agencies left-aligned.
    assert ws["A8"].value == "1."
    assert looks(ws["A8"]) == (TNR, 13, False, False, "center", "center", True, *BOXED)
    assert looks(ws["B8"])[4] == "justify"
    assert looks(ws["C8"])[4] == "left"
    merged = {str(cell_range) for cell_range in ws.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "A3:F3", "A4:F4", "A7:F7", "A15:F15"} <= merged
    assert [ws.row_dimensions[row].height for row in (1, 4, 6, 7, 8, 11)] == [
        17.95,
        17.95,
        16.8,
        17.95,
        77.74,
        62.79,
    ]


def test_data_and_roles_sheets_keep_their_formats_and_heights(workbook):
    data = workbook[DATA_SHEET]
    assert data["A2"].value == "165/QĐ-UBND"
    assert (data["E2"].value, data["E2"].number_format) == (1, "#,##0")
    assert data["K2"].number_format == data["L2"].number_format == "dd/mm/yyyy"
    assert looks(data["F2"]) == (TNR, 12, False, False, None, "top", True, None, None, None)
    assert looks(data["A1"])[:5] == (TNR, 12, True, False, "center")
    assert [data.row_dimensions[row].height for row in (1, 2, 3)] == [30.6, 44.4, 44.4]
    roles = workbook[ROLES_SHEET]
    # The lead first, then the coordinating agencies in the order the printed text names them.
    assert [(roles[f"E{row}"].value, roles[f"F{row}"].value) for row in (2, 3, 4)] == [
        ("Sở Ngoại vụ", "Chủ trì"),
        ("Văn phòng Tỉnh ủy", "Phối hợp"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "Phối hợp"),
    ]
    assert [roles.row_dimensions[row].height for row in (1, 2, 3)] == [16.8, 44.4, 44.4]
