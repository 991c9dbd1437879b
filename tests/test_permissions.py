"""Every URL for every role: anonymous → login, not theirs → 404, leader read-only."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.urls import get_resolver

from accounts.models import User
from agreements.models import Agency, Agreement, Locality, Meeting, Plan
from reports.models import DocumentJob, Notification, Report, ReportStatus
from reports.services import attachment_add, report_save, report_start, report_submit
from tasks.models import Section
from tasks.services import block_create
from tests.factories import make_user
from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round, reporter_of

pytestmark = [pytest.mark.django_db, pytest.mark.long]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back after its last test; each test runs in a savepoint
    inside it (pytest-django's ``db``). Read-only for the tests: re-read a row you compare."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict:
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    khanh_hoa = Locality.objects.get(name="Khánh Hòa", country="VN")
    coordinator = make_user(
        "coordinator",
        "coordinator",
        quang_tri,
        Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    coordinator_kh = make_user(
        "coordinator_kh",
        "coordinator",
        khanh_hoa,
        Agency.objects.get(province=khanh_hoa, name="Sở Ngoại vụ"),
    )
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
    agreement = Agreement.objects.filter(province=quang_tri).order_by("pk").first()
    agreement.file.save("thoa-thuan.pdf", ContentFile(PDF))
    block = block_create(
        plan=Plan.objects.get(province=quang_tri, number="165/QĐ-UBND"),
        kind="paragraph",
        text="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
        user=coordinator,
    )
    return {
        "agreement": agreement,
        "meeting": Meeting.objects.filter(province=quang_tri).order_by("pk").first(),
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
        # The coordinator's, told of the submission above.
        "notification": Notification.objects.get(user=coordinator, report=report),
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
    agreement, meeting = w["agreement"].pk, w["meeting"].pk
    return {
        "agreements:agreement_list": ("get", "/agreements/?q=savannakhet"),
        "agreements:agreement_new": ("get", "/agreements/new/"),
        "agreements:agreement_detail": ("get", f"/agreements/{agreement}/"),
        "agreements:agreement_edit": ("get", f"/agreements/{agreement}/edit/"),
        "agreements:agreement_file": ("get", f"/agreements/{agreement}/file/"),
        "agreements:meeting_list": ("get", "/meetings/"),
        "agreements:meeting_new": ("get", "/meetings/new/"),
        "agreements:meeting_detail": ("get", f"/meetings/{meeting}/"),
        "agreements:meeting_edit": ("get", f"/meetings/{meeting}/edit/"),
        "agreements:directive_new": ("get", f"/meetings/{meeting}/directive/"),
        "agreements:plan_new": ("get", "/plans/new/"),
        "agreements:plan_edit": ("get", f"/plans/{plan}/edit/"),
        "agreements:plan_status": ("get", f"/plans/{plan}/status/"),
        # A POST without an action: refused on the page (409) for the coordinator, 404 otherwise.
        "agreements:plan_status:post": ("post", f"/plans/{plan}/status/"),
        "agreements:plan_history": ("get", f"/plans/{plan}/history/"),
        "tasks:plan_list": ("get", "/plans/"),
        "reports:dashboard": ("get", "/dashboard/"),
        "reports:dashboard_export": ("get", "/dashboard/export/xlsx/?panel=overdue"),
        "reports:calendar": ("get", "/calendar/"),
        "tasks:section_edit": ("get", f"/sections/{section}/edit/"),
        "tasks:section_move": ("post", f"/sections/{section}/move/"),
        "tasks:section_delete": ("post", f"/sections/{section}/delete/"),
        "tasks:section_new": ("get", f"/plans/{plan}/sections/new/"),
        "tasks:plan_carry_forward": ("get", f"/plans/{plan}/carry-forward/"),
        "tasks:block_new": ("get", f"/plans/{plan}/blocks/new/"),
        "tasks:block_paste": ("get", f"/plans/{plan}/blocks/paste/"),
        "tasks:block_edit": ("get", f"/blocks/{w['block'].pk}/edit/"),
        "tasks:block_move": ("post", f"/blocks/{w['block'].pk}/move/"),
        "tasks:block_delete": ("post", f"/blocks/{w['block'].pk}/delete/"),
        "tasks:plan_import_upload": ("get", "/plans/import/"),
        "tasks:plan_import_preview": ("get", "/plans/import/preview/"),
        "tasks:task_edit": ("get", f"/tasks/{w['report'].entries.first().task_id}/edit/"),
        "tasks:task_move": ("post", f"/tasks/{w['report'].entries.first().task_id}/move/"),
        "tasks:task_delete": ("post", f"/tasks/{w['report'].entries.first().task_id}/delete/"),
        "tasks:task_new": ("get", f"/plans/{plan}/tasks/new/"),
        "agreements:agency_suggest": ("get", "/agencies/suggest/?q=so"),
        "agreements:plan_suggest": ("get", "/plans/suggest/?q=165"),
        "tasks:task_history": ("get", f"/tasks/{w['report'].entries.first().task_id}/history/"),
        "reports:task_reports": ("get", f"/tasks/{w['report'].entries.first().task_id}/reports/"),
        "reports:agency_list": ("get", "/agencies/"),
        "reports:agency_detail": ("get", f"/agencies/{w['users']['own'].agency_id}/"),
        "reports:agency_create": ("get", "/agencies/new/"),
        "reports:agency_edit": ("get", f"/agencies/{ag}/edit/"),
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
        "reports:round_open": ("get", "/rounds/new/"),
        "reports:round_detail": ("get", f"/rounds/{r}/"),
        "reports:report_mine": ("post", f"/rounds/{r}/my-report/"),
        "reports:report_behalf": ("post", f"/rounds/{r}/behalf/{ag}/"),
        "reports:workbook_download": (
            "get",
            f"/rounds/{r}/workbook/{w['users']['own'].agency_id}/",
        ),
        "reports:workbook_zip": ("get", f"/rounds/{r}/workbooks.zip"),
        "reports:workbook_upload": ("get", f"/rounds/{r}/workbook/upload/"),
        # A token is looked up in the session that uploaded the file: a made-up one is 404.
        "reports:workbook_confirm": ("post", f"/rounds/{r}/workbook/confirm/made-up/"),
        "reports:workbook_marked": ("get", f"/rounds/{r}/workbook/marked/made-up/"),
        "reports:report_detail": ("get", f"/reports/{p}/"),
        "reports:report_detail:draft": ("get", f"/reports/{d}/"),
        "reports:report_edit": ("get", f"/reports/{d}/edit/"),
        "reports:report_return": ("post", f"/reports/{p}/return/"),
        "reports:report_accept": ("post", f"/reports/{p}/accept/"),
        "reports:attachment_download": ("get", f"/files/{a}/"),
        # The file of a submitted report: its editors are refused (back to the report), others 404.
        "reports:attachment_remove": ("post", f"/files/{a}/remove/"),
        "reports:reporter_home": ("get", "/my-work/"),
        "reports:notification_list": ("get", "/notifications/"),
        "reports:notification_open": ("get", f"/notifications/{w['notification'].pk}/"),
        "reports:notification_read_all": ("post", "/notifications/read-all/"),
        "reports:notification_settings": ("get", "/notifications/settings/"),
    }


# Expected status per (url, role). 302 on a POST is the redirect after the action, checked below.
EXPECTED = {
    #                              own   other  leader coord foreign
    "home":                        (302, 302, 302, 302, 302),
    # Agreements and meetings are not secret inside the province: every role reads them.
    "agreements:agreement_list":   (200, 200, 200, 200, 200),
    "agreements:agreement_new":    (404, 404, 404, 200, 200),
    "agreements:agreement_detail": (200, 200, 200, 200, 404),
    "agreements:agreement_edit":   (404, 404, 404, 200, 404),
    "agreements:agreement_file":   (200, 200, 200, 200, 404),
    "agreements:meeting_list":     (200, 200, 200, 200, 200),
    "agreements:meeting_new":      (404, 404, 404, 200, 200),
    "agreements:meeting_detail":   (200, 200, 200, 200, 404),
    "agreements:meeting_edit":     (404, 404, 404, 200, 404),
    "agreements:directive_new":    (404, 404, 404, 200, 404),
    "agreements:plan_new":         (404, 404, 404, 200, 200),
    "agreements:plan_edit":        (404, 404, 404, 200, 404),
    "agreements:plan_status":      (404, 404, 404, 200, 404),
    "agreements:plan_status:post": (404, 404, 404, 409, 404),
    "agreements:plan_history":     (200, 200, 200, 200, 404),
    "tasks:plan_list":             (200, 200, 200, 200, 200),
    "reports:dashboard":           (404, 404, 200, 200, 200),
    "reports:dashboard_export":    (404, 404, 200, 200, 200),
    "reports:calendar":            (200, 200, 200, 200, 200),
    "tasks:section_edit":          (404, 404, 404, 200, 404),
    "tasks:section_move":          (404, 404, 404, 302, 404),
    "tasks:section_delete":        (404, 404, 404, 302, 404),
    "tasks:section_new":           (404, 404, 404, 200, 404),
    "tasks:plan_carry_forward":    (404, 404, 404, 200, 404),
    "tasks:block_new":             (404, 404, 404, 200, 404),
    "tasks:block_paste":           (404, 404, 404, 200, 404),
    "tasks:block_edit":            (404, 404, 404, 200, 404),
    "tasks:block_move":            (404, 404, 404, 302, 404),
    "tasks:block_delete":          (404, 404, 404, 302, 404),
    "tasks:plan_import_upload":    (404, 404, 404, 200, 200),
    "tasks:plan_import_preview":   (404, 404, 404, 302, 302),
    "tasks:task_edit":             (404, 404, 404, 200, 404),
    "tasks:task_move":             (404, 404, 404, 302, 404),
    "tasks:task_delete":           (404, 404, 404, 302, 404),
    "tasks:task_new":              (404, 404, 404, 200, 404),
    "agreements:agency_suggest":   (200, 200, 200, 200, 200),
    "agreements:plan_suggest":     (200, 200, 200, 200, 200),
    "tasks:task_history":          (200, 404, 200, 200, 404),
    "reports:task_reports":        (200, 404, 200, 200, 404),
    "reports:agency_list":         (200, 200, 200, 200, 200),
    "reports:agency_detail":       (200, 404, 200, 200, 404),
    "reports:agency_create":       (404, 404, 404, 200, 200),
    "reports:agency_edit":         (404, 404, 404, 200, 404),
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
    "reports:round_open":          (404, 404, 404, 200, 200),
    "reports:round_detail":        (200, 200, 200, 200, 404),
    "reports:report_mine":         (302, 302, 404, 404, 404),
    "reports:report_behalf":       (404, 404, 404, 302, 404),
    "reports:workbook_download":   (200, 404, 404, 200, 404),
    "reports:workbook_zip":        (404, 404, 404, 200, 404),
    "reports:workbook_upload":     (200, 200, 404, 200, 404),
    "reports:workbook_confirm":    (404, 404, 404, 404, 404),
    "reports:workbook_marked":     (404, 404, 404, 404, 404),
    "reports:report_detail":       (200, 404, 200, 200, 404),
    "reports:report_detail:draft": (404, 200, 404, 200, 404),
    "reports:report_edit":         (404, 200, 404, 200, 404),
    "reports:report_return":       (302, 404, 302, 302, 404),
    "reports:report_accept":       (302, 404, 302, 302, 404),
    "reports:attachment_download": (200, 404, 200, 200, 404),
    "reports:attachment_remove":   (302, 404, 404, 302, 404),
    "reports:reporter_home":       (200, 200, 404, 404, 404),
    # Each person's own notifications: another's answers 404, whatever the role.
    "reports:notification_list":   (200, 200, 200, 200, 200),
    "reports:notification_open":   (404, 404, 404, 302, 404),
    "reports:notification_read_all": (302, 302, 302, 302, 302),
    "reports:notification_settings": (200, 200, 200, 200, 200),
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
        if namespace in ("agreements", "reports", "tasks", "accounts"):
            names |= {f"{namespace}:{p.name}" for p in pattern.url_patterns}
    covered = {":".join(key.split(":")[:2]) for key in EXPECTED} | set(PEOPLE_EXPECTED) | PUBLIC
    assert names <= covered


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
    # A streamed download is closed as Django's test client closes it: with request_finished's
    # close_old_connections off, or it would close the test's PostgreSQL connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
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


# The province's people (/people/): its administrator and superusers only; everyone else, and an
# administrator of another province for a Quảng Trị user, 404.
def people_urls(w):
    target = w["users"]["other"].pk
    return {
        "accounts:people_list": ("get", "/people/"),
        "accounts:people_create": ("get", "/people/new/"),
        "accounts:people_edit": ("get", f"/people/{target}/edit/"),
        "accounts:people_active": ("post", f"/people/{target}/active/"),
        "accounts:people_password": ("post", f"/people/{target}/password/"),
    }


PEOPLE_ROLES = (*ROLES, "administrator", "administrator_kh", "superuser")
PEOPLE_EXPECTED = {
    #                           own  other leader coord foreign admin admin_kh superuser
    "accounts:people_list":     (404, 404, 404, 404, 404, 200, 200, 200),
    "accounts:people_create":   (404, 404, 404, 404, 404, 200, 200, 200),
    "accounts:people_edit":     (404, 404, 404, 404, 404, 200, 404, 200),
    "accounts:people_active":   (404, 404, 404, 404, 404, 302, 404, 302),
    "accounts:people_password": (404, 404, 404, 404, 404, 200, 404, 200),
}  # fmt: skip


@pytest.mark.parametrize("name", list(PEOPLE_EXPECTED))
def test_anonymous_is_sent_to_login_from_people_pages(client, world, name):
    method, url = people_urls(world)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role_index", range(len(PEOPLE_ROLES)), ids=PEOPLE_ROLES)
@pytest.mark.parametrize("name", list(PEOPLE_EXPECTED))
def test_people_pages_for_each_role(
    client, world, administrator, administrator_kh, superuser, name, role_index
):
    users = {
        **world["users"],
        "administrator": administrator,
        "administrator_kh": administrator_kh,
        "superuser": superuser,
    }
    client.force_login(users[PEOPLE_ROLES[role_index]])
    method, url = people_urls(world)[name]
    target = User.objects.get(pk=world["users"]["other"].pk)
    before = (target.password, target.is_active)
    response = getattr(client, method)(url, {"active": "0"} if method == "post" else None)
    assert response.status_code == PEOPLE_EXPECTED[name][role_index], (
        name,
        PEOPLE_ROLES[role_index],
    )
    target.refresh_from_db()
    if response.status_code == 404:
        assert (target.password, target.is_active) == before
