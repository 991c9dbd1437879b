"""The reporting workflow: open a round, draft, submit, return, accept. Every step is recorded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from agreements.documents import document_touch, plan_status_scope, round_scope
from agreements.history import history_bulk_update, history_note
from agreements.models import Agency, Plan
from agreements.uploads import upload_validate
from tasks.models import Task

from . import notifications
from .models import (
    Attachment,
    EntryRole,
    EventAction,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
    ReportStatus,
    RoundStatus,
)
from .selectors import round_tasks

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.permissions import AnyUser

GENERAL_FIELDS = (
    "delegations_out",
    "delegations_out_officials",
    "delegations_in",
    "agreements_signed",
    "trade_investment",
    "one_stop_border",
    "culture_education_health_science",
    "security_remains",
    "funds_state_budget",
    "funds_other",
    "difficulties",
    "proposals",
    "next_period_proposals",
)
# Numbers a submitted report must give, even if zero: the summary adds them up.
REQUIRED_GENERAL = (
    "delegations_out",
    "delegations_out_officials",
    "delegations_in",
    "funds_state_budget",
    "funds_other",
)
ENTRY_FIELDS = ("status", "result", "funds_spent", "actuals", "remarks")


class ReportConflict(Exception):
    """Someone saved the report after this user opened it; nothing was overwritten."""

    def __init__(self, report: Report):
        self.report = report
        last = report.events.select_related("user").order_by("-at", "-pk").first()
        who = (
            last.user.get_full_name() or last.user.username
            if last and last.user
            else _("người khác")
        )
        when = timezone.localtime(report.updated_at).strftime("%H:%M %d/%m/%Y")
        super().__init__(
            _(
                "Báo cáo vừa được %(who)s lưu lúc %(when)s trong khi bạn đang sửa. Để không ghi "
                "đè bản đó, phần bạn nhập CHƯA được lưu; nó vẫn còn trong biểu mẫu dưới đây. "
                "Hãy mở báo cáo ở thẻ khác để xem bản mới, rồi nhập lại phần cần sửa."
            )
            % {"who": who, "when": when}
        )


class RoundClosed(PermissionDenied):
    def __init__(self, reporting_round: ReportingRound):
        super().__init__(
            _("Đợt báo cáo %(number)s đã đóng, không nhận thêm báo cáo.")
            % {"number": reporting_round.request_number}
        )


class ReportStateChanged(PermissionDenied):
    """The report is no longer in the state the step starts from (someone acted first)."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            _(
                "Báo cáo của %(agency)s hiện ở trạng thái «%(status)s» (có thể người khác vừa "
                "thao tác); thao tác của bạn chưa được thực hiện. Hãy tải lại trang để xem."
            )
            % {"agency": report.agency.name, "status": report.get_status_display()}
        )


class ReportIncomplete(ValidationError):
    """A submission missing required fields: the message names every one of them."""


@dataclass(frozen=True)
class NewAttachment:
    """A file handed in with a report: its kind and, for evidence, the entry it backs."""

    upload: UploadedFile
    kind: str
    entry: ReportEntry | None = None


# -- rounds -----------------------------------------------------------------------------------


