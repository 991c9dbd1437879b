"""Admin building blocks: pages scoped to the user's province, searched accent-free."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from simple_history.admin import SimpleHistoryAdmin

from .text import search_terms


class AccentFreeSearchMixin:
    """Replaces Django's ``icontains`` search by a search on folded ``search_text`` columns.

    ``search_paths`` name the folded columns to look in; a path through a relation is searched
    with a ``pk__in`` sub-query so that a row never appears twice.
    """

    search_fields = ("search_text",)
    search_paths: tuple[str, ...] = ("search_text",)

    def get_search_results(self, request, queryset, search_term):
        words = search_terms(search_term)
        if not words:
            return queryset, False
        model = queryset.model
        for word in words:
            condition = Q()
            for path in self.search_paths:
                lookup = {f"{path}__contains": word}
                if "__" in path:
                    condition |= Q(pk__in=model._default_manager.filter(**lookup).values("pk"))
                else:
                    condition |= Q(**lookup)
            queryset = queryset.filter(condition)
        return queryset, False


class ProvinceScopedAdmin(AccentFreeSearchMixin, SimpleHistoryAdmin):
    """Coordinators see and edit only their own province's rows."""

    province_path: str = "province"

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        queryset = queryset.filter(**{f"{self.province_path}_id": request.user.province_id})
        # The same rules as the pages: a leader never sees a draft report here either.
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(request.user)
        return queryset

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or self.province_path != "province":
            return fieldsets
        # A coordinator's rows always belong to their own province: no field to get wrong.
        return [
            (name, {**options, "fields": _without(options["fields"], "province")})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if self.province_path == "province" and not request.user.is_superuser:
            obj.province_id = request.user.province_id
        super().save_model(request, obj, form, change)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if not request.user.is_superuser:
            filters = [f for f in filters if f != self.province_path]
        return filters


def _without(fields, name: str) -> list:
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            inner = [f for f in field if f != name]
            if inner:
                kept.append(tuple(inner))
        elif field != name:
            kept.append(field)
    return kept


def scope_foreign_key(request, db_field, kwargs) -> None:
    """Limit a province-owned foreign key's choices to the user's province."""
    if request.user.is_superuser:
        return
    model = db_field.related_model
    field_names = {f.name for f in model._meta.get_fields()}
    if "province" in field_names and db_field.name != "province":
        base = kwargs.get("queryset", model._default_manager.all())
        kwargs["queryset"] = base.filter(province_id=request.user.province_id)
    elif model.__name__ in {"Plan", "Section", "Task"}:
        path = "province_id" if model.__name__ == "Plan" else "plan__province_id"
        base = kwargs.get("queryset", model._default_manager.all())
        kwargs["queryset"] = base.filter(**{path: request.user.province_id})


class ScopedChoicesMixin:
    """Applies ``scope_foreign_key`` to every foreign key and many-to-many field of a form."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreign_key(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope_foreign_key(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    extra = 0
