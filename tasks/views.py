from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .filters import TaskFilter
from .models import Task
from .selectors import task_queryset_full


@login_required
def agency_tasks(request):
    """ "Nhiệm vụ của đơn vị": a reporter's tasks across plans; the whole province for others."""
    base = Task.objects.visible_to(request.user).order_by("plan__date", "plan_id", "position", "pk")
    task_filter = TaskFilter(request.GET or None, queryset=base, user=request.user)
    queryset = task_filter.qs if task_filter.is_bound else base
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    tasks = list(task_queryset_full(Task.objects.filter(pk__in=[t.pk for t in page.object_list])))
    tasks.sort(key=lambda t: [t.pk for t in page.object_list].index(t.pk))
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
