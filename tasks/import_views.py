"""Import a plan table from the Word or Excel file the province already has: upload, preview,
map unmatched agencies, confirm. Nothing is created before the confirmation, and then all or
nothing (the service runs in one transaction).

An old .doc/.xls is converted once, at upload (LibreOffice, bounded: see importers.office). The
file is read once too, at upload: what was read (``source_dump``) is what waits for the preview
and the confirmation, which load it instead of reading the file again. The preview shows what
the file says about the plan itself (number, date, signer, partners of its appendices) for the
user to confirm or change, and whether its text was converted from an old encoding.
"""

from __future__ import annotations

import uuid
from datetime import date as Date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agreements.models import Agency, PlanStatus
from agreements.permissions import require_coordinator
from agreements.services import AgencyIndex
from agreements.uploads import pending_files_cleanup

from .forms import ImportForm, PlanDetailsForm
from .importers.details import document_details
from .importers.office import LABEL, prepare
from .importers.parser import ParsedSection, ParsedTask, parse_grids
from .importers.reader import PlanImportError, read_source, source_dump, source_load
from .importers.service import partners_detect, plan_import

SESSION_KEY = "plan_import"
CREATE = "__create__"


# What an upload read, kept until its preview is confirmed (default storage; the token is only
# ever looked up in the uploader's session). Left unconfirmed, it is deleted after
# PENDING_UPLOAD_MAX_AGE_HOURS (agreements.uploads.pending_files_cleanup).
PENDING_FOLDER = "imports"


def _pending_path(token: str) -> str:
    return f"{PENDING_FOLDER}/{token}"


def _load_pending(request):
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return None, None
    try:
        with default_storage.open(_pending_path(pending["token"]), "rb") as handle:
            source = source_load(handle.read())
    except OSError:
        source = None
    if source is None:
        return None, None
    return pending, source


