"""Virtual users: one thread and one ``requests.Session`` each, looping over their role's work.

- reporter: opens its report in each of its rounds, saves drafts, submits; comes back to a
  report that was returned.
- coordinator: opens a round's overview filtered on submitted reports, reads one, accepts or
  returns it with a comment.
- leader: the dashboard, then a round's summary PDF or a plan's PDF, followed as a browser
  does: a big round's PDF through the "being prepared" page until its link gives the file.

Every request is recorded (name, role, latency, status, error kind) and every write with its
outcome (see accounting.py): a write is *acknowledged* only when the server's answer says so.
"""

from __future__ import annotations

import itertools
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import requests

from .accounting import (
    ACCEPT,
    ACKED,
    FILE,
    OUTAGE_503,
    REFUSED,
    RETURN,
    SAVE,
    SUBMIT,
    UNFINISHED,
    UNKNOWN,
    Download,
    Request,
    Write,
)

# A browser waits this long for a page or a PDF (gunicorn gives up on a worker after 120 s).
TIMEOUT = 60.0
# Seconds between two actions: reporters type, coordinators read, leaders read longer.
THINK = {"reporter": (0.5, 2.0), "coordinator": (1.0, 3.0), "leader": (5.0, 15.0)}

SAVED_MESSAGE = "Đã lưu bản nháp."
SUBMITTED_MESSAGE = "Đã nộp báo cáo."
ACCEPTED_MESSAGE = "Đã duyệt báo cáo của"
RETURNED_MESSAGE = "Đã trả lại báo cáo cho"
NOT_SAVED_MESSAGE = "Chưa lưu"  # invalid form (400); a conflict (409) says "CHƯA được lưu"
READ_ONLY_MESSAGE = "Báo cáo này đang ở trạng thái chỉ xem."
# Another coordinator reviewed the report first.
OUTAGE_HEADING = "Hệ thống tạm thời gián đoạn"  # templates/503.html

REVIEW_REFUSED = ("Chỉ duyệt được báo cáo đã nộp.", "Chỉ trả lại được báo cáo đã nộp.")

VERSION_RE = re.compile(r'name="version" value="(\d+)"')
ENTRY_RE = re.compile(r'name="e(\d+)-status"')
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.S)
REPORT_LINK_RE = re.compile(r'href="/reports/(\d+)/"')
EDIT_RE = re.compile(r"^/reports/(\d+)/edit/$")
DETAIL_RE = re.compile(r"^/reports/(\d+)/$")
JOB_RE = re.compile(r"^/documents/(\d+)/$")
EXPORT_RE = re.compile(r"^/rounds/(\d+)/(export|reminder)/\w+/$")
DOWNLOAD_LINK_RE = re.compile(r'href="(/documents/\d+/download/)"')
REFRESH_RE = re.compile(r'<meta http-equiv="refresh" content="(\d+)"')
# A download link that sends back to the export (its file was replaced meanwhile) starts another
# round trip; a browser user would give up after a few.
DOCUMENT_TRIPS = 3


@dataclass
class Journal:
    """What every virtual user did; appended from many threads (list.append is atomic)."""

    t0: float = field(default_factory=time.monotonic)
    requests: list[Request] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    seq: itertools.count = field(default_factory=itertools.count)

    def now(self) -> float:
        return time.monotonic() - self.t0


class Answer:
    """A response, or the lack of one (``response`` None), with the error kind if unexpected."""

    def __init__(self, response: requests.Response | None, error: str):
        self.response = response
        self.error = error

    @property
    def status(self) -> int:
        return self.response.status_code if self.response is not None else 0

    @property
    def location(self) -> str:
        if self.response is None:
            return ""
        return urlsplit(self.response.headers.get("Location", "")).path

    @property
    def text(self) -> str:
        return self.response.text if self.response is not None else ""


