"""The plan as Word, reopened with python-docx: official header, body, landscape tables."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm

from agreements.models import Plan
from tasks.exporters.base import CONTENT_TYPES
from tasks.exporters.plan_docx import render_plan_docx
from tasks.selectors import plan_get_by_number, plan_rows
from tasks.services import plan_blocks_replace, section_create, task_create

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    ("165/QĐ-UBND", "Quảng Trị"),
    ("3289/QĐ-UBND", "Quảng Trị"),
    ("6452/UBND-ĐN", "Quảng Trị"),
    ("110/KH-UBND", "Tuyên Quang"),
    ("592/KH-UBND", "Khánh Hòa"),
]


def seed_plan(number: str, province: str) -> Plan:
    plan = plan_get_by_number(number=number, province=province)
    assert plan is not None, number
    return plan


def document_of(plan: Plan):
    return Document(BytesIO(render_plan_docx(plan).content))


def printed_tasks(plan: Plan):
    return [row.task for row in plan_rows(plan) if row.kind == "task"]


def expected_lead(task) -> str:
    return task.lead_text or "; ".join(lead.agency.name for lead in task.leads.all())


def task_tables(document):
    return [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]


def seen(text: str) -> str:
    """The text as a reader sees it: the word joiner that keeps a document number whole is
    invisible."""
    return text.replace("\u2060", "")


def all_text(document) -> list[str]:
    """Every paragraph's text: body, tables, in document order."""
    texts = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    texts.extend(seen(p.text) for p in cell.paragraphs)
        else:
            texts.append(seen(block.text))
    return texts


def has_tbl_header(row) -> bool:
    tr_pr = row._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def grid_spans(row) -> list[int]:
    return [tc.grid_span for tc in row._tr.tc_lst]


@pytest.mark.parametrize(("number", "province"), SEED_PLANS)
def test_every_task_is_in_a_table_in_order_with_its_lead(number, province):
    plan = seed_plan(number, province)
    document = document_of(plan)
    printed = []
    for table in task_tables(document):
        rows = list(table.rows)
        assert has_tbl_header(rows[0])
        headers = [c.text for c in rows[0].cells]
        content_col = next(i for i, h in enumerate(headers) if "ội dung" in h.lower())
        lead_col = next(i for i, h in enumerate(headers) if "chủ trì" in h.lower())
        for row in rows[1:]:
            if len(row._tr.tc_lst) == 1:  # a section row
                continue
            printed.append((row.cells[content_col].text, row.cells[lead_col].text))
    expected = [(task.content, expected_lead(task)) for task in printed_tasks(plan)]
    assert printed == expected


@pytest.mark.parametrize(("number", "province"), SEED_PLANS)
def test_tables_are_landscape_sections_after_a_portrait_document(number, province):
    plan = seed_plan(number, province)
    document = document_of(plan)
    first, *tables = document.sections
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert round(first.page_width.cm, 1) == 21.0 and round(first.page_height.cm, 1) == 29.7
    assert round(first.left_margin.cm, 1) == 3.0 and round(first.right_margin.cm, 1) == 1.5
    assert round(first.top_margin.cm, 1) == round(first.bottom_margin.cm, 1) == 2.0
    # 592 keeps its table inside "III. NHIỆM VỤ CỤ THỂ", on the portrait pages.
    inline = 1 if number == "592/KH-UBND" else 0
    landscape = (1 if printed_tasks(plan) else 0) + (1 if number == "165/QĐ-UBND" else 0)
    assert len(tables) == landscape - inline
    assert len(task_tables(document)) == landscape
    for section in tables:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.page_width > section.page_height
        assert round(section.page_width.cm, 1) == 29.7


