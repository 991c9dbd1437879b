"""In Chromium: tasks added in place to two appendices stay under their own appendix, in the
order they were added, before and after a reload; agencies are suggested as the user types
without accents, in the task form and in the task list's filter, and picked with the keyboard
or the mouse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from tasks.models import Task
from tasks.services import section_create
from tests.browser.screens import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser-17"


def coordinator_logged_in(page: Page) -> Locality:
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    user = User.objects.create_user(
        username="sngv17",
        password=PASSWORD,
        role="coordinator",
        province=quang_tri,
        agency=Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    user_apply_role(user)
    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill("sngv17")
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return quang_tri


def table_rows(page: Page) -> list[str]:
    """The plan table as a reader sees it: a section by its number, a task by its content."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#plan-rows > tr')).map(tr =>
            tr.classList.contains('section')
              ? tr.querySelector('th').childNodes[0].textContent.trim()
              : (tr.textContent.match(/Việc [AB]\\d/) || [''])[0])"""
    )


def test_tasks_added_to_two_appendices_stay_under_their_own_before_and_after_reload(new_page):
    seed_load()
    page = new_page()
    quang_tri = coordinator_logged_in(page)
    plan = Plan.objects.create(
        province=quang_tri, kind="decision", number="17/QĐ-UBND", title="Thử thứ tự",
        start_year=2026, end_year=2027,
    )  # fmt: skip
    one = section_create(plan=plan, kind="appendix", number="Phụ lục I")
    two = section_create(plan=plan, kind="appendix", number="Phụ lục II")
    page.goto(f"/plans/{plan.pk}/")

    def add(section, content: str, *, pick_lead: bool = False) -> None:
        page.locator(f"#section-{section.pk} a.add-task").click()
        form = page.locator("#task-new form")
        expect(form).to_be_visible()
        form.locator('[name="content"]').fill(content)
        leads = form.locator('[name="leads"]')
        if pick_lead:
            # Typed without accents; the server suggests the agency; ↓ and Enter pick it.
            leads.press_sequentially("so ngoai")
            option = form.get_by_role("option", name=re.compile("Sở Ngoại vụ"))
            expect(option).to_be_visible()
            expect(leads).to_have_attribute("aria-expanded", "true")
            leads.press("ArrowDown")
            expect(leads).to_have_attribute("aria-activedescendant", re.compile(".+"))
            leads.press("Enter")
            expect(leads).to_have_value("Sở Ngoại vụ")
            expect(leads).to_have_attribute("aria-expanded", "false")
        else:
            leads.fill("so ngoai vu")
        form.get_by_role("button", name="Lưu").click()
        expect(page.locator("#plan-rows tr", has_text=content)).to_be_visible()
        expect(page.locator("#task-new")).to_have_count(0)

    add(one, "Việc A1", pick_lead=True)
    add(two, "Việc B1")
    add(one, "Việc A2")
    add(two, "Việc B2")
    add(one, "Việc A3")
    add(two, "Việc B3")

    expected = ["Phụ lục I", "Việc A1", "Việc A2", "Việc A3"]
    expected += ["Phụ lục II", "Việc B1", "Việc B2", "Việc B3"]
    assert table_rows(page) == expected
    page.reload()
    assert table_rows(page) == expected
    # Typed without accents or picked, the lead prints as the agency is written.
    assert set(Task.objects.filter(plan=plan).values_list("lead_text", flat=True)) == {
        "Sở Ngoại vụ"
    }

    # The timeline lists the tasks under the same appendices, in the same order.
    page.goto(f"/plans/{plan.pk}/timeline/")
    rows = page.locator(".timeline-table tbody tr").all_inner_texts()
    labels = [
        "Phụ lục II" if "Phụ lục II" in row else "Phụ lục I" if "Phụ lục I" in row else
        (re.search(r"Việc [AB]\d", row) or [""])[0]
        for row in rows
    ]  # fmt: skip
    assert labels == expected


def test_the_task_filter_suggests_an_agency_typed_without_accents(new_page):
    seed_load()
    page = new_page()
    coordinator_logged_in(page)
    page.goto("/tasks/")
    # No list of every agency on the page: the field asks the server as the user types.
    lead = page.get_by_role("combobox", name="Đơn vị chủ trì")
    expect(page.locator('select[name="lead"]')).to_have_count(0)
    lead.press_sequentially("so cong")
    option = page.get_by_role("option", name=re.compile("^Sở Công thương"))
    expect(option).to_be_visible()
    expect(page.get_by_role("listbox", name="Gợi ý").first).to_be_visible()
    # The open list passes axe too (combobox, listbox and options named and wired).
    assert axe_problems(page) == []
    option.click()
    expect(lead).to_have_value("Sở Công thương")
    expect(lead).to_be_focused()
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"lead=S"))
    trade = Agency.objects.get(province__name="Quảng Trị", name="Sở Công thương")
    led = Task.objects.filter(leads__agency=trade).count()
    assert led > 0
    expect(page.locator("main p.muted").first).to_contain_text(f"{led} nhiệm vụ")
    expect(page.get_by_role("combobox", name="Đơn vị chủ trì")).to_have_value("Sở Công thương")
