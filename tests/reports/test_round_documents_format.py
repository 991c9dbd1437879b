"""The round documents as a reader notices them (issue 15): the Word file's properties and
margins, the workbook's merged title rows, and no reminder letter when nobody owes a report."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from agreements.models import Plan
from reports.models import ReportingRound
from reports.services import round_open
from tasks.exporters.base import exporter_for

pytestmark = pytest.mark.django_db

ROUND = "6452/UBND-ĐN"


@pytest.fixture
def seed_round(db) -> ReportingRound:
    return ReportingRound.objects.select_related("province").get(request_number=ROUND)


def test_round_word_file_properties_and_landscape_margins(seed_round):
    document = Document(io.BytesIO(exporter_for("round", "docx")(seed_round).content))
    props = document.core_properties
    assert props.title == f"Báo cáo tổng hợp {ROUND}"
    assert props.author == "UBND tỉnh Quảng Trị"
    assert "python-docx" not in (props.comments or "")
    assert props.created.year == timezone.now().year
    appendix = document.sections[-1]
    assert appendix.page_width > appendix.page_height
    assert round(appendix.top_margin.cm, 2) == round(appendix.bottom_margin.cm, 2) == 2.0
    assert round(appendix.left_margin.cm, 2) == 3.0 and round(appendix.right_margin.cm, 2) == 1.5


def test_reminder_word_file_names_the_letter(seed_round):
    document = Document(io.BytesIO(exporter_for("reminder", "docx")(seed_round).content))
    props = document.core_properties
    assert props.title == f"Công văn đôn đốc {ROUND}"
    assert props.subject.startswith("V/v đôn đốc báo cáo")
    assert props.author == "UBND tỉnh Quảng Trị"


def test_merged_title_rows_wrap_and_are_as_tall_as_their_text(seed_round):
    book = load_workbook(io.BytesIO(exporter_for("round", "xlsx")(seed_round).content))
    ws = book["Tổng hợp"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A3:C3" in merged  # "Theo Công văn số … ; kỳ báo cáo …; hạn gửi báo cáo …"
    reference = ws["A3"]
    assert "hạn gửi báo cáo 15/9/2022" in reference.value  # the whole line, to its end
    assert reference.alignment.wrap_text
    # 78 characters of columns, a line of about 110: two lines at least (15 pt was one).
    assert ws.row_dimensions[3].height >= 2 * 13.8
    assert ws.row_dimensions[1].height and ws.row_dimensions[2].height


def test_no_reminder_when_nobody_owes_a_report_the_page_says_why(
    quang_tri, coordinator, coordinator_client
):
    plan = Plan.objects.create(
        province=quang_tri, kind="plan", number="997/KH-UBND", title="Trống",
        start_year=2025, end_year=2026,
    )  # fmt: skip
    today = timezone.localdate()
    empty = round_open(
        user=coordinator,
        request_number="997/UBND-ĐN",
        request_date=today,
        plans=[plan],
        period_start=date(2025, 1, 1),
        period_end=today,
        deadline=today + timedelta(days=10),
    )
    response = coordinator_client.get(f"/rounds/{empty.pk}/reminder/docx/", follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/rounds/{empty.pk}/")
    assert "không còn cơ quan, đơn vị nào phải báo cáo mà chưa gửi" in response.content.decode()
    assert "Content-Disposition" not in response
