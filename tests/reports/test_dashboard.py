"""The leaders' dashboard: plans in force, status counts, overdue, funds, drill-down."""

from datetime import date

import pytest

from agreements.models import Locality, Plan
from tasks.models import Task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_client(client, quang_tri):
    client.force_login(make_user("ld", "leader", quang_tri, None))
    return client


def test_leader_lands_on_the_dashboard_and_sees_each_plan(leader_client, quang_tri):
    assert leader_client.get("/")["Location"] == "/dashboard/"
    response = leader_client.get("/dashboard/")
    panels = {p.plan.number: p for p in response.context["panels"]}
    assert set(panels) == {"165/QĐ-UBND", "6452/UBND-ĐN"}  # 3289 is closed
    plan_165 = panels["165/QĐ-UBND"]
    assert plan_165.total == 49
    # The seed period 2020-2022 is over: every open task is overdue.
    assert plan_165.overdue == 49
    assert plan_165.funds_planned == 12_000_000_000  # 2 × 6 tỷ
    html = response.content.decode()
    assert "<svg" in html and "overdue=true" in html
    assert "Hạn nộp" in html


def test_filters_and_drill_down(leader_client, quang_tri):
    salavan = Locality.objects.get(name="Salavan")
    response = leader_client.get("/dashboard/", {"partner": salavan.pk})
    assert [p.plan.number for p in response.context["panels"]] == ["165/QĐ-UBND"]
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    drill = leader_client.get("/tasks/", {"plan": plan.pk, "overdue": "true"})
    assert drill.context["page"].paginator.count == 49
    done = Task.objects.filter(plan=plan).first()
    done.status = "done"
    done.save()
    panels = {p.plan.number: p for p in leader_client.get("/dashboard/").context["panels"]}
    assert panels["165/QĐ-UBND"].overdue == 48


def test_upcoming_deadlines(leader_client, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from tests.reports.factories import open_round

    open_round(coordinator, number="87/UBND-ĐN", deadline=date(2099, 1, 1))
    open_round(coordinator, number="88/UBND-ĐN", deadline=timezone.localdate() + timedelta(days=30))
    labels = [" ".join(items) for _, items in leader_client.get("/dashboard/").context["upcoming"]]
    assert any("88/UBND-ĐN" in label for label in labels)
    assert not any("87/UBND-ĐN" in label for label in labels)


def test_reporters_have_no_dashboard(client, quang_tri):
    from agreements.models import Agency

    client.force_login(
        make_user(
            "r", "reporter", quang_tri, Agency.objects.get(province=quang_tri, name="Sở Y tế")
        )
    )
    assert client.get("/dashboard/").status_code == 404