@login_required
def plan_import_upload(request):
    require_coordinator(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            prepared = prepare(upload.read())
            source = read_source(prepared.data)
            parse_grids(source.grids)
        except PlanImportError as error:
            # Every refusal names the file; the message itself names the sheet, row and column.
            form.add_error("file", f"{upload.name}: {error}")
        else:
            token = uuid.uuid4().hex
            default_storage.save(_pending_path(token), ContentFile(source_dump(source)))
            pending_files_cleanup(PENDING_FOLDER)  # others' abandoned imports too
            request.session[SESSION_KEY] = {
                "token": token,
                "filename": upload.name,
                "converted_from": prepared.converted_from,
                "number": form.cleaned_data["number"],
                "title": form.cleaned_data["title"],
                "partner": form.cleaned_data["partner"].pk
                if form.cleaned_data["partner"]
                else None,
                "date": form.cleaned_data["date"].isoformat()
                if form.cleaned_data["date"]
                else None,
            }
            return redirect("tasks:plan_import_preview")
    return render(request, "tasks/import_upload.html", {"form": form})


def _initial(pending: dict, details, tops: list[ParsedSection], found: list) -> tuple[dict, dict]:
    """The preview form's first values (typed at upload first, else read from the file) and,
    per field, the printed line a value was read from."""
    initial: dict = {"status": PlanStatus.DRAFT}
    sources: dict[str, str] = {}
    typed = {
        "number": pending.get("number") or "",
        "title": pending.get("title") or "",
        "date": pending.get("date") or "",
        "partner": pending.get("partner") or "",
    }
    names = ("number", "title", "date", "place", "signing_authority", "signing_title", "signer")
    for name in names:
        detail = getattr(details, name)
        read = detail.value if detail is not None else None
        if isinstance(read, Date):
            read = read.isoformat()
        if typed.get(name):
            initial[name] = typed[name]
            if read and str(read) != str(typed[name]):
                sources[name] = _("tệp ghi khác: «%(line)s»") % {"line": detail.line}
        elif read:
            initial[name] = read
            sources[name] = _("đọc từ tệp: «%(line)s»") % {"line": detail.line}
    if typed["partner"]:
        initial["partner"] = typed["partner"]
    elif not tops and len(found) == 1:
        initial["partner"] = found[0].pk
        sources["partner"] = _("đọc từ tên trang tính")
    for index, top in enumerate(tops):
        if top.partner is not None:
            initial[f"section-partner-{index}"] = top.partner.pk
            sources[f"section-partner-{index}"] = _("đọc từ tiêu đề phụ lục, tên trang tính")
    return initial, sources


@login_required
def plan_import_preview(request):
    require_coordinator(request.user)
    pending, source = _load_pending(request)
    if pending is None:
        messages.warning(request, _("Chưa có tệp nào đang chờ nhập: hãy tải tệp lên."))
        return redirect("tasks:plan_import_upload")
    province = request.user.province
    try:
        parsed = parse_grids(source.grids)
    except PlanImportError as error:
        messages.error(request, f"{pending['filename']}: {error}")
        return redirect("tasks:plan_import_upload")
    details = document_details(source, parsed)
    found = partners_detect(parsed, province)
    tops = [section for section in parsed.sections if section.parent is None]
    initial, sources = _initial(pending, details, tops, found)
    index = AgencyIndex.for_province(province)
    unmatched = parsed.unmatched_agencies(index)
    agencies = list(Agency.objects.filter(province=province).order_by("name"))
    choices = {f"map-{i}": name for i, name in enumerate(unmatched)}
    form = PlanDetailsForm(initial=initial, tops=tops)
    if request.method == "POST":
        # A field the page did not post keeps its first value (what was typed or read).
        posted = {name: str(value) for name, value in initial.items()}
        posted.update(request.POST.dict())
        form = PlanDetailsForm(posted, tops=tops)
        mapping, to_create, undecided = {}, [], []
        by_pk = {str(a.pk): a for a in agencies}
        for key, name in choices.items():
            value = request.POST.get(key, "")
            if value == CREATE:
                to_create.append(name)
            elif value in by_pk:
                mapping[name] = by_pk[value]
            else:
                undecided.append(name)
        if undecided:
            messages.error(
                request,
                _("Hãy chọn cơ quan tương ứng hoặc «tạo mới» cho: %(names)s.")
                % {"names": "; ".join(undecided)},
            )
        elif not form.is_valid():
            messages.error(request, _("Hãy xem lại thông tin văn bản."))
        else:
            for i, top in enumerate(tops):
                top.partner = form.cleaned_data.get(f"section-partner-{i}")
            cleaned = form.cleaned_data
            try:
                plan = plan_import(
                    parsed=parsed,
                    province=province,
                    number=cleaned["number"],
                    title=cleaned["title"],
                    partner=cleaned["partner"],
                    date=cleaned["date"],
                    create_agencies=bool(to_create),
                    agency_mapping=mapping,
                    status=cleaned["status"],
                    user=request.user,
                    details={
                        name: cleaned[name]
                        for name in ("place", "signing_authority", "signing_title", "signer")
                    },
                )
            except PlanImportError as error:
                messages.error(request, f"{pending['filename']}: {error}")
            else:
                default_storage.delete(_pending_path(pending["token"]))
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    _("Đã nhập %(n)s nhiệm vụ vào %(number)s (%(status)s).")
                    % {
                        "n": len(parsed.tasks),
                        "number": plan.number,
                        "status": PlanStatus(plan.status).label.lower(),
                    },
                )
                return redirect("tasks:plan_detail", pk=plan.pk)
    rows = []
    for item in parsed.items:
        if isinstance(item, ParsedTask):
            names = item.lead_names
            rows.append(
                {"kind": "task", "item": item, "unknown": [n for n in names if n in unmatched]}
            )
        else:
            rows.append({"kind": "section", "item": item})
    notes = []
    if pending.get("converted_from") in LABEL:
        notes.append(
            _("Tệp là %(what)s, đã được LibreOffice chuyển sang định dạng mới trước khi đọc.")
            % {"what": LABEL[pending["converted_from"]]}
        )
    notes += source.notes()
    if parsed.skipped:
        notes.append(
            _(
                "Không đọc thành nhiệm vụ: %(tables)s (cùng số cột với bảng kế hoạch nhưng không "
                "lặp tiêu đề, không có dòng (1) (2) (3) và số thứ tự không nối tiếp bảng trước)."
            )
            % {"tables": ", ".join(parsed.skipped)}
        )
    return render(
        request,
        "tasks/import_preview.html",
        {
            "pending": pending,
            "form": form,
            "sources": sources,
            "notes": notes,
            "rows": rows,
            "has_field": any(task.field for task in parsed.tasks),
            "unmatched": [(key, name, unmatched[name]) for key, name in choices.items()],
            "agencies": agencies,
            "create": CREATE,
            "task_count": len(parsed.tasks),
            "section_count": len(parsed.sections),
        },
    )
