"""Being told: who is notified of each step, what the mail says, opt-outs, the header count, and
that nobody reaches another person's notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from reports.models import EmailOptOut, Notification, NotificationKind
from reports.services import report_accept, report_return, report_save, report_start, report_submit
from tests.factories import AgencyFactory, LocalityFactory, PlanFactory, TaskFactory, UserFactory
from tests.reports.factories import COMPLETE_GENERAL, ReportingRoundFactory, complete_entries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://coopplan.example.vn/"


@pytest.fixture
def world():
    """A province with two coordinators, a lead agency (two reporters), a coordinating agency
    (one reporter) and an agency with no task in the plan (one reporter)."""
    province = LocalityFactory(name="Tỉnh Thông Báo")
    office = AgencyFactory(province=province, name="Sở Ngoại vụ")
    lead = AgencyFactory(province=province, name="Sở Công thương")
    helper = AgencyFactory(province=province, name="Sở Tài chính")
    idle = AgencyFactory(province=province, name="Sở Xây dựng")

    def person(username, role, agency):
        return UserFactory(
            username=username,
            role=role,
            province=province,
            agency=agency,
            email=f"{username}@example.gov.vn",
            first_name=username,
        )

    plan = PlanFactory(province=province, number="12/KH-UBND")
    TaskFactory(
        plan=plan,
        number="1.",
        content="Tổ chức đoàn xúc tiến thương mại sang Savannakhet",
        lead_agencies=[lead],
        coordinating_agencies=[helper],
    )
    TaskFactory(plan=plan, number="2.", content="Hội chợ biên giới Lao Bảo", lead_agencies=[lead])
    return {
        "province": province,
        "plan": plan,
        "lead": lead,
        "coordinator": person("dieuphoi", Role.COORDINATOR, office),
        "coordinator2": person("dieuphoi2", Role.COORDINATOR, office),
        "reporter": person("congthuong", Role.REPORTER, lead),
        "reporter2": person("congthuong2", Role.REPORTER, lead),
        "helper": person("taichinh", Role.REPORTER, helper),
        "idle": person("xaydung", Role.REPORTER, idle),
    }


def open_round(world, capture, number="25/UBND-ĐN"):
    with capture(execute=True):
        return ReportingRoundFactory(
            user=world["coordinator"],
            plans=[world["plan"]],
            request_number=number,
            deadline=timezone.localdate() + timedelta(days=20),
        )


def submitted(world, reporting_round, capture):
    reporter = world["reporter"]
    report = report_start(reporting_round=reporting_round, agency=world["lead"], user=reporter)
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    with capture(execute=True):
        return report_submit(report=report, user=reporter, version=report.version)


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def mailed() -> dict[str, EmailMessage]:
    return {message.to[0]: message for message in mail.outbox}


def test_a_round_tells_the_reporters_of_every_agency_with_a_task_in_it(
    world, django_capture_on_commit_callbacks
):
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    deadline = reporting_round.deadline.strftime("%d/%m/%Y")
    # Lead and coordinating agencies; not the agency without a task, nor the coordinator.
    assert told(NotificationKind.ROUND_OPENED) == {"congthuong", "congthuong2", "taichinh"}
    messages = mailed()
    assert set(messages) == {
        "congthuong@example.gov.vn",
        "congthuong2@example.gov.vn",
        "taichinh@example.gov.vn",
    }
    lead_mail = messages["congthuong@example.gov.vn"]
    assert lead_mail.subject == (
        f"[coopplan] Đợt báo cáo 25/UBND-ĐN: Sở Công thương báo cáo trước ngày {deadline}"
    )
    assert "Kính gửi: congthuong" in lead_mail.body
    assert "về 2 nhiệm vụ" in lead_mail.body
    assert "12/KH-UBND 1.: Tổ chức đoàn xúc tiến thương mại sang Savannakhet" in lead_mail.body
    assert "12/KH-UBND 2.: Hội chợ biên giới Lao Bảo" in lead_mail.body
    assert f"https://coopplan.example.vn/rounds/{reporting_round.pk}/" in lead_mail.body
    assert (
        "Không muốn nhận thư loại này? Tắt tại: https://coopplan.example.vn/notifications/settings/"
        in lead_mail.body
    )
    # The coordinating agency hears of its one task only.
    helper_mail = messages["taichinh@example.gov.vn"].body
    assert "về 1 nhiệm vụ" in helper_mail and "Hội chợ biên giới" not in helper_mail


def test_a_submission_tells_the_coordinators(world, django_capture_on_commit_callbacks):
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    report = submitted(world, reporting_round, django_capture_on_commit_callbacks)
    assert told(NotificationKind.REPORT_SUBMITTED) == {"dieuphoi", "dieuphoi2"}
    messages = mailed()
    assert set(messages) == {"dieuphoi@example.gov.vn", "dieuphoi2@example.gov.vn"}
    message = messages["dieuphoi@example.gov.vn"]
    assert message.subject == "[coopplan] Sở Công thương đã nộp báo cáo đợt 25/UBND-ĐN"
    assert "người nộp: congthuong" in message.body
    assert f"/reports/{report.pk}/" in message.body


def test_a_coordinator_submitting_on_behalf_is_not_told_of_their_own_step(
    world, django_capture_on_commit_callbacks
):
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    coordinator = world["coordinator"]
    report = report_start(reporting_round=reporting_round, agency=world["lead"], user=coordinator)
    report = report_save(
        report=report,
        user=coordinator,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=report, user=coordinator, version=report.version)
    assert told(NotificationKind.REPORT_SUBMITTED) == {"dieuphoi2"}


def test_a_returned_report_tells_its_agency_with_the_comment(
    world, django_capture_on_commit_callbacks
):
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    report = submitted(world, reporting_round, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_return(
            report=report, user=world["coordinator"], comment="Bổ sung số đoàn đi Lào năm 2024."
        )
    # The agency's reporters only: not the coordinating agency, not the reviewer.
    assert told(NotificationKind.REPORT_RETURNED) == {"congthuong", "congthuong2"}
    message = mailed()["congthuong@example.gov.vn"]
    assert message.subject == (
        "[coopplan] Báo cáo đợt 25/UBND-ĐN của Sở Công thương bị trả lại để sửa"
    )
    assert "Nội dung cần sửa: Bổ sung số đoàn đi Lào năm 2024." in message.body
    assert f"/reports/{report.pk}/edit/" in message.body


def test_an_accepted_report_tells_its_agency(world, django_capture_on_commit_callbacks):
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    report = submitted(world, reporting_round, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(report=report, user=world["coordinator"], comment="Số liệu đầy đủ.")
    assert told(NotificationKind.REPORT_ACCEPTED) == {"congthuong", "congthuong2"}
    message = mailed()["congthuong2@example.gov.vn"]
    assert message.subject == ("[coopplan] Báo cáo đợt 25/UBND-ĐN của Sở Công thương đã được duyệt")
    assert "Ý kiến: Số liệu đầy đủ." in message.body


def test_a_refused_step_tells_no_one(world, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    report = submitted(world, reporting_round, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        report_return(report=report, user=world["coordinator"], comment="   ")
    assert told(NotificationKind.REPORT_RETURNED) == set()


def test_email_turned_off_for_one_kind_still_shows_in_the_app(
    world, client, django_capture_on_commit_callbacks
):
    reporter = world["reporter"]
    client.force_login(reporter)
    page = client.get("/notifications/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mở đợt báo cáo có nhiệm vụ của đơn vị" in html
    assert "Một đơn vị nộp báo cáo" not in html  # a reporter is never told of submissions
    # Everything ticked but the round openings.
    response = client.post(
        "/notifications/settings/",
        {"report_returned": "on", "report_accepted": "on", "report_submitted": "on"},
    )
    assert response.status_code == 302
    assert set(EmailOptOut.objects.filter(user=reporter).values_list("kind", flat=True)) == {
        "round_opened"
    }
    open_round(world, django_capture_on_commit_callbacks)
    assert "congthuong@example.gov.vn" not in mailed()
    assert "congthuong2@example.gov.vn" in mailed()
    assert Notification.objects.filter(user=reporter, kind="round_opened").count() == 1
    # Ticked again: mailed again.
    client.post("/notifications/settings/", {"round_opened": "on", "report_returned": "on"})
    assert set(EmailOptOut.objects.filter(user=reporter).values_list("kind", flat=True)) == {
        "report_accepted"
    }
    mail.outbox.clear()
    open_round(world, django_capture_on_commit_callbacks, number="26/UBND-ĐN")
    assert "congthuong@example.gov.vn" in mailed()


def test_a_failing_mail_server_never_fails_the_step(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("Máy chủ thư không trả lời")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    assert reporting_round.pk is not None
    notifications = Notification.objects.filter(reporting_round=reporting_round)
    assert notifications.count() == 3
    assert not notifications.filter(emailed_at__isnull=False).exists()


def test_the_header_counts_unread_and_opening_marks_read(
    world, client, django_capture_on_commit_callbacks
):
    reporting_round = open_round(world, django_capture_on_commit_callbacks)
    report = submitted(world, reporting_round, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_return(report=report, user=world["coordinator"], comment="Thiếu kinh phí.")
    reporter = world["reporter"]
    client.force_login(reporter)
    page = client.get("/notifications/")
    html = page.content.decode()
    assert 'aria-label="Thông báo: 2 chưa xem"' in html
    assert [n.kind for n in page.context["notifications"]] == ["report_returned", "round_opened"]
    returned = Notification.objects.get(user=reporter, kind="report_returned")
    opened = client.get(f"/notifications/{returned.pk}/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/reports/{report.pk}/edit/"
    returned.refresh_from_db()
    assert returned.read_at is not None
    assert 'aria-label="Thông báo: 1 chưa xem"' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    html = client.get("/notifications/").content.decode()
    assert "chưa xem" not in html
    # The other reporter of the agency still has both unread: reading is one's own.
    assert Notification.objects.filter(user=world["reporter2"], read_at__isnull=True).count() == 2


def test_nobody_opens_or_lists_another_persons_notifications(
    world, client, django_capture_on_commit_callbacks
):
    open_round(world, django_capture_on_commit_callbacks)
    theirs = Notification.objects.get(user=world["reporter"])
    for intruder in (world["reporter2"], world["coordinator"]):
        client.force_login(intruder)
        assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
        listed = client.get("/notifications/").context["notifications"]
        assert theirs not in listed
    assert client.get("/notifications/999999999/").status_code == 404
    client.post("/notifications/read-all/")  # the coordinator's own: the reporter's stay unread
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_count_is_one_query_whatever_the_number(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world["reporter"])

    def page_queries() -> int:
        client.get("/rounds/")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/rounds/")
        return len(ctx.captured_queries)

    open_round(world, django_capture_on_commit_callbacks, number="27/UBND-ĐN")
    assert 'aria-label="Thông báo: 1 chưa xem"' in client.get("/rounds/").content.decode()
    one = page_queries()
    for number in ("28/UBND-ĐN", "29/UBND-ĐN", "30/UBND-ĐN"):
        open_round(world, django_capture_on_commit_callbacks, number=number)
    assert 'aria-label="Thông báo: 4 chưa xem"' in client.get("/rounds/").content.decode()
    # The round list reads a fixed number of queries; the count is one of them, whatever the
    # number of notifications.
    with CaptureQueriesContext(connection) as ctx:
        client.get("/rounds/")
    counts = [q["sql"] for q in ctx.captured_queries if 'FROM "reports_notification"' in q["sql"]]
    assert len(counts) == 1, counts
    assert page_queries() == one


def test_a_person_without_an_address_is_told_in_the_app_only(
    world, django_capture_on_commit_callbacks
):
    helper = world["helper"]
    helper.email = ""
    helper.save(update_fields=["email"])
    open_round(world, django_capture_on_commit_callbacks)
    assert "taichinh" in told(NotificationKind.ROUND_OPENED)
    assert set(mailed()) == {"congthuong@example.gov.vn", "congthuong2@example.gov.vn"}
    assert Notification.objects.get(user=helper).emailed_at is None
