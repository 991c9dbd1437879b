"""Every main page answers with the same number of SQL queries whatever the number of rows, and
with at most twelve (issue 14: measured at national scale by ``make bench``)."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements.models import Agency, Locality, Plan
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
    "/dashboard/?plan=",  # a plan's id, as a link gives it: read once, shown by its number
    "/dashboard/export/xlsx/",
    "/calendar/",
    "agency",
]
# At most this many queries per page, for every role, with the data small or grown.
MAX_QUERIES = 12
# Reporters have no dashboard (404, see test_permissions).
CASES = [
    (page, role)
    for page in PAGES
    for role in ("coordinator", "reporter", "leader")
    if not (page.startswith("/dashboard/") and role == "reporter")
]


def case_url(page: str, world: dict) -> str:
    return {
        "round": f"/rounds/{world['round'].pk}/",
        "plan": f"/plans/{world['plan'].pk}/",
        "timeline": f"/plans/{world['plan'].pk}/timeline/",
        "agency": f"/agencies/{world['lead'].pk}/",
        "/dashboard/?plan=": f"/dashboard/?plan={world['plan'].pk}",
    }.get(page, page)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every page counted once as the seed has it, then the data grown once for every case;
    all rolled back after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
        coordinator = make_user(
            "coordinator",
            "coordinator",
            quang_tri,
            Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
        )
        lead = Agency.objects.get(province=quang_tri, name="Sở Công thương")
        world = {
            "round": open_round(coordinator),
            "plan": Plan.objects.get(province=quang_tri, number="165/QĐ-UBND"),
            "lead": lead,
            "users": {
                "coordinator": coordinator,
                "reporter": make_user("cong_thuong", "reporter", quang_tri, lead),
                "leader": make_user("lanh_dao", "leader", quang_tri, None),
            },
        }
        clients = {}
        for role, user in world["users"].items():
            clients[role] = Client()
            clients[role].force_login(user)
        world["before"] = {
            (page, role): queries(clients[role], case_url(page, world)) for page, role in CASES
        }
        grow(coordinator, world["round"], 12)
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize(("page", "role"), CASES)
def test_list_pages_query_count_is_fixed(client, world, role, page):
    client.force_login(world["users"][role])
    before, sql_before = world["before"][(page, role)]
    after, sql = queries(client, case_url(page, world))
    assert after == before, f"{sql_before}\n\n-- with 12 more rows of each kind:\n{sql}"


@pytest.mark.parametrize(("page", "role"), CASES)
def test_main_pages_take_at_most_twelve_queries(world, role, page):
    """Counted on the seed's data; the test above shows the count stays the same as data grow."""
    count, sql = world["before"][(page, role)]
    assert count <= MAX_QUERIES, f"{page} as {role}: {count} queries\n{sql}"
