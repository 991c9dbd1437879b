"""Agency and plan suggestions from the server as the user types: accent-free, only what the
user may see, a dozen at most; filter forms take a typed name instead of listing every row."""

from __future__ import annotations

import re

import pytest

from agreements.models import Agency, Plan
from agreements.selectors import SUGGEST_LIMIT, choice_from_text
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def suggested(client, url: str, query: str) -> list[str]:
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return re.findall(r'data-value="([^"]*)"', response.content.decode())


def test_unaccented_text_suggests_the_agency_as_written(coordinator_client):
    values = suggested(coordinator_client, "/agencies/suggest/", "so cong")
    assert values[0] == "Sở Công thương"
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh" in suggested(
        coordinator_client, "/agencies/suggest/", "bdbp"
    )


def test_another_provinces_agencies_are_never_suggested(coordinator_client, khanh_hoa):
    own = Agency.objects.get(province__name="Quảng Trị", name="Sở Ngoại vụ")
    foreign = AgencyFactory(province=khanh_hoa, name="Sở Thử Nghiệm Khánh Hòa Riêng")
    assert suggested(coordinator_client, "/agencies/suggest/", "thu nghiem khanh hoa") == []
    values = suggested(coordinator_client, "/agencies/suggest/", "so ngoai vu")
    assert values == [own.name]  # Khánh Hòa's Sở Ngoại vụ is not offered
    assert foreign.name not in values


def test_anonymous_is_sent_to_login_and_htmx_gets_a_whole_page_redirect(client):
    response = client.get("/agencies/suggest/", {"q": "so"})
    assert response.status_code == 302 and "/login" in response["Location"]
    response = client.get("/plans/suggest/", {"q": "165"}, **HX)
    assert (
        response["HX-Redirect"].startswith("/accounts/login") or "login" in response["HX-Redirect"]
    )
    assert b"data-value" not in response.content


def test_few_results_and_a_bounded_query(coordinator_client, quang_tri):
    for n in range(SUGGEST_LIMIT + 5):
        AgencyFactory(province=quang_tri, name=f"Trường Thử Nghiệm số {n}")
    assert len(suggested(coordinator_client, "/agencies/suggest/", "truong thu")) == SUGGEST_LIMIT
    assert suggested(coordinator_client, "/agencies/suggest/", "") == []
    # A pasted page of text is cut to its first words, not searched whole: the word far
    # beyond the limit is never looked for.
    long = "so ngoai vu" + " " * 5000 + "khongcoday"
    assert suggested(coordinator_client, "/agencies/suggest/", long) == ["Sở Ngoại vụ"]


def test_plans_are_suggested_by_number_within_the_province(coordinator_client, coordinator_kh):
    assert "165/QĐ-UBND" in suggested(coordinator_client, "/plans/suggest/", "165 qd")
    assert suggested(coordinator_client, "/plans/suggest/", "592 kh") == []  # Khánh Hòa's
    coordinator_client.force_login(coordinator_kh)
    assert "592/KH-UBND" in suggested(coordinator_client, "/plans/suggest/", "592")


def test_a_superuser_sees_the_province_in_each_suggestion(client, superuser):
    client.force_login(superuser)
    values = suggested(client, "/agencies/suggest/", "so ngoai vu")
    assert "Sở Ngoại vụ (Quảng Trị)" in values and "Sở Ngoại vụ (Khánh Hòa)" in values
    agencies = Agency.objects.all()
    assert choice_from_text(agencies, "Sở Ngoại vụ (Khánh Hòa)").province.name == "Khánh Hòa"
    assert choice_from_text(agencies, "so ngoai vu") is None  # which one? asks to pick


def test_the_task_filter_takes_a_typed_name_and_lists_no_agency_or_plan(coordinator_client):
    page = coordinator_client.get("/tasks/").content.decode()
    # No <select> of every agency or plan: the fields are comboboxes filled from the server.
    assert 'name="lead"' in page and 'role="combobox"' in page
    assert "<option" not in page.split('name="lead"')[1].split("</label>")[0]
    trade = Agency.objects.get(province__name="Quảng Trị", name="Sở Công thương")
    typed = coordinator_client.get("/tasks/", {"lead": "so cong thuong"})
    by_id = coordinator_client.get("/tasks/", {"lead": trade.pk})
    shown = typed.context["page"].paginator.count
    assert shown > 0 and shown == by_id.context["page"].paginator.count
    assert all(
        any(lead.agency_id == trade.pk for lead in task.leads.all())
        for task in typed.context["tasks"]
    )
    # An id from a link shows as the name in the field.
    assert 'value="Sở Công thương"' in by_id.content.decode()
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    by_plan = coordinator_client.get("/tasks/", {"plan": "165/qd-ubnd"})
    assert {task.plan_id for task in by_plan.context["tasks"]} == {plan.pk}


def test_a_name_nobody_has_is_said_in_the_filter(coordinator_client):
    response = coordinator_client.get("/tasks/", {"lead": "so khong co that"})
    assert "Không tìm thấy «so khong co that»" in response.content.decode()


def test_a_foreign_agencys_id_is_refused_like_a_missing_one(coordinator_client):
    foreign = Agency.objects.get(province__name="Khánh Hòa", name="Sở Ngoại vụ")
    html = coordinator_client.get("/tasks/", {"lead": foreign.pk}).content.decode()
    assert f"Không tìm thấy «{foreign.pk}»" in html
    # The field gives back what was sent, never the foreign agency's name.
    assert re.findall(r'name="lead"[^>]*value="([^"]*)"', html) == [str(foreign.pk)]


@pytest.mark.parametrize("typed", ["9" * 30, "١٢٣"])
@pytest.mark.parametrize("page", ["/tasks/", "/dashboard/"])
def test_a_number_that_is_no_id_is_said_like_a_name_nobody_has(coordinator_client, page, typed):
    """An id too long for the database, digits of another script: not looked up as an
    id (thirty digits would overflow the integer column), refused as a name."""
    for name in ("lead", "plan") if page == "/tasks/" else ("agency", "plan"):
        response = coordinator_client.get(page, {name: typed})
        assert response.status_code == 200
        assert f"Không tìm thấy «{typed}»" in response.content.decode()
