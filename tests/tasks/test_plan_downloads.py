"""A plan's PDF/XLSX/DOCX is built once and served from storage until something it prints changes:
the exporter is not called for a repeat download, the browser gets 304 for a file it has, and
after each kind of write the next download shows the change."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from pypdf import PdfReader

from agreements import documents
from agreements.models import Plan, PlanStatus, StoredDocument
from agreements.services import agency_update, plan_update
from tasks import downloads
from tasks.models import PlanBlock, Section, Task
from tasks.services import (
    block_update,
    section_update,
    task_create,
    task_delete,
    task_update,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(quang_tri) -> Plan:
    # The smallest seed plan: every build here is quick.
    return Plan.objects.get(province=quang_tri, number="6452/UBND-ĐN")


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Every call of a plan exporter, by format."""
    calls: list[str] = []
    real = downloads.exporter_for

    def counting(kind, fmt):
        render = real(kind, fmt)

        def spy(obj):
            calls.append(fmt)
            return render(obj)

        return spy

    monkeypatch.setattr(downloads, "exporter_for", counting)
    return calls


def _get(client, plan, fmt="xlsx", **headers):
    response = client.get(f"/plans/{plan.pk}/export/{fmt}/", **headers)
    # Whole answers: reading .content closes nothing (closing again would close the test's
    # database connection through request_finished).
    body = response.content
    return response, body


def _cells(body: bytes) -> str:
    workbook = load_workbook(BytesIO(body), read_only=True)
    text = "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    workbook.close()
    return text


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "docx"])
def test_a_repeat_download_is_served_from_storage(coordinator_client, plan, builds, fmt):
    first, body = _get(coordinator_client, plan, fmt)
    assert first.status_code == 200 and builds == [fmt]
    again, body_again = _get(coordinator_client, plan, fmt)
    assert again.status_code == 200 and builds == [fmt]  # not built again
    assert body_again == body and again["ETag"] == first["ETag"]
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]


