"""How much free text one field may hold: enough for the printed document it ends up in.

Every free text field of the models takes its maximum from here (``text_limit``): the model
validates it (services call ``full_clean``), model forms get ``maxlength`` and the Vietnamese
hint "Tối đa … ký tự." shown under the field, and the document exporters never meet a megabyte
in one paragraph. Shared by every app: it lives in the lowest one.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# A title, a list of names or of recipients: a few printed lines.
TEXT_SHORT = 1000
# One cell of a printed table (a task's content, a result): about half an A4 page.
TEXT_CELL = 2000
# One section of a printed report or a paragraph of a plan: about one and a half A4 pages.
TEXT_PARAGRAPH = 5000
# A whole plan body pasted at once (split into paragraphs of at most TEXT_PARAGRAPH).
TEXT_PASTE = 100_000


def limit_label(limit: int) -> str:
    return f"{limit:,}".replace(",", ".")


def limit_hint(limit: int):
    return format_lazy(_("Tối đa {limit} ký tự."), limit=limit_label(limit))


def text_limit(limit: int, help_text="") -> dict:
    """Keyword arguments of a free text model field holding at most ``limit`` characters."""
    hint = limit_hint(limit)
    return {
        "max_length": limit,
        "validators": [MaxLengthValidator(limit)],
        "help_text": format_lazy("{} {}", help_text, hint) if help_text else hint,
    }


def printable(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters for a printed document, the cut said in the text.

    Fields are validated against their maximum, but older rows (and anything written around
    the forms) may be longer: one paragraph of a megabyte would hold a PDF render for minutes.
    """
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", limit - 200)
    if space > 0:
        cut = cut[:space]
    from django.utils.translation import gettext

    note = gettext("[…] (đã lược bớt %(count)s ký tự; toàn văn xem trên hệ thống)") % {
        "count": limit_label(len(text) - len(cut))
    }
    return f"{cut} {note}"
