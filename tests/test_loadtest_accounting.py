"""The load test's checker: given what users were told and what the database holds, it names
every lost acknowledged write, and only those (loadtest/accounting.py)."""

from collections import Counter

from loadtest.accounting import (
    ACCEPT,
    ACKED,
    REFUSED,
    RETURN,
    SAVE,
    SUBMIT,
    UNKNOWN,
    Request,
    StoredReport,
    Write,
    failures_ending_between,
    first_success_after,
    losses_find,
    percentile,
    roles_without_success,
    summary_rows,
)


def stored(marker: str, status: str = "draft", entries: int = 2, **events) -> StoredReport:
    return StoredReport(
        report_id=7,
        status=status,
        difficulties=f"Kinh phí cấp chậm [{marker}]",
        entry_results=[f"Đã triển khai [{marker}]"] * entries,
        events=Counter(events),
    )


def writes(*items) -> list[Write]:
    return [
        Write(report_id=7, seq=seq, kind=kind, outcome=outcome, marker=marker)
        for seq, (kind, outcome, marker) in enumerate(items)
    ]


def test_latest_acknowledged_save_present_is_no_loss():
    history = writes((SAVE, ACKED, "M1"), (SAVE, ACKED, "M2"))
    assert losses_find(history, {7: stored("M2", saved=2)}) == []


def test_earlier_save_in_place_of_the_latest_is_a_loss():
    history = writes((SAVE, ACKED, "M1"), (SAVE, ACKED, "M2"))
    losses = losses_find(history, {7: stored("M1", saved=2)})
    assert [str(loss) for loss in losses] == [
        "báo cáo #7: lần lưu cuối được xác nhận (M2) không có trong báo cáo"
    ]


def test_marker_missing_from_one_entry_is_a_loss():
    report = stored("M1", saved=1)
    report.entry_results[1] = "Đã triển khai [M0]"
    assert len(losses_find(writes((SAVE, ACKED, "M1")), {7: report})) == 1


def test_later_write_with_unknown_outcome_may_have_overwritten():
    # The connection dropped after the server committed M2: the user was never told either way.
    history = writes((SAVE, ACKED, "M1"), (SAVE, UNKNOWN, "M2"))
    assert losses_find(history, {7: stored("M2", saved=2)}) == []
    assert losses_find(history, {7: stored("M1", saved=1)}) == []


def test_unknown_write_before_the_last_acknowledged_one_does_not_excuse_it():
    history = writes((SAVE, UNKNOWN, "M1"), (SAVE, ACKED, "M2"))
    assert len(losses_find(history, {7: stored("M1", saved=2)})) == 1


def test_refused_write_found_in_the_database_is_reported():
    history = writes((SAVE, ACKED, "M1"), (SAVE, REFUSED, "M2"))
    losses = losses_find(history, {7: stored("M2", saved=2)})
    assert any("bị từ chối (M2) vẫn được ghi" in str(loss) for loss in losses)


def test_only_unacknowledged_writes_check_nothing():
    history = writes((SAVE, UNKNOWN, "M1"), (SUBMIT, REFUSED, "M2"))
    assert losses_find(history, {}) == []


def test_report_gone_from_the_database_is_a_loss():
    losses = losses_find(writes((SAVE, ACKED, "M1")), {})
    assert [str(loss) for loss in losses] == ["báo cáo #7: không còn trong cơ sở dữ liệu"]


def test_acknowledged_submission_still_draft_is_a_loss():
    history = writes((SAVE, ACKED, "M1"), (SUBMIT, ACKED, "M2"))
    losses = losses_find(history, {7: stored("M2", "draft", saved=2, submitted=0)})
    text = [str(loss) for loss in losses]
    assert "báo cáo #7: 1 lần «submitted» được xác nhận, chỉ có 0 trong diễn biến" in text
    assert "báo cáo #7: đã xác nhận nộp nhưng trạng thái là draft" in text


