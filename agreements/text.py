"""Vietnamese text helpers shared by every app: accent-free folding for search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# The combining marks Vietnamese letters decompose into (tones, breve, circumflex, horn):
# U+0300–U+036F, less U+034F (the grapheme joiner, which is not a combining mark).
_VIETNAMESE_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")


class _Marks(dict[int, int | None]):
    """``str.translate`` table dropping every combining mark, filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_MARKS = _Marks()


def _d(text: str) -> str:
    # "đ" is a letter of its own, not "d" plus a mark, so NFD does not strip it.
    return text.replace("đ", "d").replace("Đ", "d").replace("ð", "d")


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form of ``text``.

    The same function folds what is stored and what is typed, so "ngoai vu", "NGOẠI VỤ" and
    "Ngoại  vụ" all meet on "ngoai vu" whatever the database's collation.
    """
    if not text:
        return ""
    # An import folds every agency name of every row: ASCII needs no decomposition, and
    # Vietnamese decomposes to ASCII and the marks above, so one regex strips them; any other
    # mark (rare) goes through the table.
    if not text.isascii():
        text = _VIETNAMESE_MARKS.sub("", unicodedata.normalize("NFD", _d(text)))
        if not text.isascii():
            text = _d(text.translate(_MARKS))
    return " ".join(text.split()).lower()


def normalize(text: str | None) -> str:
    """NFC form with runs of spaces collapsed: what we store for printed text."""
    if not text:
        return ""
    lines = [
        _SPACES.sub(" ", line).strip() for line in unicodedata.normalize("NFC", text).split("\n")
    ]
    return "\n".join(line for line in lines if line)


def has_marks(text: str | None) -> bool:
    """Whether ``text`` carries any Vietnamese mark (a tone, a vowel mark, "đ")."""
    return fold(text) != _SPACES.sub(" ", (text or "").lower()).strip()


def search_terms(query: str) -> list[str]:
    """Folded words of a query; every word must match somewhere."""
    return [word for word in fold(query).split(" ") if word]
