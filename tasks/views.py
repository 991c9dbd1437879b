from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.documents import document_serve
from agreements.forms import form_add_errors
from agreements.models import Plan
from agreements.permissions import (
    may_coordinate,
    plan_get_for_user,
    plans_visible_to,
)
from agreements.selectors import (
    ChainLink,
    ChainStep,
    history_changes,
    plan_chain,
    plan_header_context,
)

from . import permissions, services
from .downloads import PLAN_FORMATS, plan_document_response, timeline_document_spec
from .exporters.base import Export
from .filters import PlanFilter, TaskFilter
from .forms import BlockForm, BlockPasteForm, CarryForwardForm, SectionForm, TaskForm
from .models import BlockPart, PlanBlock, Section, Task
from .selectors import (
    PlanRow,
    plan_block_parts,
    plan_rows,
    section_path,
    task_number_next,
    task_queryset_full,
    task_queryset_leads,
)
from .timeline import legend_svg, plan_timeline_for_user, timeline_pages_svg, timeline_rows


@login_required
def agency_tasks(request):
    """ "Nhiệm vụ của đơn vị": a reporter's tasks across plans; the whole province for others."""
    return render(request, "tasks/agency_tasks.html", agency_task_page(request))


def agency_task_page(request) -> dict:
    """The filtered, paginated task list of ``agency_tasks``; the reporter's landing page
    (``reports.views.reporter_home``) shows it under what is due."""
    base = permissions.tasks_visible_to(request.user).order_by(
        "plan__date", "plan_id", "position", "pk"
    )
    task_filter = TaskFilter(request.GET or None, queryset=base, user=request.user)
    queryset = task_filter.qs if task_filter.is_bound else base
    # The page is chosen on ids alone (sorting narrow rows); its tasks are read whole below.
    page = Paginator(queryset.only("pk"), 50).get_page(request.GET.get("page"))
    order = {task.pk: index for index, task in enumerate(page.object_list)}
    # The rows print the leads; coordinating agencies as typed, no partners.
    shown = task_queryset_leads(Task.objects.filter(pk__in=order))
    tasks = sorted(shown, key=lambda t: order[t.pk])
    agency = request.user.agency if request.user.role == "reporter" else None
    for task in tasks:
        # Read by the template only: no field of Task.
        task.my_role = (  # type: ignore[attr-defined]
            "lead"
            if agency and any(lead.agency_id == agency.pk for lead in task.leads.all())
            else "coordinating"
            if agency
            else ""
        )
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filter": task_filter,
        "page": page,
        "tasks": tasks,
        "agency": agency,
        "query": params.urlencode(),
    }


PLANS_PER_PAGE = 50


@login_required
def plan_list(request):
    """The plans the user may see, newest first, a page at a time: a province has a few dozen,
    the whole country (a superuser) hundreds."""
    base = plans_visible_to(request.user).order_by("-date", "number", "pk")
    plan_filter = PlanFilter(request.GET or None, queryset=base, user=request.user)
    queryset = plan_filter.qs if plan_filter.is_bound else base
    # A subquery rather than Count("tasks"): the page's COUNT(*) then leaves the tasks alone.
    task_count = (
        Task.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    plans = queryset.prefetch_related("partners").annotate(
        task_count=Coalesce(Subquery(task_count), 0)
    )
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tasks/plan_list.html",
        {
            "plans": page.object_list,
            "page": page,
            "query": params.urlencode(),
            "filter": plan_filter,
        },
    )


@login_required
def plan_detail(request, pk: int):
    plan = plan_get_for_user(request.user, pk)
    rows = plan_rows(plan, page=True)
    return render(
        request,
        "tasks/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "formats": PLAN_FORMATS,
            "can_edit": _can_edit_plans(request.user),
            "plan_header": plan_header_context(
                plan, may_change=_can_edit_plans(request.user), below=_appendix_steps(rows)
            ),
            "block_parts": plan_block_parts(plan, editing=_can_edit_plans(request.user)),
        },
    )


