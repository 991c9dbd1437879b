from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_base import AccentFreeSearchMixin, ProvinceScopedAdmin, ScopedChoicesMixin
from .models import Agency, Agreement, Locality, Meeting


@admin.register(Locality)
class LocalityAdmin(AccentFreeSearchMixin, SimpleHistoryAdmin):
    list_display = ("name", "country", "aliases_display", "successor")
    list_filter = ("country",)
    list_select_related = ("successor",)
    autocomplete_fields = ("successor",)

    @admin.display(description=_("tên gọi khác"))
    def aliases_display(self, obj):
        return "; ".join(obj.aliases)


@admin.register(Agency)
class AgencyAdmin(ScopedChoicesMixin, ProvinceScopedAdmin):
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
class AgreementAdmin(ScopedChoicesMixin, ProvinceScopedAdmin):
    list_display = ("title", "kind", "signed_date", "signed_place", "start_year", "end_year")
    list_filter = ("province", "kind", "partners", "start_year")
    autocomplete_fields = ("partners",)
    date_hierarchy = "signed_date"


@admin.register(Meeting)
class MeetingAdmin(ScopedChoicesMixin, ProvinceScopedAdmin):
    list_display = ("title", "kind", "date", "timeframe_text", "notice_number")
    list_filter = ("province", "kind", "partners")
    autocomplete_fields = ("partners", "agreements")
    exclude = ("start_date", "end_date")
