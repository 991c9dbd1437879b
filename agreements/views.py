"""The coordinator's workspace: agreements, meetings, plan headers and their status.

Every object comes through a getter of ``agreements.permissions`` (missing and forbidden are the
same 404); writes go through ``agreements.services``; a refusal is a Vietnamese message on the page.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import permissions, selectors, services
from .forms import AgreementForm, MeetingForm, PlanForm, PlanStatusForm, form_add_errors
from .models import Agency, Agreement, Meeting, Plan, PlanKind, PlanStatus


def _province_for_new(request):
    """Only a coordinator of a province creates its documents; others get the same 404."""
    permissions.require_coordinator(request.user)
    province = getattr(request.user, "province", None)
    if province is None:
        raise Http404
    return province


def _list_response(request, template: str, partial: str, context: dict):
    """A list page; typing in its search box (htmx) swaps only the table."""
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, partial, context)
    return render(request, template, context)


def _fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


# -- agreements ------------------------------------------------------------------------------


@login_required
def agreement_list(request):
    agreement_filter, agreements = selectors.agreement_list(user=request.user, params=request.GET)
    return _list_response(
        request,
        "agreements/agreement_list.html",
        "agreements/_agreement_rows.html",
        {
            "filter": agreement_filter,
            "agreements": agreements,
            "can_edit": permissions.may_coordinate(request.user),
        },
    )


@login_required
def agreement_new(request):
    province = _province_for_new(request)
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        instance=Agreement(province=province),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                province=province,
                user=request.user,
                fields=_fields(form, services.AGREEMENT_FIELDS),
                partners=form.cleaned_data["partners"],
                file=form.cleaned_data.get("file"),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu văn bản thỏa thuận."))
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "agreements/agreement_form.html", {"form": form, "agreement": None}, status=status
    )


@login_required
def agreement_edit(request, pk: int):
    agreement = permissions.agreement_get_for_user(request.user, pk, change=True)
    form = AgreementForm(
        request.POST or None, request.FILES or None, instance=agreement, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            services.agreement_update(
                # Fresh from the database: validating the form already changed ``agreement``.
                agreement=permissions.agreement_get_for_user(request.user, pk, change=True),
                user=request.user,
                fields=_fields(form, services.AGREEMENT_FIELDS),
                partners=form.cleaned_data["partners"],
                file=upload if hasattr(upload, "content_type") else None,
                file_clear=bool(form.cleaned_data.get("file_clear")),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("agreements:agreement_detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "agreement": agreement},
        status=status,
    )


@login_required
def agreement_detail(request, pk: int):
    agreement = permissions.agreement_get_for_user(request.user, pk)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "partners": agreement.partners.order_by("name"),
            "plans": agreement.plans.order_by("date", "number"),
            "meetings": agreement.meetings.order_by("start_date"),
            "signatories": [line for line in agreement.signatories.splitlines() if line.strip()],
            "chain": selectors.agreement_chain(agreement),
            "history": selectors.history_changes(agreement, created=_("Tạo văn bản thỏa thuận")),
            "can_edit": permissions.may_coordinate(request.user),
        },
    )


@login_required
def agreement_file(request, pk: int):
    """The attached scan, for whoever may read the agreement; served by content type, not name."""
    agreement = permissions.agreement_get_for_user(request.user, pk)
    if not agreement.file:
        raise Http404
    name = PurePath(agreement.file.name or "").name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        agreement.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- meetings --------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    meeting_filter, meetings = selectors.meeting_list(user=request.user, params=request.GET)
    return _list_response(
        request,
        "agreements/meeting_list.html",
        "agreements/_meeting_rows.html",
        {
            "filter": meeting_filter,
            "meetings": meetings,
            "can_edit": permissions.may_coordinate(request.user),
        },
    )


def _meeting_save(request, form, *, province, meeting: Meeting | None):
    fields = _fields(form, services.MEETING_FIELDS)
    if meeting is None:
        return services.meeting_create(
            province=province,
            user=request.user,
            fields=fields,
            partners=form.cleaned_data["partners"],
            agreements=form.cleaned_data["agreements"],
        )
    return services.meeting_update(
        meeting=meeting,
        user=request.user,
        fields=fields,
        partners=form.cleaned_data["partners"],
        agreements=form.cleaned_data["agreements"],
    )


@login_required
def meeting_new(request):
    province = _province_for_new(request)
    return _meeting_form(request, province=province, meeting=None)


@login_required
def meeting_edit(request, pk: int):
    meeting = permissions.meeting_get_for_user(request.user, pk, change=True)
    return _meeting_form(request, province=meeting.province, meeting=meeting)


def _meeting_form(request, *, province, meeting: Meeting | None):
    form = MeetingForm(
        request.POST or None,
        instance=meeting or Meeting(province=province),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _meeting_save(request, form, province=province, meeting=meeting)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu hội đàm, hội nghị."))
            return redirect("agreements:meeting_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "agreements/meeting_form.html", {"form": form, "meeting": meeting}, status=status
    )


@login_required
def meeting_detail(request, pk: int):
    meeting = permissions.meeting_get_for_user(request.user, pk)
    directives = selectors.meeting_followups(meeting).prefetch_related("tasks")
    return render(
        request,
        "agreements/meeting_detail.html",
        {
            "meeting": meeting,
            "partners": meeting.partners.order_by("name"),
            "agreements": meeting.agreements.order_by("title"),
            "directives": directives,
            "chain": selectors.meeting_chain(meeting),
            "history": selectors.history_changes(meeting, created=_("Ghi nhận hội đàm, hội nghị")),
            "can_edit": permissions.may_coordinate(request.user),
        },
    )


@login_required
def directive_new(request, pk: int):
    """ "Tạo văn bản chỉ đạo": a Công văn following the meeting; its tasks are added on its page."""
    meeting = permissions.meeting_get_for_user(request.user, pk, change=True)
    parent = selectors.meeting_parent_plan(meeting)
    initial = {
        "kind": PlanKind.DIRECTIVE,
        "meeting": meeting.pk,
        "parent": parent.pk if parent else None,
        "partners": list(meeting.partners.values_list("pk", flat=True)),
        "agreements": list(meeting.agreements.values_list("pk", flat=True)),
        "start_year": day.year if (day := meeting.end_date or meeting.start_date) else None,
        "summary": _("Về việc triển khai kết quả %(meeting)s") % {"meeting": meeting.title},
    }
    if initial["start_year"]:
        initial["end_year"] = parent.end_year if parent else initial["start_year"]
    return _plan_form(
        request, plan=None, province=meeting.province, initial=initial, meeting=meeting
    )


# -- plans: the header and the status ---------------------------------------------------------


@login_required
def plan_new(request):
    province = _province_for_new(request)
    return _plan_form(request, plan=None, province=province, initial={"kind": PlanKind.PLAN})


@login_required
def plan_edit(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk, change=True)
    if plan.status == PlanStatus.CLOSED:
        messages.error(
            request,
            _("Kế hoạch %(number)s đã kết thúc; hãy mở lại (ghi rõ lý do) trước khi sửa.")
            % {"number": plan.number},
        )
        return render(
            request, "agreements/plan_status.html", _status_context(request, plan), status=409
        )
    return _plan_form(request, plan=plan, province=plan.province)


def _plan_form(request, *, plan: Plan | None, province, initial=None, meeting=None):
    form = PlanForm(
        request.POST or None,
        instance=plan or Plan(province=province),
        initial=initial,
        user=request.user,
    )
    if meeting is not None:
        # A directive from a meeting: the meeting and kind are fixed by the page it came from.
        for name in ("kind", "meeting"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = _fields(form, services.PLAN_FIELDS)
        try:
            if plan is not None:
                saved = services.plan_update(
                    plan=plan,
                    user=request.user,
                    fields=fields,
                    partners=form.cleaned_data["partners"],
                    agreements=form.cleaned_data["agreements"],
                )
            elif meeting is not None:
                fields.pop("meeting", None)
                fields.pop("kind", None)
                saved = services.directive_create(
                    meeting=meeting,
                    user=request.user,
                    fields=fields,
                    partners=form.cleaned_data["partners"],
                    agreements=form.cleaned_data["agreements"],
                )
            else:
                saved = services.plan_create(
                    province=province,
                    user=request.user,
                    fields=fields,
                    partners=form.cleaned_data["partners"],
                    agreements=form.cleaned_data["agreements"],
                )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã lưu %(kind)s %(number)s.")
                % {"kind": saved.get_kind_display(), "number": saved.number},
            )
            return redirect("tasks:plan_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "agreements/plan_form.html",
        {"form": form, "plan": plan, "meeting": meeting},
        status=status,
    )


def _status_context(request, plan: Plan, form=None) -> dict:
    return {
        "plan": plan,
        "form": form or PlanStatusForm(),
        "transitions": services.plan_status_choices(plan),
        "chain": selectors.plan_chain(plan),
    }


@login_required
def plan_status(request, pk: int):
    """Issue, close or reopen; a refused transition is said on the page (409), never hidden."""
    plan = permissions.plan_get_for_user(request.user, pk, change=True)
    if request.method != "POST":
        return render(request, "agreements/plan_status.html", _status_context(request, plan))
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        expected = form.cleaned_data["current"] or plan.status
        try:
            if action == "issue":
                services.plan_issue(plan=plan, user=request.user, expected=expected)
            elif action == "close":
                services.plan_close(plan=plan, user=request.user, expected=expected)
            else:
                services.plan_reopen(
                    plan=plan,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    to=form.cleaned_data["to"] or PlanStatus.DRAFT,
                    expected=expected,
                )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(number)s: %(status)s.")
                % {"number": plan.number, "status": plan.get_status_display()},
            )
            return redirect("tasks:plan_detail", pk=plan.pk)
    plan.refresh_from_db()
    return render(
        request, "agreements/plan_status.html", _status_context(request, plan, form), status=409
    )


@login_required
def plan_history(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk)
    return render(
        request,
        "agreements/plan_history.html",
        {
            "plan": plan,
            "chain": selectors.plan_chain(plan),
            "history": selectors.history_changes(plan, created=_("Tạo văn bản")),
        },
    )


# -- suggestions as the user types (agreements/suggest.py) ------------------------------------


@login_required
def agency_suggest(request):
    """Up to a dozen agencies the user may see matching what was typed, accent-free, as the
    options of a listbox (htmx partial); ``active=1``: only those still active (a task's lead)."""
    agencies = selectors.agency_suggestions(
        user=request.user,
        query=request.GET.get("q", ""),
        active_only=request.GET.get("active") == "1",
    )
    return _suggestions(request, agencies)


@login_required
def plan_suggest(request):
    """Up to a dozen plans the user may see whose number or title matches what was typed."""
    plans = selectors.plan_suggestions(user=request.user, query=request.GET.get("q", ""))
    return _suggestions(request, plans)


def _suggestions(request, items):
    with_province = request.user.is_superuser
    options = []
    for item in items:
        value = selectors.suggestion_label(item, with_province=with_province)
        if isinstance(item, Agency):
            detail = item.short_name if item.short_name != item.name else ""
            if not item.active:
                detail = " · ".join(part for part in (detail, _("không còn hoạt động")) if part)
        else:
            detail = item.title
        options.append({"value": value, "detail": detail})
    return render(request, "agreements/_suggestions.html", {"options": options})
