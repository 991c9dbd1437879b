"""Every admin URL for every role, GET and POST: who gets in, what they see, what they change.

Two provinces carry one row of every registered model, each with a marker string in a text field
("MARKER-X-TASK" in Quảng Trị, "MARKER-Y-TASK" in Khánh Hòa); package rows (groups, django-axes
logs, queued tasks) and a superuser carry "MARKER-PKG-…" and "MARKER-SU". Each role walks every
URL that ``admin.site.get_urls()`` serves, aimed at province X's rows:

- the status of each (url, role) is the table below;
- no page shows a marker the role may not see;
- a POST by a role that may not write changes nothing: the rows it must not touch read the same
  before and after, and a non-admin role leaves every table's row count as it was.

A guard test walks ``admin.site.get_urls()`` (each ModelAdmin's included) and fails on a route no
URL here reaches, so a package or ModelAdmin that adds a page has to be put in the table.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, resolve, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Role, User
from agreements.models import Agency, Agreement, Locality, Meeting, Plan
from reports.models import Attachment, ReminderLog, Report, ReportingRound
from reports.services import attachment_add, report_start, round_open
from tasks.models import PlanBlock, Section, Task
from tasks.services import task_create
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.long]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ("anonymous", "reporter", "leader", "coordinator", "admin_x", "admin_y", "superuser")


def build_province(prefix: str, province: Locality, coordinator: User) -> dict:
    """One row of every project model in ``province``, each naming ``prefix`` in a text field."""
    agency = Agency.objects.create(province=province, name=f"{prefix}-AGENCY")
    agreement = Agreement.objects.create(province=province, title=f"{prefix}-AGREEMENT")
    meeting = Meeting.objects.create(province=province, kind="other", title=f"{prefix}-MEETING")
    plan = Plan.objects.create(
        province=province,
        kind="plan",
        number=f"{prefix}/KH-UBND",
        title=f"{prefix}-PLAN",
        start_year=2024,
        end_year=2026,
    )
    PlanBlock.objects.create(plan=plan, text=f"{prefix}-BLOCK")
    section = Section.objects.create(plan=plan, title=f"{prefix}-SECTION", position=1)
    task = task_create(
        plan=plan,
        section=section,
        number="1.",
        content=f"{prefix}-TASK",
        lead_agencies=[agency],
        timeframe_text="Năm 2025",
    )
    today = timezone.localdate()
    reporting_round = round_open(
        user=coordinator,
        request_number=f"{prefix}-ROUND",
        request_date=today - timedelta(days=5),
        plans=[plan],
        period_start=date(2024, 1, 1),
        period_end=today,
        deadline=today + timedelta(days=20),
        summary=f"{prefix}-ROUND",
    )
    reporter = make_user(f"{prefix.lower()}-reporter", Role.REPORTER, province, agency)
    reporter.first_name = f"{prefix}-USER"
    reporter.email = f"{prefix.lower()}@example.gov.vn"
    reporter.save()
    report = report_start(reporting_round=reporting_round, agency=agency, user=reporter)
    report.difficulties = f"{prefix}-REPORT"  # a draft: leaders never read it
    report.save()
    attachment = attachment_add(
        report=report,
        user=reporter,
        upload=SimpleUploadedFile(f"{prefix}-ATTACHMENT.pdf", PDF),
        kind="evidence",
    )
    reminder = ReminderLog.objects.create(
        reporting_round=reporting_round, agency=agency, day=today, recipients=f"{prefix}-REMINDER"
    )
    return {
        User: reporter,
        Agency: agency,
        Agreement: agreement,
        Meeting: meeting,
        Plan: plan,
        Section: section,
        Task: task,
        ReportingRound: reporting_round,
        Report: report,
        Attachment: attachment,
        ReminderLog: reminder,
    }


def build_packages() -> dict:
    """Rows of the packages' models: a superuser's business only."""
    now = timezone.now()
    axes = {
        "user_agent": "MARKER-PKG-AGENT",
        "ip_address": "127.0.0.1",
        "username": "MARKER-PKG-AXES",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    return {
        Group: Group.objects.create(name="MARKER-PKG-GROUP"),
        AccessAttempt: AccessAttempt.objects.create(
            **axes, get_data="", post_data="", failures_since_start=1
        ),
        AccessLog: AccessLog.objects.create(**axes, attempt_time=now),
        AccessFailureLog: AccessFailureLog.objects.create(**axes, attempt_time=now),
        DBTaskResult: DBTaskResult.objects.create(
            task_path="MARKER-PKG-TASKRESULT",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=now,
            exception_class_path="",
            traceback="",
        ),
    }


def build_world() -> dict:
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    khanh_hoa = Locality.objects.get(name="Khánh Hòa", country="VN")
    coordinator = make_user(
        "coordinator",
        Role.COORDINATOR,
        quang_tri,
        Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    coordinator_kh = make_user(
        "coordinator_kh",
        Role.COORDINATOR,
        khanh_hoa,
        Agency.objects.get(province=khanh_hoa, name="Sở Ngoại vụ"),
    )
    x = build_province("MARKER-X", quang_tri, coordinator)
    build_province("MARKER-Y", khanh_hoa, coordinator_kh)
    x.update(build_packages())
    x[Locality] = Locality.objects.create(name="SHARED-LOCALITY", country="LA")
    superuser = User.objects.create_superuser("root", "root@example.gov.vn", "pw-for-tests-1")
    hidden_superuser = User.objects.create_superuser(
        "root-marker", "su@example.gov.vn", "pw-for-tests-1", first_name="MARKER-SU"
    )
    hidden_superuser.province = quang_tri
    hidden_superuser.save()
    admin_x = make_user("admin-x", Role.ADMINISTRATOR, quang_tri, None)
    admin_y = make_user("admin-y", Role.ADMINISTRATOR, khanh_hoa, None)
    users = {
        "anonymous": None,
        "reporter": make_user("reporter-x", Role.REPORTER, quang_tri, x[Agency]),
        "leader": make_user("leader-x", Role.LEADER, quang_tri, None),
        "coordinator": coordinator,
        "admin_x": admin_x,
        "admin_y": admin_y,
        "superuser": superuser,
    }
    world = {"objects": x, "users": users, "hidden_superuser": hidden_superuser}
    world["urls"] = all_urls(world)
    # What a superuser's browser would post on each change page, read once for every role.
    superuser_client = Client()
    superuser_client.force_login(superuser)
    world["forms"] = {
        key.partition(".")[0]: form_data(superuser_client.get(url))
        for key, url in world["urls"].items()
        if key.endswith(".change")
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back after its last test. Each test runs in a savepoint
    inside it (pytest-django's ``db``), so none sees another's writes."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# -- the URLs -----------------------------------------------------------------------------------


def model_urls(model, obj) -> dict[str, str]:
    """Every page of one ModelAdmin, aimed at province X's row."""
    model_admin = admin.site._registry[model]
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    key = model._meta.model_name
    pk = str(obj.pk)
    urls = {
        f"{key}.changelist": reverse(f"{info}_changelist"),
        f"{key}.add": reverse(f"{info}_add"),
        f"{key}.change": reverse(f"{info}_change", args=[pk]),
        f"{key}.delete": reverse(f"{info}_delete", args=[pk]),
        f"{key}.history": reverse(f"{info}_history", args=[pk]),
        # Django's redirect from the old change address to the new one.
        f"{key}.object": reverse(f"{info}_change", args=[pk]).removesuffix("change/"),
    }
    names = {getattr(u, "name", None) for u in model_admin.get_urls()}
    if f"{model._meta.app_label}_{model._meta.model_name}_simple_history" in names:
        record = obj.history.order_by("history_id").first()
        urls[f"{key}.history_detail"] = f"{urls[f'{key}.history']}{record.history_id}/"
    if model is User:
        urls["user.password"] = reverse("admin:auth_user_password_change", args=[pk])
    return urls