class VirtualUser:
    def __init__(
        self,
        *,
        number: int,
        spec: dict,
        manifest: dict,
        base_url: str,
        journal: Journal,
        deadline: float,
        seed: int,
    ):
        self.number = number
        self.spec = spec
        self.role = spec["role"]
        self.manifest = manifest
        self.base_url = base_url
        self.journal = journal
        self.deadline = deadline
        self.rng = random.Random(seed)  # noqa: S311 - think times, not secrets
        self.session = requests.Session()
        self.logged_in = False

    # -- plumbing ---------------------------------------------------------------------------

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def think(self) -> None:
        low, high = THINK[self.role]
        time.sleep(min(self.rng.uniform(low, high), max(0.0, self.deadline - time.monotonic())))

    def call(
        self,
        name: str,
        method: str,
        path: str,
        *,
        data: dict | None = None,
        expect: Callable[[requests.Response], str] | None = None,
    ) -> Answer:
        """One request, recorded. ``expect`` returns "" when the answer is the expected one."""
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.session.cookies.get("csrftoken")}
        started = self.journal.now()
        clock = time.monotonic()
        response = None
        try:
            response = self.session.request(
                method,
                urljoin(self.base_url, path),
                data=data,
                allow_redirects=False,
                timeout=TIMEOUT,
                headers={"Referer": urljoin(self.base_url, path)},
            )
            location = urlsplit(response.headers.get("Location", "")).path
            if response.status_code == 302 and location.startswith("/accounts/login/"):
                error = "logged_out"
                self.logged_in = False
            elif response.status_code == 503 and OUTAGE_HEADING in response.text:
                error = OUTAGE_503  # a clear Vietnamese "reload and check"
            elif response.status_code >= 500:
                error = f"http_{response.status_code}"
            else:
                error = (expect or expect_ok)(response)
        except requests.Timeout:
            error = "timeout"
        except requests.ConnectionError:
            error = "conn_error"
        seconds = time.monotonic() - clock
        self.journal.requests.append(
            Request(
                name=name,
                role=self.role,
                started=started,
                seconds=seconds,
                status=response.status_code if response is not None else 0,
                error=error,
            )
        )
        return Answer(response, error)

    def write(self, report_id: int, kind: str, outcome: str, marker: str = "") -> None:
        self.journal.writes.append(
            Write(
                report_id=report_id,
                seq=next(self.journal.seq),
                kind=kind,
                outcome=outcome,
                marker=marker,
                user=self.spec["username"],
            )
        )

    def login(self) -> bool:
        self.session.cookies.clear()
        page = self.call("login_page", "GET", "/accounts/login/")
        if page.error:
            return False
        answer = self.call(
            "login",
            "POST",
            "/accounts/login/",
            data={"username": self.spec["username"], "password": self.manifest["password"]},
            expect=lambda r: "" if r.status_code == 302 else f"login_{r.status_code}",
        )
        self.logged_in = not answer.error
        return self.logged_in

    def run(self) -> None:
        flow = {"reporter": self.reporter, "coordinator": self.coordinator, "leader": self.leader}
        # Every click follows a think time, the first one too: people who signed in read the
        # page they landed on before they click. Without it all 50 users sent their first
        # request in the same 50 ms, which no office does (they queued 0.5-0.8 s behind each
        # other, and were most of the slowest 5 % of the rarer kinds).
        self.think()
        flow[self.role]()

    def ensure_login(self) -> bool:
        while self.running():
            if self.logged_in or self.login():
                return True
            self.think()
        return False

    # -- reporter ---------------------------------------------------------------------------

    def reporter(self) -> None:
        rounds = list(self.spec["rounds"])
        for round_id in itertools.cycle(rounds):
            if not self.ensure_login():
                return
            self.report_round(round_id)
            self.think()

    def report_round(self, round_id: int) -> None:
        mine = self.call(
            "report_mine",
            "POST",
            f"/rounds/{round_id}/my-report/",
            expect=expect_redirect(EDIT_RE),
        )
        match = EDIT_RE.match(mine.location)
        if mine.error or not match:
            return
        report_id = int(match.group(1))
        page = self.open_edit(report_id)
        if page is None:
            return
        drafts = self.rng.randint(1, 3)
        for i in range(drafts + 1):
            if not self.running():
                return
            self.think()
            if page is None:
                page = self.open_edit(report_id)
                if page is None:
                    return
            action = SAVE if i < drafts else SUBMIT
            page, done = self.report_post(report_id, page, action)
            if done:
                return

    def open_edit(self, report_id: int) -> str | None:
        """The edit page's HTML, or None if the report is read-only now or did not load."""
        answer = self.call(
            "report_edit",
            "GET",
            f"/reports/{report_id}/edit/",
            expect=lambda r: "" if r.status_code in (200, 302) else f"http_{r.status_code}",
        )
        if answer.error or answer.status != 200:
            return None
        return answer.text

    def report_post(self, report_id: int, page: str, action: str) -> tuple[str | None, bool]:
        """Save or submit; returns (the next edit page or None to reload it, report finished)."""
        version = VERSION_RE.search(page)
        entries = ENTRY_RE.findall(page)
        if version is None:
            return None, False
        marker = f"LT{self.number:02d}-{next(self.journal.seq):07d}"
        data = {
            "version": version.group(1),
            "delegations_out": str(self.rng.randint(0, 9)),
            "delegations_out_officials": str(self.rng.randint(0, 60)),
            "delegations_in": str(self.rng.randint(0, 9)),
            "funds_state_budget": f"{self.rng.randint(0, 900) * 1_000_000:,}".replace(",", "."),
            "funds_other": "0",
            "difficulties": f"Kinh phí cấp chậm; đường sá xa [{marker}]",
            "proposals": "Đề nghị bố trí kinh phí sớm trong năm.",
            "action": action,
        }
        for entry in entries:
            data[f"e{entry}-status"] = self.rng.choice(["in_progress", "done", "delayed"])
            data[f"e{entry}-result"] = f"Đã triển khai theo kế hoạch [{marker}]"
        name = "report_save" if action == SAVE else "report_submit"
        answer = self.call(
            name, "POST", f"/reports/{report_id}/edit/", data=data, expect=expect_report_post
        )
        if answer.status == 409 or (answer.status == 400 and NOT_SAVED_MESSAGE in answer.text):
            self.write(report_id, action, REFUSED, marker)  # the form says nothing was saved
            return None, False
        if answer.status != 302:
            # No answer, a 5xx, or Django's bare 400 when the session could not be saved after
            # the view had committed (a database outage): the user cannot tell.
            self.write(report_id, action, UNKNOWN, marker)
            return None, False
        if EDIT_RE.match(answer.location):
            # A draft saved, or a submission refused as incomplete after saving the draft.
            self.write(report_id, SAVE, ACKED, marker)
            follow = self.call("report_edit", "GET", answer.location, expect=expect_ok)
            if follow.error or follow.status != 200:
                return None, False
            wanted = SAVED_MESSAGE if action == SAVE else "Chưa nộp được"
            if wanted not in follow.text:
                self.record_anomaly("report_edit", "no_message")
            return follow.text, False
        # Redirected to the report: submitted, or the report was read-only already.
        follow = self.call("report_detail", "GET", answer.location, expect=expect_ok)
        if follow.error:
            self.write(report_id, action, UNKNOWN, marker)
        elif action == SUBMIT and SUBMITTED_MESSAGE in follow.text:
            self.write(report_id, SUBMIT, ACKED, marker)
        elif READ_ONLY_MESSAGE in follow.text:
            self.write(report_id, action, REFUSED, marker)
        else:
            self.write(report_id, action, UNKNOWN, marker)
        return None, True

    def record_anomaly(self, name: str, error: str) -> None:
        self.journal.requests.append(Request(name, self.role, self.journal.now(), 0.0, 0, error))

    # -- coordinator ------------------------------------------------------------------------

    def coordinator(self) -> None:
        rounds = self.manifest["rounds"]
        while self.running():
            if not self.ensure_login():
                return
            round_id = self.rng.choice(rounds)
            if self.rng.random() < 0.2:
                self.call("round_detail", "GET", f"/rounds/{round_id}/")
                self.think()
                continue
            overview = self.call("round_detail", "GET", f"/rounds/{round_id}/?state=submitted")
            submitted = submitted_reports(overview.text) if not overview.error else []
            self.think()
            if not submitted or not self.running():
                continue
            report_id = self.rng.choice(submitted)
            detail = self.call("report_detail", "GET", f"/reports/{report_id}/")
            self.think()
            if detail.error or not self.running():
                continue
            self.review(report_id)
            self.think()

    def review(self, report_id: int) -> None:
        if self.rng.random() < 0.4:
            kind, path, data = ACCEPT, f"/reports/{report_id}/accept/", {}
            message = ACCEPTED_MESSAGE
        else:
            kind, path = RETURN, f"/reports/{report_id}/return/"
            data = {"comment": "Đề nghị bổ sung kết quả cụ thể và kinh phí đã chi."}
            message = RETURNED_MESSAGE
        answer = self.call(
            f"report_{kind}", "POST", path, data=data, expect=expect_redirect(DETAIL_RE)
        )
        if answer.error:
            self.write(report_id, kind, UNKNOWN)
            return
        # accept and return both go back to the report: only the message tells what happened.
        follow = self.call("report_detail", "GET", answer.location)
        if not follow.error and message in follow.text:
            self.write(report_id, kind, ACKED)
        elif not follow.error and any(m in follow.text for m in REVIEW_REFUSED):
            self.write(report_id, kind, REFUSED)
        else:
            self.write(report_id, kind, UNKNOWN)

    # -- leader -----------------------------------------------------------------------------

    def leader(self) -> None:
        """The dashboard, then one PDF: a round's summary and a plan, in turn."""
        for turn in itertools.count():
            if not self.ensure_login():
                return
            self.call("dashboard", "GET", "/dashboard/")
            self.think()
            if not self.running():
                return
            if turn % 2 == 0:
                round_id = self.rng.choice(self.manifest["rounds"])
                path, name = f"/rounds/{round_id}/export/pdf/", "round_pdf"
            else:
                path, name = (
                    f"/plans/{self.rng.choice(self.manifest['plans'])}/export/pdf/",
                    "plan_pdf",
                )
            self.document(name, path)
            self.think()

    def document(self, name: str, path: str) -> None:
        """Click a PDF and get the file as a browser does: the export answers with it, or sends
        to the job's "being prepared" page, reloaded as its refresh says until it shows the
        link; the link gives the file, or sends back to the export (another round trip)."""
        started, clock = self.journal.now(), time.monotonic()
        requests, waited, outcome = 0, False, ""
        for _trip in range(DOCUMENT_TRIPS):
            answer = self.call(name, "GET", path, expect=expect_pdf_or(JOB_RE))
            requests += 1
            if answer.error or answer.status == 200:
                outcome = answer.error or FILE
                break
            waited = True
            link, polls, outcome = self.job_wait(answer.location)
            requests += polls
            if link is None:
                break
            download = self.call("document_download", "GET", link, expect=expect_pdf_or(EXPORT_RE))
            requests += 1
            if download.error or download.status == 200:
                outcome = download.error or FILE
                break
            path = download.location  # its file was replaced meanwhile: the export again
        else:
            outcome = "no_file"
            self.record_anomaly(name, outcome)
        self.journal.downloads.append(
            Download(
                name=name,
                role=self.role,
                started=started,
                seconds=time.monotonic() - clock,
                requests=requests,
                waited=waited,
                outcome=outcome,
            )
        )

    def job_wait(self, job_page: str) -> tuple[str | None, int, str]:
        """Reload the "being prepared" page until it shows the download link: (the link or
        None, requests made, why there is no link)."""
        polls = 0
        while self.running():
            page = self.call("document_job", "GET", job_page)
            polls += 1
            if page.error:
                return None, polls, page.error
            link = DOWNLOAD_LINK_RE.search(page.text)
            if link is not None:
                return link.group(1), polls, ""
            refresh = REFRESH_RE.search(page.text)
            if refresh is None:  # failed, or nothing to write: the page says so, no link
                self.record_anomaly("document_job", "no_file")
                return None, polls, "no_file"
            time.sleep(int(refresh.group(1)))
        return None, polls, UNFINISHED


