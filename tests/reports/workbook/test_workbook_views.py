"""The workbook on the round page: download, upload, preview, confirm, marked copy back."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from agreements.models import Agency
from reports.models import Report, ReportStatus
from reports.workbook import layout
from reports.workbook.builder import XLSX_TYPE
from tests.reports.factories import COMPLETE_GENERAL, open_round, reporter_of

from .helpers import fill, input_cells

LE_DUAN = "Trường Chính trị Lê Duẩn"


@pytest.fixture
def setting(coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, LE_DUAN, "bc_leduan")
    return reporting_round, reporter


def xlsx(data: bytes, name: str = "so-bao-cao.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def download(client, reporting_round, agency) -> bytes:
    response = client.get(f"/rounds/{reporting_round.pk}/workbook/{agency.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return response.content


def complete(data: bytes) -> dict:
    typed = {f"g:{name}": value for name, value in COMPLETE_GENERAL.items()}
    for key in input_cells(data):
        if key.endswith(":status"):
            typed[key] = "Đang triển khai"
        elif key.endswith(":result") and key.startswith("e:"):
            typed[key] = "Đã mở lớp, 25 học viên."
    return typed


def test_reporter_round_page_links_to_its_workbook(client, setting):
    reporting_round, reporter = setting
    client.force_login(reporter)
    page = client.get(f"/rounds/{reporting_round.pk}/").content.decode()
    assert f"/rounds/{reporting_round.pk}/workbook/{reporter.agency_id}/" in page
    assert f"/rounds/{reporting_round.pk}/workbook/upload/" in page
    other = Agency.objects.get(province=reporter.province, name="Sở Công thương")
    assert client.get(f"/rounds/{reporting_round.pk}/workbook/{other.pk}/").status_code == 404


def test_a_refused_file_comes_back_marked_and_nothing_is_saved(client, setting):
    reporting_round, reporter = setting
    client.force_login(reporter)
    data = download(client, reporting_round, reporter.agency)
    typed = complete(data) | {"g:delegations_out": "năm"}
    response = client.post(
        f"/rounds/{reporting_round.pk}/workbook/upload/", {"files": [xlsx(fill(data, typed))]}
    )
    page = response.content.decode()
    sheet, cell = input_cells(data)["g:delegations_out"]
    assert f"Trang «{sheet}», ô {cell}" in page and "«năm»" in page
    marked_url = re.search(r'href="([^"]*/workbook/marked/[^"]+)"', page).group(1)
    marked = client.get(marked_url)
    assert marked.status_code == 200 and "can-sua" in marked["Content-Disposition"]
    book = load_workbook(io.BytesIO(marked.content))
    assert "số" in book[sheet][cell].comment.text
    assert not Report.objects.filter(reporting_round=reporting_round).exists()
    # Another session cannot fetch it.
    client.logout()
    client.force_login(reporter)
    assert client.get(marked_url).status_code == 404


def test_preview_then_submit(client, setting):
    reporting_round, reporter = setting
    client.force_login(reporter)
    data = download(client, reporting_round, reporter.agency)
    remarks = next(key for key in input_cells(data) if key.endswith(":remarks"))
    typed = complete(data) | {remarks: "Chờ phân bổ kinh phí."}
    response = client.post(
        f"/rounds/{reporting_round.pk}/workbook/upload/", {"files": [xlsx(fill(data, typed))]}
    )
    page = response.content.decode()
    assert "Số đoàn đi Lào" in page and "150.000.000" in page
    sheet, cell = input_cells(data)[remarks]
    assert f"{sheet} · {cell}" in page and ": ghi chú" in page and "Chờ phân bổ kinh phí." in page
    confirm = re.search(r'action="([^"]*/workbook/confirm/[^"]+)"', page).group(1)
    response = client.post(confirm, {"seen_version": "", "action": "submit"})
    report = Report.objects.get(reporting_round=reporting_round, agency=reporter.agency)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == ReportStatus.SUBMITTED and report.delegations_out == 2
    task_id = int(remarks.split(":")[1])
    assert report.entries.get(task_id=task_id).remarks == "Chờ phân bổ kinh phí."
    assert client.post(confirm, {"action": "submit"}).status_code == 404  # used once


def test_a_reporter_cannot_hand_in_another_agencys_file(client, setting, coordinator, quang_tri):
    reporting_round, reporter = setting
    other = reporter_of(quang_tri, "Sở Công thương", "bc_congthuong")
    client.force_login(coordinator)
    data = download(client, reporting_round, other.agency)
    client.force_login(reporter)
    response = client.post(
        f"/rounds/{reporting_round.pk}/workbook/upload/", {"files": [xlsx(data)]}
    )
    assert "Sở Công thương" in response.content.decode()
    assert "workbook/confirm" not in response.content.decode()


def test_coordinator_uploads_several_agencies_files_at_once(client, setting, coordinator):
    reporting_round, reporter = setting
    client.force_login(coordinator)
    other = Agency.objects.get(province=reporter.province, name="Sở Công thương")
    files = []
    for agency in (reporter.agency, other):
        data = download(client, reporting_round, agency)
        files.append(xlsx(fill(data, complete(data)), f"{agency.pk}.xlsx"))
    response = client.post(f"/rounds/{reporting_round.pk}/workbook/upload/", {"files": files})
    page = response.content.decode()
    assert page.count("workbook/confirm/") == 2
    assert LE_DUAN in page and "Sở Công thương" in page
    zipped = client.get(f"/rounds/{reporting_round.pk}/workbooks.zip")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"


def test_a_file_that_is_not_a_workbook_is_refused_like_any_upload(client, setting):
    reporting_round, reporter = setting
    client.force_login(reporter)
    response = client.post(
        f"/rounds/{reporting_round.pk}/workbook/upload/",
        {"files": [SimpleUploadedFile("bao-cao.xlsx", b"%PDF-1.4 fake")]},
    )
    assert "không phải tệp XLSX thật" in response.content.decode()


def test_the_identity_sheet_names_the_round_and_agency(client, setting):
    reporting_round, reporter = setting
    client.force_login(reporter)
    data = download(client, reporting_round, reporter.agency)
    book = load_workbook(io.BytesIO(data), read_only=True)
    identity = book[layout.IDENTITY].iter_rows(max_row=len(layout.ID_FIELDS), values_only=True)
    rows = {row[0]: row[1] if len(row) > 1 else None for row in identity}
    book.close()
    assert rows["round"] == str(reporting_round.pk) and rows["agency"] == str(reporter.agency_id)
