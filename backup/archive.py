"""Everything the application keeps, in one file: the database and the uploaded files.

An archive is a ``.tar.gz`` holding

* ``data.json``: ``dumpdata`` of every app (users and groups, history tables, background task
  results, the admin's log), except what a migrated database makes by itself or what has no
  value once restored: content types, permissions, sessions, django-axes' login records;
* ``media/…``: every file in the default storage (attachments, agreements' files, documents);
* ``manifest.json`` (written last): format, app version, date, the applied migrations, the number
  of rows of every table, the size and SHA-256 of ``data.json`` and of every file, and the
  content types and permissions by id.

Primary keys are kept as they are, so that links between rows, links in history rows to rows
since deleted, and addresses people bookmarked stay valid. Only content types and permissions
get new ids in another database: restoring translates the references to them through the
manifest (the admin's log, groups' and users' permissions).

The format does not depend on the database: a SQLite backup restores into PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "coopplan-backup"
FORMAT_VERSION = 1
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes")
# Made by `migrate` itself (role groups, see accounts/roles.py): replaced by the archive's rows.
MADE_BY_MIGRATE = ("auth.group", "auth.group_permissions")
CHUNK = 1024 * 1024
_UNSET = object()


class BackupError(Exception):
    """The archive cannot be made or restored; the message is for the person at the console."""


@dataclass
class RestoreResult:
    counts: dict[str, int]
    files: int
    bytes: int
    app_version: str
    created_at: str
    replaced: bool = False
    warnings: list[str] = field(default_factory=list)


def _app_version() -> str:
    try:
        return metadata.version("coopplan")
    except metadata.PackageNotFoundError:
        return "unknown"


def _label(model) -> str:
    return model._meta.label_lower


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list:
    """Every table ``data.json`` fills, many-to-many link tables included (counted, not dumped)."""
    connection = connections[using]
    models = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or not model._meta.can_migrate(connection):
            continue
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED:
            continue
        models.append(model)
    return sorted(models, key=_label)


def _counts(using: str) -> dict[str, int]:
    return {_label(model): model._base_manager.using(using).count() for model in backed_up_models()}


def _applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while counting and hashing what passes."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _storage_files(directory: str = "") -> Iterator[str]:
    """Every file in the default storage, sorted (works for S3-like storages too)."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from _storage_files(f"{directory}/{folder}" if directory else folder)


def _referenced_files(using: str) -> set[str]:
    names: set[str] = set()
    for model in backed_up_models(using):
        file_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("FileField", "ImageField")
        ]
        for file_field in file_fields:
            queryset = model._base_manager.using(using).exclude(**{file_field: ""})
            names.update(queryset.values_list(file_field, flat=True).iterator())
    return names


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_create(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to ``path`` (through ``path.partial``, renamed when complete).

    One transaction covers the dump and the counts; on PostgreSQL it is REPEATABLE READ, so the
    archive is one consistent snapshot while people keep working.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    now = timezone.now()
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="coopplan-backup-") as scratch:
        data_path = Path(scratch) / "data.json"
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                exclude=list(EXCLUDED),
                use_base_manager=True,
                database=using,
                output=str(data_path),
                verbosity=0,
            )
            counts = _counts(using)
            referenced = _referenced_files(using)
            migrations = _applied_migrations(using)
            content_types = {
                str(ct.pk): [ct.app_label, ct.model] for ct in ContentType.objects.using(using)
            }
            permissions = {
                str(p.pk): [p.content_type.app_label, p.content_type.model, p.codename]
                for p in Permission.objects.using(using).select_related("content_type")
            }
        data_sha = hashlib.sha256()
        with data_path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                data_sha.update(chunk)
        media = []
        # The archive holds password hashes: readable by its owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(data_path, arcname="data.json", recursive=False)
            for name in _storage_files():
                size = default_storage.size(name)
                info = tarfile.TarInfo(f"media/{name}")
                info.size = size
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                with default_storage.open(name, "rb") as handle:
                    reader = _HashingReader(handle)
                    archive.addfile(info, reader)
                if reader.size != size:
                    raise BackupError(
                        _("Tệp %(name)s thay đổi trong khi sao lưu.") % {"name": name}
                    )
                media.append({"path": name, "size": size, "sha256": reader.sha256.hexdigest()})
            stored = {entry["path"] for entry in media}
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": _app_version(),
                "created_at": now.isoformat(),
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "counts": counts,
                "data": {
                    "path": "data.json",
                    "size": data_path.stat().st_size,
                    "sha256": data_sha.hexdigest(),
                },
                "media": media,
                "missing_files": sorted(referenced - stored),
                "content_types": content_types,
                "permissions": permissions,
            }
            _add_bytes(
                archive,
                "manifest.json",
                json.dumps(manifest, ensure_ascii=False, indent=1).encode(),
                now.timestamp(),
            )
        os.replace(partial, path)
    return manifest