def round_check(*, reporting_round: ReportingRound, plans: Iterable[Plan]) -> None:
    """What a round must satisfy however it is written (opened on the round page, added or
    changed in the admin): the model's rules (dates in order, a request number once per
    province) and plans of its own province.

    Raises one ValidationError naming every field at fault.
    """
    errors: dict[str, list] = {}
    try:
        reporting_round.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if any(plan.province_id != reporting_round.province_id for plan in plans):
        errors.setdefault("plans", []).append(
            _("Kế hoạch được báo cáo phải thuộc cùng tỉnh với đợt báo cáo.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_open(
    *,
    user: User,
    request_number: str,
    request_date: date,
    plans: Iterable[Plan],
    period_start: date,
    period_end: date,
    deadline: date,
    summary: str = "",
    outline: list | None = None,
    requesting_body: str = "",
) -> ReportingRound:
    """Open a round of the user's province asking for reports on ``plans`` by ``deadline``."""
    if not user.may_coordinate or user.province_id is None:  # a round is of one's own province
        raise PermissionDenied
    plans = list(plans)
    # Another province's plan can only come from a forged id: refused as such, before the rules.
    if any(plan.province_id != user.province_id for plan in plans):
        raise PermissionDenied
    reporting_round = ReportingRound(
        province_id=user.province_id,
        request_number=request_number,
        request_date=request_date,
        summary=summary,
        requesting_body=requesting_body.strip(),
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        outline=outline or [],
        status=RoundStatus.OPEN,
        created_by=user,
    )
    round_check(reporting_round=reporting_round, plans=plans)
    reporting_round.save()
    reporting_round.plans.set(plans)
    notifications.notify_round_opened(reporting_round=reporting_round, actor=user)

    document_touch(round_scope(reporting_round.pk))  # a reused id never finds an older file
    return reporting_round


@transaction.atomic
def round_close(*, reporting_round: ReportingRound, user: User) -> ReportingRound:
    """Close the round: no report of it may be saved, submitted or reviewed into it after."""
    document_touch(round_scope(reporting_round.pk))
    if not user.may_coordinate or user.province_id != reporting_round.province_id:
        raise PermissionDenied
    locked = round_lock_for_status_change(reporting_round=reporting_round)
    if locked.status == RoundStatus.CLOSED:
        raise RoundClosed(locked)
    locked.status = RoundStatus.CLOSED
    history_note(locked, user=user)
    locked.full_clean()
    locked.save(update_fields=["status"])
    reporting_round.status = locked.status
    return locked


def round_lock_for_status_change(*, reporting_round: ReportingRound) -> ReportingRound:
    """Lock the round and every report of it (in that order), inside the caller's transaction.

    A report step locks its report and then reads the round's status afresh, so a step that
    started before the close finishes first, and one that starts after sees the round closed.

    Every row lock of the services is FOR NO KEY UPDATE (``no_key=True``): it serialises the
    steps that change a row as FOR UPDATE would, but lets another transaction insert a row that
    refers to it (a report step's notification names the round: a foreign-key check takes FOR
    KEY SHARE on the round, which FOR UPDATE would block, crossing the close's lock on the
    report it waits for: a deadlock).
    """
    locked = ReportingRound.objects.select_for_update(no_key=True).get(pk=reporting_round.pk)
    list(
        Report.objects.select_for_update(no_key=True)
        .filter(reporting_round=locked)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return locked


# -- reports ----------------------------------------------------------------------------------


def report_sync_entries(report: Report) -> None:
    """One entry per task in scope the agency leads or coordinates (tasks may be added later)."""
    scope = round_tasks(report.reporting_round)
    led = set(scope.filter(leads__agency=report.agency).values_list("pk", flat=True))
    coordinated = set(
        scope.filter(coordinating_agencies=report.agency).values_list("pk", flat=True)
    )
    existing = set(report.entries.values_list("task_id", flat=True))
    ReportEntry.objects.bulk_create(
        [
            ReportEntry(
                report=report,
                task_id=task_id,
                role=EntryRole.LEAD if task_id in led else EntryRole.COORDINATING,
            )
            for task_id in sorted((led | coordinated) - existing)
        ]
    )


@transaction.atomic
def report_start(*, reporting_round: ReportingRound, agency: Agency, user: User) -> Report:
    """The agency's report for the round, created on first use; a closed round takes no new one."""
    if not Report.objects.filter(reporting_round=reporting_round, agency=agency).exists():
        # Creating: the round's status is read under its lock, so a close cannot slip between.
        current = ReportingRound.objects.select_for_update(no_key=True).get(pk=reporting_round.pk)
        if current.status == RoundStatus.CLOSED:
            raise RoundClosed(current)
    report, created = Report.objects.get_or_create(
        reporting_round=reporting_round,
        agency=agency,
        defaults={"entered_by": user, "on_behalf": user.agency_id != agency.pk},
    )
    if created:
        document_touch(round_scope(reporting_round.pk))  # the summary lists who is drafting
        ReportEvent.objects.create(
            report=report, action=EventAction.CREATED, user=user, on_behalf=report.on_behalf
        )
    report_sync_entries(report)
    return report


def report_can_edit(user: AnyUser, report: Report) -> bool:
    if not report.editable or not user.is_authenticated:
        return False
    if report.reporting_round.status == RoundStatus.CLOSED:
        return False
    if report.reporting_round.province_id != user.province_id:
        return False
    if user.role == Role.REPORTER:
        return user.agency_id == report.agency_id
    return user.role == Role.COORDINATOR


def report_can_review(user: AnyUser, report: Report) -> bool:
    return (
        user.is_authenticated
        and user.role in (Role.COORDINATOR, Role.ADMINISTRATOR)
        and report.reporting_round.province_id == user.province_id
        and report.status == ReportStatus.SUBMITTED
    )


def _lock(report: Report, version: int | None) -> Report:
    """The report's row, locked, with its round read afresh after the lock was granted.

    Every step checks its starting state on what this returns, never on the object the view
    loaded earlier: two steps posted at the same moment then run one after the other, and the
    second sees what the first did.
    """
    locked = Report.objects.select_for_update(of=("self",), no_key=True).get(pk=report.pk)
    # A new query after the lock: under READ COMMITTED it sees a close committed meanwhile.
    locked.reporting_round = ReportingRound.objects.get(pk=locked.reporting_round_id)
    if version is not None and locked.version != version:
        raise ReportConflict(locked)
    return locked


def _lock_editable(report: Report, user: User, version: int | None) -> Report:
    locked = _lock(report, version)
    if locked.reporting_round.status == RoundStatus.CLOSED:
        raise RoundClosed(locked.reporting_round)
    if not locked.editable:
        raise ReportStateChanged(locked)
    if not report_can_edit(user, locked):
        raise PermissionDenied
    return locked


def _lock_reviewable(report: Report, user: User) -> Report:
    locked = _lock(report, None)
    if locked.status != ReportStatus.SUBMITTED:
        raise ReportStateChanged(locked)
    # A closed round's submitted reports may still be reviewed: no round check here.
    if not report_can_review(user, locked):
        raise PermissionDenied
    return locked


def _event(report: Report, action: str, user: User, comment: str = "") -> None:
    ReportEvent.objects.create(
        report=report,
        action=action,
        user=user,
        comment=comment,
        on_behalf=user.agency_id != report.agency_id,
    )


@transaction.atomic
def report_save(
    *,
    report: Report,
    user: User,
    version: int,
    general: Mapping[str, object],
    entries: Mapping[int, Mapping[str, object]] | None = None,
    attachments: Sequence[NewAttachment] = (),
) -> Report:
    """Save a draft and the files handed in with it, all or nothing.

    Refused if someone saved since ``version`` was read: nothing is overwritten. A file that is
    not what its name says refuses the whole save (see ``attachment_add``).
    """
    if not report_can_edit(user, report):
        raise PermissionDenied
    locked = _lock_editable(report, user, version)
    for name in GENERAL_FIELDS:
        if name in general:
            setattr(locked, name, general[name])
    if user.agency_id != locked.agency_id:
        locked.on_behalf = True
        locked.entered_by = user
    locked.version += 1
    history_note(locked, user=user)
    # The round and the agency are the locked row's own (unchanged, so the one-report-per-agency
    # rule holds as before) and the one entering it is the signed-in user: their existence and
    # uniqueness checks, a query each, are skipped; every field's own rules run.
    locked.full_clean(
        exclude=["reporting_round", "agency", "entered_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    locked.save()
    if entries:
        by_id = {e.pk: e for e in locked.entries.select_for_update(no_key=True)}
        changed: list[ReportEntry] = []
        changed_fields: set[str] = set()
        for entry_id, values in entries.items():
            entry = by_id.get(entry_id)
            if entry is None:
                raise PermissionDenied  # an entry of another report: a forged form
            names = [
                name
                for name in ENTRY_FIELDS
                if name in values and getattr(entry, name) != values[name]
            ]
            if names:
                for name in names:
                    setattr(entry, name, values[name])
                history_note(entry, user=user)
                # The entry's report and task are those it was read with (selected by this
                # report) and never change here: their existence and uniqueness checks, three
                # queries an entry, are skipped; every field's own rules run.
                entry.full_clean(
                    exclude=["report", "task"], validate_unique=False, validate_constraints=False
                )
                changed.append(entry)
                changed_fields.update(names)
        # One UPDATE for every changed entry and one INSERT of their history records.
        history_bulk_update(changed, [name for name in ENTRY_FIELDS if name in changed_fields])
    _event(locked, EventAction.SAVED, user)
    for attachment in attachments:
        attachment_add(
            report=locked,
            user=user,
            upload=attachment.upload,
            kind=attachment.kind,
            entry=attachment.entry,
        )
    return locked


def report_missing_fields(report: Report) -> list[str]:
    """Human names of what a submission still lacks, in form order."""
    return [label for _entry, _field, label in report_gaps(report)]


@transaction.atomic
def report_submit(*, report: Report, user: User, version: int | None = None) -> Report:
    document_touch(round_scope(report.reporting_round_id))
    if not report_can_edit(user, report):
        raise PermissionDenied
    locked = _lock_editable(report, user, version)
    missing = report_missing_fields(locked)
    if missing:
        raise ReportIncomplete(
            _("Chưa nộp được, còn thiếu: %(fields)s.") % {"fields": "; ".join(missing)}
        )
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    history_note(locked, user=user)
    locked.save()
    _event(locked, EventAction.SUBMITTED, user)
    notifications.notify_report_submitted(report=locked, actor=user)
    return locked


@transaction.atomic
def report_return(*, report: Report, user: User, comment: str) -> Report:
    document_touch(round_scope(report.reporting_round_id))
    if not report_can_review(user, report):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError(_("Hãy ghi rõ lý do trả lại để đơn vị biết cần sửa gì."))
    locked = _lock_reviewable(report, user)
    locked.status = ReportStatus.RETURNED
    locked.version += 1
    history_note(locked, user=user)
    locked.save()
    _event(locked, EventAction.RETURNED, user, comment.strip())
    notifications.notify_report_returned(report=locked, actor=user, comment=comment.strip())
    return locked


@transaction.atomic
def report_accept(*, report: Report, user: User, comment: str = "") -> Report:
    """Accept the report; its lead entries become the tasks' latest status."""
    if not report_can_review(user, report):
        raise PermissionDenied
    locked = _lock_reviewable(report, user)
    locked.status = ReportStatus.ACCEPTED
    locked.version += 1
    history_note(locked, user=user)
    locked.save()
    moved: list[Task] = []
    for entry in (
        # The plan too: a task's saved row re-reads its timeframe against the plan's period.
        locked.entries.filter(role=EntryRole.LEAD).exclude(status="").select_related("task__plan")
    ):
        task = entry.task
        if task.status != entry.status:
            task.status = entry.status
            task.derived_refresh()  # what save(update_fields=["status"]) also writes
            moved.append(task)
    # The round's documents, and the workbooks of the plans whose tasks moved (they print the
    # status; the plans' text, and so their PDF and DOCX, is unchanged).
    document_touch(
        round_scope(locked.reporting_round_id),
        *(plan_status_scope(task.plan_id) for task in moved),
    )
    if moved:
        reason = _("Theo báo cáo %(round)s của %(agency)s đã duyệt") % {
            "round": locked.reporting_round.request_number,
            "agency": locked.agency.name,
        }
        for task in moved:
            history_note(task, user=user, reason=reason)
        # One UPDATE of the tasks and one INSERT of their history (with the links' snapshots).
        history_bulk_update(moved, ["status", *Task.DERIVED_FIELDS])
    _event(locked, EventAction.ACCEPTED, user, comment.strip())
    notifications.notify_report_accepted(report=locked, actor=user, comment=comment.strip())
    return locked


@transaction.atomic
def attachment_add(
    *, report: Report, user: User, upload: UploadedFile, kind: str, entry: ReportEntry | None = None
) -> Attachment:
    if not report_can_edit(user, report):
        raise PermissionDenied
    if entry is not None and entry.report_id != report.pk:
        raise PermissionDenied
    report = _lock_editable(report, user, None)
    file_kind = upload_validate(upload)
    upload.seek(0)
    name = upload.name or ""  # an uploaded file always has a name and a size
    attachment = Attachment(
        report=report,
        entry=entry,
        kind=kind,
        original_name=name[:255],
        content_type=file_kind.content_type,
        size=upload.size or 0,
        uploaded_by=user,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def parse_money(value: object) -> Decimal | None:
    """ "1.500.000" or "1500000" → Decimal; the form layer turns errors into messages."""
    if value in (None, ""):
        return None
    return Decimal(str(value).replace(".", "").replace(" ", "").replace(",", ""))


def report_gaps(report: Report) -> list[tuple[int | None, str, str]]:
    """What a submission still lacks, in form order: ``(entry id or None for the general part,
    field name, human name)``. The report page marks each on its field."""
    gaps: list[tuple[int | None, str, str]] = [
        (None, name, str(cast(Field, Report._meta.get_field(name)).verbose_name))
        for name in REQUIRED_GENERAL
        if getattr(report, name) in (None, "")
    ]
    for entry in report.entries.filter(role=EntryRole.LEAD).select_related("task"):
        label = entry.task.number or entry.task.content[:40]
        if not entry.status:
            gaps.append(
                (entry.pk, "status", _("tình hình thực hiện nhiệm vụ %(task)s") % {"task": label})
            )
        if not entry.result.strip():
            gaps.append(
                (entry.pk, "result", _("kết quả thực hiện nhiệm vụ %(task)s") % {"task": label})
            )
    return gaps


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: User) -> None:
    """Take a file off a report that is still being written (draft or returned), by someone who
    may edit it; refused once the report is handed in or its round closed.

    The file's history keeps the deletion (who, when, which file); the stored bytes go once the
    deletion has committed: a file sent by mistake must not stay on the server.
    """
    # State first (a handed-in report is refused with its reason), then who may edit it.
    report = _lock_editable(attachment.report, user, None)
    attachment = Attachment.objects.select_for_update(no_key=True).get(
        pk=attachment.pk, report=report
    )
    name, storage = attachment.file.name, attachment.file.storage
    history_note(attachment, user=user)
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
