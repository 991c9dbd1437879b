"""What a reader of the plan documents notices (issue 15), read back from each format: the
number "Số: 05/…", the Word file's properties, its tables, margins, the PDF's "Nơi nhận", one
rule for the columns of the three formats, the workbook's row heights and its data sheets, and
who may use which exporter."""

from __future__ import annotations

import io
import re
from dataclasses import astuple
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from agreements.models import Agency, Plan
from agreements.official import PAGE_MARGINS_MM, date_text, document_number
from tasks.exporters.base import all_exporters, exporter, exporters_for_user
from tasks.exporters.plan_docx import render_plan_docx
from tasks.exporters.plan_pdf import render_plan_html, render_plan_pdf
from tasks.exporters.plan_xlsx import DATA_SHEET, ROLES_SHEET, render_plan_xlsx
from tasks.models import Task
from tasks.selectors import plan_get_by_number, plan_rows
from tasks.services import section_create, task_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def seed_plan(number: str, province: str) -> Plan:
    plan = plan_get_by_number(number=number, province=province)
    assert plan is not None
    return plan


def small_plan(province, number="5/KH-UBND") -> Plan:
    plan = Plan.objects.create(
        province=province, kind="plan", number=number, title="Kế hoạch thử",
        summary="Hợp tác thử", start_year=2024, end_year=2024,
        issuing_body="ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ", recipients="Bộ Ngoại giao;\nLưu: VT.",
        signing_authority="TM. ỦY BAN NHÂN DÂN", signer="Nguyễn Văn A",
    )  # fmt: skip
    appendix = section_create(plan=plan, kind="appendix", number="PHỤ LỤC I", title="Thử")
    for index in range(1, 12):
        task_create(
            plan=plan,
            section=appendix,
            number=f"{index}.",
            content="Nội dung nhiệm vụ " * (index * 3),
            lead_text="Sở Ngoại vụ",
            timeframe_text="Thường xuyên",
            note="Ghi chú",
        )
    return plan


# -- "Số: 05/KH-UBND", dates in running text -------------------------------------------------


def test_numbers_under_ten_take_a_leading_zero_in_every_format(quang_tri):
    assert document_number("5/KH-UBND") == "05/KH-UBND"
    assert document_number("165/QĐ-UBND") == "165/QĐ-UBND"
    assert date_text(timezone.datetime(2022, 9, 15).date()) == "15/9/2022"
    plan = small_plan(quang_tri)
    document = Document(io.BytesIO(render_plan_docx(plan).content))
    header = document.tables[0]
    # Exactly as typed, so that Find matches it (tests/office: also in LibreOffice).
    assert header.rows[1].cells[0].text == "Số: 05/KH-UBND"
    assert any(p.text.startswith("(Kèm theo Kế hoạch số 05/KH-UBND") for p in document.paragraphs)
    html = render_plan_html(plan)
    assert "Số: 05/KH-UBND" in html and "số 5/KH-UBND" not in html


# -- the Word file ---------------------------------------------------------------------------


def test_word_properties_name_the_document_and_its_issuer(quang_tri):
    before = timezone.now() - timedelta(minutes=1)
    document = Document(io.BytesIO(render_plan_docx(seed_plan("165/QĐ-UBND", "Quảng Trị")).content))
    props = document.core_properties
    assert props.title == "Quyết định số 165/QĐ-UBND"
    assert props.subject  # the plan's summary
    assert props.author == props.last_modified_by == "UBND tỉnh Quảng Trị"
    assert props.created >= before and props.modified >= before
    assert props.last_printed is None
    values = [
        props.title, props.subject, props.author, props.comments, props.keywords,
        props.category, props.last_modified_by,
    ]  # fmt: skip
    assert not any("python-docx" in (value or "") for value in values)


