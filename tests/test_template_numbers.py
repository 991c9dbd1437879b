"""Ids and years are printed as digits, never as a Vietnamese number: with
USE_THOUSAND_SEPARATOR a task numbered 1087 would become id="task-1.087" (a broken htmx target,
a wrong ?section= link) and a year 2020 would read "2.020"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from agreements.models import Plan
from tasks.models import Task

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A primary key, a foreign key id or a year printed bare in a template.
BARE_NUMBER = re.compile(
    r"\{\{ *(?:[a-z_]+\.)*(?:pk|id|[a-z_]+(?<!auto)(?<!form)_id|[a-z_]*year) *\}\}"
)


def test_no_template_prints_an_id_or_a_year_through_number_formatting():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in BARE_NUMBER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.django_db
def test_a_task_with_a_four_digit_id_keeps_its_digits_on_the_plan_page(coordinator_client):
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    section_id = plan.tasks.filter(section__isnull=False).first().section_id
    Task.objects.create(
        pk=12345, plan=plan, section_id=section_id, content="Nhiệm vụ số hiệu lớn", position=1
    )
    html = coordinator_client.get(reverse("tasks:plan_detail", args=[plan.pk])).content.decode()
    assert 'id="task-12345"' in html
    assert "12.345" not in html
    assert f"?section={section_id}" in html
