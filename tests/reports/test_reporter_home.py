"""A reporter lands on what is due: returned reports on top with the comment, then the rounds
still owed, then those handed in; the task filters fold away."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from reports.models import ReportStatus
from tests.factories import AgencyFactory, LocalityFactory, PlanFactory, TaskFactory, UserFactory
from tests.reports.factories import ReportingRoundFactory, report_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    province = LocalityFactory(name="Tỉnh Việc Cần Làm")
    office = AgencyFactory(province=province, name="Sở Ngoại vụ")
    agency = AgencyFactory(province=province, name="Sở Y tế")
    other = AgencyFactory(province=province, name="Sở Giáo dục")
    coordinator = UserFactory(role=Role.COORDINATOR, province=province, agency=office)
    reporter = UserFactory(role=Role.REPORTER, province=province, agency=agency)
    today = timezone.localdate()
    plans = PlanFactory.create_batch(5, province=province)
    for plan in plans[:4]:
        TaskFactory(plan=plan, lead_agencies=[agency], content=f"Khám bệnh {plan.number}")
    TaskFactory(plan=plans[4], lead_agencies=[other])  # not the reporter's agency

    def opened(number, plan, days):
        return ReportingRoundFactory(
            user=coordinator,
            plans=[plan],
            request_number=number,
            request_date=today - timedelta(days=60),
            period_end=today - timedelta(days=31),
            deadline=today + timedelta(days=days),
        )

    opened("1/UBND-ĐN", plans[0], -3)  # nothing written yet, 3 days late
    accepted = opened("2/UBND-ĐN", plans[1], 5)
    returned = opened("3/UBND-ĐN", plans[2], 30)
    draft = opened("4/UBND-ĐN", plans[3], 12)
    opened("5/UBND-ĐN", plans[4], 8)  # another agency's round
    for reporting_round, state in (
        (accepted, ReportStatus.ACCEPTED),
        (returned, ReportStatus.RETURNED),
        (draft, ReportStatus.DRAFT),
    ):
        report_in_state(
            reporting_round=reporting_round, agency=agency, status=state, coordinator=coordinator
        )
    return {"reporter": reporter, "coordinator": coordinator}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_reporter_lands_on_what_is_due_returned_first(client, world):
    client.force_login(world["reporter"])
    assert client.get("/")["Location"] == "/my-work/"
    response = client.get("/my-work/")
    assert response.status_code == 200
    rows = response.context["due"]
    # Returned on top, then what is still owed by deadline, then what was handed in.
    assert [(r.reporting_round.request_number, r.state) for r in rows] == [
        ("3/UBND-ĐN", "returned"),
        ("1/UBND-ĐN", "not_started"),
        ("4/UBND-ĐN", "draft"),
        ("2/UBND-ĐN", "accepted"),
    ]
    page = text(response.content.decode())
    assert "Bị trả lại Lý do trả lại: Bổ sung số liệu. Sửa và nộp lại" in page
    assert "quá hạn 3 ngày" in page
    assert "Sửa và nộp lại" in page and "Lập báo cáo" in page
    assert "5/UBND-ĐN" not in page  # another agency's round
    # The agency's tasks follow, their filters folded away (a closed <details>).
    html = response.content.decode()
    assert re.search(r'<details class="card filters-fold" id="task-filters">', html)
    assert "Khám bệnh" in page


def test_a_used_filter_stays_unfolded(client, world):
    client.force_login(world["reporter"])
    html = client.get("/my-work/", {"q": "kham benh"}).content.decode()
    assert '<details class="card filters-fold" id="task-filters" open>' in html
    assert client.get("/my-work/", {"q": "khong co gi"}).context["page"].paginator.count == 0


def test_the_task_list_keeps_its_filters_open_for_coordinators(client, world):
    client.force_login(world["coordinator"])
    html = client.get("/tasks/").content.decode()
    assert '<details class="card filters-fold" id="task-filters" open>' in html
    assert client.get("/my-work/").status_code == 404
