"""In Chromium: what an inline action answers is always seen. A refusal shows its message in
place, a failed request shows a banner, an expired session goes to the login page and back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from tasks.models import Section, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser-htmx"


def login(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill(username)
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_refusal_failure_and_expired_session_are_all_seen(new_page):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    user = User.objects.create_user(
        username="dieuphoi",
        password=PASSWORD,
        role="coordinator",
        province=quang_tri,
        agency=Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    user_apply_role(user)
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    section = Section.objects.filter(plan=plan, tasks__isnull=False).first()
    first, second = Task.objects.filter(plan=plan).order_by("pk")[:2]

    page: Page = new_page()
    login(page, "dieuphoi")
    page.goto(f"/plans/{plan.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())

    # A refused delete (the section still has tasks): the reason appears, nothing is removed.
    page.locator(f"#section-{section.pk}").get_by_role("button", name="Xóa mục").click()
    alert = page.locator("#messages [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("nhiệm vụ")
    expect(page.locator(f"#section-{section.pk}")).to_be_visible()

    # The task was deleted meanwhile (another tab, another person): the banner says so.
    Task.objects.filter(pk=first.pk).delete()
    page.locator(f"#task-{first.pk}").get_by_role("link", name="Sửa").click()
    banner = page.locator("#request-error")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("404")

    # The session ends: the next inline action opens the login page, which leads back here.
    page.context.clear_cookies()
    page.locator(f"#task-{second.pk}").get_by_role("link", name="Sửa").click()
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=%2Fplans%2F{plan.pk}%2F$"))
    expect(page.locator("main input[name=username]")).to_be_visible()
    page.locator('main input[name="username"]').fill("dieuphoi")
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
