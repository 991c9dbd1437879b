"""The chain's last step: a task's page leads to what the reports said about it."""

import pytest

from reports.services import report_save, report_start, report_submit
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round, reporter_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    own = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "own")
    report = report_start(reporting_round=reporting_round, agency=own.agency, user=own)
    report = report_save(
        report=report,
        user=own,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    return {"round": reporting_round, "own": own, "report": report}


def test_task_history_links_to_its_reports_and_they_list_the_submitted_entry(
    client, reports, coordinator, quang_tri
):
    report = reports["report"]
    entry = report.entries.filter(role="lead").first()
    leader = make_user("ld-chain", "leader", quang_tri, None)

    client.force_login(coordinator)
    history = client.get(f"/tasks/{entry.task_id}/history/").content.decode()
    assert f"/tasks/{entry.task_id}/reports/" in history
    page = client.get(f"/tasks/{entry.task_id}/reports/").content.decode()
    assert report.agency.name in page and f"/reports/{report.pk}/" in page

    # A draft is not the leader's to read: the entry appears only once it is handed in.
    client.force_login(leader)
    url = f"/tasks/{entry.task_id}/reports/"
    assert f"/reports/{report.pk}/" not in client.get(url).content.decode()
    report_submit(report=report, user=reports["own"], version=report.version)
    assert f"/reports/{report.pk}/" in client.get(url).content.decode()


def test_another_provinces_coordinator_gets_404(client, reports, coordinator_kh):
    entry = reports["report"].entries.first()
    client.force_login(coordinator_kh)
    assert client.get(f"/tasks/{entry.task_id}/reports/").status_code == 404
