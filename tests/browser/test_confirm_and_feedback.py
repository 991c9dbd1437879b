"""What a person sees around the actions that matter: accepting, returning and deleting ask first
(a dialog, or without JavaScript a tick to give); a document being built says "Đang tạo tệp…"
until its download starts; an evidence file comes off a draft report in place."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from agreements.models import Plan
from coopplan.downloads import DownloadCookieMiddleware
from reports.models import Attachment, Report, ReportStatus
from reports.services import attachment_add
from tasks.models import Task
from tests.browser.screens import SIZES, demo_load, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submitted_report() -> Report:
    return Report.objects.get(
        status=ReportStatus.SUBMITTED, reporting_round__request_number="6452/UBND-ĐN"
    )


def test_accept_asks_first_and_a_dismissed_question_changes_nothing(new_page):
    demo_load()
    report = submitted_report()
    page = new_page()
    log_in(page, "dieuphoi")
    page.goto(f"/reports/{report.pk}/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Duyệt báo cáo").click()
    expect(page.locator("#report-status")).to_have_text("Đã nộp")
    assert questions == [
        f"Duyệt báo cáo của {report.agency.name}? Đã duyệt thì đơn vị không sửa được nữa."
    ]
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Duyệt báo cáo").click()
    expect(page.locator("#report-status")).to_have_text("Đã duyệt")

    # Deleting a task in the plan's table asks too, naming the task; also once the table has
    # been redrawn in place (here by moving the task down).
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    page.goto(f"/plans/{plan.pk}/")
    first_row = page.locator("#plan-rows tr[id^=task-]").first
    task = Task.objects.get(pk=int(first_row.get_attribute("id").removeprefix("task-")))
    row = page.locator(f"#task-{task.pk}")
    row.get_by_role("button", name=f"Chuyển nhiệm vụ {task.number} xuống").click()
    expect(page.locator("#plan-rows tr[id^=task-]").nth(1)).to_have_id(f"task-{task.pk}")
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    row.get_by_role("button", name=f"Xóa nhiệm vụ {task.number}").click()
    expect(row).to_be_visible()
    assert questions[-1].startswith(f"Xóa nhiệm vụ {task.number} «")
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    row.get_by_role("button", name=f"Xóa nhiệm vụ {task.number}").click()
    expect(page.locator(f"#task-{task.pk}")).to_have_count(0)
    assert not Task.objects.filter(pk=task.pk).exists()


def test_without_javascript_accepting_and_returning_need_a_tick(chromium, live_server):
    demo_load()
    report = submitted_report()
    context = chromium.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="vi-VN"
    )
    try:
        page = context.new_page()
        log_in(page, "dieuphoi")
        page.goto(f"/reports/{report.pk}/")
        page.get_by_role("button", name="Duyệt báo cáo").click()
        # The browser holds the form back: the tick is required.
        expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

        page.locator("form.review-return textarea").fill("Bổ sung kết quả nhiệm vụ 3.")
        page.get_by_role("button", name="Trả lại để sửa").click()
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

        page.get_by_label("Tôi xác nhận trả lại báo cáo này").check()
        page.get_by_role("button", name="Trả lại để sửa").click()
        expect(page.locator("#report-status")).to_have_text("Bị trả lại")
        report.refresh_from_db()
        assert report.status == ReportStatus.RETURNED
    finally:
        context.close()


def test_a_document_being_built_says_so_until_its_download_starts(new_page, tmp_path, monkeypatch):
    demo_load()
    # However fast this machine builds the document, the wait is made longer than a second.
    answer = DownloadCookieMiddleware.__call__

    def slow(self, request):
        if "download_token" in request.GET:
            time.sleep(1.5)
        return answer(self, request)

    monkeypatch.setattr(DownloadCookieMiddleware, "__call__", slow)
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    page = new_page()
    log_in(page, "lanhdao")
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator("#download-status")).to_be_hidden()
    # While the browser waits for the file it cannot be asked about the page: the page itself
    # notes what its status line showed, and when.
    page.evaluate(
        """() => {
            const status = document.getElementById("download-status");
            window.seen = [];
            new MutationObserver(() => window.seen.push(
                {hidden: status.hidden, text: status.textContent, at: performance.now()}
            )).observe(status, {attributes: true, childList: true, subtree: true});
            window.clickedAt = performance.now();
        }"""
    )
    with page.expect_download() as info:
        page.locator(".downloads").get_by_role("link", name="Excel (XLSX)").click()
    download = info.value
    # A function, not an expression string: Playwright evals the latter, which our CSP forbids.
    page.wait_for_function("() => document.getElementById('download-status').hidden")
    seen = page.evaluate("window.seen.map(s => ({...s, at: s.at - window.clickedAt}))")
    shown = [s for s in seen if not s["hidden"]]
    assert shown, seen
    assert shown[0]["text"].startswith("Đang tạo tệp…")
    assert shown[0]["at"] < 1000  # well before the file comes
    assert seen[-1]["hidden"] and seen[-1]["at"] > 1500  # gone once it has come
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".xlsx" and path.read_bytes().startswith(b"PK")


def test_an_evidence_file_comes_off_a_draft_in_place(new_page):
    demo_load()
    report = Report.objects.get(
        agency__name="Trường Chính trị Lê Duẩn", reporting_round__request_number="6452/UBND-ĐN"
    )
    author = report.events.get(action="created").user
    entry = report.entries.filter(role="lead").order_by("pk").first()
    for name in ("bien-ban-sai.pdf", "bien-ban-dung.pdf"):
        attachment_add(
            report=report,
            user=author,
            upload=SimpleUploadedFile(name, PDF),
            kind="evidence",
            entry=entry,
        )
    wrong = Attachment.objects.get(original_name="bien-ban-sai.pdf")

    page = new_page()
    page.set_viewport_size(SIZES["phone"])
    log_in(page, "leduan")
    page.goto(f"/reports/{report.pk}/edit/")
    # Something typed and not saved yet: removing a file must not lose it.
    result = page.locator(f'[name="e{entry.pk}-result"]')
    result.fill("Đang viết dở, chưa lưu.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xóa tệp bien-ban-sai.pdf").click()
    expect(page.locator(f"#attachment-{wrong.pk}")).to_have_count(0)
    expect(page.locator("ul.messages li.success")).to_contain_text("Đã xóa tệp «bien-ban-sai.pdf»")
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text("bien-ban-dung.pdf")
    expect(result).to_have_value("Đang viết dở, chưa lưu.")
    assert not Attachment.objects.filter(pk=wrong.pk).exists()
    assert Attachment.history.filter(id=wrong.pk, history_type="-").get().history_user.username == (
        "leduan"
    )