def site_urls(world) -> dict[str, str]:
    x = world["objects"]
    plan_type = ContentType.objects.get_for_model(Plan)
    urls = {
        "site.index": reverse("admin:index"),
        "site.login": reverse("admin:login"),
        "site.logout": reverse("admin:logout"),
        "site.password_change": reverse("admin:password_change"),
        "site.password_change_done": reverse("admin:password_change_done"),
        "site.jsi18n": reverse("admin:jsi18n"),
        "site.autocomplete": reverse("admin:autocomplete")
        + "?app_label=tasks&model_name=tasklead&field_name=agency&term=MARKER",
        "site.autocomplete_user": reverse("admin:autocomplete")
        + "?app_label=accounts&model_name=user&field_name=agency&term=MARKER",
        "site.view_on_site": reverse("admin:view_on_site", args=[plan_type.pk, x[Plan].pk]),
        "site.catch_all": "/admin/no-such-page/",
    }
    for app_label in ("auth", "axes", "django_tasks_database", "accounts", "agreements"):
        urls[f"site.app_list.{app_label}"] = reverse("admin:app_list", args=[app_label])
    urls["site.app_list.tasks"] = reverse("admin:app_list", args=["tasks"])
    urls["site.app_list.reports"] = reverse("admin:app_list", args=["reports"])
    return urls


def all_urls(world) -> dict[str, str]:
    urls = site_urls(world)
    for model in admin.site._registry:
        urls.update(model_urls(model, world["objects"][model]))
    return urls


# -- what each role gets ------------------------------------------------------------------------

