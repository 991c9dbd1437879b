"""Coordinators edit a plan in place: add, edit, delete, reorder tasks; agencies by any name."""

import pytest

from agreements.models import Agency, Plan
from tasks.models import Task
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(quang_tri):
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


def form_data(**overrides):
    data = {
        "number": "27.",
        "content": "Trao đổi đoàn doanh nghiệp",
        "leads": "so cong thuong; BCH BĐBP tỉnh",
        "coordinating_text": "Sở Ngoại vụ, Cục Hải quan tỉnh và các đơn vị liên quan",
        "timeframe_text": "Quý III năm 2021",
        "note": "",
        "field": "",
        "status": "not_started",
    }
    data.update(overrides)
    return data


def test_plan_page_offers_editing_to_coordinators_only(client, coordinator_client, plan, quang_tri):
    html = coordinator_client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Thêm nhiệm vụ" in html and 'hx-post="/tasks/' in html
    client.force_login(make_user("ld", "leader", quang_tri, None))
    assert "Thêm nhiệm vụ" not in client.get(f"/plans/{plan.pk}/").content.decode()


def test_edit_a_task_in_place(coordinator_client, plan, coordinator):
    task = Task.objects.filter(plan=plan).order_by("position").first()
    form = coordinator_client.get(f"/tasks/{task.pk}/edit/", **HX)
    assert form.status_code == 200 and "<form" in form.content.decode()
    response = coordinator_client.post(f"/tasks/{task.pk}/edit/", form_data(number="1."), **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<tr id="task-') and "Trao đổi đoàn doanh nghiệp" in html
    task.refresh_from_db()
    assert [lead.agency.name for lead in task.leads.all()] == [
        "Sở Công thương",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    ]
    assert {a.name for a in task.coordinating_agencies.all()} == {
        "Sở Ngoại vụ",
        "Cục Hải quan tỉnh",
    }
    assert str(task.start_date) == "2021-07-01"
    assert task.history.first().history_user == coordinator


def test_unknown_agency_is_named_and_nothing_saved(coordinator_client, plan):
    task = Task.objects.filter(plan=plan).order_by("position").first()
    before = task.content
    data = form_data(leads="Sở Không Tồn Tại; Sở Ngoại vụ")
    # In place: htmx swaps no 4xx answer, so the form row with its error comes back as 200.
    response = coordinator_client.post(f"/tasks/{task.pk}/edit/", data, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<tr id="task-{task.pk}" class="editing">')
    assert "Không có cơ quan nào tên «Sở Không Tồn Tại»" in html
    # Without JavaScript: the form page again, as a 400.
    response = coordinator_client.post(f"/tasks/{task.pk}/edit/", data)
    assert response.status_code == 400
    assert "Không có cơ quan nào tên «Sở Không Tồn Tại»" in response.content.decode()
    task.refresh_from_db()
    assert task.content == before


def test_a_new_task_refused_in_place_shows_why(coordinator_client, plan):
    section = plan.sections.filter(parent__isnull=False).order_by("position").first()
    before = Task.objects.filter(plan=plan).count()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/tasks/new/",
        {**form_data(leads="Sở Không Tồn Tại"), "section": section.pk},
        **HX,
    )
    assert response.status_code == 200  # htmx swaps it where the form was
    html = response.content.decode()
    assert html.startswith('<tr id="task-new" class="editing">')
    assert "Không có cơ quan nào tên «Sở Không Tồn Tại»" in html
    assert Task.objects.filter(plan=plan).count() == before


def test_add_delete_and_reorder(coordinator_client, plan):
    section = plan.sections.filter(parent__isnull=False).order_by("position").first()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/tasks/new/", {**form_data(), "section": section.pk}, **HX
    )
    assert response.status_code == 200
    new = Task.objects.get(plan=plan, content="Trao đổi đoàn doanh nghiệp")
    assert new.section == section
    siblings = list(Task.objects.filter(section=section).order_by("position"))
    assert siblings[-1] == new  # added at the end of its section

    coordinator_client.post(f"/tasks/{new.pk}/move/", {"direction": "up"}, **HX)
    siblings = list(Task.objects.filter(section=section).order_by("position"))
    assert siblings[-2] == new

    response = coordinator_client.post(f"/tasks/{new.pk}/delete/", **HX)
    assert response.status_code == 200 and response.content == b""
    assert not Task.objects.filter(pk=new.pk).exists()


