"""Writing an export to a file from the command line (``export_plan``, ``export_round``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from .base import Export


def export_write(export: Export, output: str | None) -> str:
    """Write ``export`` to ``output`` (default: its standard file name in the current folder)
    and say so in Vietnamese; a file that cannot be written is a CommandError naming it."""
    target = Path(output or export.filename)
    try:
        target.write_bytes(export.content)
    except OSError as error:
        raise CommandError(f"Không ghi được tệp {target}: {error.strerror}") from error
    return f"Đã ghi {target} ({len(export.content):,} byte).".replace(",", ".")
