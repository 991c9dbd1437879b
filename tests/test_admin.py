"""The admin for a province administrator: every page opens, in a fixed number of queries,
scoped to the province. Coordinators work in the app and never enter the admin."""

from datetime import date

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agency, Agreement, Meeting, Plan
from agreements.services import agency_upsert
from reports.models import ReportingRound
from tasks.models import Task
from tasks.services import task_create

pytestmark = [pytest.mark.django_db, pytest.mark.long]

COORDINATOR_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"agreements", "tasks", "reports"}
]
# Files only come in through the report form, where they are checked, and reminders are logged
# when sent: no add page. Localities are shared by every province: only a superuser adds one.
NO_ADD_PAGE = {"attachment", "locality", "reminderlog"}
ADMIN_PAGES = [
    (model, page)
    for model in COORDINATOR_MODELS
    for page in ("changelist", "add")
    if not (page == "add" and model._meta.model_name in NO_ADD_PAGE)
]


def count_queries(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm the per-process caches (content types, permissions) first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def add_rows(province, how_many: int) -> None:
    """More of every kind of row, so that a page whose query count grows with rows shows it."""
    plan = Plan.objects.get(province=province, number="165/QĐ-UBND")
    section = plan.sections.filter(parent__isnull=False).first()
    lead = Agency.objects.get(province=province, name="Sở Công thương")
    for i in range(how_many):
        agency = agency_upsert(province=province, name=f"Cơ quan thử {i}", aliases=[f"CQT {i}"])
        task_create(
            plan=plan,
            section=section,
            number=f"{100 + i}.",
            content=f"Nhiệm vụ thử {i}",
            lead_agencies=[lead, agency],
            coordinating_agencies=[agency],
            timeframe_text="2021",
        )
        agreement = Agreement.objects.create(province=province, title=f"Thỏa thuận thử {i}")
        agreement.partners.set(plan.partners.all())
        Meeting.objects.create(province=province, kind="other", title=f"Hội nghị thử {i}")
        extra = Plan.objects.create(
            province=province,
            kind="plan",
            number=f"{900 + i}/KH-UBND",
            title="Thử",
            start_year=2023,
            end_year=2025,
        )
        extra.partners.set(plan.partners.all())
        ReportingRound.objects.create(
            province=province,
            request_number=f"{i}/UBND-ĐN",
            request_date=date(2024, 1, 1),
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            deadline=date(2024, 2, 1),
        )


def test_every_admin_page_answers_in_a_fixed_number_of_queries(administrator_client, quang_tri):
    """Each changelist and add page, before and after 15 more of every kind of row (added once
    for all the pages: adding them is most of the time)."""
    urls = {
        f"{model._meta.model_name}-{page}": reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
        )
        for model, page in ADMIN_PAGES
    }
    before = {name: count_queries(administrator_client, url)[0] for name, url in urls.items()}
    add_rows(quang_tri, 15)
    grown = {}
    for name, url in urls.items():
        after, queries = count_queries(administrator_client, url)
        if after != before[name]:
            grown[name] = f"{before[name]} → {after}:\n" + "\n".join(queries)
    assert len(urls) == len(ADMIN_PAGES) >= 10  # every registered model of the three apps
    assert not grown, "\n\n".join(f"{name} {text}" for name, text in grown.items())


def test_plan_page_with_tasks_inline_answers_in_a_fixed_number_of_queries(
    administrator_client, quang_tri
):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    url = reverse("admin:agreements_plan_change", args=[plan.pk])
    before, _ = count_queries(administrator_client, url)
    add_rows(quang_tri, 15)
    after, queries = count_queries(administrator_client, url)
    assert after == before, "\n".join(queries)


def test_plan_page_shows_both_appendices_and_tasks_in_printed_order(
    administrator_client, quang_tri
):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    response = administrator_client.get(reverse("admin:agreements_plan_change", args=[plan.pk]))
    html = response.content.decode()
    assert "PHỤ LỤC I" in html and "PHỤ LỤC II" in html
    first = html.index("Tổ chức Hội đàm cấp cao giữa tỉnh Quảng Trị và tỉnh Savannakhet")
    last = html.index(
        "Cử cán bộ, sinh viên tỉnh Quảng Trị theo học tại Trường Đại học Quốc gia Lào."
    )
    assert first < last


