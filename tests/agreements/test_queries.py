"""The agreement and meeting lists answer with the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Locality, Plan
from agreements.services import agreement_create, meeting_create

pytestmark = pytest.mark.django_db


def count(client, url) -> tuple[int, str]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), "\n".join(q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize("url", ["/agreements/", "/agreements/?q=savan", "/meetings/"])
def test_lists_query_count_is_fixed(coordinator_client, coordinator, quang_tri, url):
    before, _ = count(coordinator_client, url)
    partner = Locality.objects.get(name="Savannakhet")
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    for i in range(8):
        agreement = agreement_create(
            province=quang_tri,
            user=coordinator,
            fields={"title": f"Thỏa thuận thử {i}"},
            partners=[partner],
        )
        plan.agreements.add(agreement)
        meeting = meeting_create(
            province=quang_tri,
            user=coordinator,
            fields={"title": f"Hội đàm thử {i}", "timeframe_text": "Quý I/2026"},
            partners=[partner],
            agreements=[agreement],
        )
        Plan.objects.filter(number="6452/UBND-ĐN").update(meeting=meeting)
    after, sql = count(coordinator_client, url)
    assert after == before, sql
