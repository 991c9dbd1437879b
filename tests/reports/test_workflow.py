"""Draft → submitted → returned → resubmitted → accepted, each step recorded; conflicts refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agency
from reports.models import Report, ReportStatus
from reports.selectors import round_owing_agencies
from reports.services import (
    NewAttachment,
    ReportConflict,
    ReportIncomplete,
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
)
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round, reporter_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporting_round(coordinator):
    return open_round(coordinator)


@pytest.fixture
def reporter(quang_tri):
    return reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "leduan_t")


def test_owing_agencies_are_the_lead_agencies_in_scope(reporting_round, quang_tri):
    owing = set(round_owing_agencies(reporting_round).values_list("name", flat=True))
    assert "Trường Chính trị Lê Duẩn" in owing
    assert "Sở Ngoại vụ" in owing
    # Coordinating-only agencies and printed collectives owe nothing.
    assert "Ban Tổ chức Tỉnh ủy" not in owing
    assert not any(name.startswith("Các Sở") for name in owing)


def test_report_has_one_entry_per_led_and_coordinated_task(reporting_round, reporter):
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    roles = sorted(report.entries.values_list("task__number", "role"))
    assert roles == [("17.", "lead"), ("20.", "lead")]
    assert report.events.get().action == "created"
    assert not report.on_behalf


def test_a_draft_and_its_files_are_saved_together_or_not_at_all(reporting_round, reporter):
    """Issue 13: the report page's save (figures, entries, files) is one service, one
    transaction: a file that is not what its name says leaves the report as it was."""
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    entry = report.entries.first()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with pytest.raises(ValidationError):
        report_save(
            report=report,
            user=reporter,
            version=report.version,
            general={"delegations_out": 3},
            attachments=[
                NewAttachment(upload=SimpleUploadedFile("bien-ban.pdf", pdf), kind="agreement"),
                NewAttachment(
                    upload=SimpleUploadedFile("anh.pdf", b"MZ not a pdf"),
                    kind="evidence",
                    entry=entry,
                ),
            ],
        )
    stored = Report.objects.get(pk=report.pk)
    assert stored.version == report.version and stored.delegations_out is None
    assert not stored.attachments.exists()
    assert list(stored.events.values_list("action", flat=True)) == ["created"]

    saved = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general={"delegations_out": 3},
        attachments=[
            NewAttachment(
                upload=SimpleUploadedFile("minh-chung.pdf", pdf), kind="evidence", entry=entry
            )
        ],
    )
    assert saved.delegations_out == 3
    attachment = saved.attachments.get()
    assert (attachment.original_name, attachment.entry) == ("minh-chung.pdf", entry)


def test_full_workflow_with_history(reporting_round, reporter, coordinator):
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    report = report_save(
        report=report, user=reporter, version=report.version, general={"delegations_out": 1}
    )
    with pytest.raises(ReportIncomplete) as missing:
        report_submit(report=report, user=reporter, version=report.version)
    message = " ".join(missing.value.messages)
    assert "số lượt cán bộ, công chức đi Lào" in message
    assert "kết quả thực hiện nhiệm vụ 20." in message
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT

    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report, "in_progress"),
    )
    report = report_submit(report=report, user=reporter, version=report.version)
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(PermissionDenied):  # read-only until returned
        report_save(
            report=report, user=reporter, version=report.version, general={"proposals": "x"}
        )

    with pytest.raises(ValidationError):
        report_return(report=report, user=coordinator, comment="  ")
    report = report_return(report=report, user=coordinator, comment="Bổ sung số học viên.")
    assert report.status == ReportStatus.RETURNED
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general={},
        entries=complete_entries(report, "done"),
    )
    report = report_submit(report=report, user=reporter, version=report.version)
    report = report_accept(report=report, user=coordinator)
    assert report.status == ReportStatus.ACCEPTED

    steps = [(e.action, e.user.username, e.comment) for e in report.events.order_by("at", "pk")]
    assert [s[0] for s in steps if s[0] != "saved"] == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    assert ("returned", "coordinator", "Bổ sung số học viên.") in steps
    # The accepted entries became the tasks' latest status, with a history line saying why.
    task = report.entries.get(task__number="20.").task
    task.refresh_from_db()
    assert task.status == "done"
    assert reporting_round.request_number in task.history.first().history_change_reason
    assert task.history.first().history_user == coordinator


def test_second_save_with_a_stale_version_is_refused(reporting_round, reporter, quang_tri):
    colleague = make_user("leduan_2", "reporter", quang_tri, reporter.agency)
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    opened_at = report.version  # both open the form at this version
    report_save(report=report, user=reporter, version=opened_at, general={"proposals": "Bản của A"})
    with pytest.raises(ReportConflict) as conflict:
        report_save(
            report=report, user=colleague, version=opened_at, general={"proposals": "Bản của B"}
        )
    assert "CHƯA được lưu" in str(conflict.value)
    report.refresh_from_db()
    assert report.proposals == "Bản của A"


def test_reporter_cannot_touch_another_agencys_report(reporting_round, reporter, quang_tri):
    other = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    report = report_start(
        reporting_round=reporting_round, agency=other, user=reporter_of(quang_tri, "Sở Công thương")
    )
    with pytest.raises(PermissionDenied):
        report_save(
            report=report, user=reporter, version=report.version, general={"proposals": "x"}
        )


def test_leader_cannot_edit_or_review(reporting_round, reporter, quang_tri, coordinator):
    leader = make_user("leader_t", "leader", quang_tri, None)
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    with pytest.raises(PermissionDenied):
        report_save(report=report, user=leader, version=report.version, general={"proposals": "x"})
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    report = report_submit(report=report, user=reporter, version=report.version)
    with pytest.raises(PermissionDenied):
        report_accept(report=report, user=leader)


def test_coordinator_enters_a_report_on_behalf(reporting_round, coordinator, quang_tri):
    agency = Agency.objects.get(province=quang_tri, name="Công an tỉnh")
    report = report_start(reporting_round=reporting_round, agency=agency, user=coordinator)
    assert report.on_behalf and report.entered_by == coordinator
    report = report_save(
        report=report,
        user=coordinator,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    report = report_submit(report=report, user=coordinator, version=report.version)
    assert report.events.filter(action="submitted", on_behalf=True, user=coordinator).exists()


def test_forged_entry_of_another_report_is_refused(reporting_round, reporter, quang_tri):
    mine = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    other_agency = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    other = report_start(
        reporting_round=reporting_round,
        agency=other_agency,
        user=reporter_of(quang_tri, "Sở Công thương"),
    )
    foreign_entry = other.entries.first()
    with pytest.raises(PermissionDenied):
        report_save(
            report=mine,
            user=reporter,
            version=mine.version,
            general={},
            entries={foreign_entry.pk: {"result": "ghi đè"}},
        )
    foreign_entry.refresh_from_db()
    assert foreign_entry.result == ""


def test_a_closed_round_takes_no_new_report_and_no_edits(reporting_round, reporter, client):
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    reporting_round.status = "closed"
    reporting_round.save()
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        report_save(
            report=report, user=reporter, version=report.version, general={"proposals": "x"}
        )
    other = reporter_of(reporting_round.province, "Sở Công thương", "ct_closed")
    client.force_login(other)
    response = client.post(f"/rounds/{reporting_round.pk}/my-report/", follow=True)
    assert "đã đóng" in response.content.decode()
    assert not Report.objects.filter(reporting_round=reporting_round, agency=other.agency).exists()


def test_timeline_survives_a_deleted_account(client, reporting_round, reporter, coordinator):
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    report_save(report=report, user=reporter, version=report.version, general={"proposals": "x"})
    report.entered_by = None
    report.on_behalf = True
    report.save()
    reporter.delete()
    client.force_login(coordinator)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "(tài khoản đã xóa)" in html


def test_accepting_does_not_read_each_tasks_plan_again(reporting_round, coordinator, reporter):
    """Saving a task re-reads its timeframe against its plan: the plan comes with the entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    entries = complete_entries(report, status="delayed")
    assert len(entries) >= 2
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=entries,
    )
    report = report_submit(report=report, user=reporter, version=report.version)
    report = Report.objects.get(pk=report.pk)
    with CaptureQueriesContext(connection) as ctx:
        report_accept(report=report, user=coordinator)
    plan_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "agreements_plan"' in q["sql"]]
    assert len(plan_reads) <= 1, plan_reads
