"""The exporter contract: ``render(obj) -> Export`` and a registry keyed by (kind, format).

Plan exporters live here (tasks); round exporters register from the reports app. Views and
management commands look exporters up here and never import a format module directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


class ExportRefused(Exception):
    """The document has nothing to say (a reminder when nobody owes a report): the message,
    in Vietnamese, tells the user why no file is made."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Renderer = Callable[[object], Export]
_REGISTRY: dict[tuple[str, str], Renderer] = {}


def register(kind: str, fmt: str) -> Callable[[Renderer], Renderer]:
    """Decorator: ``@register("plan", "pdf")`` on a function ``render(plan) -> Export``."""

    def decorator(func: Renderer) -> Renderer:
        _REGISTRY[(kind, fmt)] = func
        return func

    return decorator


def exporter_for(kind: str, fmt: str) -> Renderer:
    # Importing the format modules registers them; done lazily so that a missing optional
    # library only breaks its own format.
    from . import registry  # noqa: F401

    try:
        return _REGISTRY[(kind, fmt)]
    except KeyError:
        raise LookupError(f"Không có định dạng {fmt} cho {kind}") from None


def formats_for(kind: str) -> list[str]:
    from . import registry  # noqa: F401

    return [fmt for (k, fmt) in _REGISTRY if k == kind]


def slugify_vi(text: str) -> str:
    """ "165/QĐ-UBND" → "165-QD-UBND": ASCII, safe in any file system and header."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def plan_filename(plan, fmt: str) -> str:
    """ke-hoach-165-QD-UBND-2020.pdf"""
    year = plan.date.year if plan.date else plan.start_year
    return f"ke-hoach-{slugify_vi(plan.number)}-{year}.{fmt}"