def expect_ok(response: requests.Response) -> str:
    return "" if response.status_code == 200 else f"http_{response.status_code}"


def expect_redirect(pattern: re.Pattern) -> Callable[[requests.Response], str]:
    def check(response: requests.Response) -> str:
        if response.status_code != 302:
            return f"http_{response.status_code}"
        location = urlsplit(response.headers.get("Location", "")).path
        return "" if pattern.match(location) else "unexpected_redirect"

    return check


def expect_report_post(response: requests.Response) -> str:
    if response.status_code == 409:
        return "conflict_409"
    if response.status_code != 302:
        return f"http_{response.status_code}"
    location = urlsplit(response.headers.get("Location", "")).path
    return "" if EDIT_RE.match(location) or DETAIL_RE.match(location) else "unexpected_redirect"


def expect_pdf(response: requests.Response) -> str:
    if response.status_code != 200:
        return f"http_{response.status_code}"
    if not response.content.startswith(b"%PDF"):
        return "not_pdf"
    return ""


def expect_pdf_or(pattern: re.Pattern) -> Callable[[requests.Response], str]:
    """A PDF, or a redirect whose path matches ``pattern``."""
    redirect = expect_redirect(pattern)

    def check(response: requests.Response) -> str:
        return redirect(response) if response.status_code == 302 else expect_pdf(response)

    return check


