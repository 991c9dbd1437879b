from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_base import AccentFreeSearchMixin, ProvinceScopedAdmin, ScopedHistoryAdmin
from .models import Agency, Agreement, Locality, Meeting
from .permissions import may_change_localities


@admin.register(Locality)
class LocalityAdmin(AccentFreeSearchMixin, ScopedHistoryAdmin):
    """Shared reference data: administrators read it, only a superuser changes it."""

    list_display = ("name", "country", "aliases_display", "successor")
    list_filter = ("country",)
    list_select_related = ("successor",)
    autocomplete_fields = ("successor",)

    def has_add_permission(self, request):
        return may_change_localities(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_change_localities(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_change_localities(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description=_("tên gọi khác"))
    def aliases_display(self, obj):
        return "; ".join(obj.aliases)


@admin.register(Agency)
class AgencyAdmin(ProvinceScopedAdmin):
    list_display = ("name", "short_name", "kind", "province", "active", "successor")
    list_filter = ("province", "kind", "active")
    list_select_related = ("province", "successor")
    autocomplete_fields = ("successor",)
    fields = (
        "province",
        "name",
        "short_name",
        "aliases",
        "kind",
        "email",
        "active",
        "successor",
        "successor_since",
    )


@admin.register(Agreement)
class AgreementAdmin(ProvinceScopedAdmin):
    list_display = ("title", "kind", "signed_date", "signed_place", "start_year", "end_year")
    list_filter = ("province", "kind", "partners", "start_year")
    autocomplete_fields = ("partners",)
    date_hierarchy = "signed_date"


@admin.register(Meeting)
class MeetingAdmin(ProvinceScopedAdmin):
    list_display = ("title", "kind", "date", "timeframe_text", "notice_number")
    list_filter = ("province", "kind", "partners")
    autocomplete_fields = ("partners", "agreements")
    exclude = ("start_date", "end_date")
