"""The plan workbook, read back: text that looks like a formula arrives as text on every sheet."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from agreements.models import Plan
from tasks.exporters.base import exporter_for
from tasks.services import section_create, task_create

pytestmark = pytest.mark.django_db

HOSTILE = {
    '=HYPERLINK("http://evil.example/","Bấm")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
}


def test_plan_xlsx_keeps_hostile_text_as_text(quang_tri):
    plan = Plan.objects.create(
        province=quang_tri, kind="plan", number="9/KH-UBND", title="Thử", start_year=2024,
        end_year=2024,
    )  # fmt: skip
    appendix = section_create(plan=plan, kind="appendix", number="PHỤ LỤC I", title="Thử")
    link, plus, minus, at = sorted(HOSTILE)
    task_create(plan=plan, section=appendix, number="1.", content=link, lead_text=plus, note=minus)
    task_create(plan=plan, section=appendix, number="2.", content=at)

    book = load_workbook(BytesIO(exporter_for("plan", "xlsx")(plan).content))
    seen = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in HOSTILE:
                    seen.setdefault(ws.title, set()).add(cell.value)
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.value)
    # The task × agency sheet repeats the first task's content and its printed lead.
    assert seen == {"Phụ lục I": HOSTILE, "Dữ liệu": HOSTILE, "Chủ trì - phối hợp": {link, plus}}
