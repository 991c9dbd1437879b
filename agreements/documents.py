"""Documents rendered once: every PDF/XLSX/DOCX the app serves is kept in media storage under a
key of what it prints, and a repeat download is a lookup.

The key of a document is a hash of:

- its name (``plan:12:pdf``), which also names the single file kept for it;
- the data versions it prints: counts of ``DocumentChange`` rows that every write service adds
  with :func:`document_touch`, one per plan (``plan:12``; ``plan-status:12`` for its tasks'
  status, which only the plan workbook prints), per round (``round:3``), per province
  (agencies' names, agreements, meetings, admin edits) and one for everything (localities,
  superuser edits);
- the code version: a hash of the product's source, templates, styles, translations and the
  rendering libraries' versions, computed once per process, so a deploy never serves a file an
  older exporter built;
- whatever else changes the printed text (the date a letter is dated, a user's filters).

Counters rather than signals: bulk writes (``bulk_create``, ``QuerySet.update``) send no signals,
and a service knows what it changed. A write that forgot to bump would serve a stale file, so
each write service calls :func:`document_touch` (``tests/agreements/test_documents.py`` walks the
services to check it).

Permission checks happen before anything here is asked: this module never decides who may see
a document, and a document whose text depends on who asks carries the user in its name.

After a write commits, the listeners registered with :func:`documents_changed_connect` hear which
scopes changed (the reports app queues the rebuild of the documents already asked for, in the
worker: ``reports.jobs.documents_rebuild``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import get_language

from .models import DocumentChange, DocumentVersion, StoredDocument

logger = logging.getLogger(__name__)

GLOBAL = "global"
FOLDER = "documents/built"
# What kept_while_unchanged keeps is read anew after this long even if no version moved (a write
# that forgot its version would show within this time; tests/agreements/test_documents.py walks
# the services to check that each bumps one).
KEPT_SECONDS = 600
_MISSING: Any = object()
T = TypeVar("T")


def plan_scope(plan_id: int) -> str:
    return f"plan:{plan_id}"


def plan_status_scope(plan_id: int) -> str:
    """The status of a plan's tasks, which only the plan workbook prints: an accepted report
    moves it without touching the plan's text (its PDF and DOCX stay as they are)."""
    return f"plan-status:{plan_id}"


def round_scope(round_id: int) -> str:
    return f"round:{round_id}"


def province_scope(province_id: int | None) -> str:
    """A province's agencies, agreements, meetings; ``None`` (no province) is everything."""
    return GLOBAL if province_id is None else f"province:{province_id}"


# -- bumping -------------------------------------------------------------------------------------

Listener = Callable[[list[str]], None]
_listeners: list[Listener] = []
_pending = threading.local()


def documents_changed_connect(listener: Listener) -> None:
    """``listener(scopes)`` runs after each commit that bumped ``scopes`` (once per transaction)."""
    if listener not in _listeners:
        _listeners.append(listener)


def document_touch(*scopes: str) -> None:
    """Every document printing one of ``scopes`` is out of date from this transaction's commit.

    One INSERT of a ``DocumentChange`` row per scope: no shared row is updated or locked, so
    concurrent writes never wait on each other here (nor deadlock with the rows they lock).
    """
    wanted = sorted(set(scopes))
    if not wanted:
        return
    now = timezone.now()
    DocumentChange.objects.bulk_create(
        [DocumentChange(scope=scope, changed_at=now) for scope in wanted]
    )
    if _listeners:
        _after_commit(wanted)


def _after_commit(scopes: list[str]) -> None:
    """Tell the listeners once per transaction, after it commits (never after a rollback)."""
    if not connection.in_atomic_block:
        _announce(scopes)
        return
    # Django starts a new list of commit hooks with each transaction: a different list means the
    # transaction that filled ``pending`` is over (committed, or rolled back and forgotten).
    if getattr(_pending, "hooks", None) is not connection.run_on_commit:
        _pending.hooks = connection.run_on_commit
        _pending.scopes = set()
    new = [scope for scope in scopes if scope not in _pending.scopes]
    if not new:
        return
    if not _pending.scopes:
        transaction.on_commit(_announce_pending)
    _pending.scopes.update(new)


def _announce_pending() -> None:
    scopes = sorted(getattr(_pending, "scopes", ()))
    _pending.scopes = set()
    _pending.hooks = None
    _announce(scopes)


