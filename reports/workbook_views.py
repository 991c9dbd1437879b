"""Thin views for the report workbook: download one (or the round's zip), upload filled ones,
preview what would change, confirm (save as draft or submit), fetch a marked copy back."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from agreements.models import Agency
from agreements.uploads import XLSX, pending_max_age, upload_validate
from tasks.downloads import export_response

from . import permissions, services
from .models import Report, ReportingRound
from .workbook.builder import XLSX_TYPE, agency_workbook, round_workbooks_zip
from .workbook.marker import workbook_mark
from .workbook.pending import (
    MARKED,
    PENDING,
    PendingGone,
    pending_drop,
    pending_get,
    pending_store,
)
from .workbook.reader import Problem, Reading, WorkbookRefused, workbook_read
from .workbook.selectors import round_workbook_agencies
from .workbook.services import APP, FILE, ChoiceMissing, workbook_apply, workbook_changes

MAX_FILES = 60


@dataclass
class FileResult:
    """One uploaded file on the preview page."""

    name: str
    error: str = ""
    problems: list[Problem] = field(default_factory=list)
    marked: str = ""  # token of the marked copy
    token: str = ""  # token of the file waiting for confirmation
    agency: Agency | None = None
    report: Report | None = None
    changes: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seen_version: int | None = None
    version_changed: bool = False

    @property
    def conflicts(self) -> int:
        return sum(1 for c in self.changes if c.conflict)


def _round(request, pk: int) -> ReportingRound:
    if not permissions.may_use_workbooks(request.user):
        raise Http404
    return permissions.round_get_for_user(request.user, pk)


@login_required
def workbook_download(request, pk: int, agency_pk: int):
    reporting_round = _round(request, pk)
    agency = permissions.workbook_agency_for_user(request.user, reporting_round, agency_pk)
    return export_response(agency_workbook(reporting_round, agency))


@login_required
def workbook_zip(request, pk: int):
    """Every owing agency's workbook in one zip: for the coordinator to send out."""
    reporting_round = _round(request, pk)
    if request.user.role != Role.COORDINATOR:
        raise Http404
    return export_response(
        round_workbooks_zip(reporting_round, list(round_workbook_agencies(reporting_round)))
    )


def _examine(request, reporting_round: ReportingRound, data: bytes, name: str) -> FileResult:
    """Read and check one file; what the preview shows of it. Stores nothing."""
    result = FileResult(name=name)
    try:
        reading = workbook_read(data)
    except WorkbookRefused as refused:
        result.error = str(refused)
        return result
    _identify(request, reporting_round, reading, result)
    if result.error:
        return result
    result.problems = reading.problems
    result.notes = reading.notes
    if result.problems:
        return result
    report = Report.objects.filter(reporting_round=reporting_round, agency=result.agency).first()
    if report is not None and not services.report_can_edit(request.user, report):
        result.error = _(
            "Báo cáo của %(agency)s đang ở trạng thái «%(status)s»: không nhận tệp cho báo cáo "
            "này nữa."
        ) % {"agency": report.agency.name, "status": report.get_status_display()}
        return result
    result.report = report
    result.seen_version = report.version if report else None
    result.version_changed = result.seen_version != reading.report_version
    result.changes = workbook_changes(reading=reading, report=report)
    return result


def _identify(request, reporting_round: ReportingRound, reading: Reading, result: FileResult):
    if reading.round_id != reporting_round.pk:
        result.error = _(
            "Tệp này là sổ báo cáo của đợt %(number)s, không phải đợt %(this)s: hãy tải lên ở "
            "đúng trang đợt báo cáo, hoặc tải sổ báo cáo của đợt này."
        ) % {
            "number": reading.identity.get("round_number", "?"),
            "this": reporting_round.request_number,
        }
        return
    try:
        result.agency = permissions.workbook_agency_for_user(
            request.user, reporting_round, reading.agency_id
        )
    except Http404:
        result.error = _(
            "Tệp này là sổ báo cáo của %(agency)s: bạn không nộp được báo cáo cho đơn vị đó."
        ) % {"agency": reading.identity.get("agency_name", "?")}


@login_required
def workbook_upload(request, pk: int):
    reporting_round = _round(request, pk)
    results: list[FileResult] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if not uploads:
            messages.error(request, _("Hãy chọn tệp Excel (.xlsx) đã điền để tải lên."))
        elif len(uploads) > MAX_FILES:
            messages.error(request, _("Mỗi lần tải lên tối đa %(n)s tệp.") % {"n": MAX_FILES})
        elif len(uploads) > 1 and request.user.role != Role.COORDINATOR:
            messages.error(request, _("Mỗi lần chỉ tải lên một tệp sổ báo cáo của đơn vị."))
        else:
            for upload in uploads:
                results.append(_receive(request, reporting_round, upload))
    return render(
        request,
        "reports/workbook/upload.html",
        {
            "round": reporting_round,
            "results": results,
            "many": request.user.role == Role.COORDINATOR,
        },
    )