# ---------------------------------------------------------------------------------------------
# Restore


def _safe_member_name(name: str) -> str | None:
    """``manifest.json``, ``data.json`` or ``media/<relative path>``; None for anything else."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or any(part in ("..", "") for part in pure.parts) or "\\" in name:
        return None
    if name in ("manifest.json", "data.json"):
        return name
    if len(pure.parts) >= 2 and pure.parts[0] == "media":
        return name
    return None


def _unpack(path: Path, scratch: Path) -> dict[str, tuple[Path, int, str]]:
    """Copy every member into ``scratch``: name → (file, size, sha256). Checks names first."""
    broken = _(
        "Tệp %(path)s không phải bản sao lưu coopplan đọc được (tệp nén hỏng hoặc sai định dạng)."
    ) % {"path": path}
    unpacked: dict[str, tuple[Path, int, str]] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for index, member in enumerate(archive):
                name = _safe_member_name(member.name)
                if name is None or not member.isreg():
                    raise BackupError(
                        _("Bản sao lưu chứa mục không hợp lệ hoặc không an toàn: %(name)s")
                        % {"name": member.name}
                    )
                if name in unpacked:
                    raise BackupError(_("Bản sao lưu chứa hai lần tệp %(name)s.") % {"name": name})
                target = scratch / f"{index:08d}"
                digest = hashlib.sha256()
                size = 0
                source = archive.extractfile(member)
                if source is None:  # never for a regular file, checked above
                    raise BackupError(broken)
                with target.open("wb") as out:
                    for chunk in iter(partial(source.read, CHUNK), b""):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                unpacked[name] = (target, size, digest.hexdigest())
    except FileNotFoundError as error:
        raise BackupError(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from error
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(broken) from error
    return unpacked


def _manifest(path: Path, unpacked: dict[str, tuple[Path, int, str]]) -> dict:
    foreign = _("Tệp %(path)s không phải bản sao lưu của coopplan.") % {"path": path}
    if "manifest.json" not in unpacked:
        raise BackupError(foreign + " " + _("Thiếu manifest.json."))
    try:
        manifest = json.loads(unpacked["manifest.json"][0].read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(_("Bản sao lưu bị hỏng: manifest.json không đọc được.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(foreign)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "Bản sao lưu có định dạng phiên bản %(found)s; "
                "bản coopplan này đọc phiên bản %(wanted)s."
            )
            % {"found": manifest.get("format_version"), "wanted": FORMAT_VERSION}
        )
    return manifest


def _check_contents(manifest: dict, unpacked: dict[str, tuple[Path, int, str]]) -> None:
    """Every byte the manifest promises is there, and nothing else."""
    try:
        expected = {"data.json": (manifest["data"]["size"], manifest["data"]["sha256"])}
        for entry in manifest["media"]:
            expected[f"media/{entry['path']}"] = (entry["size"], entry["sha256"])
    except (KeyError, TypeError) as error:
        raise BackupError(_("Bản sao lưu bị hỏng: manifest.json thiếu thông tin.")) from error
    for name, (size, sha256) in expected.items():
        if name not in unpacked:
            raise BackupError(_("Bản sao lưu bị hỏng: thiếu %(name)s.") % {"name": name})
        if unpacked[name][1:] != (size, sha256):
            raise BackupError(
                _("Bản sao lưu bị hỏng: %(name)s không khớp mã kiểm tra SHA-256.") % {"name": name}
            )
    extra = sorted(set(unpacked) - set(expected) - {"manifest.json"})
    if extra:
        raise BackupError(
            _("Bản sao lưu chứa tệp không có trong manifest: %(name)s") % {"name": extra[0]}
        )


def _remapped_fixture(source: Path, target: Path, manifest: dict, using: str) -> None:
    """``data.json`` with content type and permission ids of this database."""
    content_types = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.using(using)}
    permissions = {
        (p.content_type.app_label, p.content_type.model, p.codename): p.pk
        for p in Permission.objects.using(using).select_related("content_type")
    }
    ct_map = {
        int(old): content_types.get(tuple(key)) for old, key in manifest["content_types"].items()
    }
    perm_map = {
        int(old): permissions.get(tuple(key)) for old, key in manifest["permissions"].items()
    }
    fields: dict[str, dict[str, str]] = {}
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if not model_field.is_relation or model_field.auto_created and not model_field.concrete:
                continue
            related = model_field.related_model
            kind = {ContentType: "ct", Permission: "perm"}.get(related) if related else None
            if kind:
                fields.setdefault(_label(model), {})[model_field.name] = kind
    rows = json.loads(source.read_text(encoding="utf-8"))
    for row in rows:
        for name, kind in fields.get(row["model"], {}).items():
            mapping = ct_map if kind == "ct" else perm_map
            value = row["fields"].get(name)
            if isinstance(value, list):
                row["fields"][name] = [mapping[v] for v in value if mapping.get(v) is not None]
            elif value is not None:
                row["fields"][name] = mapping.get(value)
    target.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


@contextmanager
def _history_paused() -> Iterator[None]:
    """Loading writes many-to-many links, which django-simple-history would record as new
    changes: the archive already holds the history as it was."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", _UNSET)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is _UNSET:
            # delattr: the setting is simple-history's, unknown to django-stubs' settings type.
            delattr(settings, "SIMPLE_HISTORY_ENABLED")
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous


