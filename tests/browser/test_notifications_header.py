"""In Chromium: a reporter told of a new round sees the count in the header, opens the list, opens
the notification (it lands on the round and is marked read), and the count goes away."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from reports import services
from reports.models import Notification
from tests.browser.test_report_flow import log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROUND_NUMBER = "88/UBND-ĐN"


def test_the_header_list_of_notifications(transactional_db, new_page):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    le_duan = Agency.objects.get(province=quang_tri, name="Trường Chính trị Lê Duẩn")
    coordinator = make_user(
        "dp_thongbao",
        Role.COORDINATOR,
        quang_tri,
        Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    reporter = make_user("bc_thongbao", Role.REPORTER, quang_tri, le_duan)
    today = timezone.localdate()
    reporting_round = services.round_open(
        user=coordinator,
        request_number=ROUND_NUMBER,
        request_date=today,
        plans=[Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")],
        period_start=today.replace(month=1, day=1),
        period_end=today,
        deadline=today + timedelta(days=30),
    )
    assert Notification.objects.filter(user=reporter, read_at__isnull=True).count() == 1

    page = new_page()
    log_in(page, "bc_thongbao")
    # The landing page lists the new round as owed.
    expect(page).to_have_url(re.compile(r"/my-work/$"))
    expect(page.locator("#due")).to_contain_text(ROUND_NUMBER)
    expect(page.locator("#task-filters")).not_to_have_attribute("open", "")

    link = page.locator("header #notifications-link")
    expect(link).to_have_accessible_name("Thông báo: 1 chưa xem")
    expect(link.locator(".badge")).to_have_text("1")
    link.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    item = page.locator("#notifications li.unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"Đợt báo cáo {ROUND_NUMBER}: Trường Chính trị Lê Duẩn")
    item.get_by_text("Nội dung").click()
    expect(item).to_contain_text("nhiệm vụ")

    item.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/rounds/{reporting_round.pk}/$"))
    expect(page.locator("header #notifications-link")).to_have_accessible_name("Thông báo")
    expect(page.locator("header #notifications-link .badge")).to_have_count(0)
    page.goto("/notifications/")
    expect(page.locator("#notifications li.read")).to_have_count(1)
    expect(page.locator("#notifications li.unread")).to_have_count(0)
