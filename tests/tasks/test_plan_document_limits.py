"""A printed plan holds at most the field maxima: older, longer text is cut and the cut said."""

from __future__ import annotations

import pytest

from tests.reports.test_document_limits import MEGABYTE

pytestmark = pytest.mark.django_db


def test_printed_plan_holds_at_most_the_field_maxima(quang_tri):
    from agreements.models import Plan
    from tasks.exporters.plan_pdf import render_plan_html
    from tasks.models import PlanBlock, Task

    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    Task.objects.filter(plan=plan).update(content=MEGABYTE)
    PlanBlock.objects.filter(plan=plan).update(text=MEGABYTE)
    html = render_plan_html(plan)
    assert "đã lược bớt" in html and MEGABYTE[:20_000] not in html
