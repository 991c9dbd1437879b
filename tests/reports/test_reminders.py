"""send_reminders: who is reminded, when, once a day, and what the mail says."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role
from agreements.models import Agency, Plan
from reports import reminders
from reports.exporters.letter import reminder_letter
from reports.models import ReminderLog, Report
from reports.reminders import RemindersFailed, reminder_agencies, reminders_send
from reports.services import round_open
from tasks.models import Task, TaskLead
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DEADLINE = date(2022, 3, 31)  # months before the seed's open round 6452 (due 15/09/2022)
LINK = "https://coopplan.example.vn/rounds/{pk}/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://coopplan.example.vn/"
    settings.DEFAULT_FROM_EMAIL = "nhac@coopplan.example.vn"


@pytest.fixture
def plan_165(quang_tri) -> Plan:
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


@pytest.fixture
def reporting_round(coordinator, plan_165):
    return round_open(
        user=coordinator,
        request_number="77/SNV-HTQT",
        request_date=date(2022, 3, 1),
        summary="V/v báo cáo kết quả hợp tác với Savannakhet và Salavan",
        plans=[plan_165],
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        deadline=DEADLINE,
    )


@pytest.fixture
def trade(quang_tri) -> Agency:
    """A lead agency with a reporter who has an address, and an address of its own."""
    agency = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    agency.email = "sct@quangtri.gov.vn"
    agency.save()
    user = make_user("reporter_sct", Role.REPORTER, quang_tri, agency)
    user.email = "can.bo.sct@quangtri.gov.vn"
    user.save()
    return agency


@pytest.fixture
def culture(quang_tri) -> Agency:
    """A lead agency reached only through its reporters."""
    agency = Agency.objects.get(province=quang_tri, name="Sở Văn hóa, Thể thao và Du lịch")
    for username, email, active in (
        ("reporter_vh", "vh1@quangtri.gov.vn", True),
        ("reporter_vh_left", "vh.cu@quangtri.gov.vn", False),
        ("reporter_vh_noemail", "", True),
    ):
        user = make_user(username, Role.REPORTER, quang_tri, agency)
        user.email = email
        user.is_active = active
        user.save()
    # Only reporters are reminded, not a coordinator who happens to sit in the agency.
    other = make_user("coord_vh", Role.COORDINATOR, quang_tri, agency)
    other.email = "dieu.phoi@quangtri.gov.vn"
    other.save()
    return agency


@pytest.fixture
def police(quang_tri) -> Agency:
    """A lead agency with no address at all."""
    return Agency.objects.get(province=quang_tri, name="Công an tỉnh")


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def mails_to(mailoutbox, address: str) -> list:
    return [m for m in mailoutbox if address in m.to]


def test_the_agencies_used_here_owe_the_round(reporting_round, trade, culture, police):
    from reports.selectors import round_owing_agencies

    owing = set(round_owing_agencies(reporting_round))
    assert {trade, culture, police} <= owing


def test_due_within_n_days_mails_each_agency_once_to_all_its_addresses(
    reporting_round, trade, culture, mailoutbox
):
    out, _ = run("--date", "2022-03-29")
    assert len(mailoutbox) == 2  # the other lead agencies of 165 have no address
    [to_trade] = mails_to(mailoutbox, "sct@quangtri.gov.vn")
    assert to_trade.to == ["sct@quangtri.gov.vn", "can.bo.sct@quangtri.gov.vn"]
    assert to_trade.from_email == "nhac@coopplan.example.vn"
    assert "còn 2 ngày" in to_trade.subject
    assert "77/SNV-HTQT" in to_trade.subject
    [to_culture] = mails_to(mailoutbox, "vh1@quangtri.gov.vn")
    assert to_culture.to == ["vh1@quangtri.gov.vn"]  # not the inactive one nor the coordinator
    assert "Sở Công thương" in out and "Sở Văn hóa, Thể thao và Du lịch" in out
    assert "Đã gửi 2 thư nhắc." in out
    log = ReminderLog.objects.get(reporting_round=reporting_round, agency=trade)
    assert log.day == date(2022, 3, 29)
    assert log.recipients == "sct@quangtri.gov.vn, can.bo.sct@quangtri.gov.vn"


def test_days_option_widens_the_window(reporting_round, trade, mailoutbox):
    run("--date", "2022-03-21")
    assert mailoutbox == []
    run("--date", "2022-03-21", "--days", "10")
    assert len(mails_to(mailoutbox, "sct@quangtri.gov.vn")) == 1


def test_deadline_today_is_due(reporting_round, trade, mailoutbox):
    run("--date", "2022-03-31", "--days", "0")
    [mail] = mailoutbox
    assert "hôm nay" in mail.subject
    assert "hôm nay là hạn cuối" in mail.body


def test_deadline_far_in_the_future_sends_nothing(reporting_round, trade, culture, mailoutbox):
    out, _ = run("--date", "2022-03-01")
    assert mailoutbox == []
    assert "Đã gửi 0 thư nhắc." in out
    assert not ReminderLog.objects.exists()


def test_overdue_is_mailed_and_says_so(reporting_round, trade, mailoutbox):
    run("--date", "2022-04-05")
    [mail] = mailoutbox
    assert "đã quá hạn 5 ngày" in mail.subject
    assert "đã quá hạn 5 ngày" in mail.body


def test_body_names_the_round_deadline_agency_and_link(reporting_round, trade, mailoutbox):
    run("--date", "2022-03-29")
    [mail] = mailoutbox
    body = mail.body
    assert "Kính gửi: Sở Công thương" in body
    assert "77/SNV-HTQT ngày 01/03/2022" in body
    assert "V/v báo cáo kết quả hợp tác với Savannakhet và Salavan" in body
    assert "Hạn nộp: 31/03/2022" in body
    assert "còn 2 ngày" in body
    assert "chưa lập báo cáo" in body
    assert LINK.format(pk=reporting_round.pk) in body
    assert "\n" not in mail.subject


def test_text_is_not_html_escaped(reporting_round, trade, mailoutbox):
    reporting_round.summary = 'Về "hợp tác" & <đầu tư>'
    reporting_round.save()
    run("--date", "2022-03-29")
    [mail] = mailoutbox
    assert 'Về "hợp tác" & <đầu tư>' in mail.body
    assert "&amp;" not in mail.body and "&quot;" not in mail.body


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_handed_in_report_is_not_mailed(reporting_round, trade, culture, mailoutbox, status):
    Report.objects.create(reporting_round=reporting_round, agency=trade, status=status)
    run("--date", "2022-03-29")
    assert mails_to(mailoutbox, "sct@quangtri.gov.vn") == []
    assert len(mails_to(mailoutbox, "vh1@quangtri.gov.vn")) == 1
    assert not ReminderLog.objects.filter(agency=trade).exists()


@pytest.mark.parametrize(
    ("status", "phrase"),
    [("returned", "bị trả lại"), ("draft", "đang soạn, chưa nộp")],
)
def test_returned_or_draft_report_still_owes(reporting_round, trade, mailoutbox, status, phrase):
    Report.objects.create(reporting_round=reporting_round, agency=trade, status=status)
    run("--date", "2022-03-29")
    [mail] = mailoutbox
    assert phrase in mail.body


def test_second_run_the_same_day_sends_nothing_new(reporting_round, trade, culture, mailoutbox):
    run("--date", "2022-03-29")
    assert len(mailoutbox) == 2
    out, _ = run("--date", "2022-03-29")
    assert len(mailoutbox) == 2
    assert "Đã gửi 0 thư nhắc." in out
    assert ReminderLog.objects.filter(reporting_round=reporting_round).count() == 2


def test_next_day_mails_again(reporting_round, trade, mailoutbox):
    run("--date", "2022-03-29")
    run("--date", "2022-03-30")
    assert len(mailoutbox) == 2
    assert "còn 1 ngày" in mailoutbox[1].subject
    days = ReminderLog.objects.filter(agency=trade).values_list("day", flat=True)
    assert sorted(days) == [date(2022, 3, 29), date(2022, 3, 30)]


def test_agency_without_address_is_warned_not_logged_and_retried(
    reporting_round, police, trade, mailoutbox
):
    out, _ = run("--date", "2022-03-29")
    assert mails_to(mailoutbox, "sct@quangtri.gov.vn")
    assert all("Công an tỉnh" not in m.body for m in mailoutbox)
    warning = [line for line in out.splitlines() if "Công an tỉnh" in line]
    assert len(warning) == 1
    assert "chưa có địa chỉ thư điện tử" in warning[0]
    assert "77/SNV-HTQT" in warning[0]
    assert not ReminderLog.objects.filter(agency=police).exists()

    police.email = "ca@quangtri.gov.vn"
    police.save()
    run("--date", "2022-03-29")
    assert len(mails_to(mailoutbox, "ca@quangtri.gov.vn")) == 1
    assert ReminderLog.objects.filter(agency=police, day=date(2022, 3, 29)).exists()


def test_closed_round_sends_nothing(reporting_round, trade, mailoutbox):
    reporting_round.status = "closed"
    reporting_round.save()
    out, _ = run("--date", "2022-04-05")
    assert mailoutbox == []
    assert "Đã gửi 0 thư nhắc." in out
    assert "77/SNV-HTQT" not in out


def test_dry_run_sends_and_logs_nothing_but_says_what_it_would_do(
    reporting_round, trade, culture, police, mailoutbox
):
    out, _ = run("--date", "2022-03-29", "--dry-run")
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()
    assert "Sở Công thương" in out and "sct@quangtri.gov.vn" in out
    assert "Công an tỉnh" in out  # the missing address is still reported
    assert "sẽ gửi 2 thư nhắc" in out
    # ... and the real run afterwards still sends.
    run("--date", "2022-03-29")
    assert len(mailoutbox) == 2


def test_another_provinces_agencies_are_never_included(
    reporting_round, trade, khanh_hoa, plan_165, mailoutbox
):
    stranger = Agency.objects.filter(province=khanh_hoa).exclude(kind="group").first()
    stranger.email = "kh@khanhhoa.gov.vn"
    stranger.save()
    reporter = make_user("reporter_kh", Role.REPORTER, khanh_hoa, stranger)
    reporter.email = "cb@khanhhoa.gov.vn"
    reporter.save()
    # Even a (wrong) lead of a Quảng Trị task in another province is not reminded.
    TaskLead.objects.create(task=Task.objects.filter(plan=plan_165).first(), agency=stranger)
    run("--date", "2022-04-05")
    assert mails_to(mailoutbox, "sct@quangtri.gov.vn")
    assert mails_to(mailoutbox, "kh@khanhhoa.gov.vn") == []
    assert mails_to(mailoutbox, "cb@khanhhoa.gov.vn") == []
    assert not ReminderLog.objects.filter(agency=stranger).exists()


def test_default_date_is_today_in_vietnam(reporting_round, trade, mailoutbox, monkeypatch):
    monkeypatch.setattr(
        "reports.management.commands.send_reminders.timezone.localdate",
        lambda: date(2022, 3, 30),
    )
    run()
    assert len(mailoutbox) == 1
    assert ReminderLog.objects.get(agency=trade).day == date(2022, 3, 30)


def test_failed_send_is_not_logged_and_the_others_are_still_sent(
    reporting_round, trade, culture, mailoutbox, monkeypatch
):
    real_message = reminders.reminder_message

    def failing_for_trade(reporting_round, agency, recipients, *, today):
        message = real_message(reporting_round, agency, recipients, today=today)
        if agency == trade:

            def refuse(*args, **kwargs):
                raise OSError("SMTP từ chối")

            message.send = refuse
        return message

    monkeypatch.setattr(reminders, "reminder_message", failing_for_trade)
    with pytest.raises(CommandError):
        run("--date", "2022-03-29")
    assert len(mails_to(mailoutbox, "vh1@quangtri.gov.vn")) == 1
    assert mails_to(mailoutbox, "sct@quangtri.gov.vn") == []
    assert not ReminderLog.objects.filter(agency=trade).exists()
    assert ReminderLog.objects.filter(agency=culture).exists()


def test_reminders_send_returns_what_was_sent(reporting_round, trade, police, mailoutbox):
    warnings = []
    sent = reminders_send(today=date(2022, 4, 2), days=3, warn=warnings.append)
    assert [(s.round, s.agency, s.recipients, s.overdue_days) for s in sent] == [
        (reporting_round, trade, ["sct@quangtri.gov.vn", "can.bo.sct@quangtri.gov.vn"], 2)
    ]
    assert any("Công an tỉnh" in w for w in warnings)
    assert len(mailoutbox) == 1


def test_reminders_send_raises_after_trying_everyone(reporting_round, trade, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("no mail server")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(RemindersFailed) as failed:
        reminders_send(today=date(2022, 3, 29), days=3, warn=lambda message: None)
    assert failed.value.sent == []
    assert "Sở Công thương" in failed.value.failures[0]
    assert not ReminderLog.objects.exists()


def test_the_letter_and_the_mails_go_to_the_agencies_that_have_not_reported(
    reporting_round, trade, culture, police, khanh_hoa, plan_165, mailoutbox
):
    """One rule for who has not reported: the reminder letter (công văn đôn đốc) is addressed to
    exactly the agencies the e-mail job reminds, until the job has mailed them that day."""
    Report.objects.create(reporting_round=reporting_round, agency=trade, status="submitted")
    Report.objects.create(reporting_round=reporting_round, agency=culture, status="returned")
    stranger = Agency.objects.filter(province=khanh_hoa).exclude(kind="group").first()
    stranger.name = "Sở Thử nghiệm tỉnh Khánh Hòa"
    stranger.save()
    TaskLead.objects.create(task=Task.objects.filter(plan=plan_165).first(), agency=stranger)
    today = date(2022, 4, 5)

    letter = reminder_letter(reporting_round, today)
    mailed = reminder_agencies(reporting_round, today=today)
    # Under "Kính gửi:" one "- …;" line per agency, the last one closed with a full stop.
    assert [line.rstrip(";.") for line in letter.addressees] == [f"- {a.name}" for a in mailed]
    assert letter.addressees[-1].endswith(".")
    assert all(line.endswith(";") for line in letter.addressees[:-1])
    names = [line.rstrip(";.") for line in letter.addressees]
    assert "- Sở Văn hóa, Thể thao và Du lịch" in names  # returned: still owes
    assert "- Công an tỉnh" in names  # no report at all
    assert "- Sở Công thương" not in names  # handed in
    assert "- Sở Thử nghiệm tỉnh Khánh Hòa" not in names  # another province

    # On purpose, the job mails an agency once a day; the letter still names it.
    run("--date", "2022-04-05")
    assert mails_to(mailoutbox, "vh1@quangtri.gov.vn")
    assert culture not in reminder_agencies(reporting_round, today=today)
    assert reminder_letter(reporting_round, today).addressees == letter.addressees
