"""A checked workbook applied to the agency's report, through the report services.

``workbook_changes`` compares each input cell with the report in the app, field by field, and
with the value the app held when the file was made (its base, kept in the identity sheet):

- the file equals the app: nothing to do;
- the file kept the base but the app changed since: the app's value stays (the file did not
  touch it; nothing is overwritten silently);
- the file changed it and the app did not: the file's value is taken;
- both changed it, differently: a conflict, the user chooses per field.

``workbook_apply`` then saves (``reports.services.report_save``) and, if asked, submits
(``report_submit``) in one transaction: a refused submission saves nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Agency
from tasks.models import Target, Task, TaskStatus

from .. import services
from ..models import Report, ReportEntry, ReportingRound
from . import layout
from .layout import canonical
from .reader import Reading

if TYPE_CHECKING:
    from accounts.models import User

APP = "app"
FILE = "file"


@dataclass
class FieldChange:
    key: str
    sheet: str
    cell: str
    label: str
    app_value: object
    file_value: object
    base_value: str
    conflict: bool

    @property
    def app_display(self) -> str:
        return display(self.key, self.app_value)

    @property
    def file_display(self) -> str:
        return display(self.key, self.file_value)

    @property
    def base_display(self) -> str:
        return display(self.key, self.base_value)


def display(key: str, value: object) -> str:
    if value in (None, ""):
        return ""
    if key.endswith(":status"):
        return str(TaskStatus(value).label) if value in TaskStatus.values else str(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
        whole = f"{int(number):,}".replace(",", ".")
        if number == number.to_integral_value():
            return whole
        fraction = format(number.normalize(), "f").split(".")[1]
        return f"{whole},{fraction}"
    return str(value)


def _task_id(key: str) -> int:
    return int(key.split(":")[1])


def _current(key: str, report: Report | None, entries: dict[int, ReportEntry]) -> object:
    part, _sep, rest = key.partition(":")
    if part == "g":
        return getattr(report, rest) if report else None
    entry = entries.get(_task_id(key))
    if entry is None:
        return None
    if part == "t":
        return entry.actuals.get(key.split(":")[2])
    return getattr(entry, key.split(":")[2])


def _labels(keys: list[str]) -> dict[str, str]:
    task_ids = {_task_id(k) for k in keys if not k.startswith("g:")}
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids).select_related("plan")}
    targets = {t.pk: t for t in Target.objects.filter(task_id__in=task_ids)}
    general = {f.name: str(f.label) for f in layout.GENERAL_LAYOUT}
    field_names = {
        "status": _("tình hình"),
        "result": _("kết quả thực hiện"),
        "funds_spent": _("kinh phí đã chi"),
        "remarks": _("ghi chú"),
    }
    labels = {}
    for key in keys:
        part, _sep, rest = key.partition(":")
        if part == "g":
            labels[key] = general.get(rest, rest)
            continue
        task = tasks.get(_task_id(key))
        task_label = (
            _("Nhiệm vụ %(number)s (%(plan)s)")
            % {"number": task.number or task.content[:40], "plan": task.plan.number}
            if task
            else _("Nhiệm vụ đã bị xóa")
        )
        if part == "t":
            target = targets.get(int(key.split(":")[2]))
            what = _("thực hiện chỉ tiêu «%(target)s»") % {"target": target or "?"}
        elif part == "c":
            what = _("ý kiến phối hợp")
        else:
            what = field_names.get(key.split(":")[2], key)
        labels[key] = f"{task_label}: {what}"
    return labels


def workbook_changes(*, reading: Reading, report: Report | None) -> list[FieldChange]:
    """Every field the file would change in the report, in the file's order; conflicts marked."""
    entries = {e.task_id: e for e in report.entries.all()} if report else {}
    changes = []
    for key, value in reading.values.items():
        current = _current(key, report, entries)
        file_text, app_text, base = canonical(value), canonical(current), reading.bases[key]
        if file_text == app_text or file_text == base:
            continue  # nothing new in the file for this field (the app's value stays)
        sheet, cell = reading.cells[key]
        changes.append(
            FieldChange(
                key=key,
                sheet=sheet,
                cell=cell,
                label="",
                app_value=current,
                file_value=value,
                base_value=base,
                conflict=app_text != base,
            )
        )
    labels = _labels([c.key for c in changes])
    for change in changes:
        change.label = labels[change.key]
    return changes


class ChoiceMissing(ValidationError):
    """A conflict the user has not decided."""


@transaction.atomic
def workbook_apply(
    *,
    reporting_round: ReportingRound,
    agency: Agency,
    user: User,
    reading: Reading,
    seen_version: int | None,
    choices: dict[str, str],
    submit: bool,
) -> Report:
    """Save the file's changes into the agency's report (created if it has none), then submit
    if asked; all or nothing.

    ``seen_version`` is the report's version the user previewed against (None: it had no
    report): anything saved since raises ``reports.services.ReportConflict`` and the preview
    is shown again. A conflict without a choice in ``choices`` ("app" or "file") is refused.
    """
    if reading.round_id != reporting_round.pk or reading.agency_id != agency.pk:
        raise PermissionDenied
    report = Report.objects.filter(reporting_round=reporting_round, agency=agency).first()
    if report is None:
        report = services.report_start(reporting_round=reporting_round, agency=agency, user=user)
    if report.version != (seen_version or 0):
        raise services.ReportConflict(report)
    changes = workbook_changes(reading=reading, report=report)
    undecided = [c.label for c in changes if c.conflict and choices.get(c.key) not in (APP, FILE)]
    if undecided:
        raise ChoiceMissing(
            _("Hãy chọn giữ bản trong ứng dụng hay lấy theo tệp cho: %(fields)s.")
            % {"fields": "; ".join(undecided)}
        )
    taken = [c for c in changes if not c.conflict or choices.get(c.key) == FILE]
    entries = {e.task_id: e for e in report.entries.all()}
    general: dict[str, object] = {}
    entry_values: dict[int, dict[str, object]] = {}
    for change in taken:
        part, _sep, rest = change.key.partition(":")
        if part == "g":
            general[rest] = change.file_value
            continue
        entry = entries.get(_task_id(change.key))
        if entry is None:
            raise ValidationError(
                _(
                    "Trang «%(sheet)s», ô %(cell)s: %(label)s không còn trong đợt báo cáo này "
                    "(kế hoạch đã đổi). Hãy tải tệp mới."
                )
                % {"sheet": change.sheet, "cell": change.cell, "label": change.label}
            )
        values = entry_values.setdefault(entry.pk, {})
        if part == "t":
            actuals = dict(cast(dict, values.get("actuals") or entry.actuals))
            target = change.key.split(":")[2]
            if change.file_value is None:
                actuals.pop(target, None)
            else:
                actuals[target] = float(change.file_value)  # type: ignore[arg-type]
            values["actuals"] = actuals
        else:
            values[change.key.split(":")[2]] = change.file_value
    if taken:
        report = services.report_save(
            report=report,
            user=user,
            version=report.version,
            general=general,
            entries=entry_values,
        )
    if submit:
        report = services.report_submit(report=report, user=user, version=report.version)
    return report
