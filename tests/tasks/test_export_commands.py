"""`export_plan` and `export_round` write the same files as the download buttons."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "docx"])
def test_export_plan_writes_the_file(tmp_path, fmt):
    target = tmp_path / f"ke-hoach.{fmt}"
    out = io.StringIO()
    call_command(
        "export_plan",
        "165/QĐ-UBND",
        "--province",
        "quang tri",
        "--format",
        fmt,
        "-o",
        str(target),
        stdout=out,
    )
    content = target.read_bytes()
    assert content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    assert str(target) in out.getvalue()


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


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "docx"])
def test_export_round_summary_and_reminder(tmp_path, fmt):
    target = tmp_path / f"tong-hop.{fmt}"
    call_command(
        "export_round", "6452/UBND-ĐN", "--format", fmt, "-o", str(target), stdout=io.StringIO()
    )
    assert target.stat().st_size > 1000
    if fmt != "xlsx":
        letter = tmp_path / f"don-doc.{fmt}"
        call_command(
            "export_round",
            "6452/UBND-DN",
            "--document",
            "reminder",
            "--format",
            fmt,
            "-o",
            str(letter),
            stdout=io.StringIO(),
        )
        assert letter.stat().st_size > 1000


def test_export_round_unknown_round():
    with pytest.raises(CommandError) as error:
        call_command("export_round", "1/UBND-XX", "--format", "pdf")
    assert "Không tìm thấy đợt báo cáo" in str(error.value)


def test_download_header_is_safe_and_readable(coordinator_client, quang_tri):
    from agreements.models import Plan

    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    response = coordinator_client.get(f"/plans/{plan.pk}/export/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-165-QD-UBND-2020.pdf"'
    assert coordinator_client.get(f"/plans/{plan.pk}/export/exe/").status_code == 404
