"""Background work (django-tasks, database backend): long round documents, notification mails."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from tasks.exporters.base import Export, exporter_for

from .models import DocumentJob, JobStatus, ReportingRound

logger = logging.getLogger(__name__)
# A job nobody picked up within this time is considered lost and asked for again.
STALE_AFTER = timedelta(minutes=30)


@task()
def document_build(job_id: int) -> None:
    job = DocumentJob.objects.select_related("reporting_round").get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        export = exporter_for(job.kind, job.fmt)(job.reporting_round)
    except Exception as error:  # the user must see a failure, not wait forever
        logger.exception("Tạo văn bản %s thất bại", job)
        job.status = JobStatus.FAILED
        job.error = str(error)[:2000]
    else:
        job.file.save(export.filename, ContentFile(export.content), save=False)
        job.filename = export.filename
        job.content_type = export.content_type
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
