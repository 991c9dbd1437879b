"""The section form: kind and partner, empty and duplicate sections refused; the next STT."""

from __future__ import annotations

import pytest

from agreements.models import Locality, Plan
from tasks.models import Section, Task
from tasks.services import task_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(quang_tri):
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


def locality(name):
    return Locality.objects.get(name=name)


def test_the_form_offers_kind_and_the_plans_partners_first(coordinator_client, plan):
    response = coordinator_client.get(f"/plans/{plan.pk}/sections/new/")
    form = response.context["form"]
    assert [label for _, label in form.fields["kind"].choices][1:] == [
        "Phụ lục",
        "Phần, mục",
        "Nhóm, lĩnh vực",
    ]
    names = [str(option) for option in form.fields["partner"].queryset]
    assert sorted(names[:2]) == ["Salavan", "Savannakhet"]
    assert len(names) > 2  # other partner localities follow
    assert "Quảng Trị" not in names  # the home province is nobody's partner


def test_an_appendix_for_one_partner_and_its_tasks_inherit_it(coordinator_client, plan):
    response = coordinator_client.post(
        f"/plans/{plan.pk}/sections/new/",
        {
            "kind": "appendix",
            "number": "PHỤ LỤC III",
            "title": "HỢP TÁC BỔ SUNG",
            "partner": locality("Savannakhet").pk,
        },
    )
    assert response.status_code == 302
    appendix = plan.sections.get(number="PHỤ LỤC III")
    assert (appendix.kind, appendix.partner.name) == ("appendix", "Savannakhet")
    coordinator_client.post(
        f"/plans/{plan.pk}/sections/new/", {"parent": appendix.pk, "number": "I.", "title": "Y tế"}
    )
    part = appendix.children.get()
    assert part.kind == "part" and part.partner is None  # the kind follows the place
    coordinator_client.post(
        f"/plans/{plan.pk}/tasks/new/",
        {"section": part.pk, "number": "1.", "content": "Khám bệnh", "status": "not_started"},
    )
    inherited = Task.objects.get(plan=plan, content="Khám bệnh")
    assert [p.name for p in inherited.partners.all()] == ["Savannakhet"]
    named = task_create(
        plan=plan, section=part, content="Riêng", partners=[locality("Chămpasắc")], number="2."
    )

    # The appendix changes partner: the task that inherited follows, the one that named its own
    # partner keeps it.
    response = coordinator_client.post(
        f"/sections/{appendix.pk}/edit/",
        {
            "kind": "appendix",
            "number": "PHỤ LỤC III",
            "title": "HỢP TÁC BỔ SUNG",
            "partner": locality("Salavan").pk,
        },
        **HX,
    )
    assert response.status_code == 200 and "Đối tác: Salavan" in response.content.decode()
    assert [p.name for p in inherited.partners.all()] == ["Salavan"]
    coordinator_client.post(
        f"/sections/{appendix.pk}/edit/",
        {"kind": "appendix", "number": "PHỤ LỤC III", "title": "HỢP TÁC BỔ SUNG"},
        **HX,
    )
    assert {p.name for p in inherited.partners.all()} == {"Savannakhet", "Salavan"}  # the plan's
    assert [p.name for p in named.partners.all()] == ["Chămpasắc"]
    assert appendix.history.first().history_user.username == "coordinator"


def test_an_empty_section_is_refused_next_to_the_field(coordinator_client, plan):
    before = plan.sections.count()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/sections/new/", {"kind": "part", "number": "  ", "title": " "}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["Hãy nhập số thứ tự hoặc tiêu đề của phụ lục, mục."]
    assert "Hãy nhập số thứ tự hoặc tiêu đề" in response.content.decode()
    assert plan.sections.count() == before


def test_a_duplicate_section_is_refused(coordinator_client, plan):
    appendix = plan.sections.get(number="PHỤ LỤC I")
    existing = appendix.children.get(number="II.")
    before = plan.sections.count()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/sections/new/",
        {"parent": appendix.pk, "number": "II.", "title": existing.title},
    )
    assert response.status_code == 400
    assert "Đã có phụ lục, mục" in " ".join(response.context["form"].errors["number"])
    assert plan.sections.count() == before
    # The same number and title elsewhere (in appendix II) is not a duplicate of this one.
    other = plan.sections.get(number="PHỤ LỤC II")
    ok = coordinator_client.post(
        f"/plans/{plan.pk}/sections/new/",
        {"parent": other.pk, "number": "III.", "title": existing.title},
    )
    assert ok.status_code == 302
    # Editing a section into its sibling's name is refused too.
    sibling = appendix.children.exclude(pk=existing.pk).get()
    edit = coordinator_client.post(
        f"/sections/{sibling.pk}/edit/",
        {"kind": "part", "parent": appendix.pk, "number": "II.", "title": existing.title},
    )
    assert edit.status_code == 400
    assert Section.objects.get(pk=sibling.pk).number == sibling.number


def test_a_section_edited_in_place_shows_its_error_in_place(coordinator_client, plan):
    """htmx swaps no 4xx answer: the refused form comes back as 200, retargeted onto its own row
    (not onto the whole table, which the form's hx-target names for a successful save)."""
    appendix = plan.sections.get(number="PHỤ LỤC I")
    existing = appendix.children.get(number="II.")
    sibling = appendix.children.exclude(pk=existing.pk).get()
    response = coordinator_client.post(
        f"/sections/{sibling.pk}/edit/",
        {"kind": "part", "number": "II.", "title": existing.title},
        **HX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#section-{sibling.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.startswith(f'<tr class="section editing" id="section-{sibling.pk}">')
    assert "Đã có phụ lục, mục" in html
    assert Section.objects.get(pk=sibling.pk).number == sibling.number


def test_the_next_stt_is_suggested(coordinator_client, plan):
    part_two = plan.sections.get(number="PHỤ LỤC I").children.get(number="II.")
    assert Task.objects.filter(section=part_two).order_by("-position").first().number == "26."
    form = coordinator_client.get(f"/plans/{plan.pk}/tasks/new/?section={part_two.pk}", **HX)
    assert 'name="number" value="27."' in form.content.decode()
    task_create(plan=plan, section=part_two, content="Tiểu mục", number="26.1")
    form = coordinator_client.get(f"/plans/{plan.pk}/tasks/new/?section={part_two.pk}", **HX)
    assert 'name="number" value="26.2"' in form.content.decode()
    empty = Section.objects.create(plan=plan, number="III.", title="Mới", position=99999)
    form = coordinator_client.get(f"/plans/{plan.pk}/tasks/new/?section={empty.pk}", **HX)
    assert 'name="number" value="1."' in form.content.decode()
