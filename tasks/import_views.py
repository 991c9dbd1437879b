"""Import a plan table from the Word or Excel file the province already has: upload, preview,
map unmatched agencies, confirm. Nothing is created before the confirmation, and then all or
nothing (the service runs in one transaction)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agreements.models import Agency, Locality
from agreements.permissions import require_coordinator
from agreements.services import AgencyIndex

from .forms import ImportForm
from .importers.parser import parse_grids
from .importers.reader import PlanImportError, read_document
from .importers.service import plan_import

SESSION_KEY = "plan_import"
CREATE = "__create__"


def _pending_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load_pending(request):
    pending = request.session.get(SESSION_KEY)
    if not pending:
        return None, None
    path = _pending_dir() / pending["token"]
    if not path.exists():
        return None, None
    return pending, path.read_bytes()


@login_required
def plan_import_upload(request):
    require_coordinator(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            parse_grids(read_document(data))
        except PlanImportError as error:
            form.add_error("file", str(error))
        else:
            token = uuid.uuid4().hex
            (_pending_dir() / token).write_bytes(data)
            request.session[SESSION_KEY] = {
                "token": token,
                "filename": form.cleaned_data["file"].name,
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


@login_required
def plan_import_preview(request):
    require_coordinator(request.user)
    pending, data = _load_pending(request)
    if pending is None:
        messages.warning(request, _("Chưa có tệp nào đang chờ nhập: hãy tải tệp lên."))
        return redirect("tasks:plan_import_upload")
    province = request.user.province
    parsed = parse_grids(read_document(data))
    index = AgencyIndex.for_province(province)
    unmatched = parsed.unmatched_agencies(index)
    agencies = list(Agency.objects.filter(province=province).order_by("name"))
    choices = {f"map-{i}": name for i, name in enumerate(unmatched)}
    if request.method == "POST":
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
        else:
            from datetime import date as Date

            try:
                plan = plan_import(
                    parsed=parsed,
                    province=province,
                    number=pending["number"],
                    title=pending["title"],
                    partner=Locality.objects.filter(pk=pending["partner"]).first(),
                    date=Date.fromisoformat(pending["date"]) if pending["date"] else None,
                    create_agencies=bool(to_create),
                    agency_mapping=mapping,
                )
            except PlanImportError as error:
                messages.error(request, str(error))
            else:
                (_pending_dir() / pending["token"]).unlink(missing_ok=True)
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    _("Đã nhập %(n)s nhiệm vụ vào %(number)s (dự thảo).")
                    % {"n": len(parsed.tasks), "number": plan.number},
                )
                return redirect("tasks:plan_detail", pk=plan.pk)
    rows = []
    for item in parsed.items:
        if hasattr(item, "content"):
            names = item.lead_names
            rows.append(
                {"kind": "task", "item": item, "unknown": [n for n in names if n in unmatched]}
            )
        else:
            rows.append({"kind": "section", "item": item})
    return render(
        request,
        "tasks/import_preview.html",
        {
            "pending": pending,
            "rows": rows,
            "unmatched": [(key, name, unmatched[name]) for key, name in choices.items()],
            "agencies": agencies,
            "create": CREATE,
            "task_count": len(parsed.tasks),
            "section_count": len(parsed.sections),
        },
    )
