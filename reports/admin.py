from django.contrib import admin

from agreements.admin_base import ProvinceScopedAdmin, ScopedChoicesMixin

from .models import ReportingRound


@admin.register(ReportingRound)
class ReportingRoundAdmin(ScopedChoicesMixin, ProvinceScopedAdmin):
    list_display = (
        "request_number",
        "request_date",
        "deadline",
        "period_start",
        "period_end",
        "status",
    )
    list_filter = ("province", "status")
    autocomplete_fields = ("plans",)
    date_hierarchy = "deadline"
