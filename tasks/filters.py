"""Filters for task lists, shared by pages and (later) exports."""

from __future__ import annotations

from typing import cast

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.choices import AnyYesNoSelect
from agreements.documents import kept_while_unchanged
from agreements.models import Agency, Locality, Plan, PlanKind, PlanStatus
from agreements.permissions import agencies_visible_to, plans_visible_to, visibility_key
from agreements.suggest import SuggestChoiceFilter, agency_widget, plan_widget
from agreements.text import search_terms

from .models import Task, TaskLead, TaskStatus
from .permissions import tasks_visible_to


def task_field_choices(user) -> list[tuple[str, str]]:
    """The fields (lĩnh vực) of the tasks ``user`` may see, as the filter offers them: read
    across every plan, so kept while nothing changes (``kept_while_unchanged``)."""

    def read() -> list[tuple[str, str]]:
        # Without order_by(), Task's default ordering joins the DISTINCT: one row per task.
        fields = (
            tasks_visible_to(user)
            .exclude(field="")
            .order_by("field")
            .values_list("field", flat=True)
            .distinct()
        )
        return sorted({(f, f) for f in fields})

    return kept_while_unchanged("task-fields", (user.pk, visibility_key(user)), read)


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (không cần dấu)"), method="filter_search")
    # Agencies and plans are typed with server suggestions: a national list has thousands.
    plan = SuggestChoiceFilter(
        label=_("Kế hoạch"), queryset=Plan.objects.none(), widget=plan_widget()
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Đối tác"), queryset=Locality.objects.none(), method="filter_partner"
    )
    field = django_filters.ChoiceFilter(label=_("Lĩnh vực"), choices=[], method="filter_field")
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=TaskStatus.choices)
    lead = SuggestChoiceFilter(
        label=_("Đơn vị chủ trì"),
        queryset=Agency.objects.none(),
        method="filter_lead",
        widget=agency_widget(),
    )
    coordinating = SuggestChoiceFilter(
        label=_("Đơn vị phối hợp"),
        queryset=Agency.objects.none(),
        method="filter_coordinating",
        widget=agency_widget(),
    )
    due_before = django_filters.DateFilter(
        label=_("Hạn trước ngày"), field_name="end_date", lookup_expr="lte"
    )
    overdue = django_filters.BooleanFilter(
        label=_("Quá hạn"), method="filter_overdue", widget=AnyYesNoSelect
    )
    due_soon = django_filters.BooleanFilter(
        label=_("Đến hạn trong 90 ngày"), method="filter_due_soon", widget=AnyYesNoSelect
    )
    order = django_filters.OrderingFilter(
        label=_("Sắp xếp"),
        empty_label=_("— Mặc định —"),
        fields=(("end_date", "end"), ("status", "status"), ("plan__date", "plan")),
        field_labels={"end": _("Hạn"), "status": _("Trạng thái"), "plan": _("Kế hoạch")},
    )

    class Meta:
        model = Task
        fields = [
            "q",
            "plan",
            "partner",
            "field",
            "status",
            "lead",
            "coordinating",
            "due_before",
            "overdue",
            "due_soon",
            "order",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = plans_visible_to(user)
        agencies = agencies_visible_to(user)
        for name, queryset in (("plan", plans), ("lead", agencies), ("coordinating", agencies)):
            choice = cast(SuggestChoiceFilter, self.filters[name])
            choice.queryset = queryset
            # Someone who sees several provinces picks "Sở Ngoại vụ (Quảng Trị)".
            choice.extra["with_province"] = bool(user.is_superuser)
        cast(django_filters.ModelChoiceFilter, self.filters["partner"]).queryset = (
            Locality.objects.filter(partner_plans__in=plans).distinct().order_by("name")
        )
        self.filters["field"].extra["choices"] = task_field_choices(user)

    def filter_search(self, queryset, name, value):
        for word in search_terms(value):
            queryset = queryset.filter(
                Q(search_text__contains=word)
                | Q(
                    pk__in=TaskLead.objects.filter(agency__search_text__contains=word).values(
                        "task_id"
                    )
                )
                | Q(
                    pk__in=Task.partners.through.objects.filter(
                        locality__search_text__contains=word
                    ).values("task_id")
                )
            )
        return queryset

    def filter_partner(self, queryset, name, value):
        return queryset.with_partner(value)

    def filter_field(self, queryset, name, value):
        return queryset.filter(field__iexact=value)

    def filter_lead(self, queryset, name, value):
        return queryset.filter(pk__in=TaskLead.objects.filter(agency=value).values("task_id"))

    def filter_coordinating(self, queryset, name, value):
        through = Task.coordinating_agencies.through.objects.filter(agency=value)
        return queryset.filter(pk__in=through.values("task_id"))

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_due_soon(self, queryset, name, value):
        soon = queryset.due_soon(timezone.localdate())
        return soon if value else queryset.exclude(pk__in=soon.values("pk"))


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (không cần dấu)"), method="filter_search")
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh"), queryset=Locality.objects.filter(country="VN").order_by("name")
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Đối tác"), queryset=Locality.objects.none(), method="filter_partner"
    )
    year = django_filters.NumberFilter(label=_("Năm"), method="filter_year")
    status = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=PlanStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Loại văn bản"), choices=PlanKind.choices)

    class Meta:
        model = Plan
        fields = ["q", "province", "partner", "year", "status", "kind"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_superuser:
            # Everyone else sees one province only: the choice would be noise.
            del self.filters["province"]
        cast(django_filters.ModelChoiceFilter, self.filters["partner"]).queryset = (
            Locality.objects.filter(partner_plans__in=plans_visible_to(user))
            .distinct()
            .order_by("name")
        )

    def filter_search(self, queryset, name, value):
        for word in search_terms(value):
            queryset = queryset.filter(
                Q(search_text__contains=word)
                | Q(
                    pk__in=Plan.partners.through.objects.filter(
                        locality__search_text__contains=word
                    ).values("plan_id")
                )
            )
        return queryset

    def filter_partner(self, queryset, name, value):
        return queryset.filter(
            pk__in=Plan.partners.through.objects.filter(locality=value).values("plan_id")
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)
