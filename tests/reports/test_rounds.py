"""A coordinator opens a round in the browser; the overview shows agencies × state and tasks."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from agreements.models import Plan
from reports.models import ReportingRound
from reports.services import report_accept, report_save, report_start, report_submit
from tests.factories import PlanFactory
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round, reporter_of

pytestmark = pytest.mark.django_db


def test_coordinator_opens_a_round_with_the_outline(coordinator_client, quang_tri):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    response = coordinator_client.post(
        "/rounds/new/",
        {
            "request_number": "120/UBND-ĐN",
            "request_date": "05/01/2027",
            "requesting_body": "UBND tỉnh Quảng Trị",
            "summary": "V/v báo cáo kết quả năm 2026",
            "plans": [plan.pk],
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "deadline": "2027-01-20",
            "outline_text": "I. Kết quả\n1. Trao đổi đoàn\n2. Kinh phí\nII. Khó khăn",
        },
    )
    assert response.status_code == 302
    created = ReportingRound.objects.get(request_number="120/UBND-ĐN")
    assert created.province == quang_tri
    assert created.request_date == date(2027, 1, 5)
    assert created.requesting_body == "UBND tỉnh Quảng Trị"
    assert [item["number"] for item in created.outline] == ["I.", "II."]
    assert [c["title"] for c in created.outline[0]["children"]] == ["Trao đổi đoàn", "Kinh phí"]


def test_round_form_names_bad_fields(coordinator_client, quang_tri):
    response = coordinator_client.post(
        "/rounds/new/",
        {
            "request_number": "121/UBND-ĐN",
            "request_date": "31/02/2027",
            "period_start": "2026-12-31",
            "period_end": "2026-01-01",
            "deadline": "2027-01-20",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "request_date" in errors and "plans" in errors
    assert not ReportingRound.objects.filter(request_number="121/UBND-ĐN").exists()


def test_coordinator_cannot_put_another_provinces_plan_in_a_round(coordinator_client, khanh_hoa):
    foreign = Plan.objects.get(province=khanh_hoa, number="592/KH-UBND")
    response = coordinator_client.post(
        "/rounds/new/",
        {
            "request_number": "122/UBND-ĐN",
            "request_date": "2027-01-05",
            "plans": [foreign.pk],
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "deadline": "2027-01-20",
        },
    )
    assert "plans" in response.context["form"].errors
    assert not ReportingRound.objects.filter(request_number="122/UBND-ĐN").exists()


def test_overview_matrix_and_latest_task_status(coordinator_client, coordinator, quang_tri):
    today = timezone.localdate()
    reporting_round = open_round(coordinator, deadline=today - timedelta(days=1))
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn")
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report, "done"),
    )
    report = report_submit(report=report, user=reporter, version=report.version)
    report_accept(report=report, user=coordinator)

    response = coordinator_client.get(f"/rounds/{reporting_round.pk}/")
    counts = {key: count for key, _, count in response.context["counts"]}
    assert counts["accepted"] == 1
    owing = len(response.context["rows"])
    assert counts["not_started"] == owing - 1
    assert counts["overdue"] == owing - 1  # deadline passed yesterday
    statuses = {
        t.number: t.latest_entry.status
        for t in response.context["tasks"]
        if t.latest_entry and t.plan.number == "165/QĐ-UBND"
    }
    assert statuses == {"17.": "done", "20.": "done"}

    only_late = coordinator_client.get(f"/rounds/{reporting_round.pk}/", {"state": "overdue"})
    assert all(row.overdue for row in only_late.context["rows"])
    assert "Trường Chính trị Lê Duẩn" not in {r.agency.name for r in only_late.context["rows"]}


def test_coordinator_enters_a_paper_report_on_behalf(coordinator_client, coordinator, quang_tri):
    from agreements.models import Agency

    reporting_round = open_round(coordinator)
    agency = Agency.objects.get(province=quang_tri, name="Công an tỉnh")
    response = coordinator_client.post(f"/rounds/{reporting_round.pk}/behalf/{agency.pk}/")
    assert response.status_code == 302
    report = reporting_round.reports.get(agency=agency)
    detail = coordinator_client.get(f"/reports/{report.pk}/").content.decode()
    assert "nhập thay cho Công an tỉnh" in detail


def _outline(response) -> str:
    return response.context["form"].initial["outline_text"]


def test_a_new_plans_round_never_starts_from_another_plans_outline(coordinator_client, quang_tri):
    """The round form used to pre-fill the outline of 1010/UBND-ĐN (on 3289/QĐ-UBND) for any
    plan. Now: empty by default; the last round of the plan chosen; or a round chosen as the
    template. The requesting body follows, else the province's People's Committee."""
    old_plan = Plan.objects.get(province=quang_tri, number="3289/QĐ-UBND")
    old_round = ReportingRound.objects.get(plans=old_plan, request_number="1010/UBND-ĐN")
    assert "Hoạt động trao đổi đoàn" in str(old_round.outline)

    blank = coordinator_client.get("/rounds/new/")
    assert _outline(blank) == ""
    assert blank.context["form"].initial["requesting_body"] == "UBND tỉnh Quảng Trị"
    assert 'id="id_requesting_body"' in blank.content.decode()

    # A new plan has no earlier round: nothing of 3289's is offered.
    new_plan = PlanFactory(province=quang_tri, number="15/KH-UBND")
    for_new = coordinator_client.get("/rounds/new/", {"plan": new_plan.pk})
    assert _outline(for_new) == ""
    assert for_new.context["form"].initial["plans"] == [new_plan.pk]

    # The same plan's last round gives its outline and requesting body.
    ReportingRound.objects.filter(pk=old_round.pk).update(requesting_body="Văn phòng UBND tỉnh")
    for_3289 = coordinator_client.get("/rounds/new/", {"plan": old_plan.pk})
    assert "Hoạt động trao đổi đoàn" in _outline(for_3289)
    assert for_3289.context["form"].initial["requesting_body"] == "Văn phòng UBND tỉnh"
    assert "lấy theo đợt 1010/UBND-ĐN" in for_3289.content.decode()

    # A round chosen as the template wins over the plan's own, for a new plan too.
    chosen = coordinator_client.get(
        "/rounds/new/", {"plan": new_plan.pk, "outline_from": old_round.pk}
    )
    assert "Hoạt động trao đổi đoàn" in _outline(chosen)
    assert chosen.context["form"].initial["plans"] == [new_plan.pk]


def test_a_later_round_of_the_same_plan_is_the_one_offered(
    coordinator_client, coordinator, quang_tri
):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")  # also in 6452's round
    first = open_round(coordinator, number="30/UBND-ĐN")
    first.outline = [{"number": "I.", "title": "Đề cương năm đầu", "children": []}]
    first.request_date = date(2024, 1, 5)
    first.save()
    later = open_round(coordinator, number="31/UBND-ĐN")
    later.outline = [{"number": "I.", "title": "Đề cương năm sau", "children": []}]
    later.request_date = date(2025, 1, 5)
    later.save()
    assert _outline(coordinator_client.get("/rounds/new/", {"plan": plan.pk})) == (
        "I. Đề cương năm sau"
    )


def test_another_provinces_round_cannot_be_the_template(coordinator_client, coordinator_kh):
    foreign = open_round(coordinator_kh, numbers=("592/KH-UBND",), number="40/UBND-ĐN")
    foreign.outline = [{"number": "I.", "title": "Của Khánh Hòa", "children": []}]
    foreign.save()
    response = coordinator_client.get("/rounds/new/", {"outline_from": foreign.pk})
    assert response.status_code == 200
    assert _outline(response) == ""
    assert "outline_from" in response.context["start_form"].errors
