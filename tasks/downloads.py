"""A built document (an ``Export``) as the HTTP answer that downloads it, and the plan documents
served from the document store (``agreements.documents``).

Plan, timeline, round and dashboard documents all leave the app this way, so each is a download
under its own file name and never rendered by the browser as something else. Every caller has
checked the user's permission before it asks for a document here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from agreements.documents import (
    GLOBAL,
    DocumentSpec,
    document_ensure,
    document_serve,
    plan_scope,
    plan_status_scope,
    province_scope,
)
from agreements.models import Plan, StoredDocument

from .exporters.base import Export, exporter_for


def export_response(export: Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def plan_scopes(plan: Plan) -> tuple[str, ...]:
    """What a plan's documents print: the plan (its text, sections, tasks, budget, targets), its
    province (agencies' names, agreements, meetings) and the localities everyone shares."""
    return (plan_scope(plan.pk), province_scope(plan.province_id), GLOBAL)


# The formats that print the tasks' status (the workbook's last column).
STATUS_FORMATS = ("xlsx",)
# What the plan page offers to download, with the buttons' labels. The worker builds each of them
# for an issued plan after it changes (``reports.jobs.documents_rebuild``), before anyone asks.
PLAN_FORMATS = [("pdf", "PDF"), ("xlsx", "Excel (XLSX)"), ("docx", "Word (DOCX)")]


def plan_document_spec(plan: Plan, fmt: str) -> DocumentSpec:
    # Whoever may see the plan gets the same file: the exporters take no user.
    status = (plan_status_scope(plan.pk),) if fmt in STATUS_FORMATS else ()
    return DocumentSpec(
        name=f"plan:{plan.pk}:{fmt}",
        owner=plan_scope(plan.pk),
        scopes=(*plan_scopes(plan), *status),
    )


def plan_document_ensure(plan: Plan, fmt: str) -> StoredDocument:
    """The plan's document for its data as it is now (built if needed); ``LookupError`` for an
    unknown format."""
    render = exporter_for("plan", fmt)
    return document_ensure(plan_document_spec(plan, fmt), lambda: render(plan))


def plan_document_response(request: HttpRequest, plan: Plan, fmt: str) -> HttpResponseBase:
    """``plan`` must come from a permission-checked getter; ``LookupError`` for an unknown
    format."""
    render = exporter_for("plan", fmt)
    return document_serve(request, plan_document_spec(plan, fmt), lambda: render(plan))


def timeline_document_spec(
    *, plan: Plan, user_id: int, filters: Mapping[str, str], paper: str, today: date
) -> DocumentSpec:
    """The timeline shows the milestones its reader may see and is drawn against today: one kept
    file per plan and user, keyed by the filters, the paper and the date."""
    return DocumentSpec(
        name=f"timeline:{plan.pk}:user:{user_id}",
        owner=f"user:{user_id}",
        scopes=plan_scopes(plan),
        extra={
            "section": filters.get("section", ""),
            "lead": filters.get("lead", ""),
            "paper": paper,
            "today": today.isoformat(),
        },
    )
