"""End to end in Chromium: a reporting round from first draft to an accepted report.

A reporter of Trường Chính trị Lê Duẩn (it leads two tasks of 165/QĐ-UBND) drafts, is refused an
incomplete submission, submits; the coordinator of Sở Ngoại vụ returns it with a comment; the
reporter reads the comment, corrects and resubmits; the coordinator accepts.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role, User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from reports import services
from reports.models import EntryRole, Report, ReportStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.long]

PASSWORD = "pw-for-browser-1"
ROUND_NUMBER = "77/UBND-ĐN"
RETURN_COMMENT = "Nhiệm vụ thứ hai: ghi rõ số học viên Lào đã tốt nghiệp, không chỉ «đang đào tạo»."


def make_user(username: str, role: str, province: Locality, agency: Agency) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, province=province, agency=agency
    )
    user_apply_role(user)
    return user


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("header .who")).to_contain_text(username)


def expect_message(page: Page, kind: str, text: str) -> None:
    expect(page.locator(f"ul.messages li.{kind}")).to_contain_text(text)


@pytest.fixture
def setting(transactional_db):
    """Seed documents (a transactional test starts from whatever the last flush left), a fresh
    round over 165/QĐ-UBND with its deadline ahead, a reporter and a coordinator."""
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    le_duan = Agency.objects.get(province=quang_tri, name="Trường Chính trị Lê Duẩn")
    foreign_affairs = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    reporter = make_user("bc_leduan", Role.REPORTER, quang_tri, le_duan)
    coordinator = make_user("dp_songoaivu", Role.COORDINATOR, quang_tri, foreign_affairs)
    today = timezone.localdate()
    reporting_round = services.round_open(
        user=coordinator,
        request_number=ROUND_NUMBER,
        request_date=today,
        summary="Báo cáo kết quả thực hiện kế hoạch hợp tác năm nay (kiểm thử trình duyệt).",
        plans=[plan],
        period_start=today.replace(month=1, day=1),
        period_end=today,
        deadline=today + timedelta(days=30),
    )
    return {
        "round": reporting_round,
        "agency": le_duan,
        "reporter": reporter,
        "coordinator": coordinator,
    }


def test_report_submitted_returned_corrected_and_accepted(setting, new_page):
    reporting_round = setting["round"]

    # -- the reporter opens the round and starts the agency's report ------------------------
    reporter = new_page()
    log_in(reporter, "bc_leduan")
    reporter.goto("/rounds/")
    reporter.get_by_role("link", name=ROUND_NUMBER).click()
    expect(reporter).to_have_url(re.compile(rf"/rounds/{reporting_round.pk}/$"))
    reporter.get_by_role("button", name="Soạn báo cáo").click()

    report = Report.objects.get(reporting_round=reporting_round, agency=setting["agency"])
    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/edit/$"))
    lead_entries = list(
        report.entries.filter(role=EntryRole.LEAD).select_related("task").order_by("pk")
    )
    assert len(lead_entries) == 2
    first, second = lead_entries
    form = reporter.locator("form#report-form")
    expect(form.locator("div.entry")).to_have_count(2)

    # -- general part and the first task only: submitting names what is missing -------------
    form.locator('[name="delegations_out"]').fill("2")
    form.locator('[name="delegations_out_officials"]').fill("14")
    form.locator('[name="delegations_in"]').fill("1")
    form.locator('[name="funds_state_budget"]').fill("1.500.000")
    form.locator('[name="difficulties"]').fill("Kinh phí đào tạo học viên Lào cấp chậm.")
    form.locator('[name="proposals"]').fill("Đề nghị bố trí kinh phí sớm từ đầu năm.")
    entry = form.locator(f"#entry-{first.pk}")
    entry.locator(f'[name="e{first.pk}-status"]').select_option("done")
    entry.locator(f'[name="e{first.pk}-result"]').fill("Đã tổ chức 2 lớp bồi dưỡng cho 60 cán bộ.")
    entry.locator(f'[name="e{first.pk}-funds_spent"]').fill("850.000")
    form.locator('button[name="action"][value="submit"]').click()

    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/edit/\?incomplete=1$"))
    # Each gap is marked on its own field, and the first of them has the focus.
    form = reporter.locator("form#report-form")
    expect(form.locator('[name="funds_other"]')).to_have_attribute("aria-invalid", "true")
    expect(form.locator('[name="funds_other"]')).to_be_focused()
    expect(form.locator(f'[name="e{second.pk}-result"]')).to_have_attribute("aria-invalid", "true")
    expect(form.locator(f'[name="e{first.pk}-result"]')).not_to_have_attribute(
        "aria-invalid", "true"
    )
    error = reporter.locator("ul.messages li.error")
    expect(error).to_contain_text("Chưa nộp được")
    expect(error).to_contain_text("kinh phí từ nguồn khác")
    expect(error).to_contain_text(f"tình hình thực hiện nhiệm vụ {second.task.number}")
    expect(error).to_contain_text(f"kết quả thực hiện nhiệm vụ {second.task.number}")
    expect(error).not_to_contain_text("số đoàn đi Lào")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.funds_state_budget == Decimal("1500000")  # the draft was kept

    # -- complete it and submit --------------------------------------------------------------
    form = reporter.locator("form#report-form")
    expect(form.locator('[name="funds_state_budget"]')).to_have_value("1.500.000")
    form.locator('[name="funds_other"]').fill("300.000")
    entry = form.locator(f"#entry-{second.pk}")
    entry.locator(f'[name="e{second.pk}-status"]').select_option("in_progress")
    entry.locator(f'[name="e{second.pk}-result"]').fill("Đang đào tạo học viên Lào.")
    form.locator('button[name="action"][value="submit"]').click()

    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect_message(reporter, "success", "Đã nộp báo cáo")
    expect(reporter.locator("#report-status")).to_have_text("Đã nộp")

    # -- the coordinator returns it with a comment -------------------------------------------
    coordinator = new_page()
    log_in(coordinator, "dp_songoaivu")
    coordinator.goto("/rounds/")
    coordinator.get_by_role("link", name=ROUND_NUMBER).click()
    row = coordinator.locator("table#agencies tr", has_text="Trường Chính trị Lê Duẩn")
    row.get_by_role("link", name="Xem").click()
    expect(coordinator).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(coordinator.locator("#report-status")).to_have_text("Đã nộp")
    coordinator.locator('textarea[name="comment"]').fill(RETURN_COMMENT)
    coordinator.once("dialog", lambda dialog: dialog.accept())  # "Trả lại báo cáo cho …?"
    coordinator.locator('button[name="return"]').click()
    expect_message(coordinator, "success", "Đã trả lại báo cáo")
    expect(coordinator.locator("#report-status")).to_have_text("Bị trả lại")

    # -- the reporter reads the comment, corrects and resubmits ------------------------------
    reporter.reload()
    expect(reporter.locator("#report-status")).to_have_text("Bị trả lại")
    reporter.get_by_role("link", name="Sửa báo cáo").click()
    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/edit/$"))
    expect(reporter.locator("p#return-comment")).to_contain_text(RETURN_COMMENT)
    form = reporter.locator("form#report-form")
    expect(form.locator(f'[name="e{first.pk}-funds_spent"]')).to_have_value("850.000")
    entry = form.locator(f"#entry-{second.pk}")
    entry.locator(f'[name="e{second.pk}-status"]').select_option("done")
    entry.locator(f'[name="e{second.pk}-result"]').fill(
        "Đã đào tạo xong khóa 2024: 25 học viên Lào tốt nghiệp."
    )
    form.locator('button[name="action"][value="submit"]').click()
    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(reporter.locator("#report-status")).to_have_text("Đã nộp")

    # -- the coordinator accepts --------------------------------------------------------------
    coordinator.reload()
    expect(coordinator.locator("#report-status")).to_have_text("Đã nộp")
    expect(coordinator.locator("main")).to_contain_text("25 học viên Lào tốt nghiệp")
    coordinator.once("dialog", lambda dialog: dialog.accept())  # "Duyệt báo cáo của …?"
    coordinator.locator('button[name="accept"]').click()
    expect_message(coordinator, "success", "Đã duyệt báo cáo")
    expect(coordinator.locator("#report-status")).to_have_text("Đã duyệt")
    expect(coordinator.locator('button[name="accept"]')).to_have_count(0)

    steps = coordinator.locator("ul#timeline > li > strong")
    expect(steps).to_have_text(
        [
            "Tạo báo cáo",
            "Lưu nháp",
            "Lưu nháp",
            "Nộp báo cáo",
            "Trả lại để sửa",
            "Lưu nháp",
            "Nộp báo cáo",
            "Duyệt",
        ]
    )
    returned = coordinator.locator("ul#timeline > li", has_text="Trả lại để sửa")
    expect(returned.locator("em.comment")).to_have_text(RETURN_COMMENT)

    # -- the reporter can no longer edit; the database agrees with the screens ----------------
    reporter.goto(f"/reports/{report.pk}/edit/")
    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(reporter.locator("#report-status")).to_have_text("Đã duyệt")

    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert (report.funds_state_budget, report.funds_other) == (Decimal(1_500_000), Decimal(300_000))
    assert report.funds_total == Decimal(1_800_000)
    for entry_row in lead_entries:
        entry_row.refresh_from_db()
        entry_row.task.refresh_from_db()
        assert entry_row.status == "done"
        assert entry_row.task.status == "done"