def test_word_tables_fit_the_page_keep_rows_whole_and_align_short_texts_left(quang_tri):
    plan = small_plan(quang_tri)
    document = Document(io.BytesIO(render_plan_docx(plan).content))
    table = document.tables[-1]
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [column.width for column in table.columns]
    assert sum(widths) <= text_width
    headers = [cell.text for cell in table.rows[0].cells]
    assert widths[headers.index("STT")] >= Cm(1.4)  # "STT" and "10." on one line
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    row = next(r for r in table.rows if r.cells[0].text == "10.")
    align = {h: row.cells[i].paragraphs[0].alignment for i, h in enumerate(headers)}
    assert align["STT"] == WD_ALIGN_PARAGRAPH.CENTER
    assert align["Nội dung công việc"] == WD_ALIGN_PARAGRAPH.JUSTIFY
    for header in headers:
        if header not in ("STT", "Nội dung công việc"):
            assert align[header] == WD_ALIGN_PARAGRAPH.LEFT, header


def test_the_official_margins_are_those_of_nghị_định_30():
    # Phụ lục I: top and bottom 20–25 mm, binding side (left) 30–35 mm, other side 15–20 mm.
    margins = PAGE_MARGINS_MM
    assert 20 <= margins.top <= 25 and 20 <= margins.bottom <= 25
    assert 30 <= margins.left <= 35 and 15 <= margins.right <= 20


def _word_margins_mm(content: bytes) -> list[tuple[bool, tuple[float, ...]]]:
    """(landscape, (top, right, bottom, left) in mm) per section; Word stores twips."""
    document = Document(io.BytesIO(content))
    return [
        (
            s.page_width > s.page_height,
            tuple(
                round(length.mm, 1)
                for length in (s.top_margin, s.right_margin, s.bottom_margin, s.left_margin)
            ),
        )
        for s in document.sections
    ]


def test_every_word_file_portrait_and_landscape_takes_the_official_margins(quang_tri):
    from reports.models import ReportingRound
    from tasks.exporters.base import exporter_for

    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    files = {
        "plan 165": render_plan_docx(seed_plan("165/QĐ-UBND", "Quảng Trị")).content,
        "plan 110": render_plan_docx(seed_plan("110/KH-UBND", "Tuyên Quang")).content,
        "round": exporter_for("round", "docx")(reporting_round).content,
        "reminder": exporter_for("reminder", "docx")(reporting_round).content,
    }
    official = astuple(PAGE_MARGINS_MM)
    for name, content in files.items():
        sections = _word_margins_mm(content)
        assert all(margins == official for _, margins in sections), (name, sections)
    assert any(landscape for landscape, _ in _word_margins_mm(files["plan 165"]))
    assert any(landscape for landscape, _ in _word_margins_mm(files["round"]))


_CSS_MARGIN = re.compile(r"@page[^{]*\{[^}]*?margin:\s*([^;]+);", re.S)


def test_every_pdf_takes_its_margins_from_pdf_css_which_says_the_official_ones():
    """One "@page { margin }" for every PDF (static/css/pdf.css), the same as the Word and Excel
    files; a template that sets its own (the dashboard's 15/15/15/20 mm) fails here."""
    root = Path(settings.BASE_DIR)
    official = "{:g}mm {:g}mm {:g}mm {:g}mm".format(*astuple(PAGE_MARGINS_MM))
    assert _CSS_MARGIN.findall((root / "static/css/pdf.css").read_text()) == [official]
    for path in [*root.glob("templates/**/*.html"), *root.glob("static/css/*.css")]:
        for margin in _CSS_MARGIN.findall(path.read_text()):
            if path.name != "pdf.css":  # app.css: the browser's print of the timeline
                assert margin.strip() == official, path


def _left_edges_mm(content: bytes) -> list[float]:
    return [left / (72 / 25.4) for _, _, left in _sizes_and_left_edges(content) if left]


def test_dashboard_pdf_with_the_official_margins(quang_tri):
    from reports.dashboard import dashboard_data
    from reports.exporters.dashboard import dashboard_pdf

    leader = make_user("leader_margins", Role.LEADER, quang_tri, None)
    edges = _left_edges_mm(dashboard_pdf(dashboard_data(leader, details=True)).content)
    assert edges and min(edges) >= PAGE_MARGINS_MM.left - 0.5  # it was 20 mm


