"""The back office: one AdminSite that only superusers and province administrators enter.

Every admin view, the ones packages add included, goes through ``admin_view`` and so through
``has_permission``. A package's ModelAdmin (django-axes, django-tasks-db, auth's Group) is
wrapped on registration so that only a superuser sees it; the project's own ModelAdmins are
scoped through the apps' permission modules (``agreements/admin_base.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import Http404
from django.urls import path

# The mixin goes in front of a ModelAdmin and calls its methods through super(): for mypy it
# derives from what it will be mixed into.
if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    _AdminMixinBase = BaseModelAdmin[Any]
else:
    _AdminMixinBase = object

# The project's apps: their ModelAdmins scope themselves. Any other app's model is a
# superuser's business only.
PROJECT_APPS = ("accounts", "agreements", "tasks", "reports", "backup")


class SuperuserOnlyAdminMixin(_AdminMixinBase):
    """A package's admin page: a superuser's tool, invisible to a province administrator."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args, **kwargs):
        return (
            request.user.is_active
            and request.user.is_superuser
            and super().has_add_permission(request, *args, **kwargs)
        )

    def has_change_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_superuser
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_superuser
            and super().has_delete_permission(request, obj)
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404  # as the project's own pages: missing and forbidden answer alike


class CoopplanAdminSite(admin.AdminSite):
    site_header = "coopplan: Kế hoạch hợp tác quốc tế"
    site_title = "coopplan"
    index_title = "Quản trị dữ liệu"

    def has_permission(self, request):
        from accounts.permissions import may_enter_admin

        return may_enter_admin(request.user)

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: Any = None,
        **options: Any,
    ) -> None:
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        )
        for model in models:
            cls = admin_class or admin.ModelAdmin
            if model._meta.app_label not in PROJECT_APPS and not issubclass(
                cls, SuperuserOnlyAdminMixin
            ):
                cls = type(
                    cls.__name__, (SuperuserOnlyAdminMixin, cls), {"__module__": cls.__module__}
                )
            super().register(model, cls, **options)

    def get_urls(self):
        urls = super().get_urls()
        # "View on site" resolves any object of any content type: answer only for an object the
        # user's ModelAdmin lists, and 404 for everything else.
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404
        if model_admin.get_object(request, object_id) is None:
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
