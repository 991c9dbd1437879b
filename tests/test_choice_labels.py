"""An empty choice reads "— Tất cả —" in a filter and "— Chọn —" in an edit form, never Django's
"---------"; a yes/no filter left empty reads "— Tất cả —", not "Chưa xác định".

tests/browser/test_screens.py checks the same on every screen of the walk; this one is quick.
"""

from __future__ import annotations

import re

import pytest

from agreements.models import Agreement, Meeting, Plan
from reports.services import report_start
from tests.reports.factories import open_round, reporter_of

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b[^>]*>([^<]*)</option>")
NEVER = {"---------", "Chưa xác định"}


def options(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [text.strip() for text in OPTION.findall(response.content.decode())]


def select_options(response, name: str) -> list[str]:
    html = response.content.decode()
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return [text.strip() for text in OPTION.findall(match.group(0))]


def test_filters_read_all_and_yes_no_filters_read_all(coordinator_client):
    tasks = coordinator_client.get("/tasks/")
    # Plans and agencies are typed with server suggestions (tests/agreements/test_suggestions.py,
    # tests/reports/test_dashboard.py).
    assert select_options(tasks, "status")[0] == "— Tất cả —"
    assert select_options(tasks, "overdue") == ["— Tất cả —", "Có", "Không"]
    assert select_options(tasks, "due_soon") == ["— Tất cả —", "Có", "Không"]
    assert select_options(tasks, "order")[0] == "— Mặc định —"
    dashboard = coordinator_client.get("/dashboard/")
    assert select_options(dashboard, "partner")[0] == "— Tất cả —"
    assert select_options(coordinator_client.get("/plans/"), "kind")[0] == "— Tất cả —"
    assert select_options(coordinator_client.get("/agreements/"), "partner")[0] == "— Tất cả —"


def test_a_yes_no_filter_still_filters(coordinator_client):
    every = coordinator_client.get("/tasks/").context["page"].paginator.count
    overdue = coordinator_client.get("/tasks/?overdue=true").context["page"].paginator.count
    not_overdue = coordinator_client.get("/tasks/?overdue=false").context["page"].paginator.count
    assert 0 < overdue < every
    assert overdue + not_overdue == every
    html = coordinator_client.get("/tasks/?overdue=true").content.decode()
    assert re.search(r'<option value="true"[^>]*selected[^>]*>Có</option>', html)


def test_edit_forms_read_choose(coordinator_client, coordinator, quang_tri):
    round_ = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn")
    draft = report_start(reporting_round=round_, agency=reporter.agency, user=reporter)
    assert select_options(coordinator_client.get("/plans/new/"), "kind")[0] == "— Chọn —"
    edit = coordinator_client.get(f"/reports/{draft.pk}/edit/")
    entry = draft.entries.filter(role="lead").first()
    assert select_options(edit, f"e{entry.pk}-status")[0] == "— Chọn —"


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/",
        "/tasks/?overdue=true",
        "/plans/",
        "/agreements/",
        "/meetings/",
        "/dashboard/",
        "/agencies/",
        "/plans/new/",
        "/plans/{plan}/edit/",
        "/plans/{plan}/tasks/new/",
        "/plans/{plan}/sections/new/",
        "/plans/{plan}/blocks/new/",
        "/plans/{plan}/timeline/",
        "/plans/import/",
        "/agreements/new/",
        "/agreements/{agreement}/edit/",
        "/meetings/new/",
        "/meetings/{meeting}/edit/",
        "/meetings/{meeting}/directive/",
        "/rounds/new/",
        "/agencies/new/",
        "/people/new/",
    ],
)
def test_no_page_offers_dashes_or_unknown(administrator_client, quang_tri, path):
    ids = {
        "plan": Plan.objects.get(province=quang_tri, number="165/QĐ-UBND").pk,
        "agreement": Agreement.objects.filter(province=quang_tri).first().pk,
        "meeting": Meeting.objects.filter(province=quang_tri).first().pk,
    }
    shown = options(administrator_client.get(path.format(**ids)))
    assert not NEVER & set(shown), path


def test_every_choice_reads_as_djangos_own_label_in_every_language():
    """``get_FOO_display()`` keeps its labels per field and language (agreements.choices): each
    value of every choice field of every model reads as Django's own lookup would read it, an
    unknown value reads as itself, and a language switch is followed."""
    from django.apps import apps
    from django.db import models
    from django.utils import translation

    checked = 0
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "agreements", "tasks", "reports"}:
            continue
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            values = [value for value, _label in field.flatchoices] + ["giá-trị-lạ"]
            for language in ("vi", "en", "vi"):
                with translation.override(language):
                    for value in values:
                        row = model(**{field.attname: value})
                        ours = getattr(row, f"get_{field.name}_display")()
                        assert ours == models.Model._get_FIELD_display(row, field), (field, value)
                        checked += 1
    assert checked > 100
