"""Every URL for every role: anonymous → login, not theirs → 404, leader read-only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver

from agreements.models import Agency, Plan
from reports.models import DocumentJob, Report, ReportStatus
from reports.services import attachment_add, report_save, report_start, report_submit
from tasks.models import Section
from tasks.services import block_create
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round, reporter_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(coordinator, coordinator_kh, quang_tri):
    reporting_round = open_round(coordinator)
    own = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "own")
    other = reporter_of(quang_tri, "Sở Công thương", "other")
    leader = make_user("leader", "leader", quang_tri, None)
    report = report_start(reporting_round=reporting_round, agency=own.agency, user=own)
    attachment = attachment_add(
        report=report, user=own, upload=SimpleUploadedFile("bien-ban.pdf", PDF), kind="evidence"
    )
    report = report_save(
        report=report,
        user=own,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    report_submit(report=report, user=own, version=report.version)
    draft = report_start(reporting_round=reporting_round, agency=other.agency, user=other)
    agency = Agency.objects.get(province=quang_tri, name="Công an tỉnh")
    job = DocumentJob.objects.create(reporting_round=reporting_round, kind="round", fmt="pdf")
    block = block_create(
        plan=Plan.objects.get(province=quang_tri, number="165/QĐ-UBND"),
        kind="paragraph",
        text="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
        user=coordinator,
    )
    return {
        "job": job,
        "block": block,
        "users": {
            "own": own,
            "other": other,
            "leader": leader,
            "coordinator": coordinator,
            "foreign": coordinator_kh,
        },
        "round": reporting_round,
        "report": report,
        "draft": draft,
        "attachment": attachment,
        "agency": agency,
    }


def urls(w):
    r, p, d, a, ag = (
        w["round"].pk,
        w["report"].pk,
        w["draft"].pk,
        w["attachment"].pk,
        w["agency"].pk,
    )
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND").pk
    section = Section.objects.filter(plan_id=plan, parent__isnull=False).first().pk
    return {
        "tasks:plan_list": ("get", "/plans/"),
        "reports:dashboard": ("get", "/dashboard/"),
        "reports:dashboard_export": ("get", "/dashboard/export/xlsx/?panel=overdue"),
        "reports:calendar": ("get", "/calendar/"),
        "tasks:section_edit": ("get", f"/sections/{section}/edit/"),
        "tasks:section_move": ("post", f"/sections/{section}/move/"),
        "tasks:section_delete": ("post", f"/sections/{section}/delete/"),
        "tasks:section_new": ("get", f"/plans/{plan}/sections/new/"),
        "tasks:plan_carry": ("get", f"/plans/{plan}/carry-forward/"),
        "tasks:block_new": ("get", f"/plans/{plan}/blocks/new/"),
        "tasks:block_paste": ("get", f"/plans/{plan}/blocks/paste/"),
        "tasks:block_edit": ("get", f"/blocks/{w['block'].pk}/edit/"),
        "tasks:block_move": ("post", f"/blocks/{w['block'].pk}/move/"),
        "tasks:block_delete": ("post", f"/blocks/{w['block'].pk}/delete/"),
        "tasks:plan_import": ("get", "/plans/import/"),
        "tasks:plan_import_preview": ("get", "/plans/import/preview/"),
        "tasks:task_edit": ("get", f"/tasks/{w['report'].entries.first().task_id}/edit/"),
        "tasks:task_move": ("post", f"/tasks/{w['report'].entries.first().task_id}/move/"),
        "tasks:task_delete": ("post", f"/tasks/{w['report'].entries.first().task_id}/delete/"),
        "tasks:task_new": ("get", f"/plans/{plan}/tasks/new/"),
        "tasks:agency_suggest": ("get", "/agencies/suggest/?q=so"),
        "tasks:task_history": ("get", f"/tasks/{w['report'].entries.first().task_id}/history/"),
        "reports:agency_list": ("get", "/agencies/"),
        "reports:agency_detail": ("get", f"/agencies/{w['users']['own'].agency_id}/"),
        "reports:document_job": ("get", f"/documents/{w['job'].pk}/"),
        "reports:document_download": ("get", f"/documents/{w['job'].pk}/download/"),
        "tasks:plan_detail": ("get", f"/plans/{plan}/"),
        "tasks:plan_export": ("get", f"/plans/{plan}/export/docx/"),
        "tasks:plan_timeline": ("get", f"/plans/{plan}/timeline/"),
        # Filtered to no task (no agency has id 0): a one-page PDF, quick to render five times.
        "tasks:plan_timeline_pdf": ("get", f"/plans/{plan}/timeline.pdf?lead=0"),
        "reports:round_export": ("get", f"/rounds/{r}/export/xlsx/"),
        "reports:reminder_export": ("get", f"/rounds/{r}/reminder/docx/"),
        "home": ("get", "/"),
        "tasks:agency_tasks": ("get", "/tasks/"),
        "reports:round_list": ("get", "/rounds/"),
        "reports:round_create": ("get", "/rounds/new/"),
        "reports:round_detail": ("get", f"/rounds/{r}/"),
        "reports:report_mine": ("post", f"/rounds/{r}/my-report/"),
        "reports:report_behalf": ("post", f"/rounds/{r}/behalf/{ag}/"),
        "reports:report_detail": ("get", f"/reports/{p}/"),
        "reports:report_detail:draft": ("get", f"/reports/{d}/"),
        "reports:report_edit": ("get", f"/reports/{d}/edit/"),
        "reports:report_return": ("post", f"/reports/{p}/return/"),
        "reports:report_accept": ("post", f"/reports/{p}/accept/"),
        "reports:attachment_download": ("get", f"/files/{a}/"),
    }


# Expected status per (url, role). 302 on a POST is the redirect after the action, checked below.
EXPECTED = {
    #                              own   other  leader coord foreign
    "home":                        (302, 302, 302, 302, 302),
    "tasks:plan_list":             (200, 200, 200, 200, 200),
    "reports:dashboard":           (404, 404, 200, 200, 200),
    "reports:dashboard_export":    (404, 404, 200, 200, 200),
    "reports:calendar":            (200, 200, 200, 200, 200),
    "tasks:section_edit":          (404, 404, 404, 200, 404),
    "tasks:section_move":          (404, 404, 404, 302, 404),
    "tasks:section_delete":        (404, 404, 404, 302, 404),
    "tasks:section_new":           (404, 404, 404, 200, 404),
    "tasks:plan_carry":            (404, 404, 404, 200, 404),
    "tasks:block_new":             (404, 404, 404, 200, 404),
    "tasks:block_paste":           (404, 404, 404, 200, 404),
    "tasks:block_edit":            (404, 404, 404, 200, 404),
    "tasks:block_move":            (404, 404, 404, 302, 404),
    "tasks:block_delete":          (404, 404, 404, 302, 404),
    "tasks:plan_import":           (404, 404, 404, 200, 200),
    "tasks:plan_import_preview":   (404, 404, 404, 302, 302),
    "tasks:task_edit":             (404, 404, 404, 200, 404),
    "tasks:task_move":             (404, 404, 404, 302, 404),
    "tasks:task_delete":           (404, 404, 404, 302, 404),
    "tasks:task_new":              (404, 404, 404, 200, 404),
    "tasks:agency_suggest":        (200, 200, 200, 200, 200),
    "tasks:task_history":          (200, 404, 200, 200, 404),
    "reports:agency_list":         (200, 200, 200, 200, 200),
    "reports:agency_detail":       (200, 404, 200, 200, 404),
    "reports:document_job":        (404, 404, 200, 200, 404),
    "reports:document_download":   (404, 404, 302, 302, 404),
    "tasks:plan_detail":           (200, 200, 200, 200, 404),
    "tasks:plan_export":           (200, 200, 200, 200, 404),
    "tasks:plan_timeline":         (200, 200, 200, 200, 404),
    "tasks:plan_timeline_pdf":     (200, 200, 200, 200, 404),
    "reports:round_export":        (404, 404, 200, 200, 404),
    "reports:reminder_export":     (404, 404, 200, 200, 404),
    "tasks:agency_tasks":          (200, 200, 200, 200, 200),
    "reports:round_list":          (200, 200, 200, 200, 200),
    "reports:round_create":        (404, 404, 404, 200, 200),
    "reports:round_detail":        (200, 200, 200, 200, 404),
    "reports:report_mine":         (302, 302, 404, 404, 404),
    "reports:report_behalf":       (404, 404, 404, 302, 404),
    "reports:report_detail":       (200, 404, 200, 200, 404),
    "reports:report_detail:draft": (404, 200, 404, 200, 404),
    "reports:report_edit":         (404, 200, 404, 200, 404),
    "reports:report_return":       (302, 404, 302, 302, 404),
    "reports:report_accept":       (302, 404, 302, 302, 404),
    "reports:attachment_download": (200, 404, 200, 200, 404),
}  # fmt: skip
ROLES = ("own", "other", "leader", "coordinator", "foreign")
# Reached without logging in, each guarded otherwise and tested in its own file:
# the calendar feed by its secret token (tests/reports/test_calendar.py); the health check,
# which says only whether the database answers (tests/test_production.py).
PUBLIC = {"reports:calendar_feed", "healthz"}


def test_matrix_covers_every_url_of_the_app():
    names = set()
    for pattern in get_resolver().url_patterns:
        namespace = getattr(pattern, "namespace", None)
        if namespace in ("reports", "tasks"):
            names |= {f"{namespace}:{p.name}" for p in pattern.url_patterns}
    assert names <= {key.split(":draft")[0] for key in EXPECTED} | PUBLIC


def test_health_check_answers_without_a_login_and_starts_no_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("role", ROLES)
def test_health_check_answers_every_role(client, world, role):
    client.force_login(world["users"][role])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_anonymous_is_sent_to_login(client, world, name):
    method, url = urls(world)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_role_gets_what_it_may(client, world, name, role_index):
    user = world["users"][ROLES[role_index]]
    client.force_login(user)
    method, url = urls(world)[name]
    response = getattr(client, method)(url, {"comment": "Sửa lại"} if method == "post" else None)
    response.close()  # a file download is streamed: close it
    assert response.status_code == EXPECTED[name][role_index], (name, ROLES[role_index])


@pytest.mark.parametrize("role", ["own", "leader", "other", "foreign"])
def test_only_coordinators_of_the_province_change_a_reports_state(client, world, role):
    client.force_login(world["users"][role])
    report = world["report"]
    client.post(f"/reports/{report.pk}/accept/")
    client.post(f"/reports/{report.pk}/return/", {"comment": "x"})
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_reporter_sees_only_tasks_its_agency_leads_or_coordinates(client, world):
    client.force_login(world["users"]["own"])
    response = client.get("/tasks/", {"page": 1})
    tasks = response.context["tasks"]
    assert tasks
    agency = world["users"]["own"].agency
    for task in tasks:
        leads = {lead.agency_id for lead in task.leads.all()}
        coordinating = {a.pk for a in task.coordinating_agencies.all()}
        assert agency.pk in leads | coordinating
