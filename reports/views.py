"""Thin views: check the user, validate the form, call one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from agreements import permissions as agency_permissions
from agreements.documents import (
    GLOBAL,
    DocumentSpec,
    document_current,
    document_response,
    document_serve,
    document_store,
    province_scope,
)
from agreements.forms import form_add_errors
from agreements.permissions import agencies_visible_to, require_coordinator, visibility_key
from agreements.services import agency_create as agency_create_service
from agreements.services import agency_update
from agreements.text import search_terms
from tasks.exporters.base import ExportRefused, exporter_for
from tasks.models import Task
from tasks.permissions import task_get_for_user
from tasks.selectors import task_queryset_leads
from tasks.services import agency_replace
from tasks.views import agency_task_page

from . import jobs, notifications, permissions, selectors, services
from .agencies import agency_merge
from .calendar import calendar_feed as calendar_feed_ics
from .dashboard import PANELS as DASHBOARD_PANELS
from .dashboard import dashboard_data, dashboard_page_cached, upcoming_events
from .exporters.charts import breakdown_chart
from .exporters.dashboard import RENDERERS as DASHBOARD_RENDERERS
from .forms import (
    AgencyEditForm,
    AgencyForm,
    AgencyMergeForm,
    AgencyReplaceForm,
    DashboardFilterForm,
    EntryForm,
    NotificationSettingsForm,
    ReportGeneralForm,
    ReturnForm,
    RoundForm,
    RoundStartForm,
    outline_as_text,
    report_forms_mark_gaps,
)
from .models import (
    DocumentJob,
    JobStatus,
    Report,
    ReportingRound,
    ReportStatus,
)
from .templatetags.dashboard_page import dashboard_plan_rows


@login_required
def round_list(request):
    rounds = list(selectors.round_list_for_user(request.user))
    mine = {}
    if request.user.agency_id:
        mine = {
            r.reporting_round_id: r
            for r in Report.objects.filter(
                agency_id=request.user.agency_id, reporting_round__in=rounds
            )
        }
    for reporting_round in rounds:
        # Read by the template only: no field of ReportingRound.
        reporting_round.my_report = mine.get(reporting_round.pk)  # type: ignore[attr-defined]
    return render(request, "reports/round_list.html", {"rounds": rounds})


@login_required
def round_open(request):
    require_coordinator(request.user)
    start_form = RoundStartForm(request.GET or None, user=request.user)
    choices = start_form.choices()
    start = selectors.round_form_start(request.user, **choices)
    form = RoundForm(
        request.POST or None,
        user=request.user,
        initial={
            "outline_text": outline_as_text(start.outline),
            "requesting_body": start.requesting_body,
            "plans": [choices["plan"].pk] if choices["plan"] else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reporting_round = services.round_open(
                user=request.user,
                request_number=data["request_number"],
                request_date=data["request_date"],
                summary=data["summary"],
                requesting_body=data["requesting_body"],
                plans=data["plans"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                deadline=data["deadline"],
                outline=data["outline_text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã mở đợt báo cáo %s.") % reporting_round.request_number)
            return redirect("reports:round_detail", pk=reporting_round.pk)
    return render(
        request,
        "reports/round_form.html",
        {"form": form, "start_form": start_form, "outline_source": start.source},
    )


@login_required
def round_detail(request, pk: int):
    reporting_round = permissions.round_get_for_user(request.user, pk)
    context: dict[str, Any] = {"round": reporting_round, "plans": reporting_round.plans.all()}
    if request.user.role == Role.REPORTER:
        context["my_report"] = Report.objects.filter(
            reporting_round=reporting_round, agency_id=request.user.agency_id
        ).first()
        context["owes"] = (
            selectors.round_owing_agencies(reporting_round)
            .filter(pk=request.user.agency_id)
            .exists()
        )
        return render(request, "reports/round_reporter.html", context)
    state = request.GET.get("state", "")
    context.update(
        selectors.round_overview(reporting_round, state=state, page=request.GET.get("page"))
    )
    context["state"] = state
    return render(request, "reports/round_detail.html", context)


@login_required
@require_POST
def report_mine(request, pk: int):
    reporting_round = permissions.round_get_for_user(request.user, pk)
    if request.user.role != Role.REPORTER or not request.user.agency_id:
        raise Http404
    in_scope = selectors.round_tasks(reporting_round)
    if not (
        in_scope.filter(leads__agency_id=request.user.agency_id).exists()
        or in_scope.filter(coordinating_agencies=request.user.agency_id).exists()
    ):
        messages.warning(request, _("Đơn vị của bạn không có nhiệm vụ trong đợt báo cáo này."))
        return redirect("reports:round_detail", pk=pk)
    try:
        report = services.report_start(
            reporting_round=reporting_round, agency=request.user.agency, user=request.user
        )
    except services.RoundClosed as closed:
        messages.error(request, str(closed))
        return redirect("reports:round_detail", pk=pk)
    return redirect("reports:report_edit", pk=report.pk)


@login_required
@require_POST
def report_behalf(request, pk: int, agency_pk: int):
    require_coordinator(request.user)
    reporting_round = permissions.round_get_for_user(request.user, pk)
    agency = agency_permissions.agency_get_for_user(request.user, agency_pk)
    try:
        report = services.report_start(
            reporting_round=reporting_round, agency=agency, user=request.user
        )
    except services.RoundClosed as closed:
        messages.error(request, str(closed))
        return redirect("reports:round_detail", pk=pk)
    return redirect("reports:report_edit", pk=report.pk)


@login_required
def task_reports(request, pk: int):
    """The chain's last step: what each round's reports said about one task."""
    task = task_get_for_user(request.user, pk)
    entries = permissions.task_entries_for_user(request.user, task)
    return render(request, "reports/task_reports.html", {"task": task, "entries": entries})


@login_required
def report_detail(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk)
    context = {
        "report": report,
        "can_edit": services.report_can_edit(request.user, report),
        "can_review": services.report_can_review(request.user, report),
        "return_form": ReturnForm(),
        **selectors.report_detail(report),
    }
    return render(request, "reports/report_detail.html", context)


@login_required
def report_edit(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk)
    if not services.report_can_edit(request.user, report):
        messages.warning(request, _("Báo cáo này đang ở trạng thái chỉ xem."))
        return redirect("reports:report_detail", pk=pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    # A save answers with a redirect: the page's other reads wait until it is shown again.
    entries = selectors.report_entries(report, page=data is None)
    general = ReportGeneralForm(data, files, instance=report, initial={"version": report.version})
    entry_forms = [EntryForm(data, files, entry=entry) for entry in entries]
    status = 200
    if request.method == "GET" and request.GET.get("incomplete"):
        # Back from a refused submission: each gap is marked on its own field.
        report_forms_mark_gaps(services.report_gaps(report), general, entry_forms)
    if request.method == "POST":
        if not (general.is_valid() & all([f.is_valid() for f in entry_forms])):
            messages.error(request, _("Chưa lưu: hãy sửa các ô được đánh dấu bên dưới."))
            status = 400
        else:
            try:
                report = services.report_save(
                    report=report,
                    user=request.user,
                    version=general.cleaned_data["version"],
                    general=general.values(),
                    entries={form.entry.pk: form.values() for form in entry_forms},
                    attachments=[
                        *general.new_attachments(),
                        *(new for form in entry_forms for new in form.new_attachments()),
                    ],
                )
            except services.ReportConflict as conflict:
                messages.error(request, str(conflict))
                status = 409
            except (services.ReportStateChanged, services.RoundClosed) as refused:
                messages.error(request, str(refused))
                status = 409
            except ValidationError as error:
                # What the form let through but the record refuses: said next to its field.
                _service_errors(error, [general, *entry_forms])
                messages.error(request, _("Chưa lưu: hãy sửa các ô được đánh dấu bên dưới."))
                status = 400
            else:
                if request.POST.get("action") == "submit":
                    try:
                        services.report_submit(
                            report=report, user=request.user, version=report.version
                        )
                    except services.ReportIncomplete as error:
                        messages.error(request, " ".join(error.messages))
                        edit_url = reverse("reports:report_edit", args=[pk])
                        return redirect(f"{edit_url}?incomplete=1")
                    except (
                        services.ReportConflict,
                        services.ReportStateChanged,
                        services.RoundClosed,
                    ) as refused:
                        messages.error(request, str(refused))
                        return redirect("reports:report_detail", pk=pk)
                    messages.success(request, _("Đã nộp báo cáo. Sở Ngoại vụ sẽ xem xét."))
                    return redirect("reports:report_detail", pk=pk)
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("reports:report_edit", pk=pk)
    detail = selectors.report_detail(report, entries=entries if data is None else None)
    if data is None:
        rows = list(zip(entries, entry_forms, strict=True))
    else:
        # A refused save shows its forms beside the entries as the page reads them (files too).
        shown = {entry.pk: entry for entry in detail["entries"]}
        rows = [(shown.get(form.entry.pk, form.entry), form) for form in entry_forms]
    # The reviewer's comment stays on screen until the report is handed in again.
    return_event = None
    if report.status == ReportStatus.RETURNED:
        returns = [e for e in detail["events"] if e.action == "returned"]
        return_event = returns[-1] if returns else None
    context = {
        "report": report,
        "form": general,
        "rows": rows,
        "return_event": return_event,
        **detail,
    }
    return render(request, "reports/report_form.html", context, status=status)


def _service_errors(error: ValidationError, forms_: list) -> None:
    """Put a service's ValidationError on the form field it names, or on the first form."""
    if not hasattr(error, "error_dict"):
        forms_[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((f for f in forms_ if field in f.fields), None)
        if target is None:
            forms_[0].add_error(None, errors)
        else:
            target.add_error(field, errors)


@login_required
@require_POST
def report_return(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi rõ lý do trả lại để đơn vị biết cần sửa gì."))
        return redirect("reports:report_detail", pk=pk)
    try:
        services.report_return(
            report=report, user=request.user, comment=form.cleaned_data["comment"]
        )
    except services.ReportStateChanged as refused:
        messages.error(request, str(refused))
    except PermissionDenied:
        messages.error(request, _("Chỉ trả lại được báo cáo đã nộp."))
    else:
        messages.success(request, _("Đã trả lại báo cáo cho %s.") % report.agency.name)
    return redirect("reports:report_detail", pk=pk)


@login_required
@require_POST
def report_accept(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk)
    try:
        services.report_accept(
            report=report, user=request.user, comment=request.POST.get("comment", "")
        )
    except services.ReportStateChanged as refused:
        messages.error(request, str(refused))
    except PermissionDenied:
        messages.error(request, _("Chỉ duyệt được báo cáo đã nộp."))
    else:
        messages.success(request, _("Đã duyệt báo cáo của %s.") % report.agency.name)
    return redirect("reports:report_detail", pk=pk)


@login_required
def attachment_download(request, pk: int):
    attachment = permissions.attachment_get_for_user(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _round_for_documents(request, pk: int) -> ReportingRound:
    """Round documents show every agency's figures: coordinators, leaders, administrators."""
    reporting_round = permissions.round_get_for_user(request.user, pk)
    if not permissions.may_see_summaries(request.user):
        raise Http404
    return reporting_round


def _round_document(request, pk: int, kind: str, fmt: str):
    reporting_round = _round_for_documents(request, pk)  # 404 before the store is asked
    try:
        render = exporter_for(kind, fmt)
    except LookupError:
        raise Http404 from None
    spec = jobs.round_document_spec(reporting_round, kind, fmt)
    key = spec.key()
    stored = document_current(spec.name, key)
    if stored is not None:
        return document_response(request, stored)
    # A big round, or one with much text, is built by the background worker, never in the
    # request: a web worker's time is bounded whatever the reporters typed.
    most_tasks = settings.EXPORT_INLINE_MAX_TASKS
    if kind == "round" and fmt == "pdf":  # a letter's length follows its addressees, not tasks
        most_tasks = min(most_tasks, settings.EXPORT_INLINE_MAX_PDF_TASKS)
    if (
        selectors.round_tasks(reporting_round).count() <= most_tasks
        and selectors.round_document_chars(reporting_round) <= settings.EXPORT_INLINE_MAX_CHARS
    ):
        try:
            built = render(reporting_round)
        except ExportRefused as refused:  # nothing to write (no agency to remind): say why
            messages.error(request, refused.message)
            return redirect("reports:round_detail", pk=pk)
        stored = document_store(spec=spec, key=key, built=built)
        return document_response(request, stored)
    job = jobs.document_request(
        reporting_round=reporting_round, kind=kind, fmt=fmt, user=request.user
    )
    return redirect("reports:document_job", pk=job.pk)


@login_required
def round_export(request, pk: int, fmt: str):
    return _round_document(request, pk, "round", fmt)


@login_required
def reminder_export(request, pk: int, fmt: str):
    return _round_document(request, pk, "reminder", fmt)


def _job_for_user(request, pk: int) -> DocumentJob:
    return permissions.document_job_get_for_user(request.user, pk)


@login_required
def document_job(request, pk: int):
    """ "Đang chuẩn bị": the page refreshes itself until the document is ready: every second
    while the job is young (a round summary takes the worker a few seconds), then every 3."""
    job = _job_for_user(request, pk)
    young = timezone.now() - job.created_at < jobs.JOB_QUICK_REFRESH
    return render(
        request, "reports/document_job.html", {"job": job, "refresh_seconds": 1 if young else 3}
    )


@login_required
def document_download(request, pk: int):
    job = _job_for_user(request, pk)
    if job.status != JobStatus.READY:
        return redirect("reports:document_job", pk=pk)
    stored = jobs.job_document(job)
    if stored is None:
        # Its file is gone or too old: never an old file, a fresh build.
        view = "reports:round_export" if job.kind == "round" else "reports:reminder_export"
        return redirect(view, pk=job.reporting_round_id, fmt=job.fmt)
    return document_response(request, stored)


# -- agencies ---------------------------------------------------------------------------------


@login_required
def agency_create(request):
    if not agency_permissions.may_manage_agencies(request.user) or request.user.province is None:
        raise Http404
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_create_service(
                user=request.user, province=request.user.province, **form.values()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Đã thêm cơ quan %s.") % agency.name)
            return redirect("reports:agency_detail", pk=agency.pk)
    return render(request, "reports/agency_form.html", {"form": form, "agency": None})


@login_required
def agency_edit(request, pk: int):
    if not agency_permissions.may_manage_agencies(request.user):
        raise Http404
    agency = agency_permissions.agency_get_for_user(request.user, pk, change=True)
    initial = {
        "name": agency.name,
        "short_name": agency.short_name,
        "aliases": "\n".join(agency.aliases),
        "kind": agency.kind,
        "email": agency.email,
        "active": agency.active,
    }
    form = AgencyEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agency_update(user=request.user, agency=agency, **form.values())
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu cơ quan %s.") % form.cleaned_data["name"])
            return redirect("reports:agency_detail", pk=agency.pk)
    return render(request, "reports/agency_form.html", {"form": form, "agency": agency})


@login_required
def agency_list(request):
    agencies = agencies_visible_to(request.user).select_related("successor")
    query = request.GET.get("q", "")
    for word in search_terms(query):
        agencies = agencies.filter(search_text__contains=word)
    agencies = agencies.annotate(
        led=Count("leads", distinct=True), coordinated=Count("coordinated_tasks", distinct=True)
    ).order_by("-active", "name")
    can_manage = agency_permissions.may_manage_agencies(request.user)
    return render(
        request,
        "reports/agency_list.html",
        {"agencies": agencies, "q": query, "can_manage": can_manage},
    )


@login_required
def agency_detail(request, pk: int):
    agency = agency_permissions.agency_get_for_user(request.user, pk)
    if request.user.role == Role.REPORTER and request.user.agency_id != agency.pk:
        raise Http404
    can_manage = request.user.may_coordinate
    merge_form = AgencyMergeForm(agency=agency)
    replace_form = AgencyReplaceForm(agency=agency)
    if request.method == "POST":
        require_coordinator(request.user)
        action = request.POST.get("action")
        try:
            if action == "merge":
                merge_form = AgencyMergeForm(request.POST, agency=agency)
                if merge_form.is_valid():
                    duplicate = merge_form.cleaned_data["duplicate"]
                    name = duplicate.name
                    counts = agency_merge(keep=agency, duplicate=duplicate, user=request.user)
                    messages.success(
                        request,
                        _("Đã gộp %(dup)s: chuyển %(tasks)s nhiệm vụ chủ trì, %(reports)s báo cáo.")
                        % {"dup": name, "tasks": counts["tasks"], "reports": counts["reports"]},
                    )
                    return redirect("reports:agency_detail", pk=agency.pk)
            elif action == "replace":
                replace_form = AgencyReplaceForm(request.POST, agency=agency)
                if replace_form.is_valid():
                    successor = replace_form.cleaned_data["successor"]
                    moved = agency_replace(
                        agency=agency,
                        successor=successor,
                        since=replace_form.cleaned_data["since"],
                        user=request.user,
                    )
                    messages.success(
                        request,
                        _("%(old)s được %(new)s kế thừa; %(n)s nhiệm vụ đang thực hiện đã chuyển.")
                        % {"old": agency.name, "new": successor.name, "n": moved},
                    )
                    return redirect("reports:agency_detail", pk=agency.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    tasks = task_queryset_leads(
        Task.objects.filter(Q(leads__agency=agency) | Q(coordinating_agencies=agency))
        .distinct()
        .order_by("plan__date", "plan_id", "position")
    )
    record = selectors.agency_record(agency)
    return render(
        request,
        "reports/agency_detail.html",
        {
            "agency": agency,
            "tasks": tasks,
            "record": record,
            "can_manage": can_manage,
            "merge_form": merge_form,
            "replace_form": replace_form,
        },
    )


@login_required
def dashboard(request):
    """For leaders and coordinators: where every cooperation stands, with drill-down."""
    if not request.user.may_see_dashboard:
        raise Http404
    form = DashboardFilterForm(request.GET or None, user=request.user)
    filters = form.filters()

    def build() -> dict:
        # What is kept is the HTML below the filters, not the data it was made of: a string is
        # stored and read back at once, the panels' plans and rounds would be pickled each time.
        data = dashboard_data(request.user, filters)
        chart = (
            breakdown_chart(data["breakdowns"], _("Nhiệm vụ theo kế hoạch và tình hình"))
            if data["breakdowns"]
            else ""
        )
        body = render_to_string(
            "reports/_dashboard_body.html",
            {
                **data,
                "chart": mark_safe(chart),  # noqa: S308 - our own SVG, labels escaped
                "plan_rows": dashboard_plan_rows(data["panels"], data["soon_days"]),
            },
        )
        return {"body": body, "download_query": data["download_query"]}

    page = dashboard_page_cached(request.user, filters, build)
    return render(request, "reports/dashboard.html", {"form": form, **page})


@login_required
def dashboard_export(request, fmt: str):
    """The dashboard, or one panel of it (``?panel=overdue``), as a PDF summary or XLSX data."""
    panel = request.GET.get("panel", "")
    if fmt not in DASHBOARD_RENDERERS or (panel and panel not in DASHBOARD_PANELS):
        raise Http404
    user = request.user
    if not user.may_see_dashboard:
        raise Http404
    form = DashboardFilterForm(request.GET or None, user=user)
    filters = form.filters()  # a forged id is dropped here, before anything is looked up
    # What it shows depends on who asks and what they filtered: one kept file per user and format.
    spec = DocumentSpec(
        name=f"dashboard:user:{user.pk}:{fmt}",
        owner=f"user:{user.pk}",
        scopes=(province_scope(user.province_id), GLOBAL),
        every_version=True,  # every plan and round the user may see
        extra={
            "panel": panel,
            "partner": filters.partner.pk if filters.partner else "",
            "plan": filters.plan.pk if filters.plan else "",
            "field": filters.field_name,
            "agency": filters.agency.pk if filters.agency else "",
            "today": timezone.localdate().isoformat(),
            "who": visibility_key(user),
        },
    )

    def build():
        data = dashboard_data(user, filters, details=True)
        return DASHBOARD_RENDERERS[fmt](data, panel=panel)

    return document_serve(request, spec, build)


@login_required
def calendar(request):
    """The address of the user's calendar feed, to paste into a calendar program."""
    if request.method == "POST":
        request.user.calendar_token_rotate()
        messages.success(request, _("Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được."))
        return redirect("reports:calendar")
    token = request.user.calendar_token or request.user.calendar_token_rotate()
    feed_url = request.build_absolute_uri(reverse("reports:calendar_feed", args=[token]))
    return render(
        request,
        "reports/calendar.html",
        {
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            "upcoming": upcoming_events(request.user, timezone.localdate()),
        },
    )


def calendar_feed(request, token: str):
    """The .ics feed itself: no login (calendar programs cannot log in), the token is the key."""
    from accounts.models import User

    user = User.objects.filter(calendar_token=token, is_active=True).first() if token else None
    if user is None:
        raise Http404
    response = HttpResponse(calendar_feed_ics(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coopplan.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_POST
def attachment_remove(request, pk: int):
    """The "Xóa tệp" button of the report page: one file off a report still being written."""
    attachment = permissions.attachment_get_for_change(request.user, pk)
    report = attachment.report
    htmx = bool(request.headers.get("HX-Request"))
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except (services.ReportStateChanged, services.RoundClosed) as refused:
        messages.error(request, str(refused))
        if htmx:
            context = {"attachment": attachment, "report": report, "can_remove": False}
            return render(request, "reports/_attachment.html", context, status=409)
        return redirect("reports:report_detail", pk=report.pk)
    messages.success(request, _("Đã xóa tệp «%(name)s».") % {"name": attachment.original_name})
    if htmx:
        return HttpResponse("")
    return redirect("reports:report_edit", pk=report.pk)


# -- notifications ----------------------------------------------------------------------------


@login_required
def notification_list(request):
    """ "Thông báo": the person's own notifications, unread first in bold."""
    return render(
        request,
        "reports/notification_list.html",
        {"notifications": selectors.notification_list(request.user)},
    )


@login_required
def notification_open(request, pk: int):
    """Open one notification: it is marked read, and the page it is about is shown."""
    notification = permissions.notification_get_for_user(request.user, pk)
    notifications.notification_mark_read(notification=notification, user=request.user)
    return redirect(notifications.notification_safe_link(notification))


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.notification_mark_all_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã xem.") % {"count": count})
    return redirect("reports:notification_list")


@login_required
def notification_settings(request):
    """Which notifications also come by e-mail; each kind on or off for this person."""
    form = NotificationSettingsForm(
        request.POST or None,
        kinds=notifications.kinds_for(request.user),
        current=notifications.email_settings_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        notifications.email_settings_set(user=request.user, emailed=form.emailed())
        messages.success(request, _("Đã lưu lựa chọn nhận thư điện tử."))
        return redirect("reports:notification_settings")
    return render(request, "reports/notification_settings.html", {"form": form})


# -- a reporter's landing page ----------------------------------------------------------------


@login_required
def reporter_home(request):
    """ "Việc cần làm": what the reporter's agency is asked for (returned reports first), then
    its tasks, with the filters folded away."""
    if request.user.role != Role.REPORTER or not request.user.agency_id:
        raise Http404
    return render(
        request,
        "reports/reporter_home.html",
        {"due": selectors.reporter_due(request.user), **agency_task_page(request)},
    )
