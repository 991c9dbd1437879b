"""End to end in Chromium: a report handed in as the agency's Excel workbook.

A reporter of Trường Chính trị Lê Duẩn downloads the workbook from the round page and fills it
with openpyxl as a person would, with one wrong number and one status typed by hand; the
upload is refused and the reporter's own file comes back marked; corrected, uploaded again,
previewed and submitted. The coordinator then reads it like a report typed in the browser.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accounts.models import Role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from reports import services
from reports.models import EntryRole, Report, ReportStatus
from reports.workbook import layout
from tests.browser.test_report_flow import expect_message, log_in, make_user
from tests.reports.workbook.helpers import fill, input_cells

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROUND_NUMBER = "78/UBND-ĐN"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def setting(transactional_db):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    le_duan = Agency.objects.get(province=quang_tri, name="Trường Chính trị Lê Duẩn")
    foreign_affairs = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    make_user("bc_leduan_xl", Role.REPORTER, quang_tri, le_duan)
    coordinator = make_user("dp_songoaivu_xl", Role.COORDINATOR, quang_tri, foreign_affairs)
    today = timezone.localdate()
    reporting_round = services.round_open(
        user=coordinator,
        request_number=ROUND_NUMBER,
        request_date=today,
        summary="Báo cáo kết quả hợp tác (kiểm thử sổ báo cáo Excel).",
        plans=[Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")],
        period_start=today.replace(month=1, day=1),
        period_end=today,
        deadline=today + timedelta(days=30),
    )
    return {"round": reporting_round, "agency": le_duan}


def download_from(page: Page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return Path(info.value.path()).read_bytes()


def upload(page: Page, name: str, data: bytes) -> None:
    page.locator("#workbook-files").set_input_files(
        {"name": name, "mimeType": XLSX, "buffer": data}
    )
    page.get_by_role("button", name="Tải lên và xem trước").click()


def test_report_handed_in_as_a_workbook(setting, new_page):
    reporting_round, agency = setting["round"], setting["agency"]
    reporter = new_page()
    log_in(reporter, "bc_leduan_xl")
    reporter.goto(f"/rounds/{reporting_round.pk}/")
    original = download_from(reporter, "Tải sổ báo cáo (Excel)")
    cells = input_cells(original)
    lead = sorted(k for k in cells if k.startswith("e:") and k.endswith(":status"))
    assert len(lead) == 2  # Lê Duẩn leads two tasks of 165/QĐ-UBND
    first, second = (key.split(":")[1] for key in lead)

    # -- filled as a person would: one wrong number, one status typed by hand ----------------
    typed = {
        "g:delegations_out": "5 đoàn",  # not a number
        "g:delegations_out_officials": 14,
        "g:delegations_in": 1,
        "g:funds_state_budget": 1_500_000,
        "g:funds_other": 0,
        "g:difficulties": "Kinh phí đào tạo học viên Lào cấp chậm.",
        f"e:{first}:status": "Hoàn thành",
        f"e:{first}:result": "Đã tổ chức 2 lớp bồi dưỡng cho 60 cán bộ.",
        f"e:{first}:funds_spent": 850_000,
        f"e:{first}:remarks": "Đề nghị bố trí kinh phí cho năm sau.",
        f"e:{second}:status": "xong rồi",  # typed over the drop-down
        f"e:{second}:result": "Đang đào tạo học viên Lào.",
    }
    reporter.get_by_role("link", name="Tải lên sổ báo cáo đã điền").click()
    upload(reporter, "so-bao-cao-le-duan.xlsx", fill(original, typed))

    result = reporter.locator("section.workbook-result")
    expect(result.locator(".workbook-refused")).to_contain_text("2 chỗ cần sửa")
    problems = result.locator("ul.workbook-problems li")
    number_sheet, number_cell = cells["g:delegations_out"]
    status_sheet, status_cell = cells[f"e:{second}:status"]
    expect(problems.filter(has_text=f"Trang «{number_sheet}», ô {number_cell}")).to_contain_text(
        "«5 đoàn»"
    )
    expect(problems.filter(has_text=f"Trang «{status_sheet}», ô {status_cell}")).to_contain_text(
        "Hoàn thành"
    )
    assert not Report.objects.filter(reporting_round=reporting_round, agency=agency).exists()

    marked = download_from(reporter, "Tải lại tệp của bạn, các ô cần sửa được tô đỏ và ghi chú")
    book = load_workbook(io.BytesIO(marked))
    assert book[status_sheet][status_cell].value == "xong rồi"
    assert "danh sách" in book[status_sheet][status_cell].comment.text
    assert book[number_sheet][number_cell].fill.fgColor.rgb.endswith(layout.MARK_FILL)

    # -- corrected in the marked copy, uploaded again, previewed, submitted -----------------
    corrected = fill(marked, {"g:delegations_out": 5, f"e:{second}:status": "Đang triển khai"})
    upload(reporter, "so-bao-cao-le-duan.xlsx", corrected)
    changes = reporter.locator("table.workbook-changes")
    expect(changes.locator("tr", has_text="Số đoàn đi Lào")).to_contain_text("5")
    expect(changes.locator("tr", has_text="Kinh phí từ ngân sách nhà nước")).to_contain_text(
        "1.500.000"
    )
    expect(changes.locator("tr", has_text=": ghi chú")).to_contain_text(
        "Đề nghị bố trí kinh phí cho năm sau."
    )
    reporter.get_by_role("button", name="Lưu và nộp báo cáo").click()
    report = Report.objects.get(reporting_round=reporting_round, agency=agency)
    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect_message(reporter, "success", "Đã nộp báo cáo")
    expect(reporter.locator("#report-status")).to_have_text("Đã nộp")

    # -- the coordinator sees it like a report typed in the browser --------------------------
    coordinator = new_page()
    log_in(coordinator, "dp_songoaivu_xl")
    coordinator.goto(f"/rounds/{reporting_round.pk}/")
    row = coordinator.locator("table#agencies tr", has_text="Trường Chính trị Lê Duẩn")
    expect(row).to_contain_text("Đã nộp")
    row.get_by_role("link", name="Xem").click()
    expect(coordinator).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    main = coordinator.locator("main")
    expect(main).to_contain_text("Đã tổ chức 2 lớp bồi dưỡng cho 60 cán bộ.")
    expect(main).to_contain_text("Đang đào tạo học viên Lào.")
    expect(main.locator(".entry-remarks")).to_have_text(
        "Ghi chú: Đề nghị bố trí kinh phí cho năm sau."
    )
    expect(main).to_contain_text("1.500.000")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and not report.on_behalf
    assert report.delegations_out == 5
    entries = {str(e.task_id): e for e in report.entries.filter(role=EntryRole.LEAD)}
    assert (entries[first].status, entries[second].status) == ("done", "in_progress")
    assert entries[first].funds_spent == 850_000
    assert entries[first].remarks == "Đề nghị bố trí kinh phí cho năm sau."
    expect(coordinator.locator("ul#timeline > li > strong")).to_have_text(
        ["Tạo báo cáo", "Lưu nháp", "Nộp báo cáo"]
    )
