"""generate_scale_data: counts, history, determinism, realism, and the command's checks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import Role, User
from agreements.models import Agency, Plan
from devdata.scale import ScaleError, ScaleSpec, scale_fingerprint, scale_generate
from reports.models import (
    EntryRole,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
    RoundStatus,
)
from tasks.models import Task, TaskLead

SMALL = {"provinces": 2, "plans_per_province": 2, "tasks_per_plan": 5, "rounds": 2}
NAMES = ["Hà Nội", "Huế"]


@pytest.fixture(scope="class")
def small(django_db_setup, django_db_blocker):
    """Generated once for the tests of TestSmallScale, rolled back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield scale_generate(ScaleSpec(**SMALL, seed=7))
        transaction.set_rollback(True)


def in_scope(queryset, path: str):
    return queryset.filter(**{f"{path}__country": "VN", f"{path}__name__in": NAMES})


class TestSmallScale:
    """2 provinces × 2 plans × 5 tasks × 2 rounds, seed 7, generated once."""

    def test_small_scale_creates_what_was_asked(self, db, small):
        plans = in_scope(Plan.objects, "province")
        assert plans.count() == 4
        assert Task.objects.filter(plan__in=plans).count() == 20
        assert (small.plans, small.tasks, small.rounds) == (4, 20, 4)
        for name in NAMES:
            assert User.objects.filter(province__name=name, role=Role.COORDINATOR).count() == 1
            assert User.objects.filter(province__name=name, role=Role.LEADER).count() == 1
            # Sở Ngoại vụ and the 2025 mergers: Sở Kế hoạch và Đầu tư now inside Sở Tài chính.
            merged = Agency.objects.get(province__name=name, name="Sở Kế hoạch và Đầu tư")
            assert not merged.active and merged.successor.name == "Sở Tài chính"
        # The current year's round is open, the one before is closed.
        for name in NAMES:
            rounds = list(
                ReportingRound.objects.filter(province__name=name, province__country="VN").order_by(
                    "period_start"
                )
            )
            assert [r.status for r in rounds] == [RoundStatus.CLOSED, RoundStatus.OPEN]
        assert "Nhiệm vụ: 20" in small.lines()

    def test_history_is_recorded_for_what_was_generated(self, db, small):
        plans = in_scope(Plan.objects, "province")
        tasks = Task.objects.filter(plan__in=plans)
        coordinators = {User.objects.get(username=f"snv.{slug}").pk for slug in ("ha-noi", "hue")}
        assert Plan.history.filter(id__in=plans.values("pk")).count() >= 4
        created = Task.history.filter(id__in=tasks.values("pk"), history_type="+")
        assert created.count() == 20
        assert set(created.values_list("history_user", flat=True)) == coordinators
        assert TaskLead.history.filter(task_id__in=tasks.values("pk")).exists()
        reports = Report.objects.filter(reporting_round__province__name__in=NAMES)
        # Reporters' entries and the workflow's steps, with who did them.
        entry_history = ReportEntry.history.filter(report_id__in=reports.values("pk"))
        assert entry_history.exclude(history_user=None).exists()
        assert ReportEvent.objects.filter(report__in=reports, action="submitted").exists()
        accepted = ReportEvent.objects.filter(report__in=reports, action="accepted")
        assert accepted.exists()
        assert set(accepted.values_list("user__role", flat=True)) == {Role.COORDINATOR}
        # Accepting a report set its tasks' status, and that change is in the tasks' history.
        assert Task.history.filter(id__in=tasks.values("pk"), history_type="~").exists()

    def test_timeframes_are_printed_forms_the_parser_mostly_reads(self, db, small):
        tasks = list(Task.objects.filter(plan__in=in_scope(Plan.objects, "province")))
        parsed = [task for task in tasks if task.timeframe_parsed]
        assert len(parsed) >= 0.8 * len(tasks)
        assert all(task.timeframe_text for task in tasks)

    def test_reports_come_from_agencies_that_lead_tasks_in_the_round(self, db, small):
        rounds = in_scope(ReportingRound.objects, "province")
        assert Report.objects.filter(reporting_round__in=rounds).count() > 0
        for reporting_round in rounds:
            in_round = Task.objects.filter(plan__in=reporting_round.plans.all())
            leaders = set(
                TaskLead.objects.filter(task__in=in_round).values_list("agency", flat=True)
            )
            for report in reporting_round.reports.all():
                assert report.agency_id in leaders
                led = set(
                    TaskLead.objects.filter(task__in=in_round, agency=report.agency).values_list(
                        "task", flat=True
                    )
                )
                assert (
                    set(report.entries.filter(role=EntryRole.LEAD).values_list("task", flat=True))
                    == led
                )

    def test_refuses_provinces_that_already_have_plans_unless_appending(self, db, small):
        with pytest.raises(ScaleError, match="Đã có kế hoạch của: Hà Nội, Huế"):
            scale_generate(ScaleSpec(**SMALL, seed=7))
        scale_generate(ScaleSpec(**{**SMALL, "provinces": 1}, seed=7, append=True))
        plans = Plan.objects.filter(province__name="Hà Nội", province__country="VN")
        assert plans.count() == 4
        assert len(set(plans.values_list("number", flat=True))) == 4


TINY = {"provinces": 1, "plans_per_province": 2, "tasks_per_plan": 5, "rounds": 2}


def _fingerprint_of_run(seed: int) -> str:
    """Generate into an empty database (a savepoint rolled back afterwards), then digest it."""
    assert not Plan.objects.filter(province__name="Hà Nội", province__country="VN").exists()
    with transaction.atomic():
        scale_generate(ScaleSpec(**TINY, seed=seed))
        fingerprint = scale_fingerprint(["Hà Nội"])
        transaction.set_rollback(True)
    return fingerprint


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_another_seed_other_data():
    first = _fingerprint_of_run(7)
    assert _fingerprint_of_run(7) == first
    assert _fingerprint_of_run(8) != first


def test_command_prints_what_it_created(db):
    out = StringIO()
    call_command(
        "generate_scale_data",
        "--provinces=1",
        "--plans-per-province=1",
        "--tasks-per-plan=3",
        "--rounds=1",
        "--seed=3",
        stdout=out,
    )
    assert "Tạo dữ liệu cho 1 tỉnh, thành phố (Hà Nội), seed 3" in out.getvalue()
    assert "Nhiệm vụ: 3" in out.getvalue()


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("--provinces=0", "--provinces phải là số nguyên dương"),
        ("--tasks-per-plan=-5", "--tasks-per-plan phải là số nguyên dương"),
        ("--rounds=0", "--rounds phải là số nguyên dương"),
        ("--plans-per-province=ba", "--plans-per-province phải là một số nguyên"),
        ("--provinces=35", "--provinces tối đa là 34"),
    ],
)
def test_command_rejects_counts_that_make_no_sense(db, argument, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_scale_data", argument)
    assert not Plan.objects.filter(province__name="Hà Nội", province__country="VN").exists()
