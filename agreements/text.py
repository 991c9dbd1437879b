"""Vietnamese text helpers shared by every app: accent-free folding for search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# "đ" is a letter of its own, not "d" plus a mark, so NFD does not strip it.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced form of ``text``.

    The same function folds what is stored and what is typed, so "ngoai vu", "NGOẠI VỤ" and
    "Ngoại  vụ" all meet on "ngoai vu" whatever the database's collation.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_EXTRA)).strip().lower()


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