def test_without_htmx_the_forms_still_work(coordinator_client, plan):
    task = Task.objects.filter(plan=plan).order_by("position").first()
    response = coordinator_client.post(f"/tasks/{task.pk}/edit/", form_data())
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"


@pytest.mark.parametrize("role", ["reporter", "leader", "other_province"])
def test_only_coordinators_of_the_province_edit(client, plan, quang_tri, khanh_hoa, role):
    users = {
        "reporter": lambda: make_user(
            "r", "reporter", quang_tri, Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
        ),
        "leader": lambda: make_user("l", "leader", quang_tri, None),
        "other_province": lambda: make_user(
            "k",
            "coordinator",
            khanh_hoa,
            Agency.objects.get(province=khanh_hoa, name="Sở Ngoại vụ"),
        ),
    }
    client.force_login(users[role]())
    task = Task.objects.filter(plan=plan).first()
    assert client.post(f"/tasks/{task.pk}/edit/", form_data()).status_code == 404
    assert client.post(f"/tasks/{task.pk}/delete/").status_code == 404
    assert Task.objects.filter(pk=task.pk).exists()


def test_agency_suggestions_ignore_accents(coordinator_client):
    html = coordinator_client.get("/agencies/suggest/", {"q": "bien phong"}).content.decode()
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh" in html
    assert "Sở Y tế" not in html


def test_a_task_whose_printed_lead_is_unknown_still_saves_unchanged(coordinator_client, plan):
    task = Task.objects.filter(plan=plan).order_by("position").first()
    task.lead_text = "Ban ngày xưa không còn"
    task.save()
    form = coordinator_client.get(f"/tasks/{task.pk}/edit/", **HX).context["form"]
    leads = form.initial["leads"]
    assert leads == "; ".join(lead.agency.name for lead in task.leads.all())
    data = {**form.initial, "leads": leads, "status": task.status}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = coordinator_client.post(f"/tasks/{task.pk}/edit/", data, **HX)
    assert response.status_code == 200


def printed(plan):
    from tasks.selectors import plan_rows

    return [
        (row.section.number if row.kind == "section" else row.task.number, row.kind)
        for row in plan_rows(plan)
    ]


def test_move_a_section_with_its_tasks(coordinator_client, plan):
    appendix_i = plan.sections.get(number="PHỤ LỤC I")
    part_two = appendix_i.children.get(number="II.")
    before = printed(plan)
    response = coordinator_client.post(f"/sections/{part_two.pk}/move/", {"direction": "up"}, **HX)
    assert response.status_code == 200
    after = printed(plan)
    assert len(after) == len(before)
    # Appendix I now reads: heading, part II and its 19 tasks, part 1 and its 7; then appendix II.
    assert before[1] == ("1", "section") and before[9] == ("II.", "section")
    assert after[0] == ("PHỤ LỤC I", "section")
    assert after[1:21] == before[9:29]
    assert after[21:29] == before[1:9]
    assert after[29:] == before[29:]
    # At the top already: nothing moves.
    coordinator_client.post(f"/sections/{part_two.pk}/move/", {"direction": "up"}, **HX)
    assert printed(plan) == after


