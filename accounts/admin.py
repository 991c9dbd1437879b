"""Users in the admin: a superuser manages everyone; a province administrator its own people.

An administrator never sees the superuser, staff, group or permission fields, nor the province
(forced to its own), picks agencies of its province only, and never sees a superuser or another
province's users. The rules are ``accounts.services.user_scope_check``'s, the same the /people/
pages follow.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agreements.admin_base import ScopedHistoryMixin, ScopedQuerysetMixin
from agreements.forms import form_add_errors
from agreements.history import history_note

from .models import User
from .roles import user_apply_role
from .services import user_scope_check

PROVINCE_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    (_("Thông tin cá nhân"), {"fields": ("first_name", "last_name", "email")}),
    (_("Vai trò"), {"fields": ("role", "agency", "is_active")}),
    (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
)
PROVINCE_ADD_FIELDSETS = (
    (
        None,
        {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")},
    ),
    (_("Vai trò"), {"fields": ("first_name", "last_name", "email", "role", "agency")}),
)


@admin.register(User)
class UserAdmin(ScopedHistoryMixin, ScopedQuerysetMixin, DjangoUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "province", "agency", "is_active")
    list_filter = ("role", "province", "is_active")
    list_select_related = ("province", "agency")
    autocomplete_fields = ("agency",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Vai trò"), {"fields": ("role", "province", "agency")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Vai trò"), {"fields": ("email", "role", "province", "agency")}),
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = PROVINCE_ADD_FIELDSETS
            if "usable_password" not in self.add_form.base_fields:
                fieldsets = (
                    (None, {"fields": ("username", "password1", "password2")}),
                    *fieldsets[1:],
                )
            return fieldsets
        return PROVINCE_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["last_login", "date_joined"]
        return readonly

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return self.list_filter
        return ("role", "is_active", ("agency", admin.RelatedOnlyFieldListFilter))

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return tuple(f for f in self.list_display if f != "province")

    def has_delete_permission(self, request, obj=None):
        # A province's people are locked (deactivated), not deleted: their history stays.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[User]]:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if request.user.is_superuser:
            return form_class
        actor = cast(User, request.user)  # the admin lets in only staff, never anonymous
        before = User.objects.get(pk=obj.pk) if obj is not None else None

        # A subclass of the form Django built for this request: mypy cannot follow a base class
        # that is a variable.
        class ScopedUserForm(form_class):  # type: ignore[valid-type,misc]
            def _post_clean(self):
                # The province is not a field: it is the administrator's own, set before the
                # model's own checks (agency in the province, email required) run.
                self.instance.province_id = actor.province_id
                self.instance.is_superuser = False
                super()._post_clean()
                try:
                    user_scope_check(actor=actor, user=self.instance, before=before)
                except ValidationError as error:
                    form_add_errors(self, error)

        ScopedUserForm.__name__ = form_class.__name__
        return ScopedUserForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.province_id = request.user.province_id
            obj.is_superuser = False
        history_note(obj, user=request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not request.user.is_superuser:
            obj.user_permissions.clear()
        user_apply_role(obj)
