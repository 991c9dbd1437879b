"""Round documents in the document store (``agreements.documents``) and the worker that builds
them (django-tasks, database backend); notification mails are sent from the worker too.

A long round document is built by the worker, never in a web request (``document_build``).
After a write commits, the documents already asked for that print what it changed are rebuilt in
the worker (``documents_rebuild``), and an issued plan's are built even before anyone asks, so the
next click, or the first, finds them ready.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from agreements.documents import (
    GLOBAL,
    DocumentSpec,
    document_ensure,
    document_versions,
    documents_of,
    plan_scope,
    province_scope,
    round_scope,
)
from agreements.models import Plan, PlanStatus, StoredDocument
from tasks.downloads import PLAN_FORMATS, STATUS_FORMATS, plan_document_ensure, plan_document_spec
from tasks.exporters.base import Export, ExportRefused, exporter_for

from .models import DocumentJob, JobStatus, ReportingRound, RoundStatus

logger = logging.getLogger(__name__)
# A job nobody picked up within this time is considered lost and asked for again.
STALE_AFTER = timedelta(minutes=30)
# A finished job's download serves the file it built (from data read after the click) this long;
# later, or once the store holds another file, the link asks for a fresh build.
JOB_FILE_KEPT = timedelta(minutes=30)
# The waiting page reloads every second this long after the click, then every 3 seconds.
JOB_QUICK_REFRESH = timedelta(seconds=15)
# Writes come in bursts (a coordinator accepting report after report, agencies handing in near
# the deadline): the worker waits this long after a write and builds once, for the last of them,
# not once per write (a round summary PDF costs ~1.5 s of CPU). A click meanwhile finds the file
# out of date and gets it built then, as before.
REBUILD_DELAY = timedelta(seconds=30)
ROUND_KINDS = ("round", "reminder")


def round_document_spec(
    reporting_round: ReportingRound, kind: str, fmt: str, *, today: date | None = None
) -> DocumentSpec:
    """A round's summary or reminder letter prints the round (its reports' states and entries),
    the plans it covers, the province's agencies, and the date it is dated: the same file for
    every user who may see it (the exporters take no user)."""
    plan_ids = list(reporting_round.plans.values_list("pk", flat=True))
    return DocumentSpec(
        name=f"{kind}:{reporting_round.pk}:{fmt}",
        owner=round_scope(reporting_round.pk),
        scopes=(
            round_scope(reporting_round.pk),
            province_scope(reporting_round.province_id),
            GLOBAL,
            *(plan_scope(pk) for pk in plan_ids),
        ),
        extra={"today": (today or timezone.localdate()).isoformat()},
    )


def round_document_ensure(reporting_round: ReportingRound, kind: str, fmt: str) -> StoredDocument:
    render = exporter_for(kind, fmt)
    return document_ensure(
        round_document_spec(reporting_round, kind, fmt), lambda: render(reporting_round)
    )


@task()
def document_build(job_id: int) -> None:
    job = DocumentJob.objects.select_related("reporting_round").get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        stored = round_document_ensure(job.reporting_round, job.kind, job.fmt)
    except ExportRefused as refused:  # no agency to remind, say: the page shows why, in Vietnamese
        job.status = JobStatus.REFUSED
        job.error = refused.message
    except Exception as error:  # the user must see a failure, not wait forever
        logger.exception("Tạo văn bản %s thất bại", job)
        job.status = JobStatus.FAILED
        job.error = str(error)[:2000]
    else:
        # The file itself stays in the document store: the download reads it from there while
        # the store still holds this very file (``job_document``).
        job.key = stored.key
        job.filename = stored.filename
        job.content_type = stored.content_type
        job.status = JobStatus.READY
    job.finished_at = timezone.now()
    job.save()


def job_document(job: DocumentJob) -> StoredDocument | None:
    """The file a finished job's download serves, or None (ask for a fresh build).

    The job read the data after the user clicked, so the file it built is what they asked for,
    even if a report was submitted since: under steady writes a newer build would be out of date
    again by the time they click, and they would never get a file. That file is served while the
    store still holds it and for ``JOB_FILE_KEPT`` after the job finished; a file built for the
    data as it is now is served too. A new click on the export always reads the data anew.
    """
    if job.status != JobStatus.READY:
        return None
    spec = round_document_spec(job.reporting_round, job.kind, job.fmt)
    stored = StoredDocument.objects.filter(name=spec.name).first()
    if stored is None or not default_storage.exists(stored.file.name or ""):
        return None
    recent = job.finished_at is not None and timezone.now() - job.finished_at <= JOB_FILE_KEPT
    if job.key and stored.key == job.key and recent:
        return stored
    if stored.key == spec.key():
        return stored
    return None


@task()
def notification_emails_send(notification_ids: list[int]) -> int:
    """Mail notifications written by a step that has committed (``reports/notifications.py``)."""
    from .notifications import notification_emails_deliver

    return notification_emails_deliver(notification_ids)


def document_request(*, reporting_round: ReportingRound, kind: str, fmt: str, user) -> DocumentJob:
    """Reuse the job already under way for the same document, else queue a new one."""
    exporter_for(kind, fmt)  # unknown format: LookupError before anything is queued
    recent = timezone.now() - STALE_AFTER
    job = DocumentJob.objects.filter(
        reporting_round=reporting_round,
        kind=kind,
        fmt=fmt,
        status__in=[JobStatus.PENDING, JobStatus.RUNNING],
        created_at__gte=recent,
    ).first()
    if job is not None:
        return job
    job = DocumentJob.objects.create(
        reporting_round=reporting_round, kind=kind, fmt=fmt, requested_by=user
    )
    document_build.enqueue(job.pk)
    return job


def document_inline(*, reporting_round: ReportingRound, kind: str, fmt: str) -> Export:
    return exporter_for(kind, fmt)(reporting_round)


# -- keeping the documents already asked for up to date -------------------------------------------


def documents_changed(scopes: list[str]) -> None:
    """After a commit (``agreements.documents.documents_changed_connect``): queue a rebuild of
    the plan and round documents printing ``scopes``, with the counters as they are now."""
    wanted = [scope for scope in scopes if scope.startswith(("plan:", "plan-status:", "round:"))]
    if not wanted:
        return
    rebuild = documents_rebuild
    if rebuild.get_backend().supports_defer:
        rebuild = rebuild.using(run_after=timezone.now() + REBUILD_DELAY)
    rebuild.enqueue(document_versions(wanted))


def _scope_id(scope: str) -> int:
    return int(scope.split(":", 1)[1])


@task()
def documents_rebuild(versions: dict[str, int]) -> None:
    """Rebuild the stored plan and round documents that print the scopes in ``versions``.

    A scope whose counter moved on since is skipped: the later write queued its own rebuild, and
    building now would only be thrown away. The documents someone has asked for are rebuilt, and
    the open rounds covering a changed plan too (a draft nobody downloads costs nothing); an
    issued plan's documents are built whether asked for or not, in every format its page offers,
    so the first leader's click finds them ready (``settings.DOCUMENTS_BUILD_AHEAD``).
    """
    current = document_versions(versions)
    settled = [scope for scope, version in versions.items() if current[scope] == version]
    plan_ids = [_scope_id(scope) for scope in settled if scope.startswith("plan:")]
    round_ids = {_scope_id(scope) for scope in settled if scope.startswith("round:")}
    if plan_ids:
        round_ids.update(
            ReportingRound.objects.filter(status=RoundStatus.OPEN, plans__in=plan_ids)
            .values_list("pk", flat=True)
            .distinct()
        )
    # A plan whose tasks' status alone moved: its workbook only (tasks.downloads.STATUS_FORMATS).
    status_only = {
        plan_scope(_scope_id(scope)) for scope in settled if scope.startswith("plan-status:")
    } - {plan_scope(pk) for pk in plan_ids}
    owners = [plan_scope(pk) for pk in plan_ids] + [round_scope(pk) for pk in round_ids]
    built: set[str] = set()
    for stored in documents_of([*owners, *status_only]):
        if stored.owner in status_only and stored.name.rsplit(":", 1)[-1] not in STATUS_FORMATS:
            continue
        _rebuild(stored.name)
        built.add(stored.name)
    if not settings.DOCUMENTS_BUILD_AHEAD:
        return
    issued = Plan.objects.filter(pk__in=plan_ids, status=PlanStatus.ISSUED).order_by("pk")
    for plan in issued:
        for fmt, _label in PLAN_FORMATS:
            name = plan_document_spec(plan, fmt).name
            if name not in built:
                _guarded(name, functools.partial(plan_document_ensure, plan, fmt))


def _rebuild(name: str) -> None:
    """One stored document, by name, for the data as it is now."""
    kind, pk, fmt = name.split(":")

    def build() -> None:
        if kind == "plan":
            plan = Plan.objects.filter(pk=int(pk)).first()
            if plan is not None:
                plan_document_ensure(plan, fmt)
        elif kind in ROUND_KINDS:
            reporting_round = ReportingRound.objects.filter(pk=int(pk)).first()
            if reporting_round is not None:
                round_document_ensure(reporting_round, kind, fmt)

    _guarded(name, build)


def _guarded(name: str, build: Callable[[], object]) -> None:
    """``build()``; a failure is logged and never keeps the other documents from being built."""
    try:
        build()
    except Exception:
        logger.exception("Tạo lại văn bản %s thất bại", name)
