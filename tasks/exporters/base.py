"""The exporter contract: ``render(obj) -> Export`` and a registry keyed by (kind, format).

Plan exporters live here (tasks); round exporters register from the reports app. Views and
management commands look exporters up here and never import a format module directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
# Who may use an exporter on an object: (user, obj) -> bool, answered by an app's permissions.
Audience = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Exporter:
    """One (kind, format) of document: how it is made and who may have it.

    As pretix's exporter registry: each exporter states its audience itself, so a new format
    cannot be added without saying who may download it. Views still fetch the object through
    their app's ``permissions.py`` (404 for a forged id); ``may_use`` is the same rule, stated
    with the exporter, for commands, jobs and the tests' permission matrix.
    """

    kind: str
    fmt: str
    render: Renderer
    may_use: Audience
    audience: str  # who may use it, in words (for people reading the registry)


_REGISTRY: dict[tuple[str, str], Exporter] = {}


def register(kind: str, fmt: str, *, may_use: Audience, audience: str):
    """Decorator: ``@register("plan", "pdf", may_use=…, audience=…)`` on ``render(obj)``."""

    def decorator(func: Renderer) -> Renderer:
        _REGISTRY[(kind, fmt)] = Exporter(kind, fmt, func, may_use, audience)
        return func

    return decorator


def _load() -> None:
    # Importing the format modules registers them; done lazily so that a missing optional
    # library only breaks its own format.
    from . import registry  # noqa: F401


def exporter(kind: str, fmt: str) -> Exporter:
    _load()
    try:
        return _REGISTRY[(kind, fmt)]
    except KeyError:
        raise LookupError(f"Không có định dạng {fmt} cho {kind}") from None


def exporter_for(kind: str, fmt: str) -> Renderer:
    return exporter(kind, fmt).render


def formats_for(kind: str) -> list[str]:
    _load()
    return [fmt for (k, fmt) in _REGISTRY if k == kind]


def exporters_for_user(user, kind: str, obj) -> list[Exporter]:
    """The formats of ``kind`` this user may have for ``obj`` (pretix: the registry filtered by
    permission)."""
    _load()
    return [item for (k, _), item in _REGISTRY.items() if k == kind and item.may_use(user, obj)]


def all_exporters() -> list[Exporter]:
    _load()
    return list(_REGISTRY.values())


def plan_readers(user, plan) -> bool:
    """Whoever may open the plan's page (``agreements.permissions.plans_visible_to``)."""
    from agreements.permissions import plans_visible_to

    return plans_visible_to(user).filter(pk=plan.pk).exists()


PLAN_READERS = "người xem được kế hoạch (cùng quyền với trang kế hoạch)"


def slugify_vi(text: str) -> str:
    """ "165/QĐ-UBND" → "165-QD-UBND": ASCII, safe in any file system and header."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def plan_filename(plan, fmt: str) -> str:
    """ke-hoach-165-QD-UBND-2020.pdf"""
    year = plan.date.year if plan.date else plan.start_year
    return f"ke-hoach-{slugify_vi(plan.number)}-{year}.{fmt}"
