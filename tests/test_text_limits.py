"""Every free text field holds at most what fits its printed document, says so in the form, and
refuses more with a message next to the field (forms) or a ValidationError (services)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH
from agreements.models import Plan
from reports.models import Report
from reports.services import report_start
from tasks.services import task_create
from tests.reports.factories import open_round, reporter_of
from tests.reports.test_report_form import form_data

# Text no user types into a form: the search index, a worker's error, a reminder's address list.
NOT_TYPED = {
    ("agreements", "search_text"),
    ("tasks", "search_text"),
    ("reports", "search_text"),
    ("reports.documentjob", "error"),
    ("reports.reminderlog", "recipients"),
    ("reports.notification", "body"),  # written by the app from the step it tells about
}


def test_every_typed_text_field_has_a_maximum():
    missing = []
    for app in ("accounts", "agreements", "tasks", "reports"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if not isinstance(field, models.TextField):
                    continue
                if (app, field.name) in NOT_TYPED or (model._meta.label_lower, field.name) in (
                    NOT_TYPED
                ):
                    continue
                limited = field.max_length and any(
                    isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
                    for v in field.validators
                )
                if not limited or "Tối đa" not in str(field.help_text):
                    missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


@pytest.mark.django_db
def test_a_service_refuses_an_overlong_text(quang_tri):
    plan = Plan.objects.filter(province=quang_tri).first()
    with pytest.raises(ValidationError) as error:
        task_create(plan=plan, content="x" * (TEXT_CELL + 1))
    assert "content" in error.value.message_dict


@pytest.fixture
def report_client(client, coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "leduan_l")
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    client.force_login(reporter)
    return client, report


@pytest.mark.django_db
def test_report_form_says_the_maximum_and_refuses_more(report_client):
    client, report = report_client
    page = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert f'maxlength="{TEXT_PARAGRAPH}"' in page and "Tối đa 5.000 ký tự." in page
    assert f'maxlength="{TEXT_CELL}"' in page and "Tối đa 2.000 ký tự." in page

    entry = report.entries.first()
    data = form_data(report, difficulties="Khó khăn " * 1000)  # 9,000 characters
    data[f"e{entry.pk}-result"] = "Kết quả " * 300  # 2,400 characters
    response = client.post(f"/reports/{report.pk}/edit/", data)
    assert response.status_code == 400  # the form again, with the errors (the view's convention)
    html = response.content.decode()
    assert html.count('class="errorlist') >= 2
    assert "5000" in html and "2000" in html  # Django's own message names the maximum
    report.refresh_from_db()
    assert report.difficulties == "" and report.version == Report.objects.get(pk=report.pk).version
    entry.refresh_from_db()
    assert entry.result == ""
