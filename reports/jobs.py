"""Round documents in the document store (``agreements.documents``) and the worker that builds
them (django-tasks, database backend); notification mails are sent from the worker too.

A long round document is built by the worker, never in a web request (``document_build``).
After a write commits, the documents already asked for that print what it changed are rebuilt in
the worker (``documents_rebuild``), so the next click finds them ready.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from agreements.documents import (
    GLOBAL,
    DocumentSpec,
    document_current,
    document_ensure,
    document_versions,
    documents_of,
    plan_scope,
    province_scope,
    round_scope,
)
from agreements.models import Plan, StoredDocument
from tasks.downloads import STATUS_FORMATS, plan_document_ensure
from tasks.exporters.base import Export, ExportRefused, exporter_for

from .models import DocumentJob, JobStatus, ReportingRound, RoundStatus

logger = logging.getLogger(__name__)
# A job nobody picked up within this time is considered lost and asked for again.
STALE_AFTER = timedelta(minutes=30)
# Writes come in bursts (a coordinator accepting report after report): the worker waits this long
# and builds once for the last of them.
REBUILD_DELAY = timedelta(seconds=5)
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


def round_document_current(
    reporting_round: ReportingRound, kind: str, fmt: str
) -> StoredDocument | None:
    """The stored file if it is up to date, else None (nothing is built)."""
    spec = round_document_spec(reporting_round, kind, fmt)
    return document_current(spec.name, spec.key())


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
        # The file itself stays in the document store: the download reads it from there, and
        # only while it is still up to date.
        job.filename = stored.filename
        job.content_type = stored.content_type
        job.status = JobStatus.READY
    job.finished_at = timezone.now()
    job.save()


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
    building now would only be thrown away. Only documents someone has asked for are rebuilt
    (a plan nobody downloads costs nothing), and the open rounds covering a changed plan too.
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
    for stored in documents_of([*owners, *status_only]):
        if stored.owner in status_only and stored.name.rsplit(":", 1)[-1] not in STATUS_FORMATS:
            continue
        try:
            _rebuild(stored.name)
        except Exception:  # one document failing never keeps the others from being rebuilt
            logger.exception("Tạo lại văn bản %s thất bại", stored.name)


def _rebuild(name: str) -> None:
    kind, pk, fmt = name.split(":")
    if kind == "plan":
        plan = Plan.objects.filter(pk=int(pk)).first()
        if plan is not None:
            plan_document_ensure(plan, fmt)
    elif kind in ROUND_KINDS:
        reporting_round = ReportingRound.objects.filter(pk=int(pk)).first()
        if reporting_round is not None:
            round_document_ensure(reporting_round, kind, fmt)
