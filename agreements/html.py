"""Small pieces for HTML written in Python where the template engine is the cost (the rows of
long tables, see ``tasks/templatetags/plan_page.py``): the same escaping as the templates'
autoescape, and URLs of many rows from one ``reverse()``."""

from __future__ import annotations

import unicodedata
from html import escape as _escape

from django.urls import reverse
from django.utils.text import Truncator

# A primary key no row has: reversed once, then cut around to give the URL of any row.
_PLACEHOLDER = 987654321


def escape_text(value: object) -> str:
    """``{{ value }}`` of a plain string (``django.utils.html.escape``), without a SafeString."""
    return _escape(str(value), quote=True)


def truncate_chars(text: str, length: int) -> str:
    """``{{ text|truncatechars:length }}`` (``Truncator.chars``): a text that fits is returned,
    composed as ``Truncator`` returns it, without being walked character by character."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


class UrlPattern:
    """``reverse(name, args=[*fixed, pk, *after])`` for any ``pk``, reversed once, escaped."""

    __slots__ = ("_after", "_before")

    def __init__(self, name: str, *fixed: int | str, after: tuple[int | str, ...] = ()) -> None:
        url = reverse(name, args=[*fixed, _PLACEHOLDER, *after])
        head, found, tail = url.partition(str(_PLACEHOLDER))
        if not found or str(_PLACEHOLDER) in tail:
            raise ValueError(f"{name}: cannot find the placeholder id in {url!r}")
        self._before, self._after = escape_text(head), escape_text(tail)

    def __call__(self, pk: int) -> str:
        return f"{self._before}{pk:d}{self._after}"
