"""Issue 13: the admin opens a reporting round under the rules the round page applies
(``reports.services.round_check``), so it cannot create a round the page would refuse."""

import pytest
from django.urls import reverse

from agreements.models import Plan
from reports.models import ReportingRound, RoundStatus

pytestmark = pytest.mark.django_db

ADD = "admin:reports_reportinground_add"


def round_data(plans, **changes) -> dict:
    return {
        "request_number": "77/UBND-ĐN",
        "request_date": "2024-03-01",
        "summary": "Báo cáo kết quả thực hiện kế hoạch",
        "plans": [plan.pk for plan in plans],
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "deadline": "2024-04-10",
        "outline": "[]",
        "body": "[]",
        **changes,
    }


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(str(e) for e in response.context["errors"])


def test_the_admin_opens_a_round_as_the_page_does(administrator_client, administrator, quang_tri):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    response = administrator_client.post(reverse(ADD), round_data([plan]))
    assert response.status_code == 302, response.context and response.context["errors"]
    opened = ReportingRound.objects.get(request_number="77/UBND-ĐN")
    assert opened.province == quang_tri and list(opened.plans.all()) == [plan]
    assert opened.status == RoundStatus.OPEN and opened.created_by == administrator


def test_a_round_opened_in_the_admin_tells_its_agencies(administrator_client, quang_tri):
    from reports.models import Notification
    from tests.factories import AgencyFactory, UserFactory
    from tests.reports.factories import reporter_of

    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn")  # leads tasks of 165
    bystander = UserFactory(province=quang_tri, agency=AgencyFactory(province=quang_tri))
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    administrator_client.post(reverse(ADD), round_data([plan]))
    opened = ReportingRound.objects.get(request_number="77/UBND-ĐN")
    told = Notification.objects.filter(reporting_round=opened, kind="round_opened")
    assert told.filter(user=reporter).count() == 1
    assert not told.filter(user=bystander).exists()


def test_the_admin_refuses_a_request_number_the_province_already_has(
    administrator_client, quang_tri
):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    taken = ReportingRound.objects.filter(province=quang_tri).first()
    before = ReportingRound.objects.count()
    response = administrator_client.post(
        reverse(ADD), round_data([plan], request_number=taken.request_number)
    )
    assert "đợt báo cáo" in errors_of(response).lower()
    assert ReportingRound.objects.count() == before


def test_the_admin_refuses_dates_out_of_order(administrator_client, quang_tri):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    response = administrator_client.post(reverse(ADD), round_data([plan], deadline="2024-02-01"))
    assert "Hạn nộp không thể trước ngày văn bản yêu cầu." in errors_of(response)
    assert not ReportingRound.objects.filter(request_number="77/UBND-ĐN").exists()


def test_a_superuser_cannot_mix_provinces_in_one_round(client, superuser, quang_tri, khanh_hoa):
    client.force_login(superuser)
    ours = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    theirs = Plan.objects.filter(province=khanh_hoa).first()
    response = client.post(
        reverse(ADD), round_data([ours, theirs], province=quang_tri.pk, status="open")
    )
    assert "cùng tỉnh" in errors_of(response)
    assert not ReportingRound.objects.filter(request_number="77/UBND-ĐN").exists()
    response = client.post(reverse(ADD), round_data([ours], province=quang_tri.pk))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert ReportingRound.objects.get(request_number="77/UBND-ĐN").created_by == superuser