# Status per (url, role) for a GET. Roles: anonymous, reporter, leader, coordinator, the
# administrator of province X (where the rows are), the administrator of province Y, superuser.
# Everyone but superusers and administrators is sent to the admin's login page (302).
# fmt: off
GET_EXPECTED: dict[str, tuple[int, ...]] = {
    #                                     anon  rep  lead coord adm_x adm_y super
    "site.index":                       (302, 302, 302, 302, 200, 200, 200),
    "site.login":                       (200, 200, 200, 200, 302, 302, 302),
    "site.password_change":             (302, 302, 302, 302, 200, 200, 200),
    "site.password_change_done":        (302, 302, 302, 302, 200, 200, 200),
    "site.jsi18n":                      (302, 302, 302, 302, 200, 200, 200),
    "site.autocomplete":                (302, 302, 302, 302, 200, 200, 200),
    "site.autocomplete_user":           (302, 302, 302, 302, 200, 200, 200),
    "site.view_on_site":                (302, 302, 302, 302, 404, 404, 404),
    "site.catch_all":                   (302, 302, 302, 302, 404, 404, 404),
    "site.app_list.auth":               (302, 302, 302, 302, 404, 404, 200),
    "site.app_list.axes":               (302, 302, 302, 302, 404, 404, 200),
    "site.app_list.django_tasks_database":(302, 302, 302, 302, 404, 404, 200),
    "site.app_list.accounts":           (302, 302, 302, 302, 200, 200, 200),
    "site.app_list.agreements":         (302, 302, 302, 302, 200, 200, 200),
    "site.app_list.tasks":              (302, 302, 302, 302, 200, 200, 200),
    "site.app_list.reports":            (302, 302, 302, 302, 200, 200, 200),
    "group.changelist":                 (302, 302, 302, 302, 403, 403, 200),
    "group.add":                        (302, 302, 302, 302, 403, 403, 200),
    "group.change":                     (302, 302, 302, 302, 403, 403, 200),
    "group.delete":                     (302, 302, 302, 302, 403, 403, 200),
    "group.history":                    (302, 302, 302, 302, 404, 404, 200),
    "group.object":                     (302, 302, 302, 302, 302, 302, 302),
    "accessattempt.changelist":         (302, 302, 302, 302, 403, 403, 200),
    "accessattempt.add":                (302, 302, 302, 302, 403, 403, 403),
    "accessattempt.change":             (302, 302, 302, 302, 403, 403, 200),
    "accessattempt.delete":             (302, 302, 302, 302, 403, 403, 200),
    "accessattempt.history":            (302, 302, 302, 302, 404, 404, 200),
    "accessattempt.object":             (302, 302, 302, 302, 302, 302, 302),
    "accesslog.changelist":             (302, 302, 302, 302, 403, 403, 200),
    "accesslog.add":                    (302, 302, 302, 302, 403, 403, 403),
    "accesslog.change":                 (302, 302, 302, 302, 403, 403, 200),
    "accesslog.delete":                 (302, 302, 302, 302, 403, 403, 200),
    "accesslog.history":                (302, 302, 302, 302, 404, 404, 200),
    "accesslog.object":                 (302, 302, 302, 302, 302, 302, 302),
    "accessfailurelog.changelist":      (302, 302, 302, 302, 403, 403, 200),
    "accessfailurelog.add":             (302, 302, 302, 302, 403, 403, 403),
    "accessfailurelog.change":          (302, 302, 302, 302, 403, 403, 200),
    "accessfailurelog.delete":          (302, 302, 302, 302, 403, 403, 200),
    "accessfailurelog.history":         (302, 302, 302, 302, 404, 404, 200),
    "accessfailurelog.object":          (302, 302, 302, 302, 302, 302, 302),
    "dbtaskresult.changelist":          (302, 302, 302, 302, 403, 403, 200),
    "dbtaskresult.add":                 (302, 302, 302, 302, 403, 403, 403),
    "dbtaskresult.change":              (302, 302, 302, 302, 403, 403, 200),
    "dbtaskresult.delete":              (302, 302, 302, 302, 403, 403, 403),
    "dbtaskresult.history":             (302, 302, 302, 302, 404, 404, 200),
    "dbtaskresult.object":              (302, 302, 302, 302, 302, 302, 302),
    "user.changelist":                  (302, 302, 302, 302, 200, 200, 200),
    "user.add":                         (302, 302, 302, 302, 200, 200, 200),
    "user.change":                      (302, 302, 302, 302, 200, 404, 200),
    "user.delete":                      (302, 302, 302, 302, 403, 403, 200),
    "user.history":                     (302, 302, 302, 302, 200, 404, 200),
    "user.object":                      (302, 302, 302, 302, 302, 302, 302),
    "user.password":                    (302, 302, 302, 302, 200, 404, 200),
    "locality.changelist":              (302, 302, 302, 302, 200, 200, 200),
    "locality.add":                     (302, 302, 302, 302, 403, 403, 200),
    "locality.change":                  (302, 302, 302, 302, 200, 200, 200),
    "locality.delete":                  (302, 302, 302, 302, 403, 403, 200),
    "locality.history":                 (302, 302, 302, 302, 200, 200, 200),
    "locality.object":                  (302, 302, 302, 302, 302, 302, 302),
    "locality.history_detail":          (302, 302, 302, 302, 200, 200, 200),
    "agency.changelist":                (302, 302, 302, 302, 200, 200, 200),
    "agency.add":                       (302, 302, 302, 302, 200, 200, 200),
    "agency.change":                    (302, 302, 302, 302, 200, 404, 200),
    "agency.delete":                    (302, 302, 302, 302, 200, 404, 200),
    "agency.history":                   (302, 302, 302, 302, 200, 404, 200),
    "agency.object":                    (302, 302, 302, 302, 302, 302, 302),
    "agency.history_detail":            (302, 302, 302, 302, 200, 404, 200),
    "agreement.changelist":             (302, 302, 302, 302, 200, 200, 200),
    "agreement.add":                    (302, 302, 302, 302, 200, 200, 200),
    "agreement.change":                 (302, 302, 302, 302, 200, 404, 200),
    "agreement.delete":                 (302, 302, 302, 302, 200, 404, 200),
    "agreement.history":                (302, 302, 302, 302, 200, 404, 200),
    "agreement.object":                 (302, 302, 302, 302, 302, 302, 302),
    "agreement.history_detail":         (302, 302, 302, 302, 200, 404, 200),
    "meeting.changelist":               (302, 302, 302, 302, 200, 200, 200),
    "meeting.add":                      (302, 302, 302, 302, 200, 200, 200),
    "meeting.change":                   (302, 302, 302, 302, 200, 404, 200),
    "meeting.delete":                   (302, 302, 302, 302, 200, 404, 200),
    "meeting.history":                  (302, 302, 302, 302, 200, 404, 200),
    "meeting.object":                   (302, 302, 302, 302, 302, 302, 302),
    "meeting.history_detail":           (302, 302, 302, 302, 200, 404, 200),
    "plan.changelist":                  (302, 302, 302, 302, 200, 200, 200),
    "plan.add":                         (302, 302, 302, 302, 200, 200, 200),
    "plan.change":                      (302, 302, 302, 302, 200, 404, 200),
    "plan.delete":                      (302, 302, 302, 302, 200, 404, 200),
    "plan.history":                     (302, 302, 302, 302, 200, 404, 200),
    "plan.object":                      (302, 302, 302, 302, 302, 302, 302),
    "plan.history_detail":              (302, 302, 302, 302, 200, 404, 200),
    "section.changelist":               (302, 302, 302, 302, 200, 200, 200),
    "section.add":                      (302, 302, 302, 302, 200, 200, 200),
    "section.change":                   (302, 302, 302, 302, 200, 404, 200),
    "section.delete":                   (302, 302, 302, 302, 200, 404, 200),
    "section.history":                  (302, 302, 302, 302, 200, 404, 200),
    "section.object":                   (302, 302, 302, 302, 302, 302, 302),
    "section.history_detail":           (302, 302, 302, 302, 200, 404, 200),
    "task.changelist":                  (302, 302, 302, 302, 200, 200, 200),
    "task.add":                         (302, 302, 302, 302, 200, 200, 200),
    "task.change":                      (302, 302, 302, 302, 200, 404, 200),
    "task.delete":                      (302, 302, 302, 302, 200, 404, 200),
    "task.history":                     (302, 302, 302, 302, 200, 404, 200),
    "task.object":                      (302, 302, 302, 302, 302, 302, 302),
    "task.history_detail":              (302, 302, 302, 302, 200, 404, 200),
    "reportinground.changelist":        (302, 302, 302, 302, 200, 200, 200),
    "reportinground.add":               (302, 302, 302, 302, 200, 200, 200),
    "reportinground.change":            (302, 302, 302, 302, 200, 404, 200),
    "reportinground.delete":            (302, 302, 302, 302, 200, 404, 200),
    "reportinground.history":           (302, 302, 302, 302, 200, 404, 200),
    "reportinground.object":            (302, 302, 302, 302, 302, 302, 302),
    "reportinground.history_detail":    (302, 302, 302, 302, 200, 404, 200),
    "report.changelist":                (302, 302, 302, 302, 200, 200, 200),
    "report.add":                       (302, 302, 302, 302, 200, 200, 200),
    "report.change":                    (302, 302, 302, 302, 200, 404, 200),
    "report.delete":                    (302, 302, 302, 302, 200, 404, 200),
    "report.history":                   (302, 302, 302, 302, 200, 404, 200),
    "report.object":                    (302, 302, 302, 302, 302, 302, 302),
    "report.history_detail":            (302, 302, 302, 302, 200, 404, 200),
    "attachment.changelist":            (302, 302, 302, 302, 200, 200, 200),
    "attachment.add":                   (302, 302, 302, 302, 403, 403, 403),
    "attachment.change":                (302, 302, 302, 302, 200, 404, 200),
    "attachment.delete":                (302, 302, 302, 302, 403, 403, 200),
    "attachment.history":               (302, 302, 302, 302, 200, 404, 200),
    "attachment.object":                (302, 302, 302, 302, 302, 302, 302),
    "attachment.history_detail":        (302, 302, 302, 302, 200, 404, 200),
    "reminderlog.changelist":           (302, 302, 302, 302, 200, 200, 200),
    "reminderlog.add":                  (302, 302, 302, 302, 403, 403, 200),
    "reminderlog.change":               (302, 302, 302, 302, 200, 404, 200),
    "reminderlog.delete":               (302, 302, 302, 302, 403, 403, 200),
    "reminderlog.history":              (302, 302, 302, 302, 200, 404, 200),
    "reminderlog.object":               (302, 302, 302, 302, 302, 302, 302),
    "site.logout":                      (302, 302, 302, 302, 200, 200, 200),
}
# Status per (url, role) for a POST.
POST_EXPECTED: dict[str, tuple[int, ...]] = {
    #                                     anon  rep  lead coord adm_x adm_y super
    "site.index":                       (302, 302, 302, 302, 200, 200, 200),
    "site.login":                       (200, 200, 200, 200, 200, 200, 200),
    "site.password_change":             (302, 302, 302, 302, 200, 200, 200),
    "site.password_change_done":        (302, 302, 302, 302, 405, 405, 405),
    "site.jsi18n":                      (302, 302, 302, 302, 405, 405, 405),
    "site.autocomplete":                (302, 302, 302, 302, 405, 405, 405),
    "site.autocomplete_user":           (302, 302, 302, 302, 405, 405, 405),
    "site.view_on_site":                (302, 302, 302, 302, 404, 404, 404),
    "site.catch_all":                   (302, 302, 302, 302, 404, 404, 404),
    "site.app_list.auth":               (302, 302, 302, 302, 404, 404, 200),
    "site.app_list.axes":               (302, 302, 302, 302, 404, 404, 200),
    "site.app_list.django_tasks_database":(302, 302, 302, 302, 404, 404, 200),
    "site.app_list.accounts":           (302, 302, 302, 302, 200, 200, 200),
    "site.app_list.agreements":         (302, 302, 302, 302, 200, 200, 200),
    "site.app_list.tasks":              (302, 302, 302, 302, 200, 200, 200),
    "site.app_list.reports":            (302, 302, 302, 302, 200, 200, 200),
    "group.changelist":                 (302, 302, 302, 302, 403, 403, 200),
    "group.add":                        (302, 302, 302, 302, 403, 403, 302),
    "group.change":                     (302, 302, 302, 302, 403, 403, 302),
    "group.delete":                     (302, 302, 302, 302, 403, 403, 302),
    "group.history":                    (302, 302, 302, 302, 404, 404, 200),
    "group.object":                     (302, 302, 302, 302, 302, 302, 302),
    "accessattempt.changelist":         (302, 302, 302, 302, 403, 403, 200),
    "accessattempt.add":                (302, 302, 302, 302, 403, 403, 403),
    "accessattempt.change":             (302, 302, 302, 302, 403, 403, 302),
    "accessattempt.delete":             (302, 302, 302, 302, 403, 403, 302),
    "accessattempt.history":            (302, 302, 302, 302, 404, 404, 200),
    "accessattempt.object":             (302, 302, 302, 302, 302, 302, 302),
    "accesslog.changelist":             (302, 302, 302, 302, 403, 403, 200),
    "accesslog.add":                    (302, 302, 302, 302, 403, 403, 403),
    "accesslog.change":                 (302, 302, 302, 302, 403, 403, 302),
    "accesslog.delete":                 (302, 302, 302, 302, 403, 403, 302),
    "accesslog.history":                (302, 302, 302, 302, 404, 404, 200),
    "accesslog.object":                 (302, 302, 302, 302, 302, 302, 302),
    "accessfailurelog.changelist":      (302, 302, 302, 302, 403, 403, 200),
    "accessfailurelog.add":             (302, 302, 302, 302, 403, 403, 403),
    "accessfailurelog.change":          (302, 302, 302, 302, 403, 403, 302),
    "accessfailurelog.delete":          (302, 302, 302, 302, 403, 403, 302),
    "accessfailurelog.history":         (302, 302, 302, 302, 404, 404, 200),
    "accessfailurelog.object":          (302, 302, 302, 302, 302, 302, 302),
    "dbtaskresult.changelist":          (302, 302, 302, 302, 403, 403, 200),
    "dbtaskresult.add":                 (302, 302, 302, 302, 403, 403, 403),
    "dbtaskresult.change":              (302, 302, 302, 302, 403, 403, 403),
    "dbtaskresult.delete":              (302, 302, 302, 302, 403, 403, 403),
    "dbtaskresult.history":             (302, 302, 302, 302, 404, 404, 200),
    "dbtaskresult.object":              (302, 302, 302, 302, 302, 302, 302),
    "user.changelist":                  (302, 302, 302, 302, 200, 200, 200),
    "user.add":                         (302, 302, 302, 302, 200, 200, 200),
    "user.change":                      (302, 302, 302, 302, 302, 404, 200),
    "user.delete":                      (302, 302, 302, 302, 403, 403, 302),
    "user.history":                     (302, 302, 302, 302, 200, 404, 200),
    "user.object":                      (302, 302, 302, 302, 302, 302, 302),
    "user.password":                    (302, 302, 302, 302, 302, 404, 302),
    "locality.changelist":              (302, 302, 302, 302, 200, 200, 200),
    "locality.add":                     (302, 302, 302, 302, 403, 403, 200),
    "locality.change":                  (302, 302, 302, 302, 403, 403, 302),
    "locality.delete":                  (302, 302, 302, 302, 403, 403, 302),
    "locality.history":                 (302, 302, 302, 302, 200, 200, 200),
    "locality.object":                  (302, 302, 302, 302, 302, 302, 302),
    "locality.history_detail":          (302, 302, 302, 302, 403, 403, 302),
    "agency.changelist":                (302, 302, 302, 302, 200, 200, 200),
    "agency.add":                       (302, 302, 302, 302, 302, 302, 302),
    "agency.change":                    (302, 302, 302, 302, 302, 404, 302),
    "agency.delete":                    (302, 302, 302, 302, 200, 404, 200),
    "agency.history":                   (302, 302, 302, 302, 200, 404, 200),
    "agency.object":                    (302, 302, 302, 302, 302, 302, 302),
    "agency.history_detail":            (302, 302, 302, 302, 403, 404, 302),
    "agreement.changelist":             (302, 302, 302, 302, 200, 200, 200),
    "agreement.add":                    (302, 302, 302, 302, 200, 200, 200),
    "agreement.change":                 (302, 302, 302, 302, 200, 404, 200),
    "agreement.delete":                 (302, 302, 302, 302, 302, 404, 302),
    "agreement.history":                (302, 302, 302, 302, 200, 404, 200),
    "agreement.object":                 (302, 302, 302, 302, 302, 302, 302),
    "agreement.history_detail":         (302, 302, 302, 302, 403, 404, 200),
    "meeting.changelist":               (302, 302, 302, 302, 200, 200, 200),
    "meeting.add":                      (302, 302, 302, 302, 302, 302, 302),
    "meeting.change":                   (302, 302, 302, 302, 302, 404, 302),
    "meeting.delete":                   (302, 302, 302, 302, 302, 404, 302),
    "meeting.history":                  (302, 302, 302, 302, 200, 404, 200),
    "meeting.object":                   (302, 302, 302, 302, 302, 302, 302),
    "meeting.history_detail":           (302, 302, 302, 302, 403, 404, 302),
    "plan.changelist":                  (302, 302, 302, 302, 200, 200, 200),
    "plan.add":                         (302, 302, 302, 302, 200, 200, 200),
    "plan.change":                      (302, 302, 302, 302, 302, 404, 302),
    "plan.delete":                      (302, 302, 302, 302, 302, 404, 302),
    "plan.history":                     (302, 302, 302, 302, 200, 404, 200),
    "plan.object":                      (302, 302, 302, 302, 302, 302, 302),
    "plan.history_detail":              (302, 302, 302, 302, 403, 404, 302),
    "section.changelist":               (302, 302, 302, 302, 200, 200, 200),
    "section.add":                      (302, 302, 302, 302, 302, 200, 302),
    "section.change":                   (302, 302, 302, 302, 302, 404, 302),
    "section.delete":                   (302, 302, 302, 302, 302, 404, 302),
    "section.history":                  (302, 302, 302, 302, 200, 404, 200),
    "section.object":                   (302, 302, 302, 302, 302, 302, 302),
    "section.history_detail":           (302, 302, 302, 302, 403, 404, 302),
    "task.changelist":                  (302, 302, 302, 302, 200, 200, 200),
    "task.add":                         (302, 302, 302, 302, 200, 200, 200),
    "task.change":                      (302, 302, 302, 302, 302, 404, 302),
    "task.delete":                      (302, 302, 302, 302, 302, 404, 302),
    "task.history":                     (302, 302, 302, 302, 200, 404, 200),
    "task.object":                      (302, 302, 302, 302, 302, 302, 302),
    "task.history_detail":              (302, 302, 302, 302, 403, 404, 302),
    "reportinground.changelist":        (302, 302, 302, 302, 200, 200, 200),
    "reportinground.add":               (302, 302, 302, 302, 302, 200, 302),
    "reportinground.change":            (302, 302, 302, 302, 302, 404, 302),
    "reportinground.delete":            (302, 302, 302, 302, 403, 404, 302),
    "reportinground.history":           (302, 302, 302, 302, 200, 404, 200),
    "reportinground.object":            (302, 302, 302, 302, 302, 302, 302),
    "reportinground.history_detail":    (302, 302, 302, 302, 403, 404, 302),
    "report.changelist":                (302, 302, 302, 302, 200, 200, 200),
    "report.add":                       (302, 302, 302, 302, 200, 200, 200),
    "report.change":                    (302, 302, 302, 302, 302, 404, 302),
    "report.delete":                    (302, 302, 302, 302, 403, 404, 302),
    "report.history":                   (302, 302, 302, 302, 200, 404, 200),
    "report.object":                    (302, 302, 302, 302, 302, 302, 302),
    "report.history_detail":            (302, 302, 302, 302, 403, 404, 302),
    "attachment.changelist":            (302, 302, 302, 302, 200, 200, 200),
    "attachment.add":                   (302, 302, 302, 302, 403, 403, 403),
    "attachment.change":                (302, 302, 302, 302, 403, 403, 302),
    "attachment.delete":                (302, 302, 302, 302, 403, 403, 302),
    "attachment.history":               (302, 302, 302, 302, 200, 404, 200),
    "attachment.object":                (302, 302, 302, 302, 302, 302, 302),
    "attachment.history_detail":        (302, 302, 302, 302, 403, 404, 302),
    "reminderlog.changelist":           (302, 302, 302, 302, 200, 200, 200),
    "reminderlog.add":                  (302, 302, 302, 302, 403, 403, 200),
    "reminderlog.change":               (302, 302, 302, 302, 403, 403, 302),
    "reminderlog.delete":               (302, 302, 302, 302, 403, 403, 302),
    "reminderlog.history":              (302, 302, 302, 302, 200, 404, 200),
    "reminderlog.object":               (302, 302, 302, 302, 302, 302, 302),
    "site.logout":                      (302, 302, 302, 302, 200, 200, 200),
}
# fmt: on