def submitted_reports(html: str) -> list[int]:
    """Report ids of the rows marked submitted in a round overview's agency table."""
    table = html.partition('id="agencies"')[2].partition("</table>")[0]
    ids = []
    for row in ROW_RE.findall(table):
        link = REPORT_LINK_RE.search(row)
        if 'class="badge submitted' in row and link:
            ids.append(int(link.group(1)))
    return ids


def users_run(
    manifest: dict,
    *,
    base_url: str,
    users: int,
    duration: float,
    journal: Journal,
    seed: int,
    on_start: Callable[[], None] | None = None,
) -> float:
    """Log every virtual user in, then let them work for ``duration`` seconds; returns the
    wall time of the working phase (until the last thread finished its last request)."""
    specs = manifest["users"][:users]
    far = time.monotonic() + 3600
    vus = [
        VirtualUser(
            number=i,
            spec=spec,
            manifest=manifest,
            base_url=base_url,
            journal=journal,
            deadline=far,
            seed=seed * 1000 + i,
        )
        for i, spec in enumerate(specs)
    ]
    # Logging in hashes a password (a CPU-heavy half second on a small machine): done before
    # the clock starts, a few at a time, so that the measured minute is the work itself.
    logins = [threading.Thread(target=vu.login) for vu in vus]
    for i in range(0, len(logins), 5):
        for thread in logins[i : i + 5]:
            thread.start()
        for thread in logins[i : i + 5]:
            thread.join()
    # The logins keep their latencies, with start times before 0.
    offset = journal.now()
    journal.requests[:] = [replace(r, started=r.started - offset) for r in journal.requests]
    journal.t0 += offset
    deadline = journal.t0 + duration
    for vu in vus:
        vu.deadline = deadline
    if on_start is not None:
        on_start()
    threads = [threading.Thread(target=vu.run, name=f"vu{vu.number}") for vu in vus]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - journal.t0
