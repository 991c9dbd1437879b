"""The document store (agreements/documents.py): counters bumped by every write service, one kept
file per document, and the download answer with ETag/Last-Modified."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import RequestFactory

from agreements import documents
from agreements.documents import (
    DocumentSpec,
    document_current,
    document_ensure,
    document_response,
    document_touch,
    document_versions,
    documents_changed_connect,
    plan_scope,
)
from agreements.models import StoredDocument
from tasks.exporters.base import Export

pytestmark = pytest.mark.django_db


def _read(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


def _export(text: str) -> Export:
    return Export(filename="van-ban.pdf", content_type="application/pdf", content=text.encode())


def test_touch_counts_each_write_and_a_rollback_counts_nothing():
    scope = plan_scope(987_654)
    assert document_versions([scope]) == {scope: 0}
    document_touch(scope)
    document_touch(scope, scope)  # one write, once
    assert document_versions([scope]) == {scope: 2}
    with pytest.raises(RuntimeError), transaction.atomic():
        document_touch(scope)
        raise RuntimeError
    assert document_versions([scope]) == {scope: 2}


def test_listeners_hear_once_per_committed_transaction(django_capture_on_commit_callbacks):
    heard: list[list[str]] = []
    documents_changed_connect(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                document_touch(plan_scope(1))
                document_touch(plan_scope(1))
                document_touch(plan_scope(2))
        assert heard == [[plan_scope(1), plan_scope(2)]]
        heard.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                document_touch(plan_scope(3))
                raise RuntimeError
        assert heard == [] and callbacks == []
    finally:
        documents._listeners.remove(heard.append)


def test_a_document_is_built_once_and_rebuilt_after_a_touch(django_capture_on_commit_callbacks):
    spec = DocumentSpec(name="test:1:pdf", owner="test:1", scopes=(plan_scope(4242),))
    builds: list[str] = []

    def build() -> Export:
        builds.append("x")
        return _export(f"bản {len(builds)}")

    first = document_ensure(spec, build)
    again = document_ensure(spec, build)
    assert builds == ["x"] and again.key == first.key
    assert _read(first.file.name) == "bản 1".encode()

    document_touch(plan_scope(4242))
    assert document_current(spec.name, spec.key()) is None  # the old file answers no new key
    with django_capture_on_commit_callbacks(execute=True):
        second = document_ensure(spec, build)
    assert len(builds) == 2 and second.key != first.key
    assert _read(second.file.name) == "bản 2".encode()
    # Only the latest file is kept.
    assert not default_storage.exists(first.file.name)
    assert StoredDocument.objects.filter(name=spec.name).count() == 1


def test_compaction_folds_old_changes_without_moving_any_version(capsys):
    """``documents_compact`` (cron) empties the change table of old rows: every version reads
    the same, a stored document is still served without a rebuild, and the next write counts on
    from where the version was."""
    from datetime import timedelta

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    from agreements.documents import document_versions_all
    from agreements.models import DocumentChange

    old, recent, based = plan_scope(5151), plan_scope(5152), plan_scope(5153)
    for scope in (old, old, old, recent, based):
        document_touch(scope)
    # Everything but one of ``recent``'s rows happened two days ago.
    two_days_ago = timezone.now() - timedelta(days=2)
    DocumentChange.objects.exclude(scope=recent).update(changed_at=two_days_ago)
    document_touch(based)
    DocumentChange.objects.filter(scope=based).update(changed_at=two_days_ago)
    document_touch(recent)
    spec = DocumentSpec(name="test:5:pdf", owner="test:5", scopes=(old, recent, based))
    builds: list[str] = []
    stored = document_ensure(spec, lambda: builds.append("x") or _export("một"))
    before = document_versions([old, recent, based])
    assert before == {old: 3, recent: 2, based: 2}
    everything = document_versions_all()

    call_command("documents_compact", "--hours", "24")
    assert "Đã gộp" in capsys.readouterr().out
    assert document_versions([old, recent, based]) == before
    assert document_versions_all() == everything
    assert not DocumentChange.objects.filter(scope__in=[old, based]).exists()
    assert DocumentChange.objects.filter(scope=recent).count() == 2  # younger than 24 hours
    again = document_ensure(spec, lambda: builds.append("x") or _export("hai"))
    assert builds == ["x"] and again.key == stored.key  # served as built, not built again

    document_touch(old)
    assert document_versions([old])[old] == 4
    call_command("documents_compact", "--hours", "24")  # nothing old left: nothing moves
    assert document_versions([old, based]) == {old: 4, based: 2}
    with pytest.raises(CommandError, match="Số giờ phải là số dương"):
        call_command("documents_compact", "--hours", "không")


def test_a_file_gone_from_storage_is_built_again():
    spec = DocumentSpec(name="test:2:pdf", owner="test:2", scopes=(plan_scope(4243),))
    stored = document_ensure(spec, lambda: _export("một"))
    default_storage.delete(stored.file.name)
    rebuilt = document_ensure(spec, lambda: _export("hai"))
    assert _read(rebuilt.file.name) == b"hai"


def test_the_download_carries_etag_and_answers_304():
    spec = DocumentSpec(name="test:3:pdf", owner="test:3", scopes=(plan_scope(4244),))
    stored = document_ensure(spec, lambda: _export("nội dung"))
    factory = RequestFactory()
    response = document_response(factory.get("/"), stored)
    assert response.status_code == 200
    assert response["ETag"] == f'"{stored.key}"' and response["Last-Modified"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content == "nội dung".encode()

    again = document_response(factory.get("/", HTTP_IF_NONE_MATCH=f'"{stored.key}"'), stored)
    assert again.status_code == 304 and again["ETag"] == f'"{stored.key}"'
    since = document_response(
        factory.get("/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]), stored
    )
    assert since.status_code == 304
    other = document_response(factory.get("/", HTTP_IF_NONE_MATCH='"cu"'), stored)
    assert other.status_code == 200


def test_the_key_follows_the_code_and_the_extra_text(monkeypatch):
    spec = DocumentSpec(name="test:4", owner="t", scopes=(), extra={"today": "2026-12-02"})
    other_day = DocumentSpec(name="test:4", owner="t", scopes=(), extra={"today": "2026-12-03"})
    assert spec.key() != other_day.key()
    before = spec.key()
    monkeypatch.setattr(documents, "code_version", lambda: "a-new-deploy")
    assert spec.key() != before


# -- every write service bumps a counter -----------------------------------------------------------

SERVICE_FILES = ("agreements/services.py", "tasks/services.py", "reports/services.py")
# Writes that change nothing any document prints, each with the reason.
PRINTS_NOTHING = {
    "report_save": "a draft's text is printed only once it is submitted (report_submit bumps)",
    "attachment_add": "evidence files are not printed",
    "attachment_remove": "evidence files are not printed",
}


def _atomic_services(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text())
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("atomic" in ast.unparse(d) for d in node.decorator_list)
    }


def _calls(node: ast.AST) -> set[str]:
    return {
        call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
    }


@pytest.mark.parametrize("relative", SERVICE_FILES)
def test_every_write_service_bumps_what_documents_print(relative):
    """A write that forgot ``document_touch`` would let a stale document be served: each write
    service calls it, or calls a service of the same file that does."""
    path = Path(settings.BASE_DIR) / relative
    tree = ast.parse(path.read_text())
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    touching: set[str] = {
        name for name, node in functions.items() if "document_touch" in _calls(node)
    }
    changed = True
    while changed:  # a service calling one that touches, directly or through helpers
        changed = False
        for name, node in functions.items():
            if name not in touching and _calls(node) & touching:
                touching.add(name)
                changed = True
    missing = [
        name
        for name in _atomic_services(path)
        if name not in touching and name not in PRINTS_NOTHING
    ]
    assert missing == [], f"{relative}: no document_touch in {missing}"


def test_an_admin_edit_makes_every_document_of_the_province_out_of_date(administrator, superuser):
    from django.contrib import admin

    from agreements.documents import GLOBAL, province_scope
    from agreements.models import Agency

    agency = Agency.objects.create(province=administrator.province, name="Cơ quan thử admin")
    model_admin = admin.site._registry[Agency]
    request = RequestFactory().post("/admin/")
    scope = province_scope(administrator.province_id)
    before = document_versions([scope, GLOBAL])

    request.user = administrator
    agency.short_name = "Đổi trong admin"
    model_admin.save_model(request, agency, form=None, change=True)
    after = document_versions([scope, GLOBAL])
    assert after[scope] == before[scope] + 1 and after[GLOBAL] == before[GLOBAL]

    request.user = superuser  # no province: every province's documents
    model_admin.delete_model(request, agency)
    assert document_versions([GLOBAL])[GLOBAL] == before[GLOBAL] + 1
