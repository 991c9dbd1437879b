"""End to end in Chromium: a leader before a meeting with a partner province.

The leader logs in and lands on the dashboard, narrows it to one partner (Salavan), drills into
that partner's overdue tasks, sees the same number of tasks the dashboard counted, then comes
back and downloads the round's summary PDF (through the page that waits for the worker) and the
dashboard's own PDF summary.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.roles import user_apply_role
from agreements.models import Locality
from devdata.seed import seed_load
from reports.models import ReportingRound, RoundStatus
from tests.browser.screens import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-browser-1"


@pytest.fixture
def leader(transactional_db):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    user = User.objects.create_user(
        username="lanhdao_ub", password=PASSWORD, role=Role.LEADER, province=quang_tri
    )
    user_apply_role(user)
    return user


def test_leader_drills_into_one_partners_overdue_tasks_and_downloads_the_summary(
    new_page, leader, tmp_path
):
    open_round = ReportingRound.objects.get(status=RoundStatus.OPEN, province=leader.province)
    page = new_page()
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill(leader.username)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("h1")).to_have_text("Tổng quan hợp tác")

    filters = page.locator("#dashboard-filters")
    filters.get_by_label("Đối tác").select_option(label="Salavan")
    filters.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"partner=\d+"))
    overdue_link = page.locator("#drill-overdue")
    overdue_count = int(overdue_link.locator("strong").inner_text().replace(".", ""))
    assert overdue_count > 0

    overdue_link.click()
    expect(page).to_have_url(re.compile(r"/tasks/\?.*partner=\d+.*overdue=true"))
    expect(page.locator("main p.muted").first).to_have_text(f"{overdue_count} nhiệm vụ")
    expect(page.locator("main table tbody tr").first).to_be_visible()

    page.go_back()
    expect(page.locator("#current-round")).to_contain_text(open_round.request_number)
    # The seed round (49 tasks) is laid out by the worker: the leader waits on its page (the
    # test settings run the worker's tasks at once), then downloads the file.
    page.locator("#round-summary-pdf").click()
    expect(page.locator("#job-state")).to_contain_text("Đã xong")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Tải về")).click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    page.go_back()
    with page.expect_download() as info:
        page.locator("#dashboard-filters").get_by_role("link", name="PDF tổng hợp").click()
    summary = tmp_path / info.value.suggested_filename
    info.value.save_as(summary)
    assert summary.read_bytes().startswith(b"%PDF")
    assert summary.name.startswith("tong-quan-")


def test_the_leader_narrows_the_dashboard_to_an_agency_typed_without_accents(new_page, leader):
    page = new_page()
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill(leader.username)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    every = int(page.locator("#totals strong").first.inner_text().replace(".", ""))

    # No list of every agency: the field asks the server as the leader types.
    agency = page.get_by_role("combobox", name="Đơn vị chủ trì")
    expect(page.locator('select[name="agency"]')).to_have_count(0)
    agency.press_sequentially("so cong")
    option = page.get_by_role("option", name=re.compile("^Sở Công thương"))
    expect(option).to_be_visible()
    assert axe_problems(page) == []
    option.click()
    expect(agency).to_have_value("Sở Công thương")
    page.locator("#dashboard-filters").get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"agency=S"))
    led = int(page.locator("#totals strong").first.inner_text().replace(".", ""))
    assert 0 < led < every
    expect(page.get_by_role("combobox", name="Đơn vị chủ trì")).to_have_value("Sở Công thương")
