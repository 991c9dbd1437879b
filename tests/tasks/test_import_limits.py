"""Over-large sheets are refused from a stream of their XML, before openpyxl loads the workbook:
a few kilobytes that claim a million rows cost nothing, and the user is told what to do."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tasks.importers import reader as reader_module
from tasks.importers.reader import PlanImportError, read_document

HEADER = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Thời gian"]


def xlsx_bytes(rows, title="Phụ lục") -> bytes:
    workbook = Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(data: bytes, change) -> bytes:
    """The same file with xl/worksheets/sheet1.xml rewritten by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item.filename, content)
    return buffer.getvalue()


@pytest.fixture
def load_forbidden(monkeypatch):
    """Fail the test if openpyxl is asked to load the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was loaded before the limits were checked")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", refuse)


def test_a_declared_million_rows_is_refused_before_loading(load_forbidden):
    small = xlsx_bytes([HEADER, ["1.", "Việc", "Sở Ngoại vụ", "2026"]])
    data = with_sheet_xml(
        small, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    )
    assert len(data) < 10_000
    with pytest.raises(PlanImportError) as error:
        read_document(data)
    message = str(error.value)
    assert "Trang tính “Phụ lục” quá lớn" in message
    assert "1.048.576 dòng" in message and "5.000 dòng" in message


def test_a_lying_dimension_does_not_help(load_forbidden, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_ROWS", 100)
    data = xlsx_bytes([HEADER] + [[f"{n}.", "Việc"] for n in range(1, 200)])
    data = with_sheet_xml(
        data, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', xml)
    )
    with pytest.raises(PlanImportError, match="có dòng số 101"):
        read_document(data)


def test_too_many_cells_are_refused_before_loading(load_forbidden, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_CELLS", 50)
    data = xlsx_bytes([HEADER] + [[f"{n}.", "Việc", "Sở", "2026"] for n in range(1, 20)])
    with pytest.raises(PlanImportError, match="hơn 50 ô"):
        read_document(data)


def test_a_cell_far_to_the_right_is_refused_before_loading(load_forbidden):
    data = xlsx_bytes([HEADER, ["1.", "Việc"] + [None] * 70 + ["x"]])
    with pytest.raises(PlanImportError, match="khai báo 73 cột"):
        read_document(data)
    # without a dimension, the cell itself is caught while streaming
    data = with_sheet_xml(data, lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))
    with pytest.raises(PlanImportError, match="cột thứ 73"):
        read_document(data)


def test_an_oversized_sheet_part_is_refused(load_forbidden, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_PART_SIZE", 1000)
    data = xlsx_bytes([HEADER] + [[f"{n}.", "Việc dài " * 10] for n in range(1, 40)])
    with pytest.raises(PlanImportError, match="phần nội dung quá lớn"):
        read_document(data)


def test_a_sheet_within_the_limits_is_read_with_its_merges():
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Phụ lục"
    for row in [HEADER, ["I", None, None, None], ["1.", "Việc", "Sở Ngoại vụ", "2026"]]:
        ws.append(row)
    ws.merge_cells("A2:D2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    (grid,) = read_document(buffer.getvalue())
    assert grid.rows == [HEADER, ["I"] * 4, ["1.", "Việc", "Sở Ngoại vụ", "2026"]]


@pytest.mark.django_db
def test_the_upload_form_says_why(coordinator_client, load_forbidden):
    small = xlsx_bytes([HEADER, ["1.", "Việc", "Sở Ngoại vụ", "2026"]])
    data = with_sheet_xml(
        small, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    )
    response = coordinator_client.post(
        "/plans/import/",
        {
            "file": SimpleUploadedFile("ke-hoach.xlsx", data),
            "number": "30/KH-UBND",
            "title": "Kế hoạch thử",
            "date": "2026-01-10",
        },
    )
    assert response.status_code == 200
    assert "Trang tính “Phụ lục” quá lớn" in response.content.decode()


def test_an_overlong_task_content_says_where():
    from tasks.importers.parser import parse_grids

    rows = [HEADER, ["1.", "Việc " * 500, "Sở Ngoại vụ", "2026"]]
    with pytest.raises(PlanImportError, match="dòng 2, cột B: nội dung công việc dài quá 2000"):
        parse_grids(read_document(xlsx_bytes(rows)))


@pytest.fixture
def docx_load_forbidden(monkeypatch):
    """Fail the test if python-docx is asked to open the document."""
    import docx

    def refuse(*args, **kwargs):
        raise AssertionError("the document was loaded before the limits were checked")

    monkeypatch.setattr(docx, "Document", refuse)


def docx_bytes(tables: list[int], columns: int = 4) -> bytes:
    """A Word file with one table of ``rows`` rows per entry of ``tables``."""
    from docx.api import Document  # not ``docx.Document``, which the fixture may forbid

    document = Document()
    for rows in tables:
        document.add_paragraph("Phụ lục")
        table = document.add_table(rows=0, cols=columns)
        for _ in range(rows):
            table.add_row()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_table_with_too_many_rows_is_refused_before_loading(
    docx_load_forbidden, monkeypatch
):
    monkeypatch.setattr(reader_module, "MAX_ROWS", 30)
    data = docx_bytes([10, 31])
    with pytest.raises(PlanImportError) as error:
        read_document(data)
    message = str(error.value)
    assert "Bảng 2 của tệp Word quá lớn (hơn 30 dòng)" in message
    assert "chép riêng bảng kế hoạch" in message


def test_too_many_cells_in_a_word_file_are_refused_before_loading(docx_load_forbidden, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_CELLS", 100)
    data = docx_bytes([20, 20], columns=3)  # 60 + 60 cells: the second table crosses
    with pytest.raises(PlanImportError, match=r"Bảng 2 của tệp Word quá lớn \(cả tệp hơn 100 ô\)"):
        read_document(data)


def test_a_word_file_within_the_limits_is_read(monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_ROWS", 30)
    grids = read_document(docx_bytes([5, 30]))
    assert [len(grid.rows) for grid in grids] == [5, 30]
