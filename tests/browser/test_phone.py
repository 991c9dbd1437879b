"""On a phone (390 × 844): the plan's table is one card per task with its actions at hand, the
inline task form fits the screen, the dashboard's chart fits its card.
(tests/browser/test_screens.py checks that no screen at all scrolls sideways.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agreements.models import Plan
from tasks.models import Task
from tests.browser.screens import SIZES, demo_load, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = SIZES["phone"]["width"]


def inside_the_screen(box) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5


def test_plan_table_cards_inline_form_and_dashboard_chart_on_a_phone(new_page):
    demo_load()
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    page = new_page()
    page.set_viewport_size(SIZES["phone"])
    log_in(page, "dieuphoi")
    page.goto(f"/plans/{plan.pk}/")
    rows = page.locator("#plan-rows tr[id^=task-]")
    first, second = (
        Task.objects.get(pk=int(rows.nth(i).get_attribute("id").removeprefix("task-")))
        for i in (0, 1)
    )
    assert first.section_id == second.section_id

    # One card per task: the column heads are not drawn, each cell says what it is.
    head = page.locator("#plan-table thead").bounding_box()
    assert head["width"] <= 1 and head["height"] <= 1, head
    card = page.locator(f"#task-{first.pk}")
    assert inside_the_screen(card.bounding_box())
    lead_cell = card.locator('td[data-label="Đơn vị chủ trì"]')
    assert (
        page.evaluate("el => getComputedStyle(el, '::before').content", lead_cell.element_handle())
        == '"Đơn vị chủ trì"'
    )
    # Its actions are on screen, big enough for a thumb.
    for control in (
        card.get_by_role("link", name="Sửa"),
        card.get_by_role("button", name=f"Chuyển nhiệm vụ {first.number} xuống"),
        card.get_by_role("button", name=f"Xóa nhiệm vụ {first.number}"),
    ):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert inside_the_screen(box), box
        assert box["height"] >= 40, box
    card.get_by_role("button", name=f"Chuyển nhiệm vụ {first.number} xuống").click()
    expect(rows.nth(1)).to_have_id(f"task-{first.pk}")
    expect(rows.first).to_have_id(f"task-{second.pk}")

    # The inline form for a new task fits, every box of it.
    page.locator("#plan-rows a.add-task").first.click()
    form = page.locator("#task-new form")
    expect(form).to_be_visible()
    assert inside_the_screen(form.bounding_box())
    for field in form.locator("input:not([type=hidden]), select, textarea").all():
        assert inside_the_screen(field.bounding_box()), field.get_attribute("name")
    form.locator('[name="content"]').fill("Trao đổi đoàn nghệ thuật dịp Tết cổ truyền.")
    form.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-rows tr", has_text="đoàn nghệ thuật dịp Tết")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    # The dashboard's chart shrinks to its card.
    page.goto("/dashboard/")
    panel = page.locator("#plans-panel")
    chart = panel.locator(".chart svg")
    expect(chart).to_be_visible()
    panel_box, chart_box = panel.bounding_box(), chart.bounding_box()
    assert inside_the_screen(panel_box)
    assert chart_box["x"] >= panel_box["x"]
    assert chart_box["x"] + chart_box["width"] <= panel_box["x"] + panel_box["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
