"""A Word table right after a plan table, as wide as it: the plan's rest after a page break, or
a table of its own (budget, signatures) that must not become tasks.

Files are built here with python-docx; each case is a layout a province could send, not one
file's quirks: numbering "1." or "1", Roman or Arabic sections, with or without the
"(1) (2) (3)" row.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.text import WD_BREAK

from tasks.importers.parser import parse_grids
from tasks.importers.reader import read_document

HEADER = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Ghi chú"]
NUMBERING = [f"({n})" for n in range(1, 7)]


def task(number: str, content: str) -> list[str]:
    return [number, content, "Sở Ngoại vụ", "Sở Tài chính", "2024 - 2025", ""]


def docx_tables(*tables: list[list[str]]) -> bytes:
    """One table after another, a page break between; a row of one cell is merged across."""
    document = Document()
    document.add_paragraph("PHỤ LỤC I")
    for index, rows in enumerate(tables):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table = document.add_table(rows=0, cols=len(HEADER))
        for values in rows:
            cells = table.add_row().cells
            if len(values) == 1:
                cells[0].merge(cells[-1]).text = values[0]
                continue
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parse(data: bytes):
    return parse_grids(read_document(data))


# (first table, second table, numbers expected, section number of the second table's tasks)
CONTINUATIONS = {
    "next task number": (
        [HEADER, ["I. HỢP TÁC KINH TẾ"], task("1.", "Việc 1"), task("2.", "Việc 2")],
        [task("3.", "Việc 3"), task("4.", "Việc 4")],
        ["1.", "2.", "3.", "4."],
        "I.",
    ),
    "plain numbers": (
        [HEADER, ["I", "Văn hóa", "", "", "", ""], task("1", "Việc 1"), task("2", "Việc 2")],
        [task("3", "Việc 3")],
        ["1", "2", "3"],
        "I",
    ),
    "next Roman section": (
        [HEADER, ["I. HỢP TÁC KINH TẾ"], task("1.", "Việc 1")],
        [["II. HỢP TÁC VĂN HÓA"], task("1.", "Việc 2")],
        ["1.", "1."],
        "II.",
    ),
    "a number skipped, as in an excerpt": (
        [HEADER, ["I. HỢP TÁC KINH TẾ"], task("1.", "Việc 1"), task("2.", "Việc 2")],
        [task("6.", "Việc 6"), ["II. HỢP TÁC VĂN HÓA"], task("8.", "Việc 8")],
        ["1.", "2.", "6.", "8."],
        "II.",
    ),
    "next sub-item number": (
        [HEADER, ["I. HỢP TÁC"], ["1.", "Giáo dục", "", "", "", ""], task("1.1", "Việc 1")],
        [task("1.2", "Việc 2")],
        ["1.1", "1.2"],
        "1.",
    ),
    "numbering row repeated": (
        [HEADER, NUMBERING, ["I. HỢP TÁC KINH TẾ"], task("1.", "Việc 1")],
        [NUMBERING, task("7.", "Việc lẻ số")],
        ["1.", "7."],
        "I.",
    ),
    "first sub-item": (
        [HEADER, ["I. HỢP TÁC"], ["1.", "Giáo dục", "", "", "", ""], task("1.1", "Việc 1")],
        [task("1.2", "Việc 2"), task("2.1", "Việc 3")],
        ["1.1", "1.2", "2.1"],
        "1.",
    ),
    "first task under a heading that ended the page": (
        [HEADER, task("1.", "Việc 1"), ["II. HỢP TÁC VĂN HÓA"]],
        [task("1.", "Việc 2")],
        ["1.", "1."],
        "II.",
    ),
}


@pytest.mark.parametrize("case", CONTINUATIONS, ids=list(CONTINUATIONS))
def test_a_table_that_goes_on_with_the_plan_continues_it(case):
    first, second, numbers, section = CONTINUATIONS[case]
    parsed = parse(docx_tables(first, second))

    assert [t.number for t in parsed.tasks] == numbers
    last = parsed.tasks[-1]
    assert last.location.startswith("bảng 2")
    assert last.section is not None and last.section.number == section
    assert len(parsed.tables) == 2


PLAN = [HEADER, ["I. HỢP TÁC KINH TẾ"], task("1.", "Việc 1"), task("2.", "Việc 2")]

NOT_CONTINUATIONS = {
    # A budget laid out with the same six columns, numbered from 1 again.
    "budget": [
        ["1", "Kinh phí đón đoàn", "200.000.000", "Ngân sách tỉnh", "2024", ""],
        ["2", "Kinh phí đào tạo", "500.000.000", "Ngân sách tỉnh", "2025", ""],
    ],
    # A budget whose first line is a total, not numbered.
    "budget total": [
        ["", "Tổng kinh phí", "700.000.000", "", "", ""],
        ["1", "Đón đoàn", "200.000.000", "", "", ""],
    ],
    # Signatures laid out in a table of the same width.
    "signatures": [
        ["Nơi nhận:", "", "", "TM. ỦY BAN NHÂN DÂN", "", ""],
        ["- Như trên;", "", "", "KT. CHỦ TỊCH", "", ""],
        ["- Lưu: VT.", "", "", "Nguyễn Văn A", "", ""],
    ],
    # Numbered, but from 1 again or backwards: a list of its own.
    "numbers that start again": [task("1.", "Một danh sách khác"), task("2.", "Việc khác")],
    "numbers going back": [task("2.", "Danh sách khác"), task("3.", "Việc khác")],
    "a Roman heading that starts again": [["I. DANH MỤC KHÁC"], task("1.", "Việc khác")],
}


@pytest.mark.parametrize("case", NOT_CONTINUATIONS, ids=list(NOT_CONTINUATIONS))
def test_a_table_of_its_own_after_the_plan_is_not_read_as_tasks(case):
    parsed = parse(docx_tables(PLAN, NOT_CONTINUATIONS[case]))

    assert [(t.number, t.content) for t in parsed.tasks] == [("1.", "Việc 1"), ("2.", "Việc 2")]
    assert len(parsed.tables) == 1
    assert parsed.skipped == ["bảng 2"]


def test_a_narrower_table_is_left_out_without_a_note():
    narrow = [["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"], ["- Lưu: VT.", "Nguyễn Văn A"]]
    document = Document()
    table = document.add_table(rows=0, cols=len(HEADER))
    for values in PLAN:
        cells = table.add_row().cells
        if len(values) == 1:
            cells[0].merge(cells[-1]).text = values[0]
            continue
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    signature = document.add_table(rows=0, cols=2)
    for values in narrow:
        for cell, value in zip(signature.add_row().cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)

    parsed = parse(buffer.getvalue())

    assert len(parsed.tasks) == 2 and parsed.skipped == []


@pytest.mark.django_db
def test_the_preview_names_the_table_left_out(coordinator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = docx_tables(PLAN, NOT_CONTINUATIONS["budget"])
    coordinator_client.post(
        "/plans/import/",
        {"file": SimpleUploadedFile("kh.docx", data), "number": "60/KH-UBND", "title": "Thử"},
    )

    page = coordinator_client.get("/plans/import/preview/").content.decode()

    assert "Không đọc thành nhiệm vụ: bảng 2" in page
    assert "Kinh phí đón đoàn" not in page