def test_the_browser_gets_304_for_the_file_it_has(coordinator_client, plan, builds):
    first, _body = _get(coordinator_client, plan)
    etag = first["ETag"]
    again = coordinator_client.get(f"/plans/{plan.pk}/export/xlsx/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    since = coordinator_client.get(
        f"/plans/{plan.pk}/export/xlsx/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 304
    assert builds == ["xlsx"]


def test_a_task_edit_shows_in_the_next_download(coordinator_client, coordinator, plan, builds):
    task = Task.objects.filter(plan=plan).order_by("position").first()
    _response, before = _get(coordinator_client, plan)
    assert "Nội dung đã sửa lần cuối" not in _cells(before)
    task_update(
        task=task,
        user=coordinator,
        fields={"content": "Nội dung đã sửa lần cuối"},
        lead_agencies=[lead.agency for lead in task.leads.all()],
    )
    response, after = _get(coordinator_client, plan)
    assert response.status_code == 200 and builds == ["xlsx", "xlsx"]
    assert "Nội dung đã sửa lần cuối" in _cells(after)
    # 304 is never answered for the old file.
    old = coordinator_client.get(
        f"/plans/{plan.pk}/export/xlsx/", HTTP_IF_NONE_MATCH=_response["ETag"]
    )
    assert old.status_code == 200


def test_an_agency_renamed_shows_in_the_next_download(
    coordinator_client, coordinator, plan, builds
):
    task = Task.objects.filter(plan=plan, leads__isnull=False).order_by("position").first()
    agency = task.leads.first().agency
    task_update(
        task=task,
        user=coordinator,
        fields={"lead_text": ""},  # the lead printed from the agency's name
        lead_agencies=[agency],
    )
    _get(coordinator_client, plan)
    agency_update(
        user=coordinator, agency=agency, name=f"{agency.name} (tên mới)", kind=agency.kind
    )
    _response, after = _get(coordinator_client, plan)
    assert f"{agency.name} (tên mới)" in _cells(after) and len(builds) == 2


def _new_task(plan, user):
    task_create(plan=plan, content="Nhiệm vụ thêm sau")


def _delete_task(plan, user):
    task_delete(task=Task.objects.filter(plan=plan).order_by("-position").first(), user=user)


def _header(plan, user):
    plan_update(plan=plan, user=user, fields={"title": "Tiêu đề đã sửa"})


def _section(plan, user):
    section = Section.objects.filter(plan=plan).first()
    if section is None:  # a plan without sections: one is added (a write all the same)
        from tasks.services import section_create

        section_create(plan=plan, title="Mục thêm")
        return
    section_update(section=section, number=section.number, title="Mục đã đổi tên", user=user)


def _block(plan, user):
    block = PlanBlock.objects.filter(plan=plan, kind="paragraph").first()
    block_update(block=block, fields={"text": "Đoạn văn đã sửa."}, user=user)


@pytest.mark.parametrize("write", [_new_task, _delete_task, _header, _section, _block])
def test_no_write_leaves_a_stale_file(coordinator_client, coordinator, plan, builds, write):
    first, _body = _get(coordinator_client, plan)
    write(plan, coordinator)
    second, _body = _get(coordinator_client, plan)
    assert second["ETag"] != first["ETag"] and builds == ["xlsx", "xlsx"]


def test_permission_is_checked_before_the_store(client, coordinator_kh, plan, builds, monkeypatch):
    asked: list[object] = []
    monkeypatch.setattr(documents, "document_versions", lambda scopes: asked.append(scopes))
    client.force_login(coordinator_kh)  # another province's coordinator
    response = client.get(f"/plans/{plan.pk}/export/pdf/")
    assert response.status_code == 404 and asked == [] and builds == []


def test_everyone_who_may_see_the_plan_gets_the_same_file(
    coordinator_client, client, plan, quang_tri, builds
):
    first, body = _get(coordinator_client, plan)
    client.force_login(make_user("lanhdao_dl", "leader", quang_tri, None))
    second, body_again = _get(client, plan)
    # The plan's documents take no user: one file serves them all.
    assert body_again == body and builds == ["xlsx"]


def test_only_the_latest_file_is_kept(
    coordinator_client, coordinator, plan, django_capture_on_commit_callbacks
):
    _get(coordinator_client, plan)
    old = StoredDocument.objects.get(name=f"plan:{plan.pk}:xlsx").file.name
    _new_task(plan, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _get(coordinator_client, plan)
    new = StoredDocument.objects.get(name=f"plan:{plan.pk}:xlsx").file.name
    assert new != old and default_storage.exists(new) and not default_storage.exists(old)


def _first_task_edited(plan, coordinator, content: str, capture_on_commit) -> None:
    """The plan's first task gets ``content`` through the app, its commit hooks run (the worker's
    tasks run at once in the test settings)."""
    task = Task.objects.filter(plan=plan).order_by("position").first()
    with capture_on_commit(execute=True):
        task_update(
            task=task,
            user=coordinator,
            fields={"content": content},
            lead_agencies=[lead.agency for lead in task.leads.all()],
        )


def test_a_plan_edit_rebuilds_the_documents_in_the_worker(
    coordinator_client, coordinator, plan, builds, django_capture_on_commit_callbacks
):
    _get(coordinator_client, plan)
    _get(coordinator_client, plan, "docx")
    # The commit queues the rebuild; the test settings run the worker's tasks at once.
    _first_task_edited(
        plan, coordinator, "Sửa rồi dựng lại ở tiến trình nền", django_capture_on_commit_callbacks
    )
    # The two asked for, and the PDF nobody asked for yet: the plan is issued.
    assert sorted(builds) == ["docx", "docx", "pdf", "xlsx", "xlsx"]
    _response, body = _get(coordinator_client, plan)
    assert len(builds) == 5  # ready: the click only reads it
    assert "Sửa rồi dựng lại ở tiến trình nền" in _cells(body)


def _pdf_text(content: bytes) -> str:
    """Without whitespace: text extraction breaks lines where the PDF wraps them."""
    pages = PdfReader(BytesIO(content)).pages
    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in pages))