def test_submitted_then_returned_then_saved_again_is_consistent():
    history = writes(
        (SAVE, ACKED, "M1"), (SUBMIT, ACKED, "M2"), (RETURN, ACKED, ""), (SAVE, ACKED, "M3")
    )
    report = stored("M3", "returned", saved=3, submitted=1, returned=1)
    assert losses_find(history, {7: report}) == []


def test_acknowledged_acceptance_lost():
    history = writes((SUBMIT, ACKED, "M1"), (ACCEPT, ACKED, ""))
    losses = losses_find(history, {7: stored("M1", "submitted", saved=1, submitted=1)})
    assert {str(loss) for loss in losses} == {
        "báo cáo #7: 1 lần «accepted» được xác nhận, chỉ có 0 trong diễn biến",
        "báo cáo #7: đã xác nhận duyệt nhưng trạng thái là submitted",
    }


def test_figures():
    assert percentile([float(n) for n in range(1, 101)], 0.5) == 50
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95
    assert percentile([3.0], 0.95) == 3.0
    requests = [
        Request("dashboard", "leader", 1.0, 0.2, 200),
        Request("dashboard", "leader", 2.0, 0.4, 500, "http_500"),
        Request("report_save", "reporter", 55.0, 0.1, 302),
        Request("report_save", "reporter", 56.0, 0.1, 0, "conn_error"),
    ]
    assert summary_rows(requests) == [
        ("dashboard", 2, 1, 0.2, 0.4, 0.4),
        ("report_save", 2, 1, 0.1, 0.1, 0.1),
    ]
    assert roles_without_success(requests, since=50, roles=["reporter", "leader"]) == ["leader"]
    assert first_success_after(requests, 1.5).name == "report_save"
    assert first_success_after(requests, 57) is None
    assert first_success_after(requests, 0.5, ended_after=2.0).name == "report_save"
    assert first_success_after(requests, 0.5).name == "dashboard"
    assert [r.error for r in failures_ending_between(requests, 2.0, 56.0)] == ["http_500"]


def test_unclear_answers_leave_out_the_outage_page_and_the_killed_workers_connection():
    from loadtest.accounting import OUTAGE_503, killed_answers, unclear_answers

    requests = [
        Request("report_edit", "reporter", 18.5, 1.5, 0, "conn_error"),  # in flight at the kill
        Request("report_edit", "reporter", 25.0, 0.1, 0, "conn_error"),  # later: unclear
        Request("report_save", "reporter", 34.0, 2.0, 503, OUTAGE_503),
        Request("report_save", "reporter", 34.0, 2.0, 500, "http_500"),
        Request("report_mine", "reporter", 40.0, 0.2, 200, ""),
    ]
    assert [r.started for r in killed_answers(requests, killed_at=20.0)] == [18.5]
    assert [(r.started, r.error) for r in unclear_answers(requests, killed_at=20.0)] == [
        (25.0, "conn_error"),
        (34.0, "http_500"),
    ]
    assert len(unclear_answers(requests, killed_at=None)) == 3


def test_download_figures_keep_the_waits_and_the_missing_files_apart():
    from loadtest.accounting import FILE, UNFINISHED, Download, download_rows

    def click(name, seconds, outcome=FILE, waited=False):
        return Download(name, "leader", 1.0, seconds, 1, waited, outcome)

    rows = download_rows(
        [
            click("round_pdf", 7.0, waited=True),
            click("round_pdf", 4.0, UNFINISHED, waited=True),
            click("round_pdf", 1.0, "http_500"),
            click("plan_pdf", 0.2),
        ]
    )
    assert rows == [("plan_pdf", 1, 0, 0, 0, [0.2]), ("round_pdf", 3, 2, 1, 1, [7.0])]