MODELS = {m._meta.model_name: m for m in admin.site._registry}
# Read-only for a province administrator: shared reference data, files handed in with reports,
# the log of reminders sent, and whatever a package keeps.
READ_ONLY_FOR_ADMINISTRATOR = {"locality", "attachment", "reminderlog"}
PACKAGE_MODELS = {"group", "accessattempt", "accesslog", "accessfailurelog", "dbtaskresult"}


def forbidden_markers(role: str) -> tuple[str, ...]:
    if role == "superuser":
        return ()
    if role == "admin_x":
        return ("MARKER-Y", "MARKER-PKG", "MARKER-SU")
    if role == "admin_y":
        return ("MARKER-X", "MARKER-PKG", "MARKER-SU")
    return ("MARKER-",)


def protected_rows(world, role: str) -> list:
    """Rows a POST by ``role`` must leave as they were."""
    x = world["objects"]
    rows = [world["hidden_superuser"], *[x[m] for m in x if m._meta.model_name in PACKAGE_MODELS]]
    if role == "superuser":
        return []
    if role == "admin_x":
        # Its own province's rows are its to change, but not the read-only ones.
        return rows + [x[m] for m in x if m._meta.model_name in READ_ONLY_FOR_ADMINISTRATOR]
    return rows + list(x.values())