def task_search(client, query: str) -> list[Task]:
    response = client.get(reverse("admin:tasks_task_changelist"), {"q": query, "all": ""})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_task_search_ignores_accents_and_case(administrator_client, quang_tri):
    found = task_search(administrator_client, "ngoai vu")
    assert found, "no task found for 'ngoai vu'"
    expected = Task.objects.filter(plan__province=quang_tri, lead_agencies__name="Sở Ngoại vụ")
    assert set(expected) <= set(found)
    assert len(found) == len(set(found)), "a task is listed twice"

    savannakhet = task_search(administrator_client, "SAVANNAKHET")
    appendix_i = Task.objects.filter(
        plan__number="165/QĐ-UBND", section__parent__number="PHỤ LỤC I"
    )
    assert set(appendix_i) <= set(savannakhet)
    assert all(t.plan.province_id == quang_tri.pk for t in savannakhet)

    assert task_search(administrator_client, "khong co nhiem vu nay xyz") == []


def test_coordinators_do_not_enter_the_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_administrator_sees_only_own_province(client, administrator_kh, quang_tri):
    client.force_login(administrator_kh)
    tasks = task_search(client, "")
    assert tasks and all(t.plan.province.name == "Khánh Hòa" for t in tasks)
    plan_qt = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    response = client.get(reverse("admin:agreements_plan_change", args=[plan_qt.pk]))
    assert response.status_code in (302, 404)
    assert b"Savannakhet" not in response.content
    agencies = client.get(reverse("admin:agreements_agency_changelist"), {"all": ""})
    names = {a.province.name for a in agencies.context["cl"].result_list}
    assert names == {"Khánh Hòa"}


def test_agency_autocomplete_ignores_accents_and_knows_aliases(administrator_client):
    url = reverse("admin:autocomplete")
    params = {"app_label": "tasks", "model_name": "tasklead", "field_name": "agency"}
    response = administrator_client.get(url, {**params, "term": "bdbp"})
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"]
    response = administrator_client.get(url, {**params, "term": "ngoai vu"})
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["Sở Ngoại vụ"]  # Quảng Trị's only, not Khánh Hòa's