def test_165_official_header_and_appendices():
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
    document = document_of(plan)
    texts = all_text(document)
    for line in (
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG TRỊ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 165/QĐ-UBND",
        "Quảng Trị, ngày 15 tháng 01 năm 2020",
        "QUYẾT ĐỊNH",
        "KẾ HOẠCH",
        "(Ban hành kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 "
        "của UBND tỉnh Quảng Trị)",
        "Nơi nhận:",
        "- Như điều 3;",
        "TM. ỦY BAN NHÂN DÂN",
        "Nguyễn Đức Chính",
        "PHỤ LỤC I",
        "KẾ HOẠCH HỢP TÁC GIỮA TỈNH QUẢNG TRỊ VÀ TỈNH SAVANNAKHET",
        "(Giai đoạn 2020 - 2022)",
        "(Kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 của UBND tỉnh Quảng Trị)",
        "PHỤ LỤC II",
    ):
        assert line in texts, line
    # The header is a borderless table: body and number left, nation, motto and date right.
    header = document.tables[0]
    assert header.style.name != "Table Grid"
    assert [seen(c.text) for c in header.rows[1].cells] == [
        "Số: 165/QĐ-UBND",
        "Quảng Trị, ngày 15 tháng 01 năm 2020",
    ]
    date_run = header.rows[1].cells[1].paragraphs[0].runs[0]
    assert date_run.italic
    nation = header.rows[0].cells[1].paragraphs[0].runs[0]
    assert nation.bold and nation.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    # "Nơi nhận:" bold italic 12, recipients 11.
    paragraphs = [p for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    where = next(p for p in paragraphs if p.text == "Nơi nhận:")
    assert where.runs[0].bold and where.runs[0].italic and where.runs[0].font.size.pt == 12
    recipient = next(p for p in paragraphs if p.text == "- Bộ Ngoại giao;")
    assert recipient.runs[0].font.size.pt == 11
    # Body paragraphs: justified, first line indented 1.27 cm, 6 pt after.
    body = next(p for p in document.paragraphs if p.text.startswith("- Cụ thể hóa quan điểm"))
    assert body.style.paragraph_format.first_line_indent == Cm(1.27)
    assert body.style.paragraph_format.space_after.pt == 6
    assert body.style.paragraph_format.alignment == 3  # justify


def test_165_table_header_repeats_and_sections_are_merged():
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
    first, second = task_tables(document_of(plan))
    rows = list(first.rows)
    assert [c.text for c in rows[0].cells] == [
        "STT",
        "NỘI DUNG CÔNG VIỆC",
        "ĐƠN VỊ CHỦ TRÌ",
        "ĐƠN VỊ PHỐI HỢP",
        "THỜI GIAN",
        "GHI CHÚ",
    ]
    assert has_tbl_header(rows[0]) and not any(has_tbl_header(r) for r in rows[1:])
    assert all(run.bold for cell in rows[0].cells for run in cell.paragraphs[0].runs)
    sections = [r for r in rows if grid_spans(r) == [6]]
    assert [r.cells[0].text for r in sections] == [
        "1 Hợp tác về Chính trị, Đối ngoại, Quân sự, An ninh và biên giới",
        "II. Hợp tác về Kinh tế, Thương mại - Đầu tư, Du lịch, Khoa học và Công nghệ, "
        "Giáo dục và Đào tạo",
    ]
    assert sections[0].cells[0].paragraphs[0].runs[0].bold
    assert [c.text for c in rows[2].cells][:1] == ["1."]
    assert len(rows) == 1 + 2 + 26
    # Task 26's two printed leads stay on two lines of one cell.
    leads = [r.cells[2] for r in rows[1:] if grid_spans(r) == [1] * 6]
    assert [p.text for p in leads[-1].paragraphs] == ["Sở Ngoại vụ", "Sở Nội vụ"]
    assert len(list(second.rows)) == 1 + 2 + 23


def test_fonts_are_times_new_roman_for_every_script():
    document = document_of(seed_plan("165/QĐ-UBND", "Quảng Trị"))
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        assert fonts.get(qn(f"w:{script}")) == "Times New Roman"
    assert normal.font.size.pt == 13
    defaults = document.styles.element.find(qn("w:docDefaults")).find(
        f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert defaults.get(qn("w:eastAsia")) == "Times New Roman"
    assert defaults.get(qn("w:asciiTheme")) is None
    table = task_tables(document)[0]
    assert table.rows[1].cells[0].paragraphs[0].style.font.size.pt == 12


def test_page_numbers_as_in_the_pdf_top_centre_appendices_from_1_again():
    document = document_of(seed_plan("165/QĐ-UBND", "Quảng Trị"))
    first = document.sections[0]
    assert first.different_first_page_header_footer
    header_xml = first.header._element.xml
    assert 'w:instr=" PAGE "' in header_xml
    assert first.header.paragraphs[0].alignment == 1  # centre
    assert first.first_page_header.paragraphs[0].text == ""
    # 165's appendices (PHỤ LỤC I, II): numbered from 1 again, no number on their first page,
    # the rule of the PDF's "@page appendix".
    for section in document.sections[1:]:
        assert section.different_first_page_header_footer
        assert 'w:instr=" PAGE "' in section.header._element.xml
        number_type = section._sectPr.find(qn("w:pgNumType"))
        assert number_type is not None and number_type.get(qn("w:start")) == "1"


def test_592_plan_prints_its_columns_and_multiple_leads():
    document = document_of(seed_plan("592/KH-UBND", "Khánh Hòa"))
    texts = all_text(document)
    for line in (
        "KẾ HOẠCH",
        "Số: 592/KH-UBND",
        "Khánh Hòa, ngày 30 tháng 6 năm 2022",
        "III. NHIỆM VỤ CỤ THỂ",
        "KT.CHỦ TỊCH",
        "Lê Hữu Hoàng",
    ):
        assert line in texts, line
    # The table sits inside III, with no attachment line the province never wrote.
    assert not any(text.startswith("(Kèm theo") for text in texts)
    (table,) = task_tables(document)
    assert [c.text for c in table.rows[0].cells][-1] == "Lĩnh vực"
    row = next(r for r in table.rows if r.cells[0].text == "19.")
    assert [c.text for c in row.cells][2:] == [
        "Sở Nội vụ; Sở Ngoại vụ",
        "Các sở, ban, ngành, đơn vị, địa phương liên quan",
        "Thường xuyên",
        "Giáo dục và Đào tạo",
    ]


def test_directive_puts_its_subject_under_the_number():
    texts = all_text(document_of(seed_plan("6452/UBND-ĐN", "Quảng Trị")))
    assert "Số: 6452/UBND-ĐN" in texts
    assert any(t.startswith("V/v triển khai kết quả hội đàm cấp cao") for t in texts)
    assert "CÔNG VĂN" not in texts


def test_plan_without_tasks_is_a_portrait_document_only():
    document = document_of(seed_plan("3289/QĐ-UBND", "Quảng Trị"))
    assert len(document.sections) == 1 and not task_tables(document)
    assert "Số: 3289/QĐ-UBND" in all_text(document)


def test_text_comes_out_literally(quang_tri):
    plan = Plan.objects.create(
        province=quang_tri, kind="plan", number="9/KH-UBND", title="<i>Thử</i> & 'x'",
        summary="<i>Thử</i> & 'x'", start_year=2024, end_year=2024,
    )  # fmt: skip
    plan_blocks_replace(
        plan=plan, blocks=[{"kind": "heading", "number": "I.", "text": '<MỤC TIÊU> & "yêu cầu"'}]
    )
    appendix = section_create(plan=plan, kind="appendix", number="PHỤ LỤC I", title="A & <B>")
    task_create(
        plan=plan,
        section=appendix,
        number="1.",
        content="<b>x</b> & 'y'",
        lead_text='Sở "A" & B',
        coordinating_text="dòng 1\x0bdòng 2",
    )
    document = document_of(plan)
    texts = all_text(document)
    assert "<i>Thử</i> & 'x'" in texts
    assert 'I. <MỤC TIÊU> & "yêu cầu"' in texts
    assert "A & <B>" in texts
    (table,) = task_tables(document)
    assert [c.text for c in table.rows[1].cells][:4] == [
        "1.",
        "<b>x</b> & 'y'",
        'Sở "A" & B',
        "dòng 1dòng 2",
    ]


def test_filename_and_content_type():
    export = render_plan_docx(seed_plan("165/QĐ-UBND", "Quảng Trị"))
    assert export.filename == "ke-hoach-165-QD-UBND-2020.docx"
    assert export.content_type == CONTENT_TYPES["docx"]
    assert export.content[:2] == b"PK"


def test_queries_do_not_grow_with_the_tasks(django_assert_num_queries):
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")  # province fetched with the plan
    # the text blocks with their sections; sections; tasks with plan and section; their leads
    # with agencies; coordinating agencies; partners.
    with django_assert_num_queries(6):
        render_plan_docx(plan)
