"""Agency names typed without accents are stored and printed as the agency is written."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader

from agreements.models import Agency, Plan
from agreements.services import AgencyIndex
from tasks.exporters.base import exporter_for
from tasks.models import Task
from tasks.services import section_create, task_create, task_update
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def agencies(quang_tri) -> dict[str, Agency]:
    return {
        name: Agency.objects.get(province=quang_tri, name=name)
        for name in ("Sở Công thương", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Sở Ngoại vụ")
    }


@pytest.fixture
def plan(quang_tri) -> Plan:
    return PlanFactory(province=quang_tri, number="88/KH-UBND")


def test_a_name_typed_without_accents_is_stored_as_the_agency_writes_it(plan, agencies):
    trade, border, foreign = agencies.values()
    task = task_create(
        plan=plan,
        content="Xúc tiến thương mại",
        lead_agencies=[trade, border],
        lead_text="so cong thuong; bch bdbp tinh",
        coordinating_agencies=[foreign],
        coordinating_text="so ngoai vu va cac don vi lien quan",
    )
    task.refresh_from_db()
    assert task.lead_text == "Sở Công thương; BCH BĐBP tỉnh"
    # Only the agency's name is rewritten; the words around it stay as typed.
    assert task.coordinating_text == "Sở Ngoại vụ va cac don vi lien quan"


def test_a_name_written_as_printed_is_kept_as_the_document_has_it(plan, agencies):
    trade = agencies["Sở Công thương"]
    task = task_create(
        plan=plan, content="Hội chợ", lead_agencies=[trade], lead_text="Sở Công Thương"
    )
    assert task.lead_text == "Sở Công Thương"
    # A name that is no agency's stays as typed: it is printed text, not a link.
    task = task_create(
        plan=plan,
        content="Hội chợ 2",
        lead_agencies=[trade],
        lead_text="so cong thuong",
        coordinating_text="cac so nganh lien quan",
    )
    assert (task.lead_text, task.coordinating_text) == ("Sở Công thương", "cac so nganh lien quan")


def test_an_edit_stores_the_printed_name_too(plan, agencies, coordinator):
    trade, border, _foreign = agencies.values()
    task = task_create(plan=plan, content="Hội chợ", lead_agencies=[border])
    task_update(
        task=task,
        user=coordinator,
        fields={"lead_text": "SO CONG THUONG", "coordinating_text": "bch bo doi bien phong"},
        lead_agencies=[trade],
        coordinating=[border],
    )
    task.refresh_from_db()
    assert task.lead_text == "Sở Công thương"
    assert task.coordinating_text == "BCH Bộ đội Biên phòng"


def test_a_name_with_commas_and_va_inside_is_one_agency(quang_tri):
    culture = Agency.objects.get(province=quang_tri, name="Sở Văn hóa, Thể thao và Du lịch")
    foreign = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    index = AgencyIndex([culture, foreign])
    text = "so van hoa, the thao va du lich, so ngoai vu va cac don vi"
    assert [agency for _s, _e, agency in index.find(text)] == [culture, foreign]
    assert index.respell(text) == "Sở Văn hóa, Thể thao và Du lịch, Sở Ngoại vụ va cac don vi"


def test_the_inline_form_saves_the_printed_name_and_the_pdf_and_docx_print_it(
    coordinator_client, quang_tri
):
    plan = PlanFactory(province=quang_tri, number="89/KH-UBND")
    section = section_create(plan=plan, kind="appendix", number="Phụ lục I")
    data = {
        "section": section.pk,
        "number": "1.",
        "content": "Trao đổi đoàn doanh nghiệp",
        "leads": "so cong thuong",
        "coordinating_text": "so ngoai vu va cac don vi lien quan",
        "timeframe_text": "2025",
        "note": "",
        "field": "",
        "status": "not_started",
    }
    response = coordinator_client.post(f"/plans/{plan.pk}/tasks/new/", data, **HX)
    assert response.status_code == 200
    task = Task.objects.get(plan=plan)
    assert task.lead_text == "Sở Công thương"
    assert task.coordinating_text == "Sở Ngoại vụ va cac don vi lien quan"

    pdf = exporter_for("plan", "pdf")(plan).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Sở Công thương" in " ".join(text.split())
    assert "so cong thuong" not in text

    docx = exporter_for("plan", "docx")(plan).content
    cells = [
        cell.text for table in Document(io.BytesIO(docx)).tables for row in table.rows
        for cell in row.cells
    ]  # fmt: skip
    assert "Sở Công thương" in cells and "so cong thuong" not in cells
    assert "Sở Ngoại vụ va cac don vi lien quan" in cells
