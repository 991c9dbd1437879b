"""Carry forward to the next period, and the 2025 reorganisation moving open tasks to successors."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agency, Plan
from tasks.models import Task
from tasks.services import agency_replace, plan_carry_forward

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_165(quang_tri):
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


def test_carry_forward_copies_unfinished_tasks_with_their_origin(plan_165, coordinator):
    done = Task.objects.filter(plan=plan_165).order_by("position")[:5]
    for task in done:
        task.status = "done"
        task.save()
    draft = plan_carry_forward(
        plan=plan_165,
        number="20/KH-UBND",
        title="Kế hoạch hợp tác 2023 - 2025",
        start_year=2023,
        end_year=2025,
        user=coordinator,
    )
    assert draft.status == "draft" and draft.predecessor == plan_165
    copies = list(draft.tasks.select_related("origin", "section").order_by("position"))
    assert len(copies) == 49 - 5
    assert {c.origin_id for c in copies}.isdisjoint({t.pk for t in done})
    for copy in copies:
        origin = copy.origin
        assert (copy.number, copy.content, copy.lead_text, copy.coordinating_text) == (
            origin.number,
            origin.content,
            origin.lead_text,
            origin.coordinating_text,
        )
        assert [lead.agency_id for lead in copy.leads.all()] == [
            lead.agency_id for lead in origin.leads.all()
        ]
        assert copy.section.title == origin.section.title
        assert set(copy.partners.all()) == set(origin.partners.all())
    # Both appendices are carried over: each still holds unfinished tasks.
    assert draft.sections.filter(kind="appendix").count() == 2
    assert draft.history.first().history_user == coordinator


def test_carry_forward_refuses_a_bad_period_and_saves_nothing(plan_165):
    before = Plan.objects.count()
    with pytest.raises(ValidationError):
        plan_carry_forward(
            plan=plan_165, number="21/KH-UBND", title="x", start_year=2025, end_year=2023
        )
    assert Plan.objects.count() == before


def test_agency_replaced_by_successor_takes_its_open_tasks(quang_tri, khanh_hoa, coordinator):
    planning = Agency.objects.get(province=quang_tri, name="Sở Kế hoạch và Đầu tư")
    finance = Agency.objects.get(province=quang_tri, name="Sở Tài chính")
    coordinated = list(Task.objects.filter(coordinating_agencies=planning))
    assert coordinated, "165 names Sở Kế hoạch và Đầu tư as coordinating agency"
    khanh_hoa_planning = Agency.objects.get(province=khanh_hoa, name="Sở Kế hoạch và Đầu tư")
    khanh_hoa_led = list(Task.objects.filter(leads__agency=khanh_hoa_planning))

    moved = agency_replace(
        agency=planning, successor=finance, since=date(2025, 3, 1), user=coordinator
    )
    planning.refresh_from_db()
    assert not planning.active and planning.successor == finance
    assert moved == 0  # in Quảng Trị it only coordinates
    for task in coordinated:
        assert finance in task.coordinating_agencies.all()
        assert planning not in task.coordinating_agencies.all()
    # Another province's agency of the same name is another record, untouched.
    assert list(Task.objects.filter(leads__agency=khanh_hoa_planning)) == khanh_hoa_led


def test_replacing_a_lead_moves_it_and_history_says_so(quang_tri, coordinator):
    foreign = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    successor = Agency.objects.create(province=quang_tri, name="Sở Ngoại vụ (sau sáp nhập)")
    led = Task.objects.filter(leads__agency=foreign).order_by("pk")
    done_task = led.first()
    done_task.status = "done"
    done_task.save()
    open_count = led.exclude(status="done").count()
    assert agency_replace(agency=foreign, successor=successor, since=date(2025, 7, 1)) == open_count
    done_task.refresh_from_db()
    assert foreign in [lead.agency for lead in done_task.leads.all()]  # finished work stays
    moved = Task.objects.filter(leads__agency=successor).first()
    assert moved.lead_text == ""
    assert "01/07/2025" in moved.history.first().history_change_reason


def test_carry_forward_from_the_plan_page(coordinator_client, plan_165):
    form = coordinator_client.get(f"/plans/{plan_165.pk}/carry-forward/")
    assert form.context["form"].initial["start_year"] == 2023
    response = coordinator_client.post(
        f"/plans/{plan_165.pk}/carry-forward/",
        {
            "number": "22/KH-UBND",
            "title": "Kế hoạch 2023 - 2025",
            "start_year": 2023,
            "end_year": 2025,
        },
        follow=True,
    )
    draft = Plan.objects.get(number="22/KH-UBND")
    assert "49 nhiệm vụ chưa hoàn thành" in response.content.decode()
    assert draft.tasks.filter(origin__plan=plan_165).count() == 49
    again = coordinator_client.post(
        f"/plans/{plan_165.pk}/carry-forward/",
        {"number": "22/KH-UBND", "title": "x", "start_year": 2023, "end_year": 2025},
    )
    assert "đã có văn bản số này" in again.content.decode()
