"""Agencies: merging two records of one body, and the 2025 reorganisation, from the browser."""

import pytest

from agreements.models import Agency
from reports.agencies import agency_merge
from reports.models import Report
from reports.services import report_start
from tasks.models import Task
from tests.factories import make_user
from tests.reports.factories import open_round

pytestmark = pytest.mark.django_db


def test_merge_moves_tasks_users_reports_and_keeps_the_names(quang_tri, coordinator):
    keep = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    duplicate = Agency.objects.create(
        province=quang_tri, name="Sở Công Thương Quảng Trị", short_name="SCT"
    )
    led = Task.objects.filter(leads__agency=keep).first()
    other = Task.objects.filter(plan__province=quang_tri).exclude(leads__agency=keep).first()
    from tasks.services import task_set_leads

    task_set_leads(task=other, agencies=[duplicate])
    task_set_leads(task=led, agencies=[duplicate, keep])  # both lead: one lead remains
    member = make_user("sct", "reporter", quang_tri, duplicate)
    reporting_round = open_round(coordinator)
    report = report_start(reporting_round=reporting_round, agency=duplicate, user=member)

    counts = agency_merge(keep=keep, duplicate=duplicate, user=coordinator)

    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    assert [lead.agency for lead in other.leads.all()] == [keep]
    assert [lead.agency for lead in led.leads.all()] == [keep]
    member.refresh_from_db()
    assert member.agency == keep
    assert Report.objects.get(pk=report.pk).agency == keep
    keep.refresh_from_db()
    assert {"Sở Công Thương Quảng Trị", "SCT"} <= set(keep.aliases)
    assert counts["tasks"] == 2 and counts["reports"] == 1
    assert "Gộp Sở Công Thương Quảng Trị" in other.history.first().history_change_reason


def test_merge_refuses_when_both_reported_in_the_same_round(quang_tri, coordinator):
    keep = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    duplicate = Agency.objects.create(province=quang_tri, name="SCT trùng")
    reporting_round = open_round(coordinator)
    report_start(reporting_round=reporting_round, agency=keep, user=coordinator)
    report_start(reporting_round=reporting_round, agency=duplicate, user=coordinator)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        agency_merge(keep=keep, duplicate=duplicate)
    assert reporting_round.request_number in " ".join(error.value.messages)
    assert Agency.objects.filter(pk=duplicate.pk).exists()


def test_coordinator_replaces_an_agency_in_the_browser(coordinator_client, quang_tri):
    old = Agency.objects.get(province=quang_tri, name="Sở Khoa học và Công nghệ")
    new = Agency.objects.create(province=quang_tri, name="Sở Khoa học, Công nghệ và Truyền thông")
    open_tasks = Task.objects.filter(leads__agency=old).count()
    response = coordinator_client.post(
        f"/agencies/{old.pk}/",
        {"action": "replace", "successor": new.pk, "since": "2025-03-01"},
        follow=True,
    )
    assert f"{open_tasks} nhiệm vụ đang thực hiện đã chuyển" in response.content.decode()
    assert Task.objects.filter(leads__agency=new).count() == open_tasks
    listing = coordinator_client.get("/agencies/", {"q": "khoa hoc cong nghe"}).content.decode()
    assert "Đã thay thế bởi" in listing


def test_leader_cannot_merge(client, quang_tri):
    leader = make_user("ld", "leader", quang_tri, None)
    client.force_login(leader)
    keep = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    dup = Agency.objects.create(province=quang_tri, name="SCT 2")
    response = client.post(f"/agencies/{keep.pk}/", {"action": "merge", "duplicate": dup.pk})
    assert response.status_code == 404  # coordinator-only: other roles get 404 (issue 13)
    assert Agency.objects.filter(pk=dup.pk).exists()


def test_reporting_record_on_time_late_missing(coordinator_client, coordinator, quang_tri):
    from datetime import timedelta

    from django.utils import timezone

    from reports.services import report_save, report_submit
    from tests.reports.factories import COMPLETE_GENERAL, complete_entries

    agency = Agency.objects.get(province=quang_tri, name="Trường Chính trị Lê Duẩn")
    reporter = make_user("ld_r", "reporter", quang_tri, agency)
    today = timezone.localdate()
    future = open_round(coordinator, number="61/UBND-ĐN", deadline=today + timedelta(days=5))
    late = open_round(coordinator, number="62/UBND-ĐN", deadline=today - timedelta(days=5))
    report = report_start(reporting_round=future, agency=agency, user=reporter)
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    report_submit(report=report, user=reporter, version=report.version)
    late_report = report_start(reporting_round=late, agency=agency, user=reporter)
    late_report = report_save(
        report=late_report,
        user=reporter,
        version=late_report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(late_report),
    )
    report_submit(report=late_report, user=reporter, version=late_report.version)
    response = coordinator_client.get(f"/agencies/{agency.pk}/")
    verdicts = {
        row.reporting_round.request_number: row.verdict for row in response.context["record"]
    }
    assert verdicts["61/UBND-ĐN"] == "on_time"
    assert verdicts["62/UBND-ĐN"] == "late"
    assert verdicts["6452/UBND-ĐN"] == "missing"  # the seed round on 165, due 15/9/2022
