"""Every list page answers with the same number of SQL queries whatever the number of rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agency, Plan
from reports.services import report_save, report_start, report_submit
from tasks.services import task_create
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round

pytestmark = pytest.mark.django_db


def queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), "\n".join(q["sql"] for q in ctx.captured_queries)


def grow(coordinator, reporting_round, how_many: int) -> None:
    """More tasks (led by new agencies), more rounds, more reports handed in."""
    plan = Plan.objects.get(province=coordinator.province, number="165/QĐ-UBND")
    lead = Agency.objects.get(province=coordinator.province, name="Sở Công thương")
    for i in range(how_many):
        agency = Agency.objects.create(province=coordinator.province, name=f"Đơn vị thử {i}")
        task_create(
            plan=plan,
            content=f"Nhiệm vụ thêm {i}",
            lead_agencies=[agency, lead],
            coordinating_agencies=[lead],
            timeframe_text="2022",
        )
        open_round(coordinator, number=f"{500 + i}/UBND-ĐN", deadline=date(2030, 1, 1))
        user = make_user(f"u{i}", "reporter", coordinator.province, agency)
        report = report_start(reporting_round=reporting_round, agency=agency, user=user)
        report = report_save(
            report=report,
            user=user,
            version=report.version,
            general=COMPLETE_GENERAL,
            entries=complete_entries(report),
        )
        report_submit(report=report, user=user, version=report.version)


PAGES = [
    "/tasks/",
    "/tasks/?q=ngoai+vu&status=not_started&order=-end",
    "/rounds/",
    "round",
    "/plans/",
    "/plans/?q=savannakhet&year=2021",
    "plan",
    "timeline",
    "/agencies/?q=so",
    "/dashboard/",
    "/dashboard/?field=Kinh+t%E1%BA%BF",
    "/dashboard/export/xlsx/",
    "/calendar/",
    "agency",
]
# Reporters have no dashboard (404, see test_permissions).
CASES = [
    (page, role)
    for page in PAGES
    for role in ("coordinator", "reporter", "leader")
    if not (page.startswith("/dashboard/") and role == "reporter")
]


@pytest.mark.parametrize(("page", "role"), CASES)
def test_list_pages_query_count_is_fixed(client, coordinator, quang_tri, role, page):
    reporting_round = open_round(coordinator)
    users = {
        "coordinator": coordinator,
        "reporter": make_user(
            "cong_thuong",
            "reporter",
            quang_tri,
            Agency.objects.get(province=quang_tri, name="Sở Công thương"),
        ),
        "leader": make_user("lanh_dao", "leader", quang_tri, None),
    }
    client.force_login(users[role])
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    lead = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    url = {
        "round": f"/rounds/{reporting_round.pk}/",
        "plan": f"/plans/{plan.pk}/",
        "timeline": f"/plans/{plan.pk}/timeline/",
        "agency": f"/agencies/{lead.pk}/",
    }.get(page, page)
    before, _ = queries(client, url)
    grow(coordinator, reporting_round, 12)
    after, sql = queries(client, url)
    assert after == before, sql