def _appendix_steps(rows: list[PlanRow]) -> list[ChainStep]:
    """The plan's appendices (its top-level sections, read with its rows), one step down the
    chain: their tables are on the same page."""
    appendices = [
        row.section for row in rows if row.kind == "section" and row.section.parent_id is None
    ]
    # An unnamed section only groups tasks; it is not a place a reader looks for.
    links = [
        ChainLink(" ".join(part for part in (s.number, s.title) if part))
        for s in appendices
        if s.number or s.title
    ]
    return [ChainStep(_("Phụ lục, mục"), links)] if links else []


@login_required
def plan_export(request, pk: int, fmt: str):
    """Download a plan as PDF, XLSX or DOCX: the same permission as its page."""
    plan = plan_get_for_user(request.user, pk)  # before the store is asked: 404 if not allowed
    try:
        return plan_document_response(request, plan, fmt)
    except LookupError:
        raise Http404 from None


@login_required
def task_history(request, pk: int):
    """Who changed what and when, field by field, newest first."""
    task = permissions.task_get_for_user(request.user, pk)
    below = [
        ChainStep(
            _("Phụ lục, mục"),
            [
                ChainLink(
                    " ".join(p for p in (s.number, s.title) if p),
                    reverse("tasks:plan_detail", args=[task.plan_id]),
                )
                for s in section_path(task.section)
                if s.number or s.title
            ],
        ),
        ChainStep(_("Nhiệm vụ"), [ChainLink(f"{task.number} {task.content}", current=True)]),
        # Reports sit above tasks: named by URL, never imported.
        ChainStep(
            _("Báo cáo"),
            [
                ChainLink(
                    _("Các báo cáo về nhiệm vụ này"), reverse("reports:task_reports", args=[pk])
                )
            ],
        ),
    ]
    return render(
        request,
        "tasks/task_history.html",
        {
            "task": task,
            "chain": plan_chain(task.plan, below=below, current=False),
            "history": history_changes(task, created=_("Tạo nhiệm vụ")),
        },
    )


# -- in-place editing on the plan page (htmx; every action also works as a plain form post) ----


def _editable_task(request, pk: int) -> Task:
    return permissions.task_get_for_user(request.user, pk, change=True)


def _can_edit_plans(user) -> bool:
    return may_coordinate(user)


def _row_response(request, task: Task, *, form=None, status=200):
    """The task's row or its form. With errors a plain post answers ``status`` (400); htmx gets
    200, since it swaps no 4xx answer: the form comes back in place with the errors shown."""
    if not request.headers.get("HX-Request"):
        # Without JavaScript: the form is a page of its own, a save goes back to the plan.
        if form is not None:
            return render(
                request, "tasks/task_form_page.html", {"form": form, "task": task}, status=status
            )
        return redirect("tasks:plan_detail", pk=task.plan_id)
    shown = task_queryset_full(Task.objects.filter(pk=task.pk)).first() if task.pk else task
    template = "tasks/_task_form_row.html" if form is not None else "tasks/_task_row.html"
    return render(request, template, {"task": shown, "form": form, "can_edit": True})


@login_required
def task_edit(request, pk: int):
    task = _editable_task(request, pk)
    form = TaskForm(request.POST or None, instance=task, province=task.plan.province)
    if request.method == "POST":
        if form.is_valid():
            fields = {
                name: form.cleaned_data[name]
                for name in (
                    "number",
                    "content",
                    "coordinating_text",
                    "timeframe_text",
                    "note",
                    "field",
                    "status",
                )
            }
            fields["lead_text"] = form.cleaned_data["leads"]
            services.task_update(
                task=task,
                user=request.user,
                fields=fields,
                lead_agencies=form.lead_agencies,
                coordinating=form.coordinating_agencies(),
            )
            return _row_response(request, task)
        return _row_response(request, task, form=form, status=400)
    if request.GET.get("cancel"):
        return _row_response(request, task)
    return _row_response(request, task, form=form)


