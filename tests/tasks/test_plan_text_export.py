"""The PDF and DOCX of 165, 592 and 110 read as the seed document, first line to last, in order.

The expected lines come from the seed .txt itself (../shared/seeds), not from the fixtures: only
the web page's chrome before the document and after it is skipped, and the web copy's own markup
(Markdown marks, the "-------" rules under the header, a table row cut by a page break) is
undone. Each line must appear, whitespace normalised, after the previous one.
"""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from docx import Document
from docx.table import Table
from pypdf import PdfReader

from agreements.models import Plan
from tasks.exporters.plan_docx import render_plan_docx
from tasks.exporters.plan_pdf import render_plan_pdf
from tests.seed_text import PAGE_NUMBER, assert_in_order, seed_lines, squash

# (plan, seed file, first line of the document, last line of the document)
DOCUMENTS = {
    "165/QĐ-UBND": ("000_cc27c8cb0758a901.txt", "ỦY BAN NHÂN DÂN", "Tỉnh Salavan hỗ trợ chi trả"),
    "592/KH-UBND": ("004_cb73423e2c14c5c1.txt", "Số: 592/KH-UBND", "**Lê Hữu Hoàng**"),
    "110/KH-UBND": ("003_6381fd8a986d49ee.txt", "Số: 110/KH-UBND", "Hoàng Việt Phương"),
}
PROVINCE = {"165/QĐ-UBND": "Quảng Trị", "592/KH-UBND": "Khánh Hòa", "110/KH-UBND": "Tuyên Quang"}


def pdf_text(content: bytes) -> str:
    pages = []
    for page in PdfReader(BytesIO(content)).pages:
        # a line broken after a word's own hyphen ("Chăm-pa-" / "sắc") is one word again
        page_lines = re.sub(r"(?<=\w-)\n", "", page.extract_text()).splitlines()
        # the page number printed at the top of every page but the first
        page_lines = [line for line in page_lines if not PAGE_NUMBER.match(line.strip())]
        pages.append(" ".join(page_lines))
    return squash(" ".join(pages))


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts: list[str] = []

    def walk(container) -> None:
        for item in container.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    seen = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell repeats at every grid position
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
            else:
                parts.append(item.text)

    walk(document)
    # The word joiner that keeps "165/QĐ-UBND" on one line is invisible to a reader.
    return squash(" ".join(parts).replace("\u2060", ""))


def seed_plan(number: str) -> Plan:
    return Plan.objects.get(number=number, province__name=PROVINCE[number])


@pytest.mark.django_db
@pytest.mark.parametrize("number", list(DOCUMENTS))
def test_pdf_reads_as_the_seed_first_line_to_last(number):
    lines = seed_lines(*DOCUMENTS[number])
    assert len(lines) > 40
    assert_in_order(lines, pdf_text(render_plan_pdf(seed_plan(number)).content))


@pytest.mark.django_db
@pytest.mark.parametrize("number", list(DOCUMENTS))
def test_docx_reads_as_the_seed_first_line_to_last(number):
    lines = seed_lines(*DOCUMENTS[number])
    assert_in_order(lines, docx_text(render_plan_docx(seed_plan(number)).content))


def test_seed_lines_undo_the_web_copy_markup_and_join_cut_table_rows():
    lines = seed_lines(*DOCUMENTS["592/KH-UBND"])
    assert lines[0] == "Số: 592/KH-UBND"
    assert "II. NHIỆM VỤ VÀ GIẢI PHÁP" in lines
    assert (
        "Tạo điều kiện thuận lợi cho các doanh nghiệp của tỉnh Khánh Hòa trong việc xuất hàng "
        "hóa sang thị trường của Lào nhằm quảng bá, giới thiệu sản phẩm của địa phương đến với "
        "kiều bào Việt Nam đang sinh sống và làm việc tại Lào cũng như người dân của Lào"
    ) in lines
    assert lines[-3:] == ["KT.CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Hữu Hoàng"]


@pytest.mark.django_db
def test_592_table_sits_inside_iii_between_ii_and_iv_with_no_attachment_line():
    text = pdf_text(render_plan_pdf(seed_plan("592/KH-UBND")).content)
    iii = text.index("III. NHIỆM VỤ CỤ THỂ")
    first_task = text.index("Tham mưu UBND tỉnh ban hành Kế hoạch triển khai")
    iv = text.index("IV. TỔ CHỨC THỰC HIỆN")
    assert text.index("II. NHIỆM VỤ VÀ GIẢI PHÁP") < iii < first_task < iv
    assert "Kèm theo" not in text and "kèm theo Kế hoạch" not in text
    # the table is printed once, not again as an appendix after the signature
    assert text.count("Tham mưu UBND tỉnh ban hành Kế hoạch triển khai") == 1
