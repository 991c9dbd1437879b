"""The content check for uploads lives in ``agreements.uploads`` (agreements' files use it too)."""

from agreements.uploads import (  # noqa: F401
    DOCX,
    EXTENSIONS,
    JPEG,
    MAX_UNZIPPED_BYTES,
    MAX_UPLOAD_BYTES,
    OLE_MAGIC,
    PDF,
    PNG,
    XLSX,
    FileKind,
    sniff,
    upload_validate,
)
