"""May this user see or change this round, report, file or document: decided here only.

Reporters see their own agency's reports; leaders what has been handed in (never a draft, nor a
draft's files); coordinators and administrators the whole province. Getters answer 404 for
missing and forbidden alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet

from accounts.models import Role
from agreements.permissions import _scoped, changeable, get_or_404

from .models import (
    Attachment,
    DocumentJob,
    Notification,
    ReminderLog,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
    ReportStatus,
)

if TYPE_CHECKING:
    from accounts.permissions import AnyUser


def may_see_summaries(user: AnyUser) -> bool:
    """Round summaries, reminders, the dashboard: everyone but reporters."""
    return bool(user.is_authenticated and getattr(user, "may_see_dashboard", False))


def rounds_visible_to(user: AnyUser) -> QuerySet[ReportingRound]:
    return _scoped(ReportingRound.objects.all(), user)


def reports_visible_to(user: AnyUser) -> QuerySet[Report]:
    """Reporters see their own agency's reports; leaders what has been handed in (never a draft);
    coordinators and administrators the whole province."""
    if not user.is_authenticated:
        return Report.objects.none()
    if user.is_superuser:
        return Report.objects.all()
    province_id = getattr(user, "province_id", None)
    if province_id is None:
        return Report.objects.none()
    mine = Report.objects.filter(reporting_round__province_id=province_id)
    role = getattr(user, "role", None)
    if role in (Role.COORDINATOR, Role.ADMINISTRATOR):
        return mine
    if role == Role.LEADER:
        return mine.exclude(status=ReportStatus.DRAFT)
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:  # a reporter without an agency (refused by User.clean) sees nothing
        return Report.objects.none()
    return mine.filter(agency_id=agency_id)


def _report_parts(model: type[Model], user: AnyUser) -> QuerySet:
    return model._default_manager.filter(report__in=reports_visible_to(user))


def entries_visible_to(user: AnyUser) -> QuerySet[ReportEntry]:
    return _report_parts(ReportEntry, user)


def events_visible_to(user: AnyUser) -> QuerySet[ReportEvent]:
    return _report_parts(ReportEvent, user)


def attachments_visible_to(user: AnyUser) -> QuerySet[Attachment]:
    return _report_parts(Attachment, user)


def reminder_logs_visible_to(user: AnyUser) -> QuerySet[ReminderLog]:
    if not may_see_summaries(user):
        return ReminderLog.objects.none()
    return ReminderLog.objects.filter(reporting_round__in=rounds_visible_to(user))


def document_jobs_visible_to(user: AnyUser) -> QuerySet[DocumentJob]:
    if not may_see_summaries(user):
        return DocumentJob.objects.none()
    return DocumentJob.objects.filter(reporting_round__in=rounds_visible_to(user))


def notifications_visible_to(user: AnyUser) -> QuerySet[Notification]:
    """A person's own notifications, and no one else's (not even an administrator's)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def notification_get_for_user(user: AnyUser, pk: Any) -> Notification:
    return get_or_404(notifications_visible_to(user), pk)


def round_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> ReportingRound:
    queryset = rounds_visible_to(user)
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


def report_get_for_user(user: AnyUser, pk: Any) -> Report:
    queryset = reports_visible_to(user).select_related("reporting_round", "agency", "entered_by")
    return get_or_404(queryset, pk)


def task_entries_for_user(user: AnyUser, task: Any) -> QuerySet[ReportEntry]:
    """What the reports this user may read say about ``task``, newest round first."""
    return (
        entries_visible_to(user)
        .filter(task=task)
        .select_related("report__reporting_round", "report__agency")
        .order_by("-report__reporting_round__period_end", "-report__reporting_round__pk", "pk")
    )


def attachment_get_for_user(user: AnyUser, pk: Any) -> Attachment:
    return get_or_404(attachments_visible_to(user).select_related("report"), pk)


def document_job_get_for_user(user: AnyUser, pk: Any) -> DocumentJob:
    return get_or_404(document_jobs_visible_to(user), pk)


SCOPES: dict[type[Model], Any] = {
    ReportingRound: rounds_visible_to,
    Report: reports_visible_to,
    ReportEntry: entries_visible_to,
    ReportEvent: events_visible_to,
    Attachment: attachments_visible_to,
    ReminderLog: reminder_logs_visible_to,
    DocumentJob: document_jobs_visible_to,
}


def attachment_get_for_change(user: Any, pk: Any) -> Attachment:
    """A report's file, for someone who may edit that report: a reporter of its agency, or a
    coordinator of its province (who enters a paper report on an agency's behalf). Anyone else
    gets 404, as for a file that does not exist. Whether the report is still being written is
    the service's rule (reports.services.attachment_remove)."""
    queryset = attachments_visible_to(user)
    if getattr(user, "role", None) not in (Role.REPORTER, Role.COORDINATOR):
        queryset = queryset.none()
    return get_or_404(queryset.select_related("report__reporting_round"), pk)
