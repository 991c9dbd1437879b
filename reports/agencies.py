"""Agency housekeeping that touches every app: merging two records of one body.

It lives here, in the app at the top of the dependency chain, because a merge moves tasks (tasks
app), users (accounts) and reports (this app) alike.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.documents import document_touch, province_scope
from agreements.history import history_bulk_record, history_note
from agreements.models import Agency
from agreements.text import fold
from tasks.models import Task, TaskLead
from tasks.services import task_coordinating_repoint, task_leads_repoint, tasks_resave

from .models import ReminderLog, Report


@transaction.atomic
def agency_merge(*, keep: Agency, duplicate: Agency, user=None) -> dict[str, int]:
    """Fold ``duplicate`` into ``keep``: its tasks, users and reports follow; its names become
    aliases of ``keep``; then it is deleted (its change history stays readable)."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Hãy chọn hai cơ quan khác nhau."))
    if keep.province_id != duplicate.province_id:
        raise ValidationError(_("Chỉ gộp được hai cơ quan của cùng một tỉnh."))
    document_touch(province_scope(keep.province_id))
    clashes = Report.objects.filter(agency=duplicate, reporting_round__reports__agency=keep)
    if clashes.exists():
        rounds = ", ".join(sorted({r.reporting_round.request_number for r in clashes}))
        raise ValidationError(
            _(
                "Cả hai cơ quan đều đã có báo cáo trong đợt %(rounds)s: hãy xóa hoặc gộp tay một "
                "trong hai báo cáo trước."
            )
            % {"rounds": rounds}
        )
    reason = _("Gộp %(dup)s vào %(keep)s") % {"dup": duplicate.name, "keep": keep.name}
    # A fixed number of statements however many rows follow: one read, one write and one
    # history insert per table, the same history records as one save each.
    led = list(
        Task.objects.filter(leads__agency=duplicate)
        .select_related("plan")  # a saved task re-reads its timeframe against the plan
        .order_by("pk")
    )
    task_leads_repoint(tasks=led, old=duplicate, new=keep)
    for task in led:
        history_note(task, user=user, reason=reason)
    tasks_resave(led)
    coordinated = list(Task.objects.filter(coordinating_agencies=duplicate).order_by("pk"))
    task_coordinating_repoint(tasks=coordinated, old=duplicate, new=keep)
    members = list(User.objects.filter(agency=duplicate).order_by("pk"))
    User.objects.filter(pk__in=[member.pk for member in members]).update(agency=keep)
    for member in members:
        member.agency = keep
    history_bulk_record(members, "~")
    reports = list(Report.objects.filter(agency=duplicate).order_by("pk"))
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(agency=keep)
    for report in reports:
        report.agency = keep
        history_note(report, user=user)
    history_bulk_record(reports, "~")
    counts = {
        "tasks": len(led),
        "coordinated": len(coordinated),
        "users": len(members),
        "reports": len(reports),
    }
    ReminderLog.objects.filter(agency=duplicate).delete()
    Agency.objects.filter(successor=duplicate).update(successor=keep)
    known = keep.name_keys()
    for name in [duplicate.name, duplicate.short_name, *duplicate.aliases]:
        if name and fold(name) not in known:
            keep.aliases = [*keep.aliases, name]
            known.add(fold(name))
    history_note(keep, user=user, reason=reason)
    keep.save()
    assert not TaskLead.objects.filter(agency=duplicate).exists()  # noqa: S101 - invariant
    history_note(duplicate, user=user, reason=reason)
    duplicate.delete()
    return counts
