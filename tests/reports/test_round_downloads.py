"""Round summaries, reminder letters and the dashboard are built once and served from storage
until something they print changes; a submit, return or accept shows in the next download, and
the documents already asked for are rebuilt in the worker after it."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from agreements import documents
from agreements.models import Agency
from reports import jobs, views
from reports.models import DocumentJob, JobStatus, ReportStatus
from reports.selectors import round_tasks
from reports.services import report_accept, report_return
from tests.factories import make_user
from tests.reports.factories import document_download, open_round, report_in_state, reporter_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Every call of a round exporter, as ``kind.fmt``."""
    calls: list[str] = []
    real = jobs.exporter_for

    def counting(kind, fmt):
        render = real(kind, fmt)

        def spy(obj):
            calls.append(f"{kind}.{fmt}")
            return render(obj)

        return spy

    monkeypatch.setattr(jobs, "exporter_for", counting)
    monkeypatch.setattr(views, "exporter_for", counting)
    return calls


@pytest.fixture
def reporting_round(coordinator):
    return open_round(coordinator)


@pytest.fixture
def agency(quang_tri) -> Agency:
    return Agency.objects.get(province=quang_tri, name="Sở Công thương")


def _get(client, url, **headers):
    response = client.get(url, **headers)
    # Whole answers: reading .content closes nothing (closing again would close the test's
    # database connection through request_finished).
    body = response.content
    return response, body


def _summary(client, reporting_round, fmt="xlsx"):
    return _get(client, f"/rounds/{reporting_round.pk}/export/{fmt}/")


def _cells(body: bytes) -> str:
    workbook = load_workbook(BytesIO(body), read_only=True)
    text = "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    workbook.close()
    return text


@pytest.mark.parametrize(
    ("path", "build"),
    [
        ("export/xlsx", "round.xlsx"),
        ("export/pdf", "round.pdf"),
        ("reminder/docx", "reminder.docx"),
    ],
)
def test_a_repeat_download_is_served_from_storage(
    coordinator_client, reporting_round, builds, path, build
):
    url = f"/rounds/{reporting_round.pk}/{path}/"
    first = document_download(coordinator_client, url)  # the round PDF: through the worker
    body = first.content
    again, body_again = _get(coordinator_client, url)
    assert first.status_code == again.status_code == 200
    assert builds == [build] and body_again == body and again["ETag"] == first["ETag"]
    not_modified = coordinator_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and builds == [build]


def test_a_submitted_report_shows_in_the_next_summary(
    coordinator_client, coordinator, reporting_round, agency, builds
):
    _response, before = _summary(coordinator_client, reporting_round)
    report = report_in_state(
        reporting_round=reporting_round,
        agency=agency,
        status=ReportStatus.SUBMITTED,
        coordinator=coordinator,
    )
    entry = report.entries.filter(role="lead").select_related("task").first()
    result = f"Đã thực hiện {entry.task.number}"
    assert result not in _cells(before)
    _response, after = _summary(coordinator_client, reporting_round)
    assert result in _cells(after) and builds == ["round.xlsx", "round.xlsx"]


def test_a_return_and_an_accept_each_make_a_new_summary(
    coordinator_client, coordinator, reporting_round, agency, quang_tri, builds
):
    report = report_in_state(
        reporting_round=reporting_round,
        agency=agency,
        status=ReportStatus.SUBMITTED,
        coordinator=coordinator,
    )
    reviewer = make_user("reviewer_dl", "coordinator", quang_tri, coordinator.agency)
    submitted, _body = _summary(coordinator_client, reporting_round)
    report_return(report=report, user=reviewer, comment="Bổ sung số liệu.")
    returned, _body = _summary(coordinator_client, reporting_round)
    other = report_in_state(
        reporting_round=reporting_round,
        agency=Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
        status=ReportStatus.SUBMITTED,
        coordinator=coordinator,
    )
    waiting, _body = _summary(coordinator_client, reporting_round)
    report_accept(report=other, user=reviewer)
    accepted, _body = _summary(coordinator_client, reporting_round)
    etags = {submitted["ETag"], returned["ETag"], waiting["ETag"], accepted["ETag"]}
    assert len(etags) == 4 and len(builds) == 4