@login_required
def task_new(request, plan_pk: int):
    plan = plan_get_for_user(request.user, plan_pk, change=True)
    section = None
    if request.GET.get("section") or request.POST.get("section"):
        section = get_object_or_404(
            Section.objects.filter(plan=plan),
            pk=request.GET.get("section") or request.POST.get("section"),
        )
    draft = Task(plan=plan, section=section)
    form = TaskForm(
        request.POST or None,
        instance=draft,
        province=plan.province,
        initial={"number": task_number_next(plan=plan, section=section)},
    )
    if request.method == "POST" and form.is_valid():
        task = services.task_create(
            plan=plan,
            section=section,
            number=form.cleaned_data["number"],
            content=form.cleaned_data["content"],
            lead_agencies=form.lead_agencies,
            lead_text=form.cleaned_data["leads"],
            coordinating_agencies=form.coordinating_agencies(),
            coordinating_text=form.cleaned_data["coordinating_text"],
            timeframe_text=form.cleaned_data["timeframe_text"],
            note=form.cleaned_data["note"],
            field=form.cleaned_data["field"],
        )
        if request.headers.get("HX-Request"):
            # The form sat under the section's heading; the task goes after the section's last
            # task: the whole table again, as stored.
            response = _rows_response(request, plan)
            response["HX-Retarget"] = "#plan-rows"
            response["HX-Reswap"] = "innerHTML"
            return response
        return _row_response(request, task)
    status = 400 if request.method == "POST" else 200
    return _row_response(request, draft, form=form, status=status)


@login_required
@require_POST
def task_delete(request, pk: int):
    task = _editable_task(request, pk)
    plan_pk = task.plan_id
    services.task_delete(task=task, user=request.user)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect("tasks:plan_detail", pk=plan_pk)


@login_required
@require_POST
def task_move(request, pk: int):
    task = _editable_task(request, pk)
    services.task_move(
        task=task,
        direction="up" if request.POST.get("direction") == "up" else "down",
        user=request.user,
    )
    if request.headers.get("HX-Request"):
        plan = task.plan
        return render(
            request,
            "tasks/_plan_rows.html",
            {"plan": plan, "rows": plan_rows(plan, page=True), "can_edit": True},
        )
    return redirect("tasks:plan_detail", pk=task.plan_id)


@login_required
def plan_carry_forward(request, pk: int):
    """Next period's draft with copies of the unfinished tasks, each linked to its origin."""
    plan = plan_get_for_user(request.user, pk, change=True)
    length = plan.end_year - plan.start_year
    form = CarryForwardForm(
        request.POST or None,
        initial={
            "title": plan.title,
            "start_year": plan.end_year + 1,
            "end_year": plan.end_year + 1 + length,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if Plan.objects.filter(province=plan.province, number=data["number"]).exists():
            form.add_error("number", _("Tỉnh đã có văn bản số này."))
        else:
            try:
                draft = services.plan_carry_forward(plan=plan, user=request.user, **data)
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã tạo dự thảo %(number)s với %(n)s nhiệm vụ chưa hoàn thành.")
                    % {"number": draft.number, "n": draft.tasks.count()},
                )
                return redirect("tasks:plan_detail", pk=draft.pk)
    return render(request, "tasks/plan_carry.html", {"plan": plan, "form": form})


def _rows_response(request, plan: Plan):
    if request.headers.get("HX-Request"):
        return render(
            request,
            "tasks/_plan_rows.html",
            {"plan": plan, "rows": plan_rows(plan, page=True), "can_edit": True},
        )
    return redirect("tasks:plan_detail", pk=plan.pk)


def _editable_section(request, pk: int) -> Section:
    return permissions.section_get_for_user(request.user, pk, change=True)


@login_required
def section_edit(request, pk: int):
    section = _editable_section(request, pk)
    form = SectionForm(request.POST or None, instance=section, plan=section.plan)
    if request.method == "POST" and form.is_valid():
        services.section_update(
            section=section,
            number=form.cleaned_data["number"],
            title=form.cleaned_data["title"],
            subtitle=form.cleaned_data["subtitle"],
            kind=form.cleaned_data["kind"],
            partner=form.cleaned_data["partner"],
            user=request.user,
        )
        return _rows_response(request, section.plan)
    context = {"form": form, "section": section, "plan": section.plan}
    if request.headers.get("HX-Request"):
        # htmx swaps no 4xx answer: with errors, 200 and the form put back in its own row.
        response = render(request, "tasks/_section_form_row.html", context)
        if form.is_bound:
            response["HX-Retarget"] = f"#section-{section.pk}"
            response["HX-Reswap"] = "outerHTML"
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "tasks/section_form_page.html", context, status=status)