def snapshot(rows) -> dict:
    """The values of every protected row: one query per model."""
    pks: dict = defaultdict(list)
    for row in rows:
        pks[type(row)].append(row.pk)
    state = {}
    for model, keys in pks.items():
        pk_name = model._meta.pk.attname
        for values in model._default_manager.filter(pk__in=keys).values():
            state[(model.__name__, str(values[pk_name]))] = values
    return state


def rows_written() -> int | None:
    """How many rows this connection has inserted, updated or deleted so far, when the database
    says (SQLite: since it opened; PostgreSQL: in this transaction); None when it cannot. Never
    less after a write, even one rolled back: an unchanged number means nothing was written."""
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_all_tables"
            )
            return int(cursor.fetchone()[0])
    return None


def user_flags() -> list:
    """What only a superuser grants: checked after every POST by anybody else."""
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "is_superuser", "is_staff", "province_id", "username"
            )
        )
        + list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id"))
        + list(User.user_permissions.through.objects.values_list("user_id", "permission_id"))
    )


COUNTED_TABLES = sorted(m._meta.db_table for m in {*admin.site._registry, PlanBlock})


def counts() -> dict:
    """Rows per table of every admin model (and plan blocks), in one query."""
    # Table names from the models' meta, quoted: nothing here comes from a request.
    quote = connection.ops.quote_name
    columns = [f"(SELECT COUNT(*) FROM {quote(table)})" for table in COUNTED_TABLES]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        return dict(zip(COUNTED_TABLES, cursor.fetchone(), strict=True))