def test_after_a_submit_the_worker_rebuilds_the_summary(
    coordinator_client, coordinator, agency, builds, django_capture_on_commit_callbacks
):
    # Each step commits on its own, as in the application (the test runs in one transaction).
    with django_capture_on_commit_callbacks(execute=True):
        reporting_round = open_round(coordinator)
    _summary(coordinator_client, reporting_round)
    # The commit queues a rebuild; the test settings run the worker's tasks at once.
    with django_capture_on_commit_callbacks(execute=True):
        report_in_state(
            reporting_round=reporting_round,
            agency=agency,
            status=ReportStatus.SUBMITTED,
            coordinator=coordinator,
        )
    assert builds.count("round.xlsx") >= 2
    built = len(builds)
    _response, body = _summary(coordinator_client, reporting_round)
    assert len(builds) == built  # the leader's click finds it ready
    assert "Đã thực hiện" in _cells(body)


def _submitted(reporting_round, coordinator, name: str) -> str:
    """Submit the report of agency ``name``; the result text its first task shows in a summary."""
    report = report_in_state(
        reporting_round=reporting_round,
        agency=Agency.objects.get(province=reporting_round.province, name=name),
        status=ReportStatus.SUBMITTED,
        coordinator=coordinator,
    )
    entry = report.entries.filter(role="lead").select_related("task").first()
    return f"Đã thực hiện {entry.task.number}"


def _job_after(client, reporting_round, seen: int) -> DocumentJob:
    """Click the round's summary (a big round): the answer sends the user to a new job."""
    response, _body = _summary(client, reporting_round)
    job = DocumentJob.objects.order_by("-pk").first()
    assert DocumentJob.objects.count() == seen + 1
    assert response.status_code == 302 and response["Location"] == f"/documents/{job.pk}/"
    assert job.status == JobStatus.READY  # the test settings run the worker's tasks at once
    return job


def test_a_big_round_is_never_built_in_the_request_and_never_served_stale(
    coordinator_client, coordinator, reporting_round, builds, settings, monkeypatch
):
    settings.EXPORT_INLINE_MAX_TASKS = 0  # every round counts as big
    first = _job_after(coordinator_client, reporting_round, 0)
    download, body = _get(coordinator_client, f"/documents/{first.pk}/download/")
    assert download.status_code == 200 and body[:2] == b"PK" and download["ETag"]
    # Once built, the same round is served straight from storage, with no job.
    again, _body = _summary(coordinator_client, reporting_round)
    assert again.status_code == 200 and DocumentJob.objects.count() == 1

    # A click after a write reads the data anew: a new job, never the old file.
    result = _submitted(reporting_round, coordinator, "Sở Công thương")
    second = _job_after(coordinator_client, reporting_round, 1)
    fresh, body = _get(coordinator_client, f"/documents/{second.pk}/download/")
    assert result in _cells(body) and builds == ["round.xlsx", "round.xlsx"]
    # The first job's link now finds a newer file than its own: that one, up to date.
    newer, body = _get(coordinator_client, f"/documents/{first.pk}/download/")
    assert newer["ETag"] == fresh["ETag"] and result in _cells(body)

    # After another write, the store holds a file that is neither the first job's nor current:
    # its link asks for a fresh build.
    _submitted(reporting_round, coordinator, "Sở Ngoại vụ")
    gone = coordinator_client.get(f"/documents/{first.pk}/download/")
    assert gone.status_code == 302
    assert gone["Location"] == f"/rounds/{reporting_round.pk}/export/xlsx/"
    # The second job's own file is served for a while after it was built, not for ever.
    kept, body = _get(coordinator_client, f"/documents/{second.pk}/download/")
    assert kept.status_code == 200 and kept["ETag"] == fresh["ETag"]
    later = second.finished_at + jobs.JOB_FILE_KEPT + timedelta(seconds=1)
    monkeypatch.setattr(jobs.timezone, "now", lambda: later)
    old = coordinator_client.get(f"/documents/{second.pk}/download/")
    assert old.status_code == 302
    assert old["Location"] == f"/rounds/{reporting_round.pk}/export/xlsx/"
    assert builds == ["round.xlsx", "round.xlsx"]  # nothing built inline