@login_required
def section_new(request, plan_pk: int):
    plan = plan_get_for_user(request.user, plan_pk, change=True)
    form = SectionForm(request.POST or None, instance=Section(plan=plan), plan=plan)
    if request.method == "POST" and form.is_valid():
        services.section_create(
            plan=plan,
            parent=form.cleaned_data["parent"],
            kind=form.cleaned_data["kind"],
            number=form.cleaned_data["number"],
            title=form.cleaned_data["title"],
            subtitle=form.cleaned_data["subtitle"],
            partner=form.cleaned_data["partner"],
        )
        return _rows_response(request, plan)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "tasks/section_form_page.html", {"form": form, "plan": plan}, status=status
    )


@login_required
@require_POST
def section_move(request, pk: int):
    section = _editable_section(request, pk)
    services.section_move(
        section=section, direction="up" if request.POST.get("direction") == "up" else "down"
    )
    return _rows_response(request, section.plan)


@login_required
@require_POST
def section_delete(request, pk: int):
    section = _editable_section(request, pk)
    plan = section.plan
    try:
        services.section_delete(section=section, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.headers.get("HX-Request"):
            response = _rows_response(request, plan)
            response.status_code = 409
            return response
    return _rows_response(request, plan)


# -- the document's text on the plan page: blocks (htmx; every action also a plain form) --------


def _blocks_response(request, plan: Plan):
    """After a change: the whole text again (htmx), or back to the plan page at the text."""
    if request.headers.get("HX-Request"):
        return render(
            request,
            "tasks/_plan_blocks.html",
            {"plan": plan, "block_parts": plan_block_parts(plan, editing=True), "can_edit": True},
        )
    return redirect(reverse("tasks:plan_detail", args=[plan.pk]) + "#plan-blocks")


def _block_form_response(
    request, *, plan: Plan, form, block=None, after=None, part: str = "", paste: bool = False
):
    """The block form: in place (htmx) or a page of its own. With errors a plain post answers
    400; htmx gets 200 with the form retargeted onto itself (htmx swaps no 4xx answer)."""
    context = {
        "plan": plan,
        "form": form,
        # Not "block": inside {% block %} that name is the template block itself.
        "edited": block,
        "after": after,
        "part": part,
        "paste": paste,
        "form_id": f"block-form-{block.pk if block else 'new'}",
        "inline": bool(request.headers.get("HX-Request")),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "tasks/_block_form.html", context)
        if form.is_bound:
            response["HX-Retarget"] = f"#{context['form_id']}"
            response["HX-Reswap"] = "outerHTML"
        return response
    status = 400 if form.is_bound else 200
    return render(request, "tasks/block_form_page.html", context, status=status)


def _insert_point(request, plan: Plan) -> tuple[PlanBlock | None, str]:
    """Where a new block goes: after the block named in ``after`` (same plan), else at the end of
    ``part``."""
    after_pk = request.POST.get("after") or request.GET.get("after")
    if after_pk:
        after = permissions.block_get_for_user(request.user, after_pk, change=True)
        if after.plan_id != plan.pk:
            raise Http404
        return after, after.part
    part = request.POST.get("part") or request.GET.get("part") or BlockPart.MAIN
    return None, part if part in BlockPart.values else BlockPart.MAIN


@login_required
def block_new(request, plan_pk: int):
    plan = plan_get_for_user(request.user, plan_pk, change=True)
    after, part = _insert_point(request, plan)
    form = BlockForm(request.POST or None, instance=PlanBlock(plan=plan, part=part), plan=plan)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.block_create(plan=plan, part=part, after=after, user=request.user, **fields)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return _blocks_response(request, plan)
    return _block_form_response(request, plan=plan, form=form, after=after, part=part)


@login_required
def block_edit(request, pk: int):
    block = permissions.block_get_for_user(request.user, pk, change=True)
    if request.method == "GET" and request.GET.get("cancel"):
        return _blocks_response(request, block.plan)
    form = BlockForm(request.POST or None, instance=block, plan=block.plan)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.block_update(block=block, fields=fields, user=request.user)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return _blocks_response(request, block.plan)
    return _block_form_response(request, plan=block.plan, form=form, block=block)


@login_required
def block_paste(request, plan_pk: int):
    """Several paragraphs at once: each line a block, its printed numbering recognised."""
    plan = plan_get_for_user(request.user, plan_pk, change=True)
    after, part = _insert_point(request, plan)
    form = BlockPasteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.block_paste(
                plan=plan, text=form.cleaned_data["text"], part=part, after=after, user=request.user
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if not request.headers.get("HX-Request"):
                messages.success(request, _("Đã thêm %(n)s khối văn bản.") % {"n": len(created)})
            return _blocks_response(request, plan)
    return _block_form_response(request, plan=plan, form=form, after=after, part=part, paste=True)


@login_required
@require_POST
def block_move(request, pk: int):
    block = permissions.block_get_for_user(request.user, pk, change=True)
    services.block_move(
        block=block,
        direction="up" if request.POST.get("direction") == "up" else "down",
        user=request.user,
    )
    return _blocks_response(request, block.plan)


@login_required
@require_POST
def block_delete(request, pk: int):
    block = permissions.block_get_for_user(request.user, pk, change=True)
    plan = block.plan
    services.block_delete(block=block, user=request.user)
    return _blocks_response(request, plan)


# -- the plan timeline: page and PDF (reads, layout, words and drawing in tasks/timeline/) -------


@login_required
def plan_timeline(request, pk: int):
    """ "Tiến độ": the plan's tasks on a time axis, its milestones, a table of the same."""
    data = plan_timeline_for_user(
        user=request.user, plan_pk=pk, filters=request.GET, today=timezone.localdate()
    )
    params = request.GET.copy()
    params.pop("paper", None)
    return render(
        request,
        "tasks/plan_timeline.html",
        {
            "plan": data.plan,
            "data": data,
            "rows": timeline_rows(data),
            # Our own SVG: every text in it is escaped when it is written (tasks/timeline/svg.py).
            # Cut as the browser prints it (A4 landscape, see app.css): a page per SVG.
            "charts": [
                mark_safe(chart)  # noqa: S308
                for chart in timeline_pages_svg(data.timeline, first_head_mm=48, head_mm=4)
            ],
            "legend": mark_safe(legend_svg()),  # noqa: S308
            "query": params.urlencode(),
        },
    )


@login_required
def plan_timeline_pdf(request, pk: int):
    """The timeline as a landscape PDF (A4, or A3 with ``?paper=a3``), with the same filters."""
    # Imported here, as the exporter registry does: WeasyPrint loads only when a PDF is asked for.
    from .exporters.timeline_pdf import render_timeline_pdf

    plan = plan_get_for_user(request.user, pk)  # before the store is asked: 404 if not allowed
    today = timezone.localdate()
    paper = "a3" if request.GET.get("paper") == "a3" else "a4"
    spec = timeline_document_spec(
        plan=plan, user_id=request.user.pk, filters=request.GET, paper=paper, today=today
    )

    def build() -> Export:
        data = plan_timeline_for_user(
            user=request.user, plan_pk=pk, filters=request.GET, today=today
        )
        return render_timeline_pdf(data, rows=timeline_rows(data), paper=paper)

    return document_serve(request, spec, build)
