"""`export_plan` and `export_round` write the same files as the download buttons."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from agreements.models import Plan
from reports.models import ReportingRound
from tests.reports.factories import document_download

pytestmark = pytest.mark.django_db


def pdf_content(content: bytes) -> list[str]:
    """The text of each page (the file's creation date is not content)."""
    assert content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def xlsx_content(content: bytes) -> list:
    """Each sheet's name, cell values and merged ranges (the file's creation date is not)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        (
            sheet.title,
            list(sheet.iter_rows(values_only=True)),
            sorted(str(cells) for cells in sheet.merged_cells.ranges),
        )
        for sheet in book.worksheets
    ]


def docx_content(content: bytes) -> list:
    """Paragraphs (style and text) and tables (cell text) in body order, then headers."""
    document = Document(io.BytesIO(content))
    body = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            body.append([[cell.text for cell in row.cells] for row in block.rows])
        else:
            body.append((block.style.name, block.text))
    headers = [
        [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
        for section in document.sections
    ]
    return [body, headers]


def seen(content: list) -> str:
    """The text a reader sees: the word joiner that keeps a document number whole is invisible."""
    # repr() of a list shows the joiner as the escape "\\u2060".
    return str(content).replace("\u2060", "").replace("\\u2060", "")


CONTENT = {"pdf": pdf_content, "xlsx": xlsx_content, "docx": docx_content}


def command_output(tmp_path, command: str, *args: str) -> tuple[bytes, str]:
    target = tmp_path / "out"
    out = io.StringIO()
    call_command(command, *args, "-o", str(target), stdout=out)
    assert str(target) in out.getvalue()
    return target.read_bytes(), out.getvalue()


# The directive 6452/UBND-ĐN is the smallest seed plan: what is compared is the path from the
# command to the file, which is the same for every plan.
@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "docx"])
def test_export_plan_writes_what_the_download_button_gives(
    tmp_path, fmt, coordinator_client, quang_tri
):
    plan = Plan.objects.get(province=quang_tri, number="6452/UBND-ĐN")
    written, _ = command_output(
        tmp_path, "export_plan", "6452/UBND-ĐN", "--province", "quang tri", "--format", fmt
    )
    downloaded = coordinator_client.get(f"/plans/{plan.pk}/export/{fmt}/")
    assert downloaded.status_code == 200
    content = CONTENT[fmt](written)
    assert "6452/UBND-ĐN" in seen(content)
    assert content == CONTENT[fmt](downloaded.content)


def test_export_plan_default_name_and_unknown_plan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command(
        "export_plan",
        "592/KH-UBND",
        "--province",
        "Khánh Hòa",
        "--format",
        "xlsx",
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(tmp_path / "ke-hoach-592-KH-UBND-2022.xlsx")
    assert "Dữ liệu" in book.sheetnames
    with pytest.raises(CommandError) as error:
        call_command("export_plan", "592/KH-UBND", "--province", "Quảng Trị", "--format", "pdf")
    assert "Không tìm thấy" in str(error.value)


@pytest.mark.parametrize(
    ("document", "fmt", "page"),
    [
        ("summary", "pdf", "export"),
        ("summary", "xlsx", "export"),
        ("summary", "docx", "export"),
        ("reminder", "pdf", "reminder"),
        ("reminder", "docx", "reminder"),
    ],
)
def test_export_round_writes_what_the_download_button_gives(
    tmp_path, coordinator_client, quang_tri, document, fmt, page
):
    reporting_round = ReportingRound.objects.get(province=quang_tri, request_number="6452/UBND-ĐN")
    # Typed without diacritics, as on a server's keyboard.
    written, _ = command_output(
        tmp_path, "export_round", "6452/UBND-DN", "--document", document, "--format", fmt
    )
    # The PDF summary of a round this big comes from the worker, through its page's link.
    downloaded = document_download(
        coordinator_client, f"/rounds/{reporting_round.pk}/{page}/{fmt}/"
    )
    assert downloaded.status_code == 200
    content = CONTENT[fmt](written)
    assert "6452/UBND-ĐN" in seen(content)
    assert content == CONTENT[fmt](downloaded.content)


def test_export_round_unknown_round():
    with pytest.raises(CommandError) as error:
        call_command("export_round", "1/UBND-XX", "--format", "pdf")
    assert "Không tìm thấy đợt báo cáo" in str(error.value)


def test_download_header_is_safe_and_readable(coordinator_client, quang_tri):
    plan = Plan.objects.get(province=quang_tri, number="6452/UBND-ĐN")
    response = coordinator_client.get(f"/plans/{plan.pk}/export/pdf/")
    assert response["Content-Type"] == "application/pdf"
    # "Đ" is no ASCII letter, "/" no file-name character: both are replaced.
    assert (
        response["Content-Disposition"] == 'attachment; filename="ke-hoach-6452-UBND-DN-2021.pdf"'
    )
    assert coordinator_client.get(f"/plans/{plan.pk}/export/exe/").status_code == 404
