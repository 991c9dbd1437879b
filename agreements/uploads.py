"""Checks an uploaded file by its content, not its name: PDF, DOCX, XLSX, JPG, PNG, ≤ 20 MB.

Shared by every app that takes files (agreements, report attachments): it lives in the lowest one.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A .docx/.xlsx is a zip: refuse one that would inflate past this (zip bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
PNG = FileKind("png", "image/png")
JPEG = FileKind("jpg", "image/jpeg")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ALL_KINDS = (PDF, DOCX, XLSX, JPEG, PNG)
DOCUMENT_KINDS = (PDF, DOCX, JPEG, PNG)
EXTENSIONS = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "docx": DOCX, "xlsx": XLSX}


def _sniff_zip(upload) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ValidationError(
                    _("Tệp «%(name)s» giải nén ra quá lớn, có thể là tệp độc hại.")
                    % {"name": upload.name}
                )
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def sniff(upload) -> FileKind | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def upload_validate(upload, *, allowed: tuple[FileKind, ...] | None = None) -> FileKind:
    """Return the file's real kind or raise a ValidationError naming the file and the problem.

    ``allowed`` narrows the accepted kinds (an agreement's scan is PDF, DOCX or an image).
    """
    name = upload.name or _("(không tên)")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Tệp «%(name)s» nặng %(size).1f MB, vượt giới hạn 20 MB.")
            % {"name": name, "size": upload.size / 1024 / 1024}
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp «%(name)s» rỗng.") % {"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(extension)
    if claimed is None or (allowed is not None and claimed not in allowed):
        kinds = ", ".join(dict.fromkeys(k.extension.upper() for k in allowed or ALL_KINDS))
        raise ValidationError(
            _("Tệp «%(name)s»: chỉ nhận %(kinds)s.") % {"name": name, "kinds": kinds}
        )
    upload.seek(0)
    if upload.read(8) == OLE_MAGIC:
        upload.seek(0)
        raise ValidationError(
            _(
                "Tệp «%(name)s» được đặt mật khẩu hoặc là định dạng Office cũ (.doc/.xls); "
                "hãy lưu lại thành tệp không mật khẩu dạng DOCX/XLSX hoặc PDF."
            )
            % {"name": name}
        )
    actual = sniff(upload)
    if actual is None or actual != claimed:
        raise ValidationError(
            _("Tệp «%(name)s» không phải tệp %(ext)s thật (nội dung không khớp với đuôi tệp).")
            % {"name": name, "ext": extension.upper()}
        )
    return actual


_logger = logging.getLogger(__name__)


def pending_max_age() -> timedelta:
    """How long an upload waiting for its preview to be confirmed is kept."""
    return timedelta(hours=float(settings.PENDING_UPLOAD_MAX_AGE_HOURS))


def pending_files_cleanup(
    folder: str, *, max_age: timedelta | None = None, now: datetime | None = None
) -> int:
    """Delete the files of ``folder`` (in the default storage) older than ``max_age`` (the
    setting by default): uploads whose preview was never confirmed (the tab closed, the
    session expired). Returns how many. Run each time a file is stored there and from cron
    (``manage.py uploads_cleanup``), so they never pile up even when nobody uploads for weeks.

    Age is the file's modification time in the storage: a file being confirmed right now is
    minutes old, never near the limit.
    """
    cutoff = (now or timezone.now()) - (max_age if max_age is not None else pending_max_age())
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0  # nothing stored yet
    deleted = 0
    for name in names:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue  # another process deleted it meanwhile
    if deleted:
        _logger.info(
            "uploads cleanup: %s file(s) in %s older than %s deleted", deleted, folder, cutoff
        )
    return deleted
