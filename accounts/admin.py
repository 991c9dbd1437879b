from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import user_apply_role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "province", "agency", "is_active")
    list_filter = ("role", "province", "is_active")
    list_select_related = ("province", "agency")
    autocomplete_fields = ("agency",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Vai trò"), {"fields": ("role", "province", "agency")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Vai trò"), {"fields": ("email", "role", "province", "agency")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(province_id=request.user.province_id)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_apply_role(obj)
