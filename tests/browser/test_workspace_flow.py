"""End to end in Chromium, only in the app: a coordinator records an agreement with two partners
and its scan, writes a plan header that implements it, issues it, reopens it with a reason that
the history page shows, and finds the agreement by an accent-free search typed in the list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Agreement, Locality, Plan
from devdata.seed import seed_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser-3"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_agreement_plan_issue_reopen_and_search(new_page, tmp_path):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    user = User.objects.create_user(
        username="sngv",
        password=PASSWORD,
        email="sngv@example.gov.vn",
        role="coordinator",
        province=quang_tri,
        agency=Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    user_apply_role(user)
    scan = tmp_path / "thoa-thuan-2026.pdf"
    scan.write_bytes(PDF)

    page: Page = new_page()
    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill("sngv")
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_role("link", name="Thỏa thuận").click()
    page.get_by_role("link", name="Thêm văn bản thỏa thuận").click()
    page.fill('textarea[name="title"]', "Văn bản thỏa thuận hợp tác giai đoạn 2026 - 2030")
    page.select_option('select[name="partners"]', label=["Savannakhet", "Salavan"])
    page.fill('input[name="start_year"]', "2026")
    page.fill('input[name="end_year"]', "2030")
    page.fill('input[name="signed_date"]', "2025-12-01")
    page.fill('input[name="signed_place"]', "Đông Hà")
    page.set_input_files('input[name="file"]', str(scan))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text("Văn bản thỏa thuận hợp tác giai đoạn 2026 - 2030")
    expect(page.locator("dl.facts")).to_contain_text("Savannakhet")
    expect(page.locator("dl.facts")).to_contain_text("Salavan")
    agreement = Agreement.objects.get(title="Văn bản thỏa thuận hợp tác giai đoạn 2026 - 2030")

    page.goto("/plans/")
    page.get_by_role("link", name="Tạo kế hoạch, văn bản").click()
    page.select_option('select[name="kind"]', label="Quyết định")
    page.fill('input[name="number"]', "12/QĐ-UBND")
    page.fill('input[name="date"]', "2026-01-15")
    page.fill('textarea[name="title"]', "Kế hoạch hợp tác với hai tỉnh Lào năm 2026")
    page.fill('input[name="start_year"]', "2026")
    page.fill('input[name="end_year"]', "2026")
    page.select_option('select[name="agreements"]', label=[agreement.title])
    page.fill('input[name="signer"]', "Hà Sỹ Đồng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text("Quyết định 12/QĐ-UBND")
    expect(page.locator("nav.chain")).to_contain_text(agreement.title[:40])
    expect(page.locator(".plan-header .badge")).to_have_text("Dự thảo")

    page.get_by_role("button", name="Ban hành").click()
    expect(page.locator(".plan-header .badge")).to_have_text("Đã ban hành")
    page.fill(".plan-header textarea[name=reason]", "Bổ sung phụ lục cho tỉnh Salavan")
    page.get_by_role("button", name="Mở lại thành dự thảo").click()
    expect(page.locator(".plan-header .badge")).to_have_text("Dự thảo")
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    expect(page.locator("#history")).to_contain_text("Mở lại: Bổ sung phụ lục cho tỉnh Salavan")
    plan = Plan.objects.get(province=quang_tri, number="12/QĐ-UBND")
    assert plan.status == "draft" and list(plan.agreements.all()) == [agreement]

    page.goto("/agreements/")
    rows = page.locator("#results tbody tr")
    total = rows.count()
    page.fill('input[name="q"]', "thoa thuan 2026")  # no accents; htmx swaps the table
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("giai đoạn 2026 - 2030")
    assert total > 1
