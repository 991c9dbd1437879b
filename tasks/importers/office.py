"""Old Office files: tell a .doc, an .xls, an RTF and a password-protected file apart, and
convert the first three to .docx/.xlsx with LibreOffice when it is installed.

Word and Excel 97–2003 files and every password-protected file (even a .docx or .xlsx, which is
then an "EncryptedPackage" inside the same container) are OLE2 compound files; ``olefile``
lists their streams, so each gets its own message. LibreOffice is optional: without it the
user is told exactly how to resave the file.

The conversion runs inside the upload request, so it is bounded: the file is already within
``reader.MAX_FILE_SIZE``, one conversion at a time per process (waiting at most
``WAIT_TIMEOUT``), a fresh LibreOffice profile each time, and the whole process group killed at
``CONVERT_TIMEOUT``. The converted file then goes through every check of ``reader``.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from .reader import OLE_MAGIC, PlanImportError

CONVERT_TIMEOUT = 60  # seconds; a plan file converts in 6–10 s on a busy 2-core server
# Waiting for another conversion plus this one stays under gunicorn's 120 s request timeout.
WAIT_TIMEOUT = 20
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)

DOC, XLS, RTF, ENCRYPTED, OTHER = "doc", "xls", "rtf", "encrypted", "other"
TARGET = {DOC: "docx", RTF: "docx", XLS: "xlsx"}
LABEL = {
    DOC: "văn bản Word 97–2003 (.doc)",
    RTF: "văn bản RTF (thường mang đuôi .rtf hoặc .doc)",
    XLS: "bảng tính Excel 97–2003 (.xls)",
}
SAVE_AS = {
    "docx": "mở tệp bằng Word, chọn Tệp → Lưu thành (File → Save As), ở “Kiểu tệp” chọn "
    "“Tài liệu Word (*.docx)”, lưu rồi tải tệp .docx lên",
    "xlsx": "mở tệp bằng Excel, chọn Tệp → Lưu thành (File → Save As), ở “Kiểu tệp” chọn "
    "“Sổ làm việc Excel (*.xlsx)”, lưu rồi tải tệp .xlsx lên",
}
PROTECTED_MESSAGE = (
    "Tệp được đặt mật khẩu mở nên không đọc được nội dung. Hãy mở tệp bằng Word hoặc Excel, "
    "vào Tệp → Thông tin → Bảo vệ → Mã hóa bằng mật khẩu (File → Info → Protect → Encrypt with "
    "Password), xóa mật khẩu, bấm OK, lưu lại rồi tải lên."
)


@dataclass(frozen=True)
class Prepared:
    """A file ready for ``reader``: the bytes, and what it was converted from ("" if nothing)."""

    data: bytes
    converted_from: str = ""

    def note(self) -> str:
        if not self.converted_from:
            return ""
        target = TARGET[self.converted_from]
        return (
            f"Tệp là {LABEL[self.converted_from]}, đã được LibreOffice chuyển sang .{target} "
            "trước khi đọc."
        )


def old_format(data: bytes) -> str | None:
    """DOC, XLS, RTF, ENCRYPTED or OTHER for an old or protected file; None for anything else."""
    if data[:64].lstrip().startswith(b"{\\rtf"):
        return RTF
    if not data.startswith(OLE_MAGIC):
        return None
    import olefile

    try:
        ole = olefile.OleFileIO(BytesIO(data))
    except Exception:  # a damaged container: olefile raises several kinds
        return OTHER
    try:
        if ole.exists("EncryptedPackage") or ole.exists("\x06DataSpaces"):
            return ENCRYPTED
        if ole.exists("WordDocument"):
            return ENCRYPTED if _doc_encrypted(ole) else DOC
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                return ENCRYPTED if _xls_encrypted(ole, name) else XLS
        return OTHER
    finally:
        ole.close()


def _doc_encrypted(ole) -> bool:
    # FIB: wIdent, nFib, unused, lid, pnNext, then the flags; fEncrypted is bit 8.
    header = ole.openstream("WordDocument").read(12)
    return len(header) >= 12 and bool(struct.unpack_from("<H", header, 10)[0] & 0x0100)


def _xls_encrypted(ole, name: str) -> bool:
    # The workbook globals start BOF …; a FILEPASS record (0x002F) there means a password.
    stream = ole.openstream(name).read(64 * 1024)
    offset = 0
    for _ in range(200):
        if offset + 4 > len(stream):
            return False
        kind, size = struct.unpack_from("<HH", stream, offset)
        if kind == 0x002F:
            return True
        if kind == 0x000A:  # EOF of the globals
            return False
        offset += 4 + size
    return False


def format_error(data: bytes) -> PlanImportError:
    """Why an old or protected file cannot be read as it is, and how to resave it."""
    kind = old_format(data)
    if kind == ENCRYPTED:
        return PlanImportError(PROTECTED_MESSAGE)
    if kind in TARGET:
        target = TARGET[kind]
        return PlanImportError(
            f"Tệp là {LABEL[kind]}: cần lưu lại thành .{target}. Hãy {SAVE_AS[target]}."
        )
    return PlanImportError(
        "Tệp có dạng tệp Office 97–2003 nhưng không phải văn bản Word hay bảng tính Excel đọc "
        "được (có thể là tệp PowerPoint, Outlook, hoặc tệp đã hỏng). Hãy mở bảng kế hoạch bằng "
        "Word hoặc Excel và lưu thành .docx hoặc .xlsx rồi tải lên."
    )


def soffice() -> str | None:
    """The LibreOffice program, if installed (settings.PLAN_IMPORT_SOFFICE overrides; "" turns
    the conversion off)."""
    from django.conf import settings

    configured = getattr(settings, "PLAN_IMPORT_SOFFICE", None)
    if configured is not None:
        return configured or None
    return shutil.which("soffice") or shutil.which("libreoffice")


def prepare(data: bytes) -> Prepared:
    """The file as .docx/.xlsx bytes: as it is, or converted from .doc/.xls/RTF by LibreOffice.

    Raises PlanImportError (in Vietnamese) for a password-protected file, an old file without
    LibreOffice, and a conversion that fails or takes too long.
    """
    kind = old_format(data)
    if kind is None:
        return Prepared(data)
    if kind not in TARGET:
        raise format_error(data)
    program = soffice()
    target = TARGET[kind]
    if program is None:
        raise PlanImportError(
            f"Tệp là {LABEL[kind]}. Máy chủ chưa cài LibreOffice nên không tự chuyển được: hãy "
            f"{SAVE_AS[target]}."
        )
    return Prepared(convert(data, kind, program=program), converted_from=kind)


def convert(data: bytes, kind: str, *, program: str, timeout: float = CONVERT_TIMEOUT) -> bytes:
    """``data`` (a .doc, .xls or RTF) converted by LibreOffice, headless, in its own profile."""
    target = TARGET[kind]
    failed = (
        f"Không chuyển được tệp ({LABEL[kind]}) sang .{target} bằng LibreOffice{{why}}. "
        f"Hãy {SAVE_AS[target]}."
    )
    if not _ONE_AT_A_TIME.acquire(timeout=min(timeout, WAIT_TIMEOUT)):
        raise PlanImportError(failed.format(why=": máy chủ đang bận chuyển tệp khác, hãy thử lại"))
    try:
        with tempfile.TemporaryDirectory(prefix="coopplan-office-") as folder:
            root = Path(folder)
            source = root / f"ke-hoach.{kind}"
            source.write_bytes(data)
            (root / "out").mkdir()
            command = [
                program,
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--convert-to",
                target,
                "--outdir",
                str(root / "out"),
                str(source),
            ]
            environment = {"PATH": os.environ.get("PATH", ""), "HOME": folder, "LANG": "C.UTF-8"}
            process = subprocess.Popen(  # noqa: S603 (a fixed program, our own arguments)
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=environment,
                start_new_session=True,  # its own process group: a timeout kills it whole
            )
            try:
                _, errors = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                raise PlanImportError(failed.format(why=f": quá {int(timeout)} giây")) from None
            _kill(process)  # helpers it may have left behind
            result = root / "out" / f"ke-hoach.{target}"
            if process.returncode != 0 or not result.is_file():
                raise PlanImportError(failed.format(why=""))
            return result.read_bytes()
    finally:
        _ONE_AT_A_TIME.release()


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError):
        pass