def _announce(scopes: list[str]) -> None:
    for listener in _listeners:
        try:
            listener(scopes)
        except Exception:  # the write is committed; a rebuild that could not be queued waits
            logger.exception("Không báo được thay đổi văn bản %s", scopes)


def document_changes_compact(*, older_than: timedelta, batch: int = 5000) -> int:
    """Fold the change rows older than ``older_than`` into their scope's ``DocumentVersion`` base,
    so that the table stops growing with every write (for cron: ``manage.py documents_compact``).

    A version reads the same before and after (base plus rows): a reader's single query sees
    either state whole, and every stored document keeps its key. Batches of ``batch`` rows, each
    in its own transaction; rows another compaction holds are skipped (PostgreSQL), and each
    scope gains exactly the rows its own DELETE removed, so two compactions at once never count
    a row twice. Returns how many rows were folded.
    """
    cutoff = timezone.now() - older_than
    folded = 0
    while True:
        with transaction.atomic():
            rows = list(
                DocumentChange.objects.select_for_update(skip_locked=True)
                .filter(changed_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", "scope")[:batch]
            )
            if not rows:
                return folded
            by_scope: dict[str, list[int]] = {}
            for pk, scope in rows:
                by_scope.setdefault(scope, []).append(pk)
            for scope, pks in sorted(by_scope.items()):
                removed, _ = DocumentChange.objects.filter(pk__in=pks).delete()
                if not removed:
                    continue
                DocumentVersion.objects.get_or_create(scope=scope)
                DocumentVersion.objects.filter(scope=scope).update(version=F("version") + removed)
                folded += removed


def document_versions(scopes: Iterable[str]) -> dict[str, int]:
    """The current version of each scope (0 for one never touched): its ``DocumentVersion``
    base plus its committed ``DocumentChange`` rows. One query."""
    wanted = sorted(set(scopes))
    found = dict.fromkeys(wanted, 0)
    if not wanted:
        return found
    changes, bases = _tables()
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, COUNT(*) FROM {changes} WHERE scope IN ({marks}) GROUP BY scope "  # noqa: S608
            f"UNION ALL SELECT scope, version FROM {bases} WHERE scope IN ({marks})",
            [*wanted, *wanted],
        )
        for scope, n in cursor.fetchall():
            found[scope] += int(n)
    return found


def document_versions_all() -> str:
    """A summary of every version at once, for documents that read across plans and rounds (the
    dashboard): it changes whenever any version does, since versions only grow. One query."""
    changes, bases = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {changes}), "  # noqa: S608 (table names quoted)
            f"(SELECT COALESCE(SUM(version), 0) FROM {bases})"
        )
        counted, base = cursor.fetchone()
    return f"all={int(counted) + int(base)}"