def post_data(url_key: str, forms: dict) -> dict:
    """A complete, valid form for the page (as a superuser's browser would send it), with every
    marker replaced, so that a POST that gets through shows in the database."""
    key, _, page = url_key.partition(".")
    if page == "delete":
        return {"post": "yes"}
    if page in ("change", "history_detail", "add") and key in forms:
        return {
            k: (v.replace("MARKER", "HACKED") if isinstance(v, str) else v)
            for k, v in forms[key].items()
        }
    if page == "password":
        return {"password1": "Hacked-pw-12345", "password2": "Hacked-pw-12345"}
    return {"comment": "HACKED"}


def form_data(response) -> dict:
    context = response.context
    if context is None or "adminform" not in context:
        return {}
    data = {}
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms += list(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                data[field.html_name] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = str(value)
    return data


# -- the tests ----------------------------------------------------------------------------------


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_matrix_covers_every_admin_url(world):
    """Fails when a ModelAdmin or a package adds an admin page that the matrix does not walk."""

    def route(text: str) -> str:  # regex routes come back without their "^" when resolved
        return text.replace("^", "")

    served = {route(r) for r in walk(admin.site.get_urls())}
    reached = {
        route(resolve(url.split("?")[0]).route.removeprefix("admin/"))
        for url in world["urls"].values()
    }
    assert served - reached == set()
    assert set(world["urls"]) == set(GET_EXPECTED) == set(POST_EXPECTED)


def test_every_registered_model_is_scoped_or_superuser_only():
    from agreements.admin_base import ScopedQuerysetMixin, scopes
    from coopplan.admin import SuperuserOnlyAdminMixin

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SuperuserOnlyAdminMixin):
            continue
        assert isinstance(model_admin, ScopedQuerysetMixin), model
        assert model in scopes(), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedQuerysetMixin), inline
            assert inline.model in scopes(), inline.model


