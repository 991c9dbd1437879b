"""Admin for Sở Ngoại vụ: a plan page with its sections and tasks inline, in printed order."""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from agreements.admin_base import ProvinceScopedAdmin, ReadOnlyScopedInline, ScopedInline
from agreements.models import Plan, ReportDeadline
from agreements.permissions import agencies_visible_to, plans_visible_to

from .models import BudgetLine, PlanBlock, Section, Target, Task, TaskLead
from .services import task_position_new


class TaskAdminForm(forms.ModelForm):
    """A new task's position may be left empty: it then goes where the plan page puts a new task
    (``task_position_new``), not at the top of the plan."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("position")
        if field is not None and self.instance.pk is None:
            field.required = False
            field.help_text = _("Để trống: ngay sau nhiệm vụ cuối cùng của mục.")
            self.initial["position"] = None

    def save(self, commit=True):
        task = super().save(commit=False)
        if task.position is None:
            task.position = task_position_new(plan=task.plan, section=task.section)
        if commit:
            task.save()
            self.save_m2m()
        return task


class ReportDeadlineInline(ScopedInline):
    model = ReportDeadline
    fields = ("date", "text")


class PlanScopedInline(ScopedInline):
    """Inline whose section choices are the plan's own, computed once per page, not per row."""

    def get_formset(self, request, obj=None, **kwargs):
        request._coopplan_plan = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("section", "parent") and db_field.related_model is Section:
            plan = getattr(request, "_coopplan_plan", None)
            kwargs["queryset"] = (
                Section.objects.filter(plan=plan) if plan else Section.objects.none()
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Section:
            cache = request.__dict__.setdefault("_coopplan_section_choices", {})
            if db_field.name not in cache:
                cache[db_field.name] = list(field.choices)
            field.choices = cache[db_field.name]
        return field


class PlanSectionInline(PlanScopedInline):
    model = Section
    fk_name = "plan"
    fields = ("position", "parent", "kind", "number", "title", "subtitle", "partner")
    ordering = ("position", "pk")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "partner" and field is not None:
            cache = request.__dict__.setdefault("_coopplan_partner_choices", None)
            if cache is None:
                request._coopplan_partner_choices = cache = list(field.choices)
            field.choices = cache
        return field


class PlanBlockInline(ReadOnlyScopedInline):
    """The plan's text, for reading: blocks are written in the app's plan editor."""

    model = PlanBlock
    fields = ("part", "position", "kind", "number", "level", "text")
    readonly_fields = fields
    ordering = ("part", "position", "pk")
    classes = ("collapse",)

    def has_view_permission(self, request, obj=None):
        # Nothing to read on the add page: a new plan has no text yet.
        return obj is not None and super().has_view_permission(request, obj)


class PlanTaskInline(PlanScopedInline):
    model = Task
    form = TaskAdminForm
    fields = (
        "position",
        "section",
        "number",
        "content",
        "lead_text",
        "coordinating_text",
        "timeframe_text",
        "note",
    )
    ordering = ("position", "pk")
    show_change_link = True
    classes = ("collapse",)


@admin.register(Plan)
class PlanAdmin(ProvinceScopedAdmin):
    list_display = ("number", "kind", "title_short", "date", "period_label", "status")
    list_filter = ("province", "kind", "status", "partners", "start_year", "end_year")
    autocomplete_fields = ("partners", "agreements", "predecessor", "parent", "meeting")
    search_paths = ("search_text", "partners__search_text")
    date_hierarchy = "date"
    inlines = (ReportDeadlineInline, PlanBlockInline, PlanSectionInline, PlanTaskInline)
    fieldsets = (
        (
            _("Văn bản ban hành"),
            {
                "fields": (
                    "province",
                    "kind",
                    "number",
                    "date",
                    "place",
                    "issuing_body",
                    "summary",
                    "title",
                    ("start_year", "end_year"),
                    "status",
                )
            },
        ),
        (_("Người ký"), {"fields": ("signing_authority", "signing_title", "signer", "recipients")}),
        (_("Liên kết"), {"fields": ("partners", "agreements", "predecessor", "parent", "meeting")}),
    )

    @admin.display(description=_("tên kế hoạch"))
    def title_short(self, obj):
        return obj.title if len(obj.title) <= 90 else obj.title[:89] + "…"

    @admin.display(description=_("giai đoạn"), ordering="start_year")
    def period_label(self, obj):
        return obj.period_label


@admin.register(Section)
class SectionAdmin(ProvinceScopedAdmin):
    province_path = "plan__province"
    list_display = ("__str__", "plan", "kind", "partner", "position")
    list_filter = ("kind", "plan__province", "partner")
    list_select_related = ("plan", "partner")
    autocomplete_fields = ("plan", "parent", "partner")
    search_paths = ("search_text", "plan__search_text")


class TaskLeadInline(ScopedInline):
    model = TaskLead
    fields = ("order", "agency")
    autocomplete_fields = ("agency",)
    ordering = ("order", "pk")


class BudgetLineInline(ScopedInline):
    model = BudgetLine
    fields = ("year", "amount", "source", "stage", "note")


class TargetInline(ScopedInline):
    model = Target
    fields = ("indicator", "unit", "quantity", "per")


class LeadAgencyFilter(admin.SimpleListFilter):
    title = _("đơn vị chủ trì")
    parameter_name = "lead"

    def lookups(self, request, model_admin):
        agencies = agencies_visible_to(request.user).filter(leads__isnull=False).distinct()
        return [(str(a.pk), a.display_name) for a in agencies.order_by("name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            return queryset.filter(
                pk__in=TaskLead.objects.filter(agency_id=value).values("task_id")
            )
        return queryset


class PartnerFilter(admin.SimpleListFilter):
    title = _("địa phương đối tác")
    parameter_name = "partner"

    def lookups(self, request, model_admin):
        from agreements.models import Locality

        from .permissions import tasks_visible_to

        # Partners of the user's own tasks only: another province's partners are its business.
        partners = (
            Locality.objects.filter(
                pk__in=Task.partners.through.objects.filter(
                    task__in=tasks_visible_to(request.user)
                ).values("locality_id")
            )
            .distinct()
            .order_by("name")
        )
        return [(str(p.pk), p.name) for p in partners]

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            return queryset.filter(
                pk__in=Task.partners.through.objects.filter(locality_id=value).values("task_id")
            )
        return queryset


class PeriodFilter(admin.SimpleListFilter):
    title = _("giai đoạn")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        periods = (
            plans_visible_to(request.user)
            .values_list("start_year", "end_year")
            .distinct()
            .order_by("-start_year", "end_year")
        )
        return [(f"{a}-{b}", f"{a} - {b}" if a != b else str(a)) for a, b in periods]

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            try:
                start, end = (int(x) for x in value.split("-"))
            except ValueError:
                return queryset.none()
            return queryset.filter(plan__start_year=start, plan__end_year=end)
        return queryset


@admin.register(Task)
class TaskAdmin(ProvinceScopedAdmin):
    form = TaskAdminForm
    province_path = "plan__province"
    list_display = (
        "number",
        "content_short",
        "plan",
        "section",
        "lead_display",
        "timeframe_text",
        "status",
    )
    list_display_links = ("number", "content_short")
    list_filter = (
        "plan__province",
        PartnerFilter,
        PeriodFilter,
        "field",
        LeadAgencyFilter,
        "status",
        "plan",
    )
    list_select_related = ("plan", "section")
    list_per_page = 50
    autocomplete_fields = ("plan", "section", "coordinating_agencies", "partners", "origin")
    search_paths = (
        "search_text",
        "lead_agencies__search_text",
        "coordinating_agencies__search_text",
        "partners__search_text",
        "plan__search_text",
    )
    readonly_fields = ("start_date", "end_date", "ongoing", "recurrence", "recurrence_interval")
    inlines = (TaskLeadInline, TargetInline, BudgetLineInline)
    fieldsets = (
        (None, {"fields": ("plan", "section", "position", "number", "content")}),
        (
            _("Đơn vị"),
            {"fields": ("lead_text", "coordinating_agencies", "coordinating_text", "partners")},
        ),
        (
            _("Thời gian"),
            {
                "fields": (
                    "timeframe_text",
                    ("start_date", "end_date"),
                    ("ongoing", "recurrence", "recurrence_interval"),
                )
            },
        ),
        (_("Khác"), {"fields": ("field", "note", "funding_source", "status", "origin")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("leads", queryset=TaskLead.objects.select_related("agency")))
        )

    @admin.display(description=_("nội dung công việc"))
    def content_short(self, obj):
        return obj.content if len(obj.content) <= 120 else obj.content[:119] + "…"

    @admin.display(description=_("đơn vị chủ trì"))
    def lead_display(self, obj):
        return obj.lead_text or "; ".join(lead.agency.display_name for lead in obj.leads.all())