def test_workbooks_print_with_the_official_margins(quang_tri):
    from reports.dashboard import dashboard_data
    from reports.exporters.dashboard import dashboard_xlsx
    from reports.models import ReportingRound
    from tasks.exporters.base import exporter_for

    leader = make_user("leader_margins_x", Role.LEADER, quang_tri, None)
    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    books = {
        "plan": render_plan_xlsx(seed_plan("165/QĐ-UBND", "Quảng Trị")).content,
        "round": exporter_for("round", "xlsx")(reporting_round).content,
        "dashboard": dashboard_xlsx(dashboard_data(leader, details=True)).content,
    }
    inch = 25.4
    for name, content in books.items():
        for ws in load_workbook(io.BytesIO(content)).worksheets:
            m = ws.page_margins
            found = tuple(round(v * inch, 1) for v in (m.top, m.right, m.bottom, m.left))
            assert found == astuple(PAGE_MARGINS_MM), (name, ws.title, found)


def test_no_template_comment_is_printed_in_a_pdf(quang_tri):
    """A multi-line "{# … #}" is not a Django comment: the shared header and signature printed
    their own notes above "ỦY BAN NHÂN DÂN" on page 1 of every PDF."""
    from reports.exporters.reminder import reminder_html
    from reports.exporters.round_pdf import round_summary_html
    from reports.models import ReportingRound
    from reports.summary import round_summary

    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    pages = {
        "plan": render_plan_html(small_plan(quang_tri)),
        "round": round_summary_html(round_summary(reporting_round)),
        "reminder": reminder_html(reporting_round),
    }
    for name, html in pages.items():
        for mark in ("{#", "#}", "{%", "%}", "{{", "}}"):
            assert mark not in html, (name, mark)


# -- the PDF ---------------------------------------------------------------------------------


def _sizes_and_left_edges(content: bytes):
    """(font size of each text piece, leftmost x of the text) per page."""
    out = []
    for page in PdfReader(io.BytesIO(content)).pages:
        pieces: list[tuple[str, float]] = []
        xs: list[float] = []

        def visit(text, cm, tm, font, size, pieces=pieces, xs=xs):
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                pieces.append((text.strip(), round(size * scale, 1)))
                xs.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        landscape = page.mediabox.width > page.mediabox.height
        out.append((landscape, pieces, min(xs) if xs else None))
    return out


def test_pdf_nơi_nhận_in_12_pt_and_landscape_pages_with_the_official_margins(quang_tri):
    from reports.models import ReportingRound
    from tasks.exporters.base import exporter_for

    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    for kind in ("round", "reminder"):  # the same signature partial as the plans'
        pages = _sizes_and_left_edges(exporter_for(kind, "pdf")(reporting_round).content)
        sizes = [s for _, pieces, _ in pages for text, s in pieces if text.startswith("Nơi nhận")]
        assert sizes == [12.0], kind
    pages = _sizes_and_left_edges(render_plan_pdf(small_plan(quang_tri)).content)
    sizes = [size for _, pieces, _ in pages for text, size in pieces if text.startswith("Nơi nhận")]
    assert sizes == [12.0]
    landscape = [left for is_landscape, _, left in pages if is_landscape]
    assert landscape
    mm = 72 / 25.4
    for left in landscape:  # the binding side: 30 mm (it was 20)
        assert left >= 30 * mm - 1


# -- one rule for the columns ----------------------------------------------------------------


def test_coordinating_agencies_without_printed_text_show_in_pdf_and_word_alike():
    plan = seed_plan("592/KH-UBND", "Khánh Hòa")
    task = Task.objects.filter(plan=plan).order_by("position").first()
    agency = Agency.objects.filter(province=plan.province).exclude(name="").first()
    task.coordinating_text = ""
    task.save(update_fields=["coordinating_text"])
    task.coordinating_agencies.set([agency])
    html = render_plan_html(plan)
    assert agency.name in html
    document = Document(io.BytesIO(render_plan_docx(plan).content))
    cells = [cell.text for t in document.tables for r in t.rows for cell in r.cells]
    assert agency.name in cells


# -- the workbook ----------------------------------------------------------------------------


