"""End to end in Chromium: a coordinator pastes the start of a plan's text on the plan page, fixes
a block in place (an empty text is refused where it was typed), moves one and deletes one,
all without leaving the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from tasks.models import PlanBlock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser-3"


def texts(plan) -> list[str]:
    return list(
        PlanBlock.objects.filter(plan=plan, part="main")
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )


def test_paste_edit_move_and_delete_blocks_in_place(new_page):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    PlanBlock.objects.filter(plan=plan).delete()
    user = User.objects.create_user(
        username="sngv",
        password=PASSWORD,
        role="coordinator",
        province=quang_tri,
        agency=Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    user_apply_role(user)

    page: Page = new_page()
    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill("sngv")
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"/plans/{plan.pk}/")
    text = page.locator("#plan-blocks")
    text.get_by_role("link", name="Dán nhiều đoạn văn").first.click()
    text.locator('textarea[name="text"]').fill(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\n"
        "QUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch hợp tác.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
    )
    text.get_by_role("button", name="Thêm các khối").click()
    expect(page.locator("#plan-blocks .block-heading")).to_have_count(3)
    expect(page.locator("#plan-blocks")).to_contain_text("Điều 2. Quyết định này có hiệu lực")
    assert texts(plan)[0].startswith("Căn cứ Luật")
    url = page.url

    first = page.locator("#plan-blocks .block", has_text="Căn cứ Luật")
    first.get_by_role("link", name="Sửa").click()
    form = page.locator("#plan-blocks .block.editing")
    form.locator('textarea[name="text"]').fill("")
    form.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-blocks .block.editing")).to_contain_text(
        "Khối văn bản không được để trống."
    )
    page.locator('#plan-blocks .block.editing textarea[name="text"]').fill(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
    )
    page.locator("#plan-blocks .block.editing").get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-blocks .block.editing")).to_have_count(0)
    expect(page.locator("#plan-blocks")).to_contain_text("ngày 19 tháng 6 năm 2015;")

    article_two = page.locator("#plan-blocks .block", has_text="Điều 2.")
    article_two.get_by_role("button", name="Chuyển khối lên").click()
    expect(page.locator("#plan-blocks .block").nth(2)).to_contain_text("Điều 2.")

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#plan-blocks .block", has_text="QUYẾT ĐỊNH:").get_by_role(
        "button", name="Xóa"
    ).click()
    expect(page.locator("#plan-blocks")).not_to_contain_text("QUYẾT ĐỊNH:")
    assert page.url == url  # all of it in place
    assert [t[:7] for t in texts(plan)] == ["Căn cứ ", "Quyết đ", "Ban hàn"]