def test_an_issued_plan_is_ready_in_every_format_before_anyone_asks(
    client, coordinator, plan, quang_tri, builds, django_capture_on_commit_callbacks
):
    assert plan.status == PlanStatus.ISSUED
    # Nobody has downloaded this plan; the commit queues the worker (run at once in tests).
    content = "Đã sẵn sàng trước khi lãnh đạo bấm tải"
    _first_task_edited(plan, coordinator, content, django_capture_on_commit_callbacks)
    assert sorted(builds) == ["docx", "pdf", "xlsx"]
    # The leader's first click reads the file the worker built, with the edit in it.
    client.force_login(make_user("lanhdao_sansang", "leader", quang_tri, None))
    response, body = _get(client, plan, "pdf")
    assert response.status_code == 200 and len(builds) == 3
    assert "Đãsẵnsàngtrướckhilãnhđạobấmtải" in _pdf_text(body)


def test_a_draft_is_built_only_when_asked_for(
    coordinator, plan, builds, django_capture_on_commit_callbacks
):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _header(plan, coordinator)
    assert callbacks and builds == []  # the worker ran, and found nothing asked for


def test_an_unknown_format_is_404(coordinator_client, plan):
    assert coordinator_client.get(f"/plans/{plan.pk}/export/odt/").status_code == 404


def test_an_accepted_report_shows_in_the_next_download(
    coordinator_client, coordinator, plan, builds
):
    """Accepting a report moves its tasks' status, which the plan's workbook prints: the
    workbook kept from before the accept is not served again; the PDF, which prints no status,
    is."""
    from reports.models import ReportStatus
    from tasks.models import TaskLead, TaskStatus
    from tests.reports.factories import open_round, report_in_state

    lead = TaskLead.objects.filter(task__plan=plan).select_related("agency", "task").first()
    Task.objects.filter(pk=lead.task_id).update(status=TaskStatus.NOT_STARTED)
    _response, before = _get(coordinator_client, plan)
    pdf, _body = _get(coordinator_client, plan, "pdf")
    reporting_round = open_round(coordinator, numbers=(plan.number,))
    report_in_state(
        reporting_round=reporting_round,
        agency=lead.agency,
        status=ReportStatus.ACCEPTED,
        coordinator=coordinator,
    )
    assert Task.objects.get(pk=lead.task_id).status == TaskStatus.IN_PROGRESS
    _response, after = _get(coordinator_client, plan)
    assert builds == ["xlsx", "pdf", "xlsx"]
    # The PDF prints no status: the file kept from before the accept is still the one.
    again, _body = _get(coordinator_client, plan, "pdf")
    assert again["ETag"] == pdf["ETag"] and builds == ["xlsx", "pdf", "xlsx"]
    in_progress = str(TaskStatus.IN_PROGRESS.label)
    assert _cells(after).count(in_progress) > _cells(before).count(in_progress)


def test_an_accept_rebuilds_the_workbook_only_in_the_worker(
    coordinator_client, coordinator, plan, builds, django_capture_on_commit_callbacks
):
    from reports.models import ReportStatus
    from tasks.models import TaskLead, TaskStatus
    from tests.reports.factories import open_round, report_in_state

    lead = TaskLead.objects.filter(task__plan=plan).select_related("agency").first()
    Task.objects.filter(pk=lead.task_id).update(status=TaskStatus.NOT_STARTED)
    _get(coordinator_client, plan)
    _get(coordinator_client, plan, "pdf")
    # The commit queues the rebuild; the test settings run the worker's tasks at once.
    with django_capture_on_commit_callbacks(execute=True):
        report_in_state(
            reporting_round=open_round(coordinator, numbers=(plan.number,)),
            agency=lead.agency,
            status=ReportStatus.ACCEPTED,
            coordinator=coordinator,
        )
    assert builds == ["xlsx", "pdf", "xlsx"]  # the workbook again, not the PDF
    _response, body = _get(coordinator_client, plan)
    assert len(builds) == 3 and str(TaskStatus.IN_PROGRESS.label) in _cells(body)