def kept_while_unchanged(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """``build()``, or what it returned for the same ``name`` and ``parts`` when no version of
    anything has moved since (:func:`document_versions_all`), kept in Django's cache (per
    process unless ``CACHES`` says otherwise) at most ``KEPT_SECONDS``: for what a page reads
    across many plans and rounds (the dashboard, the task filter's fields).

    ``parts`` must say everything else the result depends on (who asks: their id; the day).
    The versions are read before anything ``build`` reads: what is kept under them is at least
    as new as they are, so a write committed meanwhile moves the versions past it.
    """
    versions = document_versions_all()
    described = repr((parts, versions, code_version(), get_language()))
    key = f"kept:{name}:{hashlib.sha256(described.encode()).hexdigest()}"
    kept = cache.get(key, _MISSING)
    if kept is not _MISSING:
        return kept
    value = build()
    cache.set(key, value, KEPT_SECONDS)
    return value


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(DocumentChange._meta.db_table), quote(DocumentVersion._meta.db_table)


# -- the code version ----------------------------------------------------------------------------

_CODE_SUFFIXES = {".py", ".html", ".css", ".xml", ".mo", ".svg"}
_LIBRARIES = ("django", "weasyprint", "openpyxl", "python-docx", "pydyf", "fonttools")


@functools.cache
def code_version() -> str:
    """A hash of what turns data into documents: the three apps' source, templates, styles,
    translations, fonts and the rendering libraries. Computed once per process; deliberately
    broad (a deploy that changes any of it rebuilds documents as they are asked for)."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("agreements", "tasks", "reports", "templates", "static/css", "locale"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    for path in sorted((base / "static" / "fonts").rglob("*")):
        if path.is_file():  # big files: their names and sizes are enough
            digest.update(f"{path.relative_to(base)}:{path.stat().st_size}".encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()[:16]


# -- the store -----------------------------------------------------------------------------------


class Built(Protocol):
    """What an exporter returns (``tasks.exporters.base.Export``)."""

    @property
    def filename(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def content(self) -> bytes: ...


@dataclass(frozen=True)
class DocumentSpec:
    """One document: ``name`` (one kept file per name), ``owner`` (the scope whose change
    rebuilds it in the worker), the ``scopes`` it prints, and ``extra`` text that changes it."""

    name: str
    owner: str
    scopes: tuple[str, ...]
    extra: Mapping[str, object] | None = None
    every_version: bool = False  # the key follows every counter (``document_versions_all``)

    def key(self) -> str:
        versions = document_versions(self.scopes)
        parts = [self.name, code_version(), *(f"{s}={v}" for s, v in versions.items())]
        if self.every_version:
            parts.append(document_versions_all())
        for item, value in sorted((self.extra or {}).items()):
            parts.append(f"{item}={value}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def document_current(name: str, key: str) -> StoredDocument | None:
    """The stored file of ``name`` if it was built from exactly ``key`` (and is still in the
    storage), else None."""
    stored = StoredDocument.objects.filter(name=name).first()
    if stored is None or stored.key != key or not default_storage.exists(stored.file.name or ""):
        return None
    return stored


def document_store(*, spec: DocumentSpec, key: str, built: Built) -> StoredDocument:
    """Keep ``built`` as the file of ``spec.name``; the file it replaces is deleted on commit."""
    extension = Path(built.filename).suffix
    folder = spec.name.replace(":", "-")
    stored_name = default_storage.save(
        f"{FOLDER}/{folder}/{key}{extension}", ContentFile(built.content)
    )
    old_name = ""
    with transaction.atomic():
        stored = (
            StoredDocument.objects.select_for_update(no_key=True).filter(name=spec.name).first()
        )
        if stored is None:
            stored = StoredDocument(name=spec.name)
        else:
            old_name = stored.file.name or ""
        stored.owner = spec.owner
        stored.key = key
        stored.file.name = stored_name
        stored.filename = built.filename
        stored.content_type = built.content_type
        stored.built_at = timezone.now()
        stored.save()
    if old_name and old_name != stored_name:
        transaction.on_commit(functools.partial(_delete_file, old_name))
    return stored


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Không xóa được văn bản cũ %s", name)


def document_ensure(spec: DocumentSpec, build: Callable[[], Built]) -> StoredDocument:
    """The stored file of ``spec`` for the data as it is now: looked up, or built and stored."""
    key = spec.key()
    stored = document_current(spec.name, key)
    if stored is not None:
        return stored
    return document_store(spec=spec, key=key, built=build())


def document_response(request: HttpRequest, stored: StoredDocument) -> HttpResponseBase:
    """The stored file as a download, with ``ETag``/``Last-Modified``; 304 when the browser
    already has this very file (``If-None-Match``/``If-Modified-Since``)."""
    etag = quote_etag(stored.key)
    modified = stored.built_at.timestamp()
    headers = HttpResponse()
    headers["ETag"] = etag
    headers["Last-Modified"] = http_date(modified)
    # The browser may keep the file but asks again each time: the answer is 304 or a new file.
    headers["Cache-Control"] = "private, no-cache"
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(modified), response=headers
    )
    if not_modified is not None and not_modified is not headers:
        return not_modified
    # Read whole rather than streamed: a document is at most a few MiB, and the answer then has
    # a length and closes nothing late.
    with stored.file.open("rb") as file:
        response = HttpResponse(file.read(), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.filename)
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        response[header] = headers[header]
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_serve(
    request: HttpRequest, spec: DocumentSpec, build: Callable[[], Built]
) -> HttpResponseBase:
    """Call only after the permission check: the current file of ``spec``, built if needed."""
    return document_response(request, document_ensure(spec, build))


def documents_of(owners: Iterable[str]) -> list[StoredDocument]:
    """The documents already built for these owners (what the worker keeps up to date)."""
    return list(StoredDocument.objects.filter(owner__in=list(owners)).order_by("name"))
