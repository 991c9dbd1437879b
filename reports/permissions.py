"""May this user see or change this round, report, file or document: decided here only.

Reporters see their own agency's reports; leaders what has been handed in (never a draft, nor a
draft's files); coordinators and administrators the whole province. Getters answer 404 for
missing and forbidden alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from django.http import Http404

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


def workbook_agency_for_user(user: AnyUser, reporting_round: ReportingRound, agency_pk: Any) -> Any:
    """The agency whose report workbook ``user`` may download or hand in for this round: a
    reporter, its own agency; a coordinator of the round's province, any agency of the province
    with a task in the round (it enters reports sent by e-mail or on paper). Anyone else, or an
    agency without a task in the round, gets 404 as for a missing one.

    ``reporting_round`` must come from ``round_get_for_user``."""
    from django.db.models import Q

    from agreements.models import Agency
    from tasks.models import Task

    if not user.is_authenticated:
        raise Http404
    role = getattr(user, "role", None)
    province_id = getattr(user, "province_id", None)
    if role not in (Role.REPORTER, Role.COORDINATOR) or province_id != reporting_round.province_id:
        raise Http404
    agencies = Agency.objects.filter(province_id=reporting_round.province_id)
    if role == Role.REPORTER:
        agencies = agencies.filter(pk=getattr(user, "agency_id", None) or 0)
    agency = get_or_404(agencies, agency_pk)
    in_round = Task.objects.filter(plan__in=reporting_round.plans.all()).filter(
        Q(leads__agency=agency) | Q(coordinating_agencies=agency)
    )
    if not in_round.exists():
        raise Http404
    return agency


def may_use_workbooks(user: AnyUser) -> bool:
    """Report workbooks: reporters (for their agency) and coordinators (for any agency)."""
    return bool(
        user.is_authenticated and getattr(user, "role", None) in (Role.REPORTER, Role.COORDINATOR)
    )