def test_a_job_serves_its_file_though_the_round_changed_since(
    coordinator_client, coordinator, reporting_round, builds, settings
):
    """Reports come in every few seconds: the file built after the click is what the user asked
    for, and the link on the job page gives it, else they would wait for ever."""
    settings.EXPORT_INLINE_MAX_TASKS = 0  # every round counts as big
    job = _job_after(coordinator_client, reporting_round, 0)
    result = _submitted(reporting_round, coordinator, "Sở Công thương")
    page = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert f"/documents/{job.pk}/download/" in page
    download, body = _get(coordinator_client, f"/documents/{job.pk}/download/")
    assert download.status_code == 200 and body[:2] == b"PK"
    assert result not in _cells(body) and builds == ["round.xlsx"]
    # A new click shows the submitted report.
    second = _job_after(coordinator_client, reporting_round, 1)
    _response, body = _get(coordinator_client, f"/documents/{second.pk}/download/")
    assert result in _cells(body)


def test_permission_is_checked_before_the_store(client, reporting_round, quang_tri, monkeypatch):
    asked: list[object] = []
    monkeypatch.setattr(documents, "document_versions", lambda scopes: asked.append(scopes))
    client.force_login(reporter_of(quang_tri, "Sở Công thương"))  # may not see summaries
    for url in (
        f"/rounds/{reporting_round.pk}/export/pdf/",
        f"/rounds/{reporting_round.pk}/reminder/docx/",
    ):
        assert client.get(url).status_code == 404
    assert client.get("/dashboard/export/xlsx/").status_code == 404
    assert asked == []


def test_a_letter_is_dated_the_day_it_is_asked_for(
    coordinator_client, reporting_round, builds, monkeypatch
):
    url = f"/rounds/{reporting_round.pk}/reminder/docx/"
    _get(coordinator_client, url)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(jobs.timezone, "localdate", lambda *args: tomorrow)
    _get(coordinator_client, url)
    assert builds == ["reminder.docx", "reminder.docx"]


def test_each_user_has_their_own_dashboard_file(client, quang_tri, khanh_hoa, monkeypatch):
    calls: list[str] = []
    real = views.DASHBOARD_RENDERERS["xlsx"]

    def spy(data, panel=""):
        calls.append(panel)
        return real(data, panel=panel)

    monkeypatch.setitem(views.DASHBOARD_RENDERERS, "xlsx", spy)
    leader_qt = make_user("lanhdao_qt_dl", "leader", quang_tri, None)
    leader_kh = make_user("lanhdao_kh_dl", "leader", khanh_hoa, None)
    client.force_login(leader_qt)
    _r, qt = _get(client, "/dashboard/export/xlsx/")
    _r, qt_again = _get(client, "/dashboard/export/xlsx/")
    assert qt_again == qt and len(calls) == 1
    client.force_login(leader_kh)
    _r, kh = _get(client, "/dashboard/export/xlsx/")
    assert len(calls) == 2 and kh != qt
    assert "165/QĐ-UBND" in _cells(qt)
    assert "165/QĐ-UBND" not in _cells(kh)


def test_a_round_pdf_goes_to_the_worker_at_a_lower_size(
    coordinator_client, reporting_round, builds, settings
):
    # The default settings: the seed round is small for a workbook, big for a PDF summary.
    tasks = round_tasks(reporting_round).count()
    assert settings.EXPORT_INLINE_MAX_PDF_TASKS < tasks <= settings.EXPORT_INLINE_MAX_TASKS
    xlsx, _body = _summary(coordinator_client, reporting_round, "xlsx")
    assert xlsx.status_code == 200  # built in the request
    pdf, _body = _summary(coordinator_client, reporting_round, "pdf")
    job = DocumentJob.objects.get(reporting_round=reporting_round, fmt="pdf")
    assert pdf.status_code == 302 and pdf["Location"] == f"/documents/{job.pk}/"
    # A reminder letter's length follows the agencies it is addressed to, not the tasks.
    letter, body = _get(coordinator_client, f"/rounds/{reporting_round.pk}/reminder/pdf/")
    assert letter.status_code == 200 and body.startswith(b"%PDF")
    assert builds == ["round.xlsx", "round.pdf", "reminder.pdf"]  # the PDF summary by the worker
