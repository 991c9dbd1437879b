"""The report form in the browser: drafts, submission, files checked by content, no half-saves."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Attachment, Report, ReportStatus
from reports.services import report_start
from tests.reports.factories import open_round, reporter_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def setup(client, coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "leduan_f")
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    client.force_login(reporter)
    return client, report


def form_data(report, **overrides) -> dict:
    data = {
        "version": report.version,
        "delegations_out": "2",
        "delegations_out_officials": "9",
        "delegations_in": "1",
        "funds_state_budget": "1.500.000",
        "funds_other": "0",
        "difficulties": "Kinh phí cấp chậm",
        "action": "save",
    }
    for entry in report.entries.all():
        data[f"e{entry.pk}-status"] = "in_progress"
        data[f"e{entry.pk}-result"] = "Đã tiếp nhận 25 học viên"
    data.update(overrides)
    return data


def test_save_draft_then_submit(setup):
    client, report = setup
    response = client.post(f"/reports/{report.pk}/edit/", form_data(report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.funds_state_budget == 1_500_000
    assert set(report.entries.values_list("result", flat=True)) == {"Đã tiếp nhận 25 học viên"}
    response = client.post(
        f"/reports/{report.pk}/edit/", form_data(report, action="submit"), follow=True
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert "Đã nộp báo cáo" in response.content.decode()
    # Submitted: the form is read-only now.
    response = client.get(f"/reports/{report.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"


def test_submit_incomplete_names_the_missing_fields_and_keeps_the_draft(setup):
    client, report = setup
    data = form_data(report, action="submit", delegations_in="", funds_other="")
    entry = report.entries.first()
    data[f"e{entry.pk}-result"] = ""
    response = client.post(f"/reports/{report.pk}/edit/", data, follow=True)
    html = response.content.decode()
    assert "còn thiếu" in html
    assert "số đoàn Lào đến làm việc" in html
    assert f"kết quả thực hiện nhiệm vụ {entry.task.number}" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.delegations_out == 2  # what was typed is kept


def test_bad_money_is_named_and_nothing_saved(setup):
    client, report = setup
    response = client.post(
        f"/reports/{report.pk}/edit/", form_data(report, funds_other="hai triệu")
    )
    assert response.status_code == 400
    assert "không phải số tiền" in response.content.decode()
    report.refresh_from_db()
    assert report.delegations_out is None and report.version == 0


def test_stale_form_is_refused_and_the_other_save_survives(setup):
    client, report = setup
    stale = form_data(report, difficulties="Bản cũ")
    assert (
        client.post(
            f"/reports/{report.pk}/edit/", form_data(report, difficulties="Bản mới")
        ).status_code
        == 302
    )
    response = client.post(f"/reports/{report.pk}/edit/", stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "CHƯA được lưu" in html
    assert "Bản cũ" in html  # the user's typing is still on screen
    report.refresh_from_db()
    assert report.difficulties == "Bản mới"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 this is an exe renamed", "không phải tệp PDF thật"),
        ("bao-cao.docx", PDF, "không phải tệp DOCX thật"),
        ("bao-cao.exe", PDF, "chỉ nhận PDF, DOCX, XLSX, JPG, PNG"),
        ("mat-khau.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "đặt mật khẩu"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_wrong_files_are_refused_with_their_name_and_nothing_is_saved(
    setup, name, content, message
):
    client, report = setup
    entry = report.entries.first()
    data = form_data(report)
    data[f"e{entry.pk}-evidence"] = SimpleUploadedFile(name, content)
    response = client.post(f"/reports/{report.pk}/edit/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if content:
        assert name in html  # the message names the file
    assert not Attachment.objects.filter(report=report).exists()
    report.refresh_from_db()
    assert report.version == 0 and report.delegations_out is None


def test_oversize_file_is_refused(setup):
    from reports.uploads import MAX_UPLOAD_BYTES

    client, report = setup
    # One byte over the real limit: the message must state the limit the check applies.
    size = MAX_UPLOAD_BYTES + 1
    data = form_data(report)
    data["agreement_file"] = SimpleUploadedFile("lon.pdf", PDF + b"0" * (size - len(PDF)))
    response = client.post(f"/reports/{report.pk}/edit/", data)
    assert response.status_code == 400
    limit_mb = MAX_UPLOAD_BYTES / 1024 / 1024
    expected = f"Tệp «lon.pdf» nặng {size / 1024 / 1024:.1f} MB, vượt giới hạn {limit_mb:g} MB."
    assert expected in response.content.decode()
    assert not Attachment.objects.exists()


def test_real_files_are_stored_outside_static_and_served_to_those_who_may_see(
    setup, settings, client
):
    client, report = setup
    entry = report.entries.first()
    data = form_data(report)
    data[f"e{entry.pk}-evidence"] = SimpleUploadedFile("minh-chung.docx", docx_bytes())
    data["agreement_file"] = SimpleUploadedFile("thoa-thuan.pdf", PDF)
    assert client.post(f"/reports/{report.pk}/edit/", data).status_code == 302
    files = {a.original_name: a for a in Attachment.objects.filter(report=report)}
    assert set(files) == {"minh-chung.docx", "thoa-thuan.pdf"}
    stored = files["thoa-thuan.pdf"]
    assert not stored.file.path.startswith(str(settings.STATIC_ROOT))
    assert "thoa-thuan" not in stored.file.name  # stored under a random name
    response = client.get(f"/files/{stored.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    response.close()


def test_report_form_answers_in_a_fixed_number_of_queries(setup, coordinator):
    client, report = setup
    url = f"/reports/{report.pk}/edit/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # The coordinator's own agency leads many tasks: a far bigger form.
    big = report_start(
        reporting_round=report.reporting_round, agency=coordinator.agency, user=coordinator
    )
    assert big.entries.count() > 3 * report.entries.count()
    client.force_login(coordinator)
    client.get(f"/reports/{big.pk}/edit/")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/reports/{big.pk}/edit/")
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )


def test_return_comment_is_shown_to_the_reporter(setup, coordinator):
    from reports.services import report_return

    client, report = setup
    client.post(f"/reports/{report.pk}/edit/", form_data(report, action="submit"))
    report = Report.objects.get(pk=report.pk)
    report_return(report=report, user=coordinator, comment="Thiếu số học viên năm 2021")
    html = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "Thiếu số học viên năm 2021" in html
    # Still shown after the reporter saves a draft while fixing it.
    report.refresh_from_db()
    client.post(f"/reports/{report.pk}/edit/", form_data(report, difficulties="Đang sửa"))
    html = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "Thiếu số học viên năm 2021" in html


def test_a_lead_task_takes_remarks_bounded_and_shown_on_the_report(setup):
    client, report = setup
    lead, helped = report.entries.order_by("pk")[:2]
    # A task the agency coordinates: its remark is its result, no second note.
    type(helped).objects.filter(pk=helped.pk).update(role="coordinating")
    html = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert f'name="e{lead.pk}-remarks"' in html and 'maxlength="1000"' in html
    assert f'id="id_e{lead.pk}-remarks_helptext">Tối đa 1.000 ký tự.' in html
    assert f'name="e{helped.pk}-remarks"' not in html

    data = form_data(report, **{f"e{lead.pk}-remarks": "x" * 1001})
    response = client.post(f"/reports/{report.pk}/edit/", data)
    assert response.status_code == 400
    assert f'id="id_e{lead.pk}-remarks_error"><li>' in response.content.decode()
    lead.refresh_from_db()
    assert lead.remarks == "" and lead.result == ""

    data = form_data(report, **{f"e{lead.pk}-remarks": "Chờ kinh phí năm sau."})
    assert client.post(f"/reports/{report.pk}/edit/", data).status_code == 302
    lead.refresh_from_db()
    assert lead.remarks == "Chờ kinh phí năm sau."
    assert lead.history.latest().remarks == "Chờ kinh phí năm sau."
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Ghi chú: Chờ kinh phí năm sau." in page
    # Saving again without the field's text empties it, as any field of the form.
    data = form_data(report.__class__.objects.get(pk=report.pk))
    assert client.post(f"/reports/{report.pk}/edit/", data).status_code == 302
    lead.refresh_from_db()
    assert lead.remarks == ""