def database_row_count(using: str = DEFAULT_DB_ALIAS) -> int:
    """Rows a restore would overwrite (the role groups migrate makes do not count)."""
    counts = _counts(using)
    return sum(n for label, n in counts.items() if label not in MADE_BY_MIGRATE)


def backup_restore(
    *, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Restore an archive into a migrated database, then check it against the manifest.

    Refuses a database that holds data unless ``force`` (then everything in it is replaced).
    The database part is one transaction: any failure, a count that does not match included,
    leaves the database as it was. Files are written to the storage inside that transaction,
    after the rows, so a failure there also undoes the rows.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="coopplan-restore-") as scratch_dir:
        scratch = Path(scratch_dir)
        unpacked = _unpack(path, scratch)
        manifest = _manifest(path, unpacked)
        _check_contents(manifest, unpacked)
        here = _applied_migrations(using)
        there = manifest.get("migrations", [])
        if here != there:
            difference = sorted({tuple(m) for m in here} ^ {tuple(m) for m in there})
            raise BackupError(
                _(
                    "Bản sao lưu (coopplan %(version)s) được tạo với lược đồ cơ sở dữ liệu khác "
                    "(%(count)s migration khác nhau, ví dụ %(example)s). Hãy khôi phục bằng đúng "
                    "phiên bản đã tạo ra nó trên cơ sở dữ liệu đã `migrate`, rồi mới nâng cấp."
                )
                % {
                    "version": manifest.get("app_version"),
                    "count": len(difference),
                    "example": ".".join(difference[0]),
                }
            )
        existing = database_row_count(using)
        if existing and not force:
            raise BackupError(
                _(
                    "Cơ sở dữ liệu đang có %(count)s bản ghi. Khôi phục chỉ ghi vào cơ sở dữ liệu "
                    "trống (vừa `migrate`); dùng --force để xóa hết và thay bằng bản sao lưu."
                )
                % {"count": existing}
            )
        fixture = scratch / "restore.json"
        with transaction.atomic(using=using), _history_paused():
            if existing:
                # Content types and permissions come back with new ids: remap after this.
                call_command("flush", database=using, interactive=False, verbosity=0)
            _remapped_fixture(unpacked["data.json"][0], fixture, manifest, using)
            Group.objects.using(using).all().delete()
            call_command("loaddata", str(fixture), database=using, verbosity=0)
            counts = _counts(using)
            wrong = {
                label: (counts.get(label), wanted)
                for label, wanted in manifest["counts"].items()
                if counts.get(label) != wanted
            }
            if wrong:
                label, (found, wanted) = sorted(wrong.items())[0]
                raise BackupError(
                    _(
                        "Khôi phục không trọn vẹn: bảng %(label)s có %(found)s dòng, bản sao lưu "
                        "có %(wanted)s; đã hủy, cơ sở dữ liệu giữ nguyên."
                    )
                    % {"label": label, "found": found, "wanted": wanted}
                )
            total = 0
            for entry in manifest["media"]:
                name = entry["path"]
                if default_storage.exists(name):
                    default_storage.delete(name)
                with unpacked[f"media/{name}"][0].open("rb") as handle:
                    saved = default_storage.save(name, File(handle, name=name))
                if saved != name:
                    raise BackupError(
                        _("Không ghi được tệp %(name)s vào kho tệp.") % {"name": name}
                    )
                with default_storage.open(name, "rb") as handle:
                    digest = hashlib.sha256()
                    for chunk in iter(partial(handle.read, CHUNK), b""):
                        digest.update(chunk)
                if digest.hexdigest() != entry["sha256"]:
                    raise BackupError(
                        _("Tệp %(name)s ghi ra không khớp mã kiểm tra.") % {"name": name}
                    )
                total += entry["size"]
    warnings = []
    if manifest.get("missing_files"):
        warnings.append(
            _("Khi sao lưu đã thiếu %(count)s tệp mà dữ liệu nhắc tới, ví dụ %(name)s.")
            % {"count": len(manifest["missing_files"]), "name": manifest["missing_files"][0]}
        )
    return RestoreResult(
        counts=counts,
        files=len(manifest["media"]),
        bytes=total,
        app_version=manifest.get("app_version", ""),
        created_at=manifest.get("created_at", ""),
        replaced=bool(existing),
        warnings=warnings,
    )
