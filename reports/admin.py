from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agreements.admin_base import ProvinceScopedAdmin, ReadOnlyScopedInline
from agreements.forms import form_add_errors

from . import notifications
from .models import (
    Attachment,
    ReminderLog,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
    RoundStatus,
)
from .services import round_check, round_lock_for_status_change


@admin.register(ReportingRound)
class ReportingRoundAdmin(ProvinceScopedAdmin):
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

    def get_exclude(self, request, obj=None):
        # A new round is opened, as on the round page; it is closed later, on its own change page.
        return ("created_by",) if obj is not None else ("created_by", "status")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        actor = request.user

        # A subclass of the form Django built for this request: mypy cannot follow a base class
        # that is a variable.
        class RoundAdminForm(form_class):  # type: ignore[valid-type,misc]
            def _post_clean(self):
                # The province is the administrator's own (not a field): set before the checks.
                if not actor.is_superuser:
                    self.instance.province_id = actor.province_id
                super()._post_clean()
                if self.errors:
                    return  # the model's own messages, once
                try:
                    round_check(
                        reporting_round=self.instance, plans=self.cleaned_data.get("plans", ())
                    )
                except ValidationError as error:
                    form_add_errors(self, error)

        RoundAdminForm.__name__ = form_class.__name__
        return RoundAdminForm

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                obj.created_by = request.user
            elif "status" in form.changed_data:
                # Like reports.services.round_close: a report step in flight finishes first.
                round_lock_for_status_change(reporting_round=obj)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A round opened here tells its agencies as one opened on the round page does; its
        # plans are saved only now.
        if not change and form.instance.status == RoundStatus.OPEN:
            notifications.notify_round_opened(reporting_round=form.instance, actor=request.user)


class EntryInline(ReadOnlyScopedInline):
    """Read-only here: reports are written in the browser form, where the workflow applies."""

    model = ReportEntry
    fields = ("task", "role", "status", "result", "funds_spent")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task")


class EventInline(ReadOnlyScopedInline):
    model = ReportEvent
    fields = ("at", "action", "user", "on_behalf", "comment")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Report)
class ReportAdmin(ProvinceScopedAdmin):
    province_path = "reporting_round__province"
    list_display = ("agency", "reporting_round", "status", "on_behalf", "submitted_at")
    list_filter = ("status", "on_behalf", "reporting_round")
    list_select_related = ("agency", "reporting_round")
    search_paths = ("agency__search_text", "reporting_round__search_text")
    autocomplete_fields = ("agency", "reporting_round")
    readonly_fields = ("status", "entered_by", "on_behalf", "version", "submitted_at")
    inlines = (EntryInline, EventInline)


@admin.register(Attachment)
class AttachmentAdmin(ProvinceScopedAdmin):
    province_path = "report__reporting_round__province"
    list_display = ("original_name", "kind", "report", "size", "uploaded_at")
    list_select_related = ("report__agency", "report__reporting_round")
    list_filter = ("kind",)
    search_paths = ("report__agency__search_text",)
    readonly_fields = (
        "report",
        "entry",
        "kind",
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
    )

    def has_add_permission(self, request):
        return False  # files come in through the report form, where they are checked

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(ReminderLog)
class ReminderLogAdmin(ProvinceScopedAdmin):
    province_path = "reporting_round__province"
    list_display = ("agency", "reporting_round", "day", "recipients")
    list_select_related = ("agency", "reporting_round")
    list_filter = ("day",)
    search_paths = ("agency__search_text",)

    # A log of what was sent: read, never written, but by a superuser.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.display(description=_("người nhận"))
    def recipients_short(self, obj):
        return obj.recipients[:80]
