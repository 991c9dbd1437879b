"""Two people of one agency save the same report at the same moment, on two real connections.

Runs on PostgreSQL (the production database), where ``select_for_update`` really locks: exactly
one save wins, the other is refused, and nothing is overwritten silently.
"""

import threading

import pytest
from django.db import connection, connections

from devdata.seed import seed_load
from reports.models import Report
from reports.services import ReportConflict, report_save, report_start
from tests.factories import make_user

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_concurrent_saves_one_wins_one_is_refused():
    seed_load()
    from agreements.models import Agency, Locality
    from tests.reports.factories import open_round

    province = Locality.objects.get(name="Quảng Trị", country="VN")
    coordinator = make_user(
        "coord_pg",
        "coordinator",
        province,
        Agency.objects.get(province=province, name="Sở Ngoại vụ"),
    )
    agency = Agency.objects.get(province=province, name="Trường Chính trị Lê Duẩn")
    first = make_user("leduan_a", "reporter", province, agency)
    second = make_user("leduan_b", "reporter", province, agency)
    report = report_start(reporting_round=open_round(coordinator), agency=agency, user=first)
    opened_version = report.version

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user, text):
        try:
            mine = Report.objects.get(pk=report.pk)
            barrier.wait(timeout=10)
            report_save(report=mine, user=user, version=opened_version, general={"proposals": text})
            outcomes[user.username] = "saved"
        except ReportConflict:
            outcomes[user.username] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(first, "Bản của A")),
        threading.Thread(target=save, args=(second, "Bản của B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    report.refresh_from_db()
    assert report.proposals == {"leduan_a": "Bản của A", "leduan_b": "Bản của B"}[winner]
    assert report.version == opened_version + 1
