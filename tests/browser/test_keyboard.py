"""Keyboard only (Tab, Enter, Space, typing; no click, no fill): a reporter finds the agency's
report from the menu, fills in what is missing and submits it; the coordinator adds a task to a
plan in place. Someone who cannot use a mouse does the same work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agreements.models import Plan
from reports.models import Report, ReportStatus
from tasks.models import Task
from tests.browser.screens import DEMO_PASSWORD, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page: Page, selector: str | None = None, text: str | None = None) -> bool:
    return page.evaluate(
        """([selector, text]) => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            if (selector && !el.matches(selector)) return false;
            if (text && el.textContent.trim() !== text) return false;
            return true;
        }""",
        [selector, text],
    )


def tab_to(page: Page, selector: str | None = None, *, text: str | None = None, limit=600):
    """Press Tab until the focus is on what a person is looking for."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector, text):
            return
    raise AssertionError(f"Tab never reached {selector or ''} {text or ''}")


def follow(page: Page, key: str = "Enter") -> None:
    """Press the key on a focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def keyboard_log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, 'main input[name="username"]')
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    follow(page)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_a_reporter_fills_and_submits_the_report_with_the_keyboard(new_page):
    demo_load()
    report = Report.objects.get(
        agency__name="Trường Chính trị Lê Duẩn", reporting_round__request_number="6452/UBND-ĐN"
    )
    assert report.status == ReportStatus.DRAFT
    leads = list(report.entries.filter(role="lead").order_by("pk"))

    page = new_page()
    keyboard_log_in(page, "leduan")
    # The first Tab of a page offers to skip the menu.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link")
    tab_to(page, "header nav a", text="Đợt báo cáo")
    follow(page)
    expect(page).to_have_url(re.compile(r"/rounds/$"))
    tab_to(page, "main a", text="6452/UBND-ĐN")
    follow(page)
    tab_to(page, "main a", text="Tiếp tục soạn")
    follow(page)
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/edit/$"))

    tab_to(page, '[name="funds_state_budget"]')
    page.keyboard.type("120.000.000")
    page.keyboard.press("Tab")
    assert focused(page, '[name="funds_other"]')
    page.keyboard.type("0")
    for entry in leads:
        tab_to(page, f'[name="e{entry.pk}-status"]')
        page.keyboard.type("H")  # a closed list answers the first letter: "Hoàn thành"
        expect(page.locator(f'[name="e{entry.pk}-status"]')).to_have_value("done")
        tab_to(page, f'[name="e{entry.pk}-result"]')
        page.keyboard.type(f"Đã hoàn thành nhiệm vụ {entry.task.number} đúng hạn.")
    tab_to(page, 'button[value="submit"]')
    follow(page, "Space")

    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator("#report-status")).to_have_text("Đã nộp")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.funds_state_budget == 120_000_000
    assert {e.status for e in report.entries.filter(role="lead")} == {"done"}


def test_the_coordinator_adds_a_task_in_place_with_the_keyboard(new_page):
    demo_load()
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    before = Task.objects.filter(plan=plan).count()

    page = new_page()
    keyboard_log_in(page, "dieuphoi")
    tab_to(page, "header nav a", text="Kế hoạch")
    follow(page)
    tab_to(page, "main a", text="165/QĐ-UBND")
    follow(page)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    # A long document: the header offers a way straight to the table.
    tab_to(page, "main a", text="Đến bảng nhiệm vụ")
    page.keyboard.press("Enter")
    tab_to(page, "#plan-rows a.add-task")
    page.keyboard.press("Enter")

    form = page.locator("#task-new form")
    expect(form).to_be_visible()
    # The form takes the focus as it opens: its first box, the number.
    expect(form.locator('[name="number"]')).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page, '[name="content"]')
    page.keyboard.type("Tổ chức đoàn khảo sát thị trường nông sản tại Savannakhet.")
    page.keyboard.press("Tab")
    assert focused(page, '[name="leads"]')
    page.keyboard.type("Sở Ngoại vụ")
    tab_to(page, "#task-new button", text="Lưu")
    page.keyboard.press("Enter")

    row = page.locator("#plan-rows tr", has_text="khảo sát thị trường nông sản")
    expect(row).to_be_visible()
    expect(page.locator("#task-new")).to_have_count(0)
    task = Task.objects.get(plan=plan, content__startswith="Tổ chức đoàn khảo sát thị trường")
    assert Task.objects.filter(plan=plan).count() == before + 1
    assert [lead.agency.name for lead in task.leads.select_related("agency")] == ["Sở Ngoại vụ"]