def test_every_table_row_has_a_height_taller_rows_for_longer_text(quang_tri):
    plan = small_plan(quang_tri)
    book = load_workbook(io.BytesIO(render_plan_xlsx(plan).content))
    ws = book["Phụ lục I"]
    heights = {}
    for row in ws.iter_rows():
        if row[0].value in ("1.", "11."):
            heights[row[0].value] = ws.row_dimensions[row[0].row].height
    # "1." holds 3 × 3 words, "11." 33 × 3: a few lines against one.
    assert heights["1."] and heights["11."] > 2 * heights["1."]
    title = ws.row_dimensions[1]
    assert title.height and ws["A1"].alignment.wrap_text
    for name in (DATA_SHEET, ROLES_SHEET):
        sheet = book[name]
        for row in sheet.iter_rows(min_row=1):
            assert sheet.row_dimensions[row[0].row].height, (name, row[0].row)


def test_data_sheets_for_filters_and_pivot_tables():
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
    book = load_workbook(io.BytesIO(render_plan_xlsx(plan).content))
    rows = list(book[DATA_SHEET].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    col = {name: index for index, name in enumerate(header)}
    # Lĩnh vực: the heading 165 groups its tasks under, when the task names none.
    assert all(row[col["Lĩnh vực"]] for row in data)
    assert data[0][col["Lĩnh vực"]].startswith("Hợp tác về Chính trị")
    # "Thứ tự" sorts as printed: "10." after "2." (text would put it after "1.").
    by_order = sorted(data, key=lambda row: row[col["Thứ tự"]])
    first_appendix = [r[col["STT"]] for r in by_order if r[col["Phụ lục"]] == "Phụ lục I"]
    assert first_appendix.index("10.") > first_appendix.index("2.")
    assert [r[col["Thứ tự"]] for r in data] == list(range(1, len(data) + 1))
    # Joint leads: the first one alone, and one row per agency and role in the long sheet.
    joint = next(r for r in data if "; " in (r[col["Đơn vị chủ trì"]] or ""))
    assert joint[col["Chủ trì thứ nhất"]] == joint[col["Đơn vị chủ trì"]].split("; ")[0]
    roles = list(book[ROLES_SHEET].iter_rows(values_only=True))
    assert roles[0] == ("Kế hoạch", "Thứ tự", "STT", "Nội dung", "Cơ quan, đơn vị", "Vai trò")
    leads_of_joint = [r[4] for r in roles[1:] if r[1] == joint[col["Thứ tự"]] and r[5] == "Chủ trì"]
    assert leads_of_joint == joint[col["Đơn vị chủ trì"]].split("; ")
    tasks = [row.task for row in plan_rows(plan) if row.kind == "task"]
    assert {r[1] for r in roles[1:]} <= set(range(1, len(tasks) + 1))


# -- who may use an exporter -----------------------------------------------------------------


def test_each_exporter_states_who_may_use_it(quang_tri, khanh_hoa, coordinator):
    assert {(e.kind, e.fmt) for e in all_exporters()} >= {
        ("plan", "pdf"), ("plan", "docx"), ("plan", "xlsx"),
        ("round", "pdf"), ("round", "docx"), ("round", "xlsx"),
        ("reminder", "pdf"), ("reminder", "docx"),
    }  # fmt: skip
    for item in all_exporters():
        assert item.audience and callable(item.may_use)
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
    stranger = make_user("other_province", Role.COORDINATOR, khanh_hoa, None)
    assert {e.fmt for e in exporters_for_user(coordinator, "plan", plan)} == {"pdf", "docx", "xlsx"}
    assert exporters_for_user(stranger, "plan", plan) == []
    from reports.models import ReportingRound

    reporting_round = ReportingRound.objects.get(request_number="6452/UBND-ĐN")
    reporter = make_user(
        "reporter_x",
        Role.REPORTER,
        quang_tri,
        Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    assert exporter("round", "pdf").may_use(coordinator, reporting_round)
    assert not exporter("round", "pdf").may_use(reporter, reporting_round)
    assert not exporter("reminder", "docx").may_use(stranger, reporting_round)
