"""'Nhiệm vụ của đơn vị': a reporter's tasks across plans, filtered as the user asks."""

from datetime import date

import pytest

from agreements.models import Agency, Locality, Plan
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_affairs(client, quang_tri):
    agency = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    client.force_login(make_user("sngv", "reporter", quang_tri, agency))
    return client


def listed(client, **params):
    response = client.get("/tasks/", params)
    assert response.status_code == 200
    return response.context["page"].paginator.count, response.context["tasks"]


def test_filters(foreign_affairs, quang_tri):
    total, _ = listed(foreign_affairs)
    plan = Plan.objects.get(province=quang_tri, number="6452/UBND-ĐN")
    in_directive, tasks = listed(foreign_affairs, plan=plan.pk)
    assert 0 < in_directive < total
    assert all(t.plan_id == plan.pk for t in tasks)

    salavan = Locality.objects.get(name="Salavan")
    with_salavan, tasks = listed(foreign_affairs, partner=salavan.pk)
    assert 0 < with_salavan < total
    assert all(salavan in t.partners.all() for t in tasks)

    due, tasks = listed(foreign_affairs, due_before="2020-12-31")
    assert due > 0 and all(t.end_date <= date(2020, 12, 31) for t in tasks)

    found, tasks = listed(foreign_affairs, q="hoi dam cap cao")
    assert found >= 2 and all("hội đàm cấp cao" in t.content.lower() for t in tasks)

    none, _ = listed(foreign_affairs, status="done")
    assert none == 0


def test_field_filter_on_a_plan_with_a_field_column(client, khanh_hoa):
    agency = Agency.objects.get(province=khanh_hoa, name="Sở Y tế")
    client.force_login(make_user("yte", "reporter", khanh_hoa, agency))
    count, tasks = listed(client, field="Y tế")
    assert count == 2 and {t.number for t in tasks} == {"15.", "16."}


def test_bad_filter_values_give_a_message_not_an_error(foreign_affairs):
    response = foreign_affairs.get("/tasks/", {"due_before": "31/02/2020", "plan": "999999"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_plan_list_filters(coordinator_client, quang_tri):

    def numbers(**params):
        response = coordinator_client.get("/plans/", params)
        assert response.status_code == 200
        return {p.number for p in response.context["plans"]}

    assert numbers() == {"165/QĐ-UBND", "3289/QĐ-UBND", "6452/UBND-ĐN"}
    assert numbers(year=2018) == {"3289/QĐ-UBND"}
    assert numbers(kind="directive") == {"6452/UBND-ĐN"}
    assert numbers(status="closed") == {"3289/QĐ-UBND"}
    assert numbers(q="salavan") == {"165/QĐ-UBND", "3289/QĐ-UBND"}
    salavan = Locality.objects.get(name="Salavan")
    assert numbers(partner=salavan.pk) == {"165/QĐ-UBND", "3289/QĐ-UBND"}


def test_task_list_coordinating_filter_and_sorting(foreign_affairs, quang_tri):
    customs = Agency.objects.get(province=quang_tri, name="Cục Hải quan tỉnh")
    count, tasks = listed(foreign_affairs, coordinating=customs.pk)
    assert count >= 1 and all(customs in t.coordinating_agencies.all() for t in tasks)
    _, by_end = listed(foreign_affairs, order="-end")
    ends = [t.end_date for t in by_end if t.end_date]
    assert ends == sorted(ends, reverse=True)


def test_a_superuser_filters_plans_by_province(client, khanh_hoa):
    from accounts.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.gov.vn", "x-Strong-12"))
    response = client.get("/plans/", {"province": khanh_hoa.pk})
    assert {p.number for p in response.context["plans"]} == {"592/KH-UBND"}


def test_the_plan_list_is_paged(coordinator_client, quang_tri):
    """Fifty plans a page, the filter kept from page to page (the whole country has hundreds)."""
    from tests.factories import PlanFactory

    for n in range(52):
        PlanFactory(province=quang_tri, number=f"{n + 1}/KH-UBND", title=f"Kế hoạch nhỏ {n + 1}")
    first = coordinator_client.get("/plans/", {"q": "ke hoach nho"})
    assert len(first.context["plans"]) == 50
    html = first.content.decode()
    assert "Trang 1/2" in html and "page=2" in html and "q=ke+hoach+nho" in html
    second = coordinator_client.get("/plans/", {"q": "ke hoach nho", "page": 2})
    every = {p.number for p in first.context["plans"]} | {p.number for p in second.context["plans"]}
    assert len(every) == first.context["page"].paginator.count == 52
    assert "Trang 1/2" not in coordinator_client.get("/plans/", {"year": 2018}).content.decode()


def test_a_field_typed_into_a_task_is_offered_by_the_next_filter(coordinator_client, coordinator):
    """The filter's fields are kept between views while nothing changes; a task given a new
    field through the app is offered at once."""
    from tasks.models import Task
    from tasks.services import task_update

    def offered() -> set[str]:
        response = coordinator_client.get("/tasks/")
        return {
            value for value, _label in response.context["filter"].filters["field"].extra["choices"]
        }

    before = offered()
    assert "Hợp tác thể thao" not in before and offered() == before
    task = Task.objects.filter(plan__province=coordinator.province).order_by("pk").first()
    task_update(
        task=task,
        user=coordinator,
        fields={"field": "Hợp tác thể thao"},
        lead_agencies=[lead.agency for lead in task.leads.all()],
    )
    assert offered() == before | {"Hợp tác thể thao"}