class _Server:
    """Answers to the virtual user's requests, in order, as (status, Location, body)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.asked: list[str] = []

    def request(self, method, url, **kwargs):
        import requests

        self.asked.append(url.removeprefix("http://test"))
        status, location, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code = status
        response.headers["Location"] = location
        response._content = body
        response.encoding = "utf-8"
        return response


# What templates/reports/document_job.html shows while the job runs, and once it is ready.
PREPARING = '<meta http-equiv="refresh" content="3"><p>Đang chuẩn bị</p>'.encode()
READY = '<a data-download href="/documents/8/download/">Tải về</a>'.encode()


def _leader(server, monkeypatch, *, seconds_left=60.0):
    import time

    from loadtest import driver

    journal = driver.Journal()
    user = driver.VirtualUser(
        number=0,
        spec={"role": "leader", "username": "lt_lanhdao00"},
        manifest={},
        base_url="http://test",
        journal=journal,
        deadline=time.monotonic() + seconds_left,
        seed=1,
    )
    user.session = server
    slept: list[float] = []
    monkeypatch.setattr(driver.time, "sleep", slept.append)
    return user, journal, slept


def test_a_leader_follows_the_waiting_page_to_the_file_as_a_browser_does(monkeypatch):
    server = _Server(
        [
            (302, "/documents/8/", b""),
            (200, "", PREPARING),
            (200, "", READY),
            # Its file was replaced meanwhile: back to the export, a second round trip.
            (302, "/rounds/3/export/pdf/", b""),
            (302, "/documents/9/", b""),
            (200, "", READY.replace(b"/8/", b"/9/")),
            (200, "", b"%PDF-1.7 ..."),
        ]
    )
    user, journal, slept = _leader(server, monkeypatch)
    user.document("round_pdf", "/rounds/3/export/pdf/")
    assert server.asked == [
        "/rounds/3/export/pdf/",
        "/documents/8/",
        "/documents/8/",
        "/documents/8/download/",
        "/rounds/3/export/pdf/",
        "/documents/9/",
        "/documents/9/download/",
    ]
    assert slept == [3]  # the page's own refresh
    assert [(r.name, r.error) for r in journal.requests] == [
        ("round_pdf", ""),
        ("document_job", ""),
        ("document_job", ""),
        ("document_download", ""),
        ("round_pdf", ""),
        ("document_job", ""),
        ("document_download", ""),
    ]
    (download,) = journal.downloads
    assert download.outcome == "file" and download.waited and download.requests == 7


def test_a_download_without_a_file_is_an_error(monkeypatch):
    from loadtest import driver

    back = (302, "/rounds/3/export/pdf/", b"")
    answers = [(302, "/documents/8/", b""), (200, "", READY), back] * driver.DOCUMENT_TRIPS
    user, journal, _slept = _leader(_Server(answers), monkeypatch)
    user.document("round_pdf", "/rounds/3/export/pdf/")
    assert journal.downloads[0].outcome == "no_file"
    assert [r.error for r in journal.requests if r.error] == ["no_file"]


def test_a_click_still_waiting_when_the_run_ends_is_unfinished(monkeypatch):
    user, journal, _slept = _leader(
        _Server([(302, "/documents/8/", b""), (200, "", PREPARING)]), monkeypatch
    )
    monkeypatch.setattr(user, "running", iter([True, False]).__next__)
    user.document("round_pdf", "/rounds/3/export/pdf/")
    assert journal.downloads[0].outcome == "unfinished"
    assert not any(r.error for r in journal.requests)


def test_the_leader_reads_the_real_waiting_page(db, coordinator_client, coordinator):
    from loadtest.driver import DOWNLOAD_LINK_RE, REFRESH_RE
    from reports.models import DocumentJob, JobStatus
    from tests.reports.factories import open_round

    job = DocumentJob.objects.create(
        reporting_round=open_round(coordinator), kind="round", fmt="pdf"
    )
    waiting = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert REFRESH_RE.search(waiting)[1] == "1" and not DOWNLOAD_LINK_RE.search(waiting)
    DocumentJob.objects.filter(pk=job.pk).update(status=JobStatus.READY, filename="tong-hop.pdf")
    ready = coordinator_client.get(f"/documents/{job.pk}/").content.decode()
    assert DOWNLOAD_LINK_RE.search(ready)[1] == f"/documents/{job.pk}/download/"
    assert not REFRESH_RE.search(ready)
