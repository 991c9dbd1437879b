from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from agreements.models import Plan

from .exporters.base import Export, exporter_for
from .filters import PlanFilter, TaskFilter
from .models import Task
from .selectors import plan_rows, task_queryset_full

EXPORT_FORMATS = [("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("docx", "Word (DOCX)")]


@login_required
def agency_tasks(request):
    """ "Nhiệm vụ của đơn vị": a reporter's tasks across plans; the whole province for others."""
    base = Task.objects.visible_to(request.user).order_by("plan__date", "plan_id", "position", "pk")
    task_filter = TaskFilter(request.GET or None, queryset=base, user=request.user)
    queryset = task_filter.qs if task_filter.is_bound else base
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    order = {task.pk: index for index, task in enumerate(page.object_list)}
    tasks = sorted(task_queryset_full(Task.objects.filter(pk__in=order)), key=lambda t: order[t.pk])
    agency = request.user.agency if request.user.role == "reporter" else None
    for task in tasks:
        task.my_role = (
            "lead"
            if agency and any(lead.agency_id == agency.pk for lead in task.leads.all())
            else "coordinating"
            if agency
            else ""
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tasks/agency_tasks.html",
        {
            "filter": task_filter,
            "page": page,
            "tasks": tasks,
            "agency": agency,
            "query": params.urlencode(),
        },
    )


@login_required
def plan_list(request):
    base = Plan.objects.visible_to(request.user).order_by("-date", "number")
    plan_filter = PlanFilter(request.GET or None, queryset=base, user=request.user)
    queryset = plan_filter.qs if plan_filter.is_bound else base
    plans = queryset.prefetch_related("partners").annotate(task_count=Count("tasks"))
    return render(request, "tasks/plan_list.html", {"plans": plans, "filter": plan_filter})


@login_required
def plan_detail(request, pk: int):
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("province", "parent", "predecessor"),
        pk=pk,
    )
    return render(
        request,
        "tasks/plan_detail.html",
        {
            "plan": plan,
            "rows": plan_rows(plan),
            "agreements": plan.agreements.all(),
            "formats": EXPORT_FORMATS,
        },
    )


@login_required
def plan_export(request, pk: int, fmt: str):
    """Download a plan as PDF, XLSX or DOCX: the same permission as its page."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    try:
        render_export = exporter_for("plan", fmt)
    except LookupError:
        raise Http404 from None
    return export_response(render_export(plan))


def export_response(export: Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def task_history(request, pk: int):
    """Who changed what and when, field by field, newest first."""
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("plan"), pk=pk)
    records = list(task.history.select_related("history_user").order_by("-history_date", "-pk"))
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            lines = [(_("Tạo nhiệm vụ"), "", "")]
        else:
            delta = newer.diff_against(older)
            lines = [
                (str(Task._meta.get_field(c.field).verbose_name), c.old, c.new)
                for c in delta.changes
                if c.field != "search_text"
            ]
        if lines:
            who = newer.history_user
            name = (who.get_full_name() or who.username) if who else _("hệ thống")
            changes.append({"record": newer, "who": name, "lines": lines})
    return render(request, "tasks/task_history.html", {"task": task, "changes": changes})