def test_administrator_adds_a_plan_and_a_task_and_history_names_them(
    administrator_client, administrator, quang_tri
):
    response = administrator_client.post(
        reverse("admin:agreements_plan_add"),
        {
            "kind": "plan",
            "number": "50/KH-UBND",
            "title": "Kế hoạch hợp tác thử",
            "start_year": "2026",
            "end_year": "2028",
            "status": "draft",
            "report_deadlines-TOTAL_FORMS": "0",
            "report_deadlines-INITIAL_FORMS": "0",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-position": "10",
            "sections-0-kind": "appendix",
            "sections-0-number": "PHỤ LỤC I",
            "sections-0-title": "Chi tiết",
            "tasks-TOTAL_FORMS": "1",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-position": "20",
            "tasks-0-number": "1.",
            "tasks-0-content": "Trao đổi đoàn cấp tỉnh",
            "tasks-0-timeframe_text": "Quý II năm 2026",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    plan = Plan.objects.get(number="50/KH-UBND")
    assert plan.province == quang_tri  # taken from the administrator, not from the form
    task = plan.tasks.get()
    assert (task.start_date, task.end_date) == (date(2026, 4, 1), date(2026, 6, 30))
    record = task.history.first()
    assert record.history_user == administrator
    assert record.history_type == "+"


def test_a_task_added_in_the_admin_without_position_goes_where_the_plan_page_puts_it(
    administrator_client, quang_tri
):
    """Issue 13: one position rule for every way in; the admin put such a task at position 0,
    at the top of the plan, before every appendix."""
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    part_two = plan.sections.get(number="PHỤ LỤC I").children.get(number="II.")
    last = Task.objects.filter(section=part_two).order_by("-position").first()
    empty = {
        f"{prefix}-{name}": "0"
        for prefix in ("leads", "targets", "budget_lines")
        for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    response = administrator_client.post(
        reverse("admin:tasks_task_add"),
        {
            "plan": plan.pk,
            "section": part_two.pk,
            "position": "",
            "number": "27.",
            "content": "Nhiệm vụ thêm trong trang quản trị",
            "status": "not_started",
            **empty,
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    added = Task.objects.get(content="Nhiệm vụ thêm trong trang quản trị")
    by_page = task_create(plan=plan, section=part_two, content="Nhiệm vụ thêm trên trang")
    order = list(Task.objects.filter(plan=plan).order_by("position", "pk"))
    assert order.index(added) == order.index(last) + 1
    assert order.index(by_page) == order.index(added) + 1


def test_task_history_page_lists_the_change(administrator_client, coordinator, quang_tri):
    task = Task.objects.filter(plan__province=quang_tri).first()
    task.note = "Đã điều chỉnh"
    task._history_user = coordinator
    task.save()
    response = administrator_client.get(reverse("admin:tasks_task_history", args=[task.pk]))
    assert response.status_code == 200
    assert "Đã điều chỉnh" in response.content.decode()
    assert task.history.first().history_user == coordinator


def test_admin_is_in_vietnamese(administrator_client):
    response = administrator_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "Nhiệm vụ" in html and "Thỏa thuận và kế hoạch" in html and "Cơ quan, đơn vị" in html


def test_history_pages_of_another_province_answer_404_and_never_save(
    client, administrator_kh, administrator, quang_tri
):
    """Issue 11: django-simple-history's pages fell back to the historical record of a row
    outside the user's province, and its form saved a POST."""
    task = Task.objects.filter(plan__province=quang_tri).first()
    record = task.history.first()
    history = reverse("admin:tasks_task_history", args=[task.pk])
    version = reverse("admin:tasks_task_simple_history", args=[task.pk, record.history_id])
    client.force_login(administrator_kh)
    assert client.get(history).status_code == 404
    assert client.get(version).status_code == 404
    plan_kh = Plan.objects.filter(province=administrator_kh.province).first()
    response = client.post(version, {"plan": plan_kh.pk, "content": "HACKED", "position": 1})
    assert response.status_code == 404
    # The province's own administrator reads the version, and cannot revert it either.
    client.force_login(administrator)
    assert client.get(version).status_code == 200
    response = client.post(version, {"plan": task.plan_id, "content": "HACKED", "position": 1})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.content != "HACKED" and task.plan.province == quang_tri


def test_agency_pages_create_and_edit_in_the_province(coordinator_client, quang_tri, khanh_hoa):
    response = coordinator_client.post(
        reverse("reports:agency_create"),
        {
            "name": "Sở Thử nghiệm",
            "short_name": "STN",
            "aliases": "Sở TN\nSTN2",
            "kind": "department",
        },
    )
    agency = Agency.objects.get(name="Sở Thử nghiệm")
    assert response.status_code == 302
    assert agency.province == quang_tri and agency.aliases == ["Sở TN", "STN2"]
    url = reverse("reports:agency_edit", args=[agency.pk])
    response = coordinator_client.post(
        url, {"name": "Sở Thử nghiệm mới", "kind": "department", "aliases": ""}
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Sở Thử nghiệm mới" and not agency.active
    other = Agency.objects.filter(province=khanh_hoa).first()
    response = coordinator_client.get(reverse("reports:agency_edit", args=[other.pk]))
    assert response.status_code == 404


def _plan_add_data(number: str) -> dict[str, str]:
    return {
        "kind": "plan",
        "number": number,
        "title": "Kế hoạch trùng số",
        "start_year": "2026",
        "end_year": "2028",
        "status": "draft",
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("report_deadlines", "sections", "tasks")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }


def test_a_plan_number_already_used_in_the_province_is_refused_with_a_message(
    administrator_client, quang_tri
):
    """The province is forced from the administrator, not a form field; the rule "one plan per
    number in a province" must still be checked on the form, not end in the database (a 500)."""
    taken = Plan.objects.filter(province=quang_tri).exclude(number="").first().number
    count = Plan.objects.count()
    response = administrator_client.post(
        reverse("admin:agreements_plan_add"), _plan_add_data(taken)
    )
    assert response.status_code == 200
    assert "đã tồn tại" in response.content.decode()
    assert Plan.objects.count() == count


def test_another_province_may_use_the_same_plan_number(administrator_kh, client, quang_tri):
    client.force_login(administrator_kh)
    taken = Plan.objects.filter(province=quang_tri).exclude(number="").first().number
    response = client.post(reverse("admin:agreements_plan_add"), _plan_add_data(taken))
    assert response.status_code == 302
    assert Plan.objects.filter(number=taken, province=administrator_kh.province).exists()


def test_an_agency_name_already_used_in_the_province_is_refused_with_a_message(
    administrator_client, quang_tri
):
    name = Agency.objects.filter(province=quang_tri).first().name
    count = Agency.objects.count()
    response = administrator_client.post(
        reverse("admin:agreements_agency_add"),
        {"name": name, "short_name": "", "aliases": "[]", "kind": "department", "email": ""},
    )
    assert response.status_code == 200
    assert "đã tồn tại" in response.content.decode()
    assert Agency.objects.count() == count
