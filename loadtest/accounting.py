"""The load test's bookkeeping: what the virtual users were told, what the database kept.

Pure functions over plain data, so that the checker itself is tested
(tests/test_loadtest_accounting.py) and cannot pass by accident.

A *write* is one attempt by a virtual user to change a report, with its outcome:

- ``acked``: the server confirmed it (the redirect to the expected page, and where that is
  ambiguous the success message on it). The user was told "saved": it must be in the database.
- ``refused``: the server answered that nothing was saved (409 conflict, 400 invalid form,
  read-only report, review of a report no longer submitted). It must not be in the database.
- ``unknown``: no answer (connection reset, timeout, a 5xx). It may or may not have been kept;
  the user was not told "saved", so it is not a loss either way.

Content writes (draft saves and submissions) carry a unique marker string that the virtual
user typed into the report's text fields. Per report, the last acknowledged write wins; a later
write whose outcome is unknown may have overwritten it, so its marker is accepted too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

ACKED, REFUSED, UNKNOWN = "acked", "refused", "unknown"
SAVE, SUBMIT, ACCEPT, RETURN = "save", "submit", "accept", "return"
# Each acknowledged write leaves these events on the report's timeline.
EVENTS_OF = {
    SAVE: ("saved",),
    SUBMIT: ("saved", "submitted"),
    ACCEPT: ("accepted",),
    RETURN: ("returned",),
}
HANDED_IN = {"submitted", "returned", "accepted"}


@dataclass(frozen=True)
class Write:
    report_id: int
    seq: int  # order of the attempts (one virtual user writes a given report's content)
    kind: str  # SAVE, SUBMIT, ACCEPT, RETURN
    outcome: str  # ACKED, REFUSED, UNKNOWN
    marker: str = ""  # content writes only
    user: str = ""


@dataclass
class StoredReport:
    report_id: int
    status: str
    difficulties: str
    entry_results: list[str] = field(default_factory=list)
    events: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Loss:
    report_id: int
    what: str

    def __str__(self) -> str:
        return f"báo cáo #{self.report_id}: {self.what}"


def _holds(stored: StoredReport, marker: str) -> bool:
    """The marker is in the general part and in every task entry the user filled in."""
    return marker in stored.difficulties and all(marker in r for r in stored.entry_results)


def losses_find(writes: Iterable[Write], stored: dict[int, StoredReport]) -> list[Loss]:
    """Every acknowledged write the database does not reflect, and every refused one it does."""
    by_report: dict[int, list[Write]] = defaultdict(list)
    for write in writes:
        by_report[write.report_id].append(write)
    losses: list[Loss] = []
    for report_id in sorted(by_report):
        report_writes = sorted(by_report[report_id], key=lambda w: w.seq)
        acked = [w for w in report_writes if w.outcome == ACKED]
        if not acked:
            continue
        report = stored.get(report_id)
        if report is None:
            losses.append(Loss(report_id, "không còn trong cơ sở dữ liệu"))
            continue
        losses.extend(_content_losses(report, report_writes))
        wanted: Counter = Counter()
        for write in acked:
            wanted.update(EVENTS_OF[write.kind])
        for action, count in sorted(wanted.items()):
            if report.events[action] < count:
                losses.append(
                    Loss(
                        report_id,
                        f"{count} lần «{action}» được xác nhận, "
                        f"chỉ có {report.events[action]} trong diễn biến",
                    )
                )
        kinds = {w.kind for w in acked}
        if SUBMIT in kinds and report.status not in HANDED_IN:
            losses.append(Loss(report_id, f"đã xác nhận nộp nhưng trạng thái là {report.status}"))
        if ACCEPT in kinds and report.status != "accepted":
            losses.append(Loss(report_id, f"đã xác nhận duyệt nhưng trạng thái là {report.status}"))
    return losses


def _content_losses(report: StoredReport, report_writes: list[Write]) -> list[Loss]:
    content = [w for w in report_writes if w.kind in (SAVE, SUBMIT)]
    last = max((i for i, w in enumerate(content) if w.outcome == ACKED), default=None)
    if last is None:
        return []
    allowed = [content[last].marker] + [
        w.marker for w in content[last + 1 :] if w.outcome == UNKNOWN
    ]
    losses = []
    if not any(_holds(report, marker) for marker in allowed):
        losses.append(
            Loss(
                report.report_id,
                f"lần lưu cuối được xác nhận ({content[last].marker}) không có trong báo cáo",
            )
        )
    for write in content:
        if write.outcome == REFUSED and write.marker in report.difficulties:
            losses.append(
                Loss(report.report_id, f"lần lưu bị từ chối ({write.marker}) vẫn được ghi")
            )
    return losses


# -- figures ----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list (p50 of 1..100 is 50)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Request:
    name: str
    role: str
    started: float  # seconds since the run began
    seconds: float
    status: int  # 0 when there was no HTTP answer
    error: str = ""  # "" when the answer was the expected one


def summary_rows(requests: list[Request]) -> list[tuple[str, int, int, float, float, float]]:
    """Per request name: count, errors, p50, p95, max (seconds)."""
    by_name: dict[str, list[Request]] = defaultdict(list)
    for request in requests:
        by_name[request.name].append(request)
    rows = []
    for name in sorted(by_name):
        rs = by_name[name]
        times = [r.seconds for r in rs]
        rows.append(
            (
                name,
                len(rs),
                sum(1 for r in rs if r.error),
                percentile(times, 0.50),
                percentile(times, 0.95),
                max(times),
            )
        )
    return rows


@dataclass(frozen=True)
class Download:
    """One click on a document, followed as a browser does: the export's answer, the "being
    prepared" page (reloaded as its refresh says) until it shows the link, the download; a link
    that sends back to the export starts another round trip."""

    name: str  # the click: round_pdf, plan_pdf
    role: str
    started: float  # seconds since the run began
    seconds: float  # from the click to the file (or to giving up)
    requests: int  # every request it took
    waited: bool  # through the "being prepared" page
    outcome: str  # FILE, or why there is none: an error kind, or UNFINISHED


FILE, UNFINISHED = "file", "unfinished"


def download_rows(
    downloads: list[Download],
) -> list[tuple[str, int, int, int, int, list[float]]]:
    """Per click name: clicks, those through the waiting page, those still waiting when the run
    ended, those that ended without a file, and the click-to-file times (seconds) of the rest."""
    by_name: dict[str, list[Download]] = defaultdict(list)
    for download in downloads:
        by_name[download.name].append(download)
    return [
        (
            name,
            len(ds),
            sum(1 for d in ds if d.waited),
            sum(1 for d in ds if d.outcome == UNFINISHED),
            sum(1 for d in ds if d.outcome not in (FILE, UNFINISHED)),
            [d.seconds for d in ds if d.outcome == FILE],
        )
        for name, ds in sorted(by_name.items())
    ]


# The Vietnamese 503 page of a database outage (coopplan/errors.py): not the page the user asked
# for, but a clear message telling them to reload and check. Every other error kind is unclear.
OUTAGE_503 = "outage_503"
CONNECTION_CUT = "conn_error"


def unclear_answers(requests: list[Request], *, killed_at: float | None = None) -> list[Request]:
    """Answers that were neither the expected page nor a clear Vietnamese message. A connection
    cut because its worker was killed mid-request is left out (``killed_answers``): no server
    process is left to answer it, and in deployment nginx answers it (deploy/50x.html)."""
    cut = set(map(id, killed_answers(requests, killed_at=killed_at)))
    return [r for r in requests if r.error and r.error != OUTAGE_503 and id(r) not in cut]


def killed_answers(requests: list[Request], *, killed_at: float | None) -> list[Request]:
    """Connections cut while in flight on the worker killed at ``killed_at``."""
    if killed_at is None:
        return []
    return [
        r
        for r in requests
        if r.error == CONNECTION_CUT and r.started <= killed_at <= r.started + r.seconds + 0.5
    ]


def errors_by_kind(requests: list[Request]) -> Counter:
    return Counter(r.error for r in requests if r.error)


def roles_without_success(
    requests: list[Request], *, since: float, roles: Iterable[str]
) -> list[str]:
    """Roles that had no successful request started at or after ``since``."""
    served = {r.role for r in requests if not r.error and r.started >= since}
    return [role for role in roles if role not in served]


def first_success_after(
    requests: list[Request], moment: float, *, ended_after: float | None = None
) -> Request | None:
    """The first successful request to finish among those started at or after ``moment``
    (and finished at or after ``ended_after``, when given)."""
    after = [
        r
        for r in requests
        if not r.error
        and r.started >= moment
        and (ended_after is None or r.started + r.seconds >= ended_after)
    ]
    return min(after, key=lambda r: r.started + r.seconds, default=None)


def failures_ending_between(requests: list[Request], start: float, end: float) -> list[Request]:
    """Failed requests whose answer (or lack of one) came in ``[start, end)``."""
    return [r for r in requests if r.error and start <= r.started + r.seconds < end]
