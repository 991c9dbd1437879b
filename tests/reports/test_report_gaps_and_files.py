"""The report page after a refused submission marks each gap on its own field; an empty money box
shows no "0"; a file can be taken off a report while it is still being written."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Attachment, ReportStatus
from reports.services import attachment_add, report_save, report_start, report_submit
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round, reporter_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "leduan_g")
    report = report_start(reporting_round=reporting_round, agency=reporter.agency, user=reporter)
    return report, reporter


def invalid_fields(html: str) -> set[str]:
    return {
        name
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
        if 'aria-invalid="true"' in tag
        for name in re.findall(r'name="([^"]+)"', tag)
    }


def test_a_refused_submission_marks_each_gap_on_its_field(client, draft):
    report, reporter = draft
    client.force_login(reporter)
    first, second = report.entries.filter(role="lead").order_by("pk")
    data = {
        "version": report.version,
        "action": "submit",
        "delegations_out": "2",
        "delegations_out_officials": "9",
        "delegations_in": "",
        "funds_state_budget": "1.500.000",
        "funds_other": "",
        "difficulties": "Kinh phí cấp chậm",
        f"e{first.pk}-status": "done",
        f"e{first.pk}-result": "Đã tổ chức 2 lớp.",
        f"e{second.pk}-status": "",
        f"e{second.pk}-result": "",
    }
    response = client.post(f"/reports/{report.pk}/edit/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/edit/?incomplete=1"

    html = client.get(response["Location"]).content.decode()
    assert "Chưa nộp được" in html  # the message on top still names them all
    assert invalid_fields(html) == {
        "delegations_in",
        "funds_other",
        f"e{second.pk}-status",
        f"e{second.pk}-result",
    }
    # Each error sits next to its field and the field points to it.
    assert re.search(
        r'<ul class="errorlist" id="id_funds_other_error"><li>Cần điền trước khi nộp báo cáo.',
        html,
    )
    assert 'aria-describedby="id_funds_other_error"' in html
    # What was typed is there, and kept in the draft.
    assert 'value="1.500.000"' in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT

    # The same page opened afresh marks nothing: a new report is not a wall of red.
    assert invalid_fields(client.get(f"/reports/{report.pk}/edit/").content.decode()) == set()


def test_an_empty_money_box_shows_no_zero(client, draft):
    report, reporter = draft
    client.force_login(reporter)
    html = client.get(f"/reports/{report.pk}/edit/").content.decode()
    tag = re.search(r'<input[^>]*name="funds_other"[^>]*>', html).group(0)
    assert "placeholder" not in tag
    assert 'value="' not in tag


@pytest.fixture
def evidence(draft):
    report, reporter = draft
    entry = report.entries.filter(role="lead").first()
    attachment = attachment_add(
        report=report,
        user=reporter,
        upload=SimpleUploadedFile("bien-ban.pdf", PDF),
        kind="evidence",
        entry=entry,
    )
    return attachment


def test_the_reporter_removes_a_file_from_a_draft_and_history_keeps_it(
    client, draft, evidence, django_capture_on_commit_callbacks
):
    report, reporter = draft
    client.force_login(reporter)
    page = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert f'form="remove-attachment-{evidence.pk}"' in page
    stored = evidence.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/files/{evidence.pk}/remove/")
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/edit/"
    assert not Attachment.objects.filter(pk=evidence.pk).exists()
    assert not default_storage.exists(stored)
    removed = Attachment.history.filter(id=evidence.pk, history_type="-").get()
    assert removed.history_user == reporter
    assert removed.original_name == "bien-ban.pdf"
    page = client.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "Đã xóa tệp «bien-ban.pdf»" in page
    assert "bien-ban.pdf</a>" not in page


def test_htmx_removal_answers_an_empty_item_and_the_message(client, draft, evidence):
    report, reporter = draft
    client.force_login(reporter)
    response = client.post(f"/files/{evidence.pk}/remove/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and "Đã xóa tệp" in html
    assert "bien-ban.pdf</a>" not in html


def test_once_submitted_the_file_stays_and_the_reporter_is_told(client, draft, evidence):
    report, reporter = draft
    report = report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    report_submit(report=report, user=reporter, version=report.version)
    client.force_login(reporter)
    response = client.post(f"/files/{evidence.pk}/remove/", follow=True)
    assert Attachment.objects.filter(pk=evidence.pk).exists()
    assert "thao tác của bạn chưa được thực hiện" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/reports/{report.pk}/"
    # And the report page offers no removal any more.
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "remove-attachment" not in page


@pytest.mark.parametrize("who", ["other agency", "leader", "another province"])
def test_anyone_else_gets_404_and_the_file_stays(
    client, draft, evidence, quang_tri, coordinator_kh, who
):
    users = {
        "other agency": lambda: reporter_of(quang_tri, "Sở Công thương", "congthuong_g"),
        "leader": lambda: make_user("leader_g", "leader", quang_tri, None),
        "another province": lambda: coordinator_kh,
    }
    client.force_login(users[who]())
    assert client.post(f"/files/{evidence.pk}/remove/").status_code == 404
    assert client.get(f"/files/{evidence.pk}/remove/").status_code in (404, 405)
    assert Attachment.objects.filter(pk=evidence.pk).exists()
