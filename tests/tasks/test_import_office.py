"""Old Office files and protected ones: each gets its own message; with LibreOffice, .doc and
.xls are converted on the way in and import like any other file; the conversion is bounded."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Plan
from tasks.importers import office
from tasks.importers.office import PROTECTED_MESSAGE, old_format, prepare
from tasks.importers.parser import parse_grids
from tasks.importers.reader import PlanImportError, read_document, read_source
from tests.tasks.import_layouts import APPENDICES, expected, parsed_rows

FILES = Path(__file__).parent / "import_files"


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ke-hoach-165.doc", "doc"),
        ("ke-hoach-165.xls", "xls"),
        ("mat-khau.doc", "encrypted"),
        ("mat-khau.xls", "encrypted"),
        ("mat-khau.docx", "encrypted"),
        ("mat-khau.xlsx", "encrypted"),
    ],
)
def test_old_and_protected_files_are_told_apart(name, kind):
    assert old_format(data(name)) == kind


@pytest.mark.parametrize("name", ["mat-khau.doc", "mat-khau.xls", "mat-khau.docx", "mat-khau.xlsx"])
def test_protected_files_say_so_and_how_to_remove_the_password(name, settings):
    settings.PLAN_IMPORT_SOFFICE = "/nonexistent/soffice"  # never started for a protected file
    with pytest.raises(PlanImportError) as error:
        prepare(data(name))
    assert str(error.value) == PROTECTED_MESSAGE
    assert "mật khẩu" in str(error.value) and "Mã hóa bằng mật khẩu" in str(error.value)
    with pytest.raises(PlanImportError, match="đặt mật khẩu"):
        read_document(data(name))


@pytest.mark.parametrize(
    ("name", "what", "save_as"),
    [
        ("ke-hoach-165.doc", "Word 97–2003 (.doc)", "Tài liệu Word (*.docx)"),
        ("ke-hoach-165.xls", "Excel 97–2003 (.xls)", "Sổ làm việc Excel (*.xlsx)"),
    ],
)
def test_without_libreoffice_old_files_say_how_to_resave(name, what, save_as, settings):
    settings.PLAN_IMPORT_SOFFICE = ""
    with pytest.raises(PlanImportError) as error:
        prepare(data(name))
    message = str(error.value)
    assert what in message and "chưa cài LibreOffice" in message
    assert f"“{save_as}”" in message and "Lưu thành (File → Save As)" in message


def test_rtf_saved_as_doc_is_recognised(settings):
    settings.PLAN_IMPORT_SOFFICE = ""
    with pytest.raises(PlanImportError, match="văn bản RTF"):
        prepare(b"{\\rtf1\\ansi Ke hoach}")


def test_an_ole_file_that_is_neither_says_so():
    with pytest.raises(PlanImportError, match="không phải văn bản Word hay bảng tính Excel"):
        read_document(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)


def test_a_conversion_that_hangs_is_killed_at_the_timeout(tmp_path):
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\nsleep 60 &\nsleep 60\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(PlanImportError, match="quá 1 giây"):
        office.convert(data("ke-hoach-165.doc"), "doc", program=str(program), timeout=1)


def test_a_conversion_that_fails_says_how_to_resave(tmp_path):
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\nexit 1\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(PlanImportError, match="Không chuyển được tệp.*Lưu thành"):
        office.convert(data("ke-hoach-165.xls"), "xls", program=str(program), timeout=10)


@pytest.mark.parametrize("name", ["ke-hoach-165.doc", "ke-hoach-165.xls"])
def test_with_libreoffice_old_files_import_word_for_word(office, name):
    prepared = prepare(data(name))
    assert prepared.converted_from == name.rsplit(".", 1)[1]
    assert "đã được LibreOffice chuyển sang" in prepared.note()
    parsed = parse_grids(read_source(prepared.data).grids)
    assert parsed_rows(parsed) == expected(APPENDICES)


@pytest.mark.django_db
def test_upload_of_a_doc_is_converted_once_and_noted_on_the_preview(office, coordinator_client):
    response = coordinator_client.post(
        "/plans/import/",
        {
            "file": SimpleUploadedFile("ke-hoach-165.doc", data("ke-hoach-165.doc")),
            "number": "20/KH-UBND",
            "title": "Kế hoạch hợp tác thử",
        },
    )
    assert response.status_code == 302
    preview = coordinator_client.get("/plans/import/preview/").content.decode()
    assert "Word 97–2003 (.doc), đã được LibreOffice chuyển sang" in preview
    assert "Tổ chức Hội đàm cấp cao giữa tỉnh Quảng Trị và tỉnh Savannakhet" in preview


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["mat-khau.docx", "ke-hoach-165.xls"])
def test_upload_refusals_name_the_file_and_save_nothing(coordinator_client, settings, name):
    settings.PLAN_IMPORT_SOFFICE = ""
    before = Plan.objects.count()
    response = coordinator_client.post(
        "/plans/import/",
        {"file": SimpleUploadedFile(name, data(name)), "number": "21/KH-UBND", "title": "T"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{name}: Tệp" in page
    assert Plan.objects.count() == before
