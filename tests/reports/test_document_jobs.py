"""Long round documents are built in the background; the user sees 'being prepared', then a link."""

import pytest

from reports.jobs import document_build, document_request
from reports.models import DocumentJob, JobStatus
from tests.reports.factories import open_round

pytestmark = pytest.mark.django_db


def test_big_rounds_go_through_the_worker(coordinator_client, coordinator, settings):
    settings.EXPORT_INLINE_MAX_TASKS = 0  # every round counts as big
    reporting_round = open_round(coordinator)
    response = coordinator_client.get(f"/rounds/{reporting_round.pk}/export/xlsx/")
    job = DocumentJob.objects.get(reporting_round=reporting_round)
    assert response.status_code == 302 and response["Location"] == f"/documents/{job.pk}/"
    # The test settings run tasks immediately, as a worker would.
    assert job.status == JobStatus.READY
    page = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert "Đã xong" in page and job.filename in page
    download = coordinator_client.get(f"/documents/{job.pk}/download/")
    assert download.status_code == 200
    assert download.content[:2] == b"PK"


def test_a_pending_job_is_reused_and_shows_being_prepared(coordinator_client, coordinator):
    reporting_round = open_round(coordinator)
    job = DocumentJob.objects.create(
        reporting_round=reporting_round, kind="round", fmt="pdf", requested_by=coordinator
    )
    again = document_request(
        reporting_round=reporting_round, kind="round", fmt="pdf", user=coordinator
    )
    assert again.pk == job.pk
    page = coordinator_client.get(f"/documents/{job.pk}/")
    html = page.content.decode()
    assert "Đang chuẩn bị" in html and 'http-equiv="refresh"' in html
    assert coordinator_client.get(f"/documents/{job.pk}/download/").status_code == 302


def test_the_waiting_page_reloads_every_second_at_first_then_every_three(
    coordinator_client, coordinator
):
    """A round summary takes the worker a few seconds: the page looks again each second for a
    while after the click, then every 3 seconds."""
    from datetime import timedelta

    from django.utils import timezone

    job = DocumentJob.objects.create(
        reporting_round=open_round(coordinator), kind="round", fmt="pdf", requested_by=coordinator
    )
    young = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="1">' in young
    DocumentJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=20))
    older = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in older


def test_a_failing_build_is_shown_as_failed(coordinator, monkeypatch):
    reporting_round = open_round(coordinator)
    job = DocumentJob.objects.create(reporting_round=reporting_round, kind="round", fmt="pdf")

    def broken(_round):
        raise RuntimeError("hết bộ nhớ")

    monkeypatch.setattr("reports.jobs.exporter_for", lambda kind, fmt: broken)
    document_build.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "hết bộ nhớ" in job.error


def test_jobs_follow_the_round_permissions(client, coordinator, coordinator_kh, quang_tri):
    from tests.reports.factories import reporter_of

    reporting_round = open_round(coordinator)
    job = DocumentJob.objects.create(reporting_round=reporting_round, kind="round", fmt="pdf")
    client.force_login(coordinator_kh)
    assert client.get(f"/documents/{job.pk}/").status_code == 404
    client.force_login(reporter_of(quang_tri, "Sở Công thương"))
    assert client.get(f"/documents/{job.pk}/download/").status_code == 404


def test_a_reminder_with_nobody_to_remind_says_why_on_the_job_page(
    coordinator_client, coordinator, monkeypatch
):
    """Built in the background, a refused document (nobody owes a report) shows the refusal
    itself, not "Không tạo được văn bản … báo quản trị hệ thống"."""
    from tasks.exporters.base import ExportRefused

    reporting_round = open_round(coordinator)
    job = DocumentJob.objects.create(
        reporting_round=reporting_round, kind="reminder", fmt="pdf", requested_by=coordinator
    )
    message = "Mọi cơ quan, đơn vị đã nộp báo cáo: không có ai để đôn đốc."

    def refuse(_round):
        raise ExportRefused(message)

    monkeypatch.setattr("reports.jobs.exporter_for", lambda kind, fmt: refuse)
    document_build.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.REFUSED
    html = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert message in html
    assert "báo quản trị hệ thống" not in html
    assert 'http-equiv="refresh"' not in html
