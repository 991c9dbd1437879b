"""Two workflow steps posted at the same moment, on two real PostgreSQL connections.

The first step runs and keeps its transaction open; the second starts from what its page had
read before (as a view does), reaches the row lock and waits there (seen in pg_stat_activity,
not guessed with a sleep); then the first commits. The second must then see what the first did:
refused with a Vietnamese message when its starting state is gone, and nothing inconsistent left
behind (one event per step that happened, the status of the step that won).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction

from agreements.models import Agency, Locality, Plan, PlanStatus
from agreements.services import plan_close, plan_issue, plan_reopen, plan_update
from devdata.seed import seed_load
from reports.models import EventAction, Report, ReportingRound, ReportStatus, RoundStatus
from reports.services import (
    ReportConflict,
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
    round_close,
)
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

REFUSALS = (PermissionDenied, ValidationError, ReportConflict)


def race(first: Callable[[], object], second: Callable[[], object]) -> tuple[object, object]:
    """Run ``first`` and hold its transaction; run ``second`` until it waits on a lock (or ends);
    commit ``first``. Returns what each returned or raised."""
    outcome: dict[str, object] = {}
    holding, release, pid_known = threading.Event(), threading.Event(), threading.Event()
    second_pid: list[int] = []

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                holding.set()
                release.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcome["first"] = error
        finally:
            holding.set()
            connections.close_all()

    def run_second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            pid_known.set()
            outcome["second"] = second()
        except Exception as error:  # noqa: BLE001
            outcome["second"] = error
        finally:
            pid_known.set()
            connections.close_all()

    one = threading.Thread(target=run_first)
    one.start()
    assert holding.wait(timeout=30)
    assert not isinstance(outcome.get("first"), Exception), outcome["first"]
    two = threading.Thread(target=run_second)
    two.start()
    assert pid_known.wait(timeout=30)
    # Wait until the second step is blocked on a lock held by the first (or has finished).
    for _ in range(3000):
        if not two.is_alive():
            break
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [second_pid[0]]
            )
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            break
        time.sleep(0.01)
    release.set()
    one.join(timeout=30)
    two.join(timeout=30)
    assert not one.is_alive() and not two.is_alive()
    return outcome["first"], outcome["second"]


def refused(result: object, *words: str) -> bool:
    if not isinstance(result, REFUSALS):
        return False
    text = " ".join(result.messages) if isinstance(result, ValidationError) else str(result)
    return all(word in text for word in words)


# -- reports -----------------------------------------------------------------------------------


@pytest.fixture
def people():
    seed_load()
    province = Locality.objects.get(name="Quảng Trị", country="VN")
    foreign_affairs = Agency.objects.get(province=province, name="Sở Ngoại vụ")
    agency = Agency.objects.get(province=province, name="Trường Chính trị Lê Duẩn")
    return {
        "coordinator": make_user("race_coord", "coordinator", province, foreign_affairs),
        "second_coordinator": make_user("race_coord2", "coordinator", province, foreign_affairs),
        "reporter": make_user("race_rep", "reporter", province, agency),
        "agency": agency,
    }


def _draft(people) -> Report:
    reporting_round = open_round(people["coordinator"])
    report = report_start(
        reporting_round=reporting_round, agency=people["agency"], user=people["reporter"]
    )
    return report_save(
        report=report,
        user=people["reporter"],
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report, status="done"),
    )


def _submitted(people) -> Report:
    report = _draft(people)
    return report_submit(report=report, user=people["reporter"], version=report.version)


def _fresh(report: Report) -> Report:
    """The report as a page loaded it: a separate copy, its round read too."""
    copy = Report.objects.select_related("reporting_round", "agency").get(pk=report.pk)
    return copy


def _events(report: Report, action: str) -> int:
    return report.events.filter(action=action).count()


def _return(people, who="coordinator"):
    def step(report):
        return lambda: report_return(report=report, user=people[who], comment="Bổ sung số liệu")

    return step


def _accept(people, who="coordinator"):
    def step(report):
        return lambda: report_accept(report=report, user=people[who])

    return step


@pytest.mark.parametrize(
    ("first_name", "second_name"),
    [("accept", "return"), ("return", "accept"), ("accept", "accept"), ("return", "return")],
)
def test_two_reviews_of_one_report_one_wins(people, first_name, second_name):
    report = _submitted(people)
    steps = {"accept": _accept(people), "return": _return(people, "second_coordinator")}
    first_copy, second_copy = _fresh(report), _fresh(report)

    first, second = race(steps[first_name](first_copy), steps[second_name](second_copy))

    assert isinstance(first, Report)
    assert refused(second, "chưa được thực hiện"), second
    report.refresh_from_db()
    expected = {"accept": ReportStatus.ACCEPTED, "return": ReportStatus.RETURNED}[first_name]
    assert report.status == expected
    assert _events(report, EventAction.ACCEPTED) == (first_name == "accept")
    assert _events(report, EventAction.RETURNED) == (first_name == "return")


def test_two_submissions_of_one_report_one_wins(people):
    report = _draft(people)
    copies = _fresh(report), _fresh(report)
    first, second = race(
        lambda: report_submit(report=copies[0], user=people["reporter"], version=None),
        lambda: report_submit(report=copies[1], user=people["reporter"], version=None),
    )
    assert isinstance(first, Report)
    assert refused(second, "Đã nộp"), second
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert _events(report, EventAction.SUBMITTED) == 1


@pytest.mark.parametrize("step_name", ["save", "submit"])
def test_a_report_step_after_the_round_closed_is_refused(people, step_name):
    report = _draft(people)
    reporting_round = ReportingRound.objects.get(pk=report.reporting_round_id)
    copy = _fresh(report)
    steps = {
        "save": lambda: report_save(
            report=copy,
            user=people["reporter"],
            version=copy.version,
            general={"difficulties": "Sửa sau khi đóng"},
        ),
        "submit": lambda: report_submit(report=copy, user=people["reporter"], version=copy.version),
    }

    first, second = race(
        lambda: round_close(reporting_round=reporting_round, user=people["coordinator"]),
        steps[step_name],
    )

    assert isinstance(first, ReportingRound)
    assert refused(second, "đã đóng"), second
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.difficulties != "Sửa sau khi đóng"
    assert ReportingRound.objects.get(pk=reporting_round.pk).status == RoundStatus.CLOSED


@pytest.mark.parametrize("step_name", ["save", "submit"])
def test_a_report_step_already_under_way_finishes_before_the_close(people, step_name):
    report = _draft(people)
    reporting_round = ReportingRound.objects.get(pk=report.reporting_round_id)
    copy = _fresh(report)
    steps = {
        "save": lambda: report_save(
            report=copy,
            user=people["reporter"],
            version=copy.version,
            general={"difficulties": "Lưu trước khi đóng"},
        ),
        "submit": lambda: report_submit(report=copy, user=people["reporter"], version=copy.version),
    }

    first, second = race(
        steps[step_name],
        lambda: round_close(reporting_round=reporting_round, user=people["coordinator"]),
    )

    assert isinstance(first, Report) and isinstance(second, ReportingRound)
    report.refresh_from_db()
    if step_name == "save":
        assert report.difficulties == "Lưu trước khi đóng"
    else:
        assert report.status == ReportStatus.SUBMITTED
    assert ReportingRound.objects.get(pk=reporting_round.pk).status == RoundStatus.CLOSED


def test_two_closes_of_one_round_one_wins(people):
    reporting_round = open_round(people["coordinator"])
    copies = [ReportingRound.objects.get(pk=reporting_round.pk) for _ in range(2)]
    first, second = race(
        lambda: round_close(reporting_round=copies[0], user=people["coordinator"]),
        lambda: round_close(reporting_round=copies[1], user=people["second_coordinator"]),
    )
    assert isinstance(first, ReportingRound)
    assert refused(second, "đã đóng"), second


# -- plans -------------------------------------------------------------------------------------


def _plan(people, status: str) -> Plan:
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    Plan.objects.filter(pk=plan.pk).update(status=status)
    return Plan.objects.get(pk=plan.pk)


def _copy(plan: Plan) -> Plan:
    return Plan.objects.get(pk=plan.pk)


@pytest.mark.parametrize(
    ("start", "first_step", "second_step", "winner"),
    [
        # Close and reopen chosen on the same page of an issued plan.
        (PlanStatus.ISSUED, "close", "reopen_draft", PlanStatus.CLOSED),
        (PlanStatus.ISSUED, "reopen_draft", "close", PlanStatus.DRAFT),
        (PlanStatus.ISSUED, "close", "close", PlanStatus.CLOSED),
        (PlanStatus.DRAFT, "issue", "issue", PlanStatus.ISSUED),
        # A closed plan reopened two ways at once.
        (PlanStatus.CLOSED, "reopen_draft", "reopen_issued", PlanStatus.DRAFT),
        (PlanStatus.CLOSED, "reopen_issued", "reopen_draft", PlanStatus.ISSUED),
    ],
)
def test_two_status_changes_of_one_plan_one_wins(people, start, first_step, second_step, winner):
    plan = _plan(people, start)
    user = people["coordinator"]

    def step(name, copy):
        seen = copy.status  # what the page showed
        return {
            "issue": lambda: plan_issue(plan=copy, user=user, expected=seen),
            "close": lambda: plan_close(plan=copy, user=user, expected=seen),
            "reopen_draft": lambda: plan_reopen(
                plan=copy, user=user, reason="Sửa phụ lục", to=PlanStatus.DRAFT, expected=seen
            ),
            "reopen_issued": lambda: plan_reopen(
                plan=copy, user=user, reason="Sửa phụ lục", to=PlanStatus.ISSUED, expected=seen
            ),
        }[name]

    before = plan.history.count()
    first, second = race(step(first_step, _copy(plan)), step(second_step, _copy(plan)))

    assert isinstance(first, Plan)
    assert isinstance(second, ValidationError), second
    assert refused(second, "chưa được thực hiện") or refused(second, "Không thể chuyển")
    assert Plan.objects.get(pk=plan.pk).status == winner
    assert plan.history.count() == before + 1


def test_a_header_saved_while_the_plan_is_issued_keeps_it_issued(people):
    plan = _plan(people, PlanStatus.DRAFT)
    page_copy = _copy(plan)  # the edit page was opened on the draft
    first, second = race(
        lambda: plan_issue(plan=_copy(plan), user=people["coordinator"]),
        lambda: plan_update(
            plan=page_copy, user=people["coordinator"], fields={"place": "Đông Hà"}
        ),
    )
    assert isinstance(first, Plan) and isinstance(second, Plan), (first, second)
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.status == PlanStatus.ISSUED
    assert stored.place == "Đông Hà"


def test_issuing_while_the_date_is_cleared_is_refused(people):
    plan = _plan(people, PlanStatus.DRAFT)
    assert plan.date
    first, second = race(
        lambda: plan_update(plan=_copy(plan), user=people["coordinator"], fields={"date": None}),
        lambda: plan_issue(plan=_copy(plan), user=people["coordinator"]),
    )
    assert isinstance(first, Plan)
    assert refused(second, "ngày ban hành"), second
    stored = Plan.objects.get(pk=plan.pk)
    assert stored.status == PlanStatus.DRAFT and stored.date is None


def test_a_status_step_chosen_on_an_old_page_is_refused_in_the_browser(client, people):
    plan = _plan(people, PlanStatus.ISSUED)
    plan_close(plan=plan, user=people["coordinator"])
    client.force_login(people["coordinator"])
    # The page was loaded while the plan was issued: it offered "back to draft".
    response = client.post(
        f"/plans/{plan.pk}/status/",
        {"action": "reopen", "to": "draft", "reason": "Sửa", "current": PlanStatus.ISSUED},
    )
    assert response.status_code == 409
    assert "chưa được thực hiện" in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.CLOSED
