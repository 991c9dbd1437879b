"""Admin building blocks: pages scoped through the apps' permission modules, searched accent-free.

What a user sees in the admin is what the pages show them: every ModelAdmin and inline reads
the ``SCOPES`` tables of ``agreements/permissions.py``, ``tasks/permissions.py``,
``reports/permissions.py`` and ``accounts/permissions.py`` for its rows, its
foreign-key choices, its autocomplete and its history pages. A model missing from those tables
shows a non-superuser nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .documents import document_touch, province_scope
from .text import search_terms

# The mixins below go in front of a ModelAdmin (or inline) and call its methods through
# super(): for mypy they derive from what they will be mixed into.
if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin
    from simple_history.admin import SimpleHistoryAdmin as _HistoryMixinBase

    _AdminMixinBase = BaseModelAdmin[Any]
else:
    _AdminMixinBase = _HistoryMixinBase = object


def scopes() -> dict[type[Model], Any]:
    """Model → function(user) answering the rows of that model the user may see: the ``SCOPES``
    tables of every installed app's ``permissions`` module, found the way Django finds
    ``admin`` modules (autodiscovery), so this lower app imports no higher one."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    tables: dict[type[Model], Any] = {}
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "permissions"):
            tables.update(getattr(import_module(f"{config.name}.permissions"), "SCOPES", {}))
    return tables


def visible_queryset(model: type[Model], user: Any) -> QuerySet:
    """The rows of ``model`` visible to ``user``; none for a model no permission module knows."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return model._default_manager.all()
    scope = scopes().get(model)
    if scope is None or not (user.is_authenticated and user.is_active):
        return model._default_manager.none()
    return scope(user)


def restrict(queryset: QuerySet, user: Any) -> QuerySet:
    """``queryset`` cut down to the rows its model's permission module lets ``user`` see."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(pk__in=visible_queryset(queryset.model, user).values("pk"))


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


def scope_foreign_key(request, db_field, kwargs) -> None:
    """Limit a foreign key's or many-to-many's choices to the rows the user may see."""
    if request.user.is_superuser:
        return
    model = db_field.related_model
    base = kwargs.get("queryset", model._default_manager.all())
    kwargs["queryset"] = restrict(base, request.user)


class ScopedChoicesMixin(_AdminMixinBase):
    """Applies ``scope_foreign_key`` to every foreign key and many-to-many field of a form."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope_foreign_key(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope_foreign_key(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _may_write(admin: Any, request) -> bool:
    """Writes in the admin: superusers, and administrators of a province (model perms apply).

    Who may enter the admin at all is the site's rule (``coopplan.admin``, from accounts'
    permissions); it is asked again here through the site, so this app imports nothing above it.
    """
    from agreements.permissions import may_coordinate

    return admin.admin_site.has_permission(request) and (
        request.user.is_superuser or may_coordinate(request.user)
    )


class ScopedQuerysetMixin(ScopedChoicesMixin):
    """Rows, choices and write permissions of a ModelAdmin or inline, from the permission rules."""

    def get_queryset(self, request) -> QuerySet:
        return restrict(super().get_queryset(request), request.user)

    def has_add_permission(self, request, *args, **kwargs):
        return _may_write(self, request) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return _may_write(self, request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_write(self, request) and super().has_delete_permission(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects a missing row to the admin index with "doesn't exist"; here missing
        # and another province's answer the same 404 as every page of the app.
        raise Http404


class ScopedHistoryMixin(_HistoryMixinBase):
    """django-simple-history's pages, scoped like the change page and read-only but for superusers.

    ``SimpleHistoryAdmin.history_view`` falls back to the latest historical record when the
    object is not in ``get_queryset``, and ``history_form_view`` saves whatever is POSTed: both
    answer 404 here for an object outside the user's rows, and a POST is refused.
    """

    def _has_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def get_urls(self):
        urls = super().get_urls()
        if self._has_history():
            return urls
        # A model without simple-history (ReminderLog): no version page to offer.
        return [u for u in urls if not str(getattr(u, "name", "")).endswith("_simple_history")]

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        if not self._has_history():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        if request.method != "GET" and not request.user.is_superuser:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True if not request.user.is_superuser else super().revert_disabled(request, obj)


class ScopedHistoryAdmin(ScopedHistoryMixin, ScopedQuerysetMixin, SimpleHistoryAdmin):
    """Base of every project ModelAdmin with history."""

    # The admin writes rows directly, not through the services: after any change here, every
    # document of the editor's province (of every province, for a superuser) is built afresh
    # when next asked for (agreements.documents).
    def _documents_touch(self, request) -> None:
        user = request.user
        document_touch(province_scope(None if user.is_superuser else user.province_id))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._documents_touch(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._documents_touch(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._documents_touch(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._documents_touch(request)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser:
            return filters
        # A related-field filter lists every row of the related table, other provinces' too:
        # list only the values the user's own rows use.
        scoped = []
        for item in filters:
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except (FieldDoesNotExist, admin.utils.NotRelationField):
                    field = None
                if field is not None and field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped


class ProvinceScopedAdmin(AccentFreeSearchMixin, ScopedHistoryAdmin):
    """A province's rows: the province is forced from the user, never a field to get wrong."""

    province_path: str = "province"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or self.province_path != "province":
            return fieldsets
        return [
            (name, {**options, "fields": _without(options["fields"], "province")})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if request.user.is_superuser or self.province_path != "province":
            return form
        return _province_forced(form, request.user.province_id)

    def save_model(self, request, obj, form, change):
        if self.province_path == "province" and not request.user.is_superuser:
            obj.province_id = request.user.province_id
        super().save_model(request, obj, form, change)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if not request.user.is_superuser:
            filters = [
                f for f in filters if (f[0] if isinstance(f, tuple) else f) != self.province_path
            ]
        return filters


def _province_forced(form: type[forms.ModelForm], province_id: int | None) -> type:
    """The form with the user's province set on its row before validation, and the province
    kept in the unique checks although it is no field of the form: "one plan per number in a
    province" is refused on the form with a message, not by the database with a 500."""

    class ProvinceForcedForm(form):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.instance.province_id = province_id

        def _get_validation_exclusions(self) -> set[str]:
            exclude = super()._get_validation_exclusions()
            exclude.discard("province")
            return exclude

    ProvinceForcedForm.__name__ = form.__name__
    return ProvinceForcedForm


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


class ScopedInline(ScopedQuerysetMixin, admin.TabularInline):
    extra = 0


class ReadOnlyScopedInline(ScopedInline):
    """Rows shown for reading: written elsewhere (the app's editors, the report workflow)."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