def login(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_for_every_role(client, world, role):
    login(client, world, role)
    urls = world["urls"]
    index = ROLES.index(role)
    problems = []
    record = []
    for key, url in urls.items():
        if key == "site.logout":
            continue  # below: it ends the session
        response = client.get(url)
        record.append(("GET", key, response.status_code))
        body = response.content.decode(errors="replace")
        expected = GET_EXPECTED.get(key, (None,) * len(ROLES))[index]
        if response.status_code != expected:
            problems.append(f"GET {key} {url}: {response.status_code}, expected {expected}")
        for marker in forbidden_markers(role):
            if marker in body:
                problems.append(f"GET {key} {url}: shows {marker}")
        if response.status_code == 302 and role in (
            "anonymous",
            "reporter",
            "leader",
            "coordinator",
        ):
            if not response["Location"].startswith(reverse("admin:login")) and key != "site.login":
                problems.append(f"GET {key}: sent to {response['Location']}, not the login page")

    # Every POST is rolled back, so each starts from the state read here.
    rows = protected_rows(world, role)
    before, before_counts, flags = snapshot(rows), counts(), user_flags()
    for key, url in urls.items():
        if key == "site.logout":
            continue
        data = post_data(key, world["forms"])
        with transaction.atomic():
            written = rows_written()
            response = client.post(url, data)
            if written is not None and rows_written() == written:
                after, after_counts = before, before_counts  # not a row written
            else:
                after, after_counts = snapshot(rows), counts()
                if role != "superuser" and user_flags() != flags:
                    problems.append(f"POST {key} {url}: changed a user's flags, groups or province")
            transaction.set_rollback(True)
        if settings.SESSION_COOKIE_NAME in response.cookies:
            # The page turned the session over (a password set) and the rollback lost the new
            # one: log in again. Any other session is still there.
            login(client, world, role)
        record.append(("POST", key, response.status_code))
        body = response.content.decode(errors="replace")
        expected = POST_EXPECTED.get(key, (None,) * len(ROLES))[index]
        if response.status_code != expected:
            problems.append(f"POST {key} {url}: {response.status_code}, expected {expected}")
        for marker in forbidden_markers(role):
            if marker in body:
                problems.append(f"POST {key} {url}: shows {marker}")
        if before != after:
            changed = [k for k in before if before[k] != after.get(k)]
            problems.append(f"POST {key} {url}: changed {changed}")
        if role not in ("admin_x", "admin_y", "superuser") and before_counts != after_counts:
            problems.append(f"POST {key} {url}: row counts changed")
        # The history form never writes for anyone but a superuser.
        if (
            key.endswith(".history_detail")
            and role in ("admin_x", "admin_y")
            and response.status_code < 400
        ):
            problems.append(f"POST {key}: answered {response.status_code}")
    response = client.post(urls["site.logout"])
    record.append(("GET", "site.logout", response.status_code))
    record.append(("POST", "site.logout", response.status_code))
    if os.environ.get("ADMIN_MATRIX_RECORD"):
        with open(os.environ["ADMIN_MATRIX_RECORD"] + f".{role}", "w") as out:
            out.writelines(f"{m} {k} {s}\n" for m, k, s in record)
    if response.status_code != GET_EXPECTED["site.logout"][index]:
        problems.append(f"POST site.logout: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_write_counter_sees_every_kind_of_write(quang_tri):
    """The matrix skips comparing rows after a POST that wrote nothing: the counter it asks
    must move with an insert, an update and a delete."""
    with transaction.atomic():
        counted = [rows_written()]
        agency = Agency.objects.create(province=quang_tri, name="Cơ quan đếm ghi")
        counted.append(rows_written())
        Agency.objects.filter(pk=agency.pk).update(name="Cơ quan đếm ghi 2")
        counted.append(rows_written())
        Agency.objects.filter(pk=agency.pk).delete()
        counted.append(rows_written())
        transaction.set_rollback(True)
    assert None not in counted
    assert counted == sorted(set(counted)), counted  # each write moved it