def _receive(request, reporting_round: ReportingRound, upload) -> FileResult:
    name = upload.name or _("(không tên)")
    try:
        upload_validate(upload, allowed=(XLSX,))  # like every upload: its kind by its content
    except ValidationError as error:
        return FileResult(name=name, error=" ".join(error.messages))
    upload.seek(0)
    data = upload.read()
    result = _examine(request, reporting_round, data, name)
    if result.problems:
        marked = workbook_mark(data, result.problems)
        result.marked = pending_store(
            request, data=marked, kind=MARKED, round_id=reporting_round.pk, name=name
        )
    elif not result.error:
        result.token = pending_store(
            request, data=data, kind=PENDING, round_id=reporting_round.pk, name=name
        )
    return result


@login_required
@require_POST
def workbook_confirm(request, pk: int, upload: str):
    token = upload
    reporting_round = _round(request, pk)
    try:
        data, name = pending_get(request, token, kind=PENDING, round_id=reporting_round.pk)
    except PendingGone:
        return _gone(request, reporting_round)
    # Read again: nothing from the preview's request is trusted but the user's choices.
    result = _examine(request, reporting_round, data, name)
    result.token = token
    if result.error or result.problems or result.agency is None:
        messages.error(request, result.error or _("Tệp còn chỗ cần sửa."))
        return _preview_again(request, reporting_round, result)
    reading = workbook_read(data)
    seen = request.POST.get("seen_version", "")
    choices = {
        key.removeprefix("choice-"): value
        for key, value in request.POST.items()
        if key.startswith("choice-") and value in (APP, FILE)
    }
    submit = request.POST.get("action") == "submit"
    try:
        report = workbook_apply(
            reporting_round=reporting_round,
            agency=result.agency,
            user=request.user,
            reading=reading,
            seen_version=int(seen) if seen.isdigit() else None,
            choices=choices,
            submit=submit,
        )
    except services.ReportConflict:
        messages.error(
            request,
            _(
                "Báo cáo vừa được lưu trong ứng dụng sau khi bạn xem trước: chưa lưu gì. Hãy xem "
                "lại các thay đổi dưới đây rồi xác nhận."
            ),
        )
        return _preview_again(request, reporting_round, result)
    except (services.ReportStateChanged, services.RoundClosed) as refused:
        messages.error(request, str(refused))
        return redirect("reports:round_detail", pk=pk)
    except PermissionDenied:
        raise Http404 from None
    except (ChoiceMissing, ValidationError) as error:
        messages.error(request, _("Chưa lưu gì. ") + " ".join(error.messages))
        return _preview_again(request, reporting_round, result)
    pending_drop(request, token)
    if submit:
        messages.success(request, _("Đã nộp báo cáo từ tệp «%(name)s».") % {"name": name})
    else:
        messages.success(request, _("Đã lưu bản nháp từ tệp «%(name)s».") % {"name": name})
    return redirect("reports:report_detail", pk=report.pk)


def _gone(request, reporting_round: ReportingRound):
    """The session's file was deleted as too old (``pending_cleanup``): say so, upload again."""
    hours = f"{pending_max_age().total_seconds() / 3600:g}"
    messages.error(
        request,
        _(
            "Tệp đã tải lên quá %(hours)s giờ nên đã được xóa khỏi máy chủ; chưa có gì được lưu "
            "từ tệp đó. Hãy tải tệp lên lại."
        )
        % {"hours": hours},
    )
    return redirect("reports:workbook_upload", pk=reporting_round.pk)


def _preview_again(request, reporting_round: ReportingRound, result: FileResult):
    return render(
        request,
        "reports/workbook/upload.html",
        {
            "round": reporting_round,
            "results": [result],
            "many": request.user.role == Role.COORDINATOR,
        },
        status=409,
    )


@login_required
def workbook_marked(request, pk: int, upload: str):
    """The user's own file back, each cell to fix shaded and commented."""
    reporting_round = _round(request, pk)
    try:
        data, name = pending_get(request, upload, kind=MARKED, round_id=reporting_round.pk)
    except PendingGone:
        return _gone(request, reporting_round)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-can-sua.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    return response