def test_edit_add_and_delete_sections(coordinator_client, plan):
    appendix_ii = plan.sections.get(number="PHỤ LỤC II")
    response = coordinator_client.post(
        f"/sections/{appendix_ii.pk}/edit/",
        {"number": "PHỤ LỤC II", "title": "KẾ HOẠCH VỚI TỈNH SALAVAN", "subtitle": "(2020 - 2022)"},
        **HX,
    )
    assert response.status_code == 200 and "KẾ HOẠCH VỚI TỈNH SALAVAN" in response.content.decode()
    coordinator_client.post(
        f"/plans/{plan.pk}/sections/new/",
        {"parent": appendix_ii.pk, "number": "III.", "title": "Hợp tác khác"},
    )
    new = plan.sections.get(number="III.", parent=appendix_ii)
    assert printed(plan)[-1] == ("III.", "section")
    # A section that still holds tasks is not deleted; an empty one is.
    busy = appendix_ii.children.get(number="I")
    refused = coordinator_client.post(f"/sections/{busy.pk}/delete/", **HX)
    assert refused.status_code == 409 and plan.sections.filter(pk=busy.pk).exists()
    coordinator_client.post(f"/sections/{new.pk}/delete/", **HX)
    assert not plan.sections.filter(pk=new.pk).exists()


def test_new_tasks_and_sub_sections_go_inside_their_section(coordinator_client, quang_tri):
    """Both appendices first, then their tasks: each task goes after its own section's last task
    (not to the end of the plan, under the other appendix); a sub-section after its parent's
    rows. The htmx answer is the whole table, so that the page shows the stored order."""
    plan = Plan.objects.create(
        province=quang_tri, kind="decision", number="25/QĐ-UBND", title="Thử", start_year=2026,
        end_year=2026,
    )  # fmt: skip
    for number in ("Phụ lục I", "Phụ lục II"):
        coordinator_client.post(
            f"/plans/{plan.pk}/sections/new/", {"kind": "appendix", "number": number}
        )
    one, two = plan.sections.order_by("position")

    def add(section, number):
        data = {**form_data(number=number, content=f"Việc {section.number} {number}")}
        data["section"] = section.pk
        return coordinator_client.post(f"/plans/{plan.pk}/tasks/new/", data, **HX)

    response = add(one, "1.")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-rows" and response["HX-Reswap"] == "innerHTML"
    assert 'id="section-' in response.content.decode()  # the rows, not one row
    add(two, "1.")
    add(one, "2.")
    add(two, "2.")
    add(one, "3.")
    expected = [("Phụ lục I", "section"), ("1.", "task"), ("2.", "task"), ("3.", "task")]
    expected += [("Phụ lục II", "section"), ("1.", "task"), ("2.", "task")]
    assert printed(plan) == expected
    coordinator_client.post(f"/plans/{plan.pk}/sections/new/", {"parent": one.pk, "number": "I."})
    assert printed(plan)[4] == ("I.", "section")
    assert printed(plan)[5] == ("Phụ lục II", "section")
    # Read again, the page prints each task under its own appendix.
    html = coordinator_client.get(f"/plans/{plan.pk}/").content.decode()
    rows = html[html.index('id="plan-rows"') :]
    order = ["Việc Phụ lục I 3.", "Phụ lục II", "Việc Phụ lục II 1."]
    assert [rows.index(text) for text in order] == sorted(rows.index(text) for text in order)


def test_moving_a_section_reads_the_plan_once_whatever_its_size(coordinator_client, plan):
    """The neighbour of a section is found from the rows already read, not one query per task
    and ancestor: a plan of 200 tasks moves in as many queries as one of 60."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    appendix_i = plan.sections.get(number="PHỤ LỤC I")
    part_two = appendix_i.children.get(number="II.")

    def queries(direction: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = coordinator_client.post(
                f"/sections/{part_two.pk}/move/", {"direction": direction}, **HX
            )
        assert response.status_code == 200
        return len(captured)

    before = queries("up")
    # Tasks in a sub-section of another appendix: their ancestors are walked to find which
    # neighbour of the moved section (if any) they belong to.
    elsewhere = plan.sections.exclude(parent=None).exclude(parent=appendix_i).first()
    model = part_two.tasks.first()
    Task.objects.bulk_create(
        Task(plan=plan, section=elsewhere, number=str(100 + i), content=model.content, position=999)
        for i in range(140)
    )
    assert queries("down") == before
    assert printed(plan)[1] == ("1", "section")  # moved back down
