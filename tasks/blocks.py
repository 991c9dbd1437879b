"""Pure text rules for a plan's document text: pasted paragraphs → blocks, and the next STT.

No database here: the services in ``tasks/services.py`` turn these drafts into ``PlanBlock`` rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"


@dataclass(frozen=True)
class BlockDraft:
    """One block as read from pasted text, before it belongs to a plan."""

    kind: str
    text: str
    number: str = ""
    level: int = 1
    bold: bool = False
    align: str = ""


ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
# A printed number, then at least one space (or tab) before the text. Order matters: the first
# pattern that matches wins.
_MARKERS: list[tuple[re.Pattern[str], str, int | None, bool]] = [
    # "Điều 1.", "Điều 12:" — a Quyết định's articles.
    (re.compile(r"^(Điều\s+\d{1,3}\s*[.:]?)(?=\s|$)"), HEADING, 1, True),
    # "Phần I.", "Chương II", "Mục 3." — large divisions.
    (
        re.compile(
            rf"^((?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+(?:{ROMAN}|\d{{1,3}})\s*[.:]?)(?=\s|$)"
        ),
        HEADING,
        1,
        True,
    ),
    # "I.", "II.", "IV." — Roman numerals take a dot (a lone "I" is a word).
    (re.compile(rf"^((?=[IVX])(?:{ROMAN})\.)(?=\s|$)"), HEADING, 1, True),
    # "1.", "1.1.", "4.2." or "1.1" — inner parts at most two digits, so "1.000 cán bộ" stays text.
    (re.compile(r"^(\d{1,3}(?:\.\d{1,2})*\.)(?=\s|$)"), HEADING, None, True),
    (re.compile(r"^(\d{1,3}(?:\.\d{1,2})+)(?=\s|$)"), HEADING, None, True),
    # "a)", "đ)", "1)" — lettered or bracketed items.
    (re.compile(r"^([a-zđ]\))(?=\s|$)"), LIST_ITEM, 2, False),
    (re.compile(r"^(\d{1,3}\))(?=\s|$)"), LIST_ITEM, 2, False),
    # Bullets as Word and the office type them; "+" is the second level under "-".
    (re.compile(r"^([-–—•·\uf0b7])(?=\s|\w)"), LIST_ITEM, 1, False),
    (re.compile(r"^(\+)(?=\s|\w)"), LIST_ITEM, 2, False),
]
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b")
_SPACES = re.compile(r"[ \t\u00a0]+")


def _is_upper_title(text: str) -> bool:
    """A line in capitals, like "QUYẾT ĐỊNH:" or "KẾ HOẠCH", is a title of its own."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def split_line(line: str) -> BlockDraft:
    """One line of text as a block: its printed number recognised, or a plain paragraph."""
    text = _SPACES.sub(" ", line).strip()
    for pattern, kind, level, bold in _MARKERS:
        match = pattern.match(text)
        if not match:
            continue
        number = _SPACES.sub(" ", match.group(1)).strip()
        rest = text[match.end() :].strip()
        if not rest:
            return BlockDraft(kind=PARAGRAPH, text=text)  # a number alone is text, not a heading
        if level is None:  # "1." is under a Roman heading, "1.1." one deeper
            level = number.rstrip(".").count(".") + 2
        return BlockDraft(kind=kind, text=rest, number=number, level=level, bold=bold)
    if _is_upper_title(text):
        return BlockDraft(kind=HEADING, text=text, level=1, bold=True, align="center")
    return BlockDraft(kind=PARAGRAPH, text=text)


def _continues(previous: BlockDraft, line: str) -> bool:
    """A line starting in lower case, with no number, carries on the paragraph above
    (a line cut at a page or by a PDF reader), unless that paragraph had ended."""
    first = line[0]
    return (
        first.islower()
        and split_line(line).kind == PARAGRAPH
        and not previous.text.endswith((".", ":", ";", "!", "?"))
    )


def split_pasted(text: str) -> list[BlockDraft]:
    """Split pasted text into blocks, one a paragraph, in order.

    Each non-empty line is a block; its printed numbering ("I.", "1.", "1.1.", "a)", "-", "+",
    "•", "Điều 1.") makes it a heading or a list item with that ``number``. A line that starts in
    lower case without a number continues the block above.
    """
    drafts: list[BlockDraft] = []
    for raw in _LINE_BREAKS.sub("\n", text or "").split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            continue
        if drafts and _continues(drafts[-1], line):
            last = drafts[-1]
            drafts[-1] = BlockDraft(
                kind=last.kind,
                text=f"{last.text} {line}",
                number=last.number,
                level=last.level,
                bold=last.bold,
                align=last.align,
            )
            continue
        drafts.append(split_line(line))
    return drafts


# -- the next STT --------------------------------------------------------------------------------

# Vietnamese lettering skips f, j, w, z and has đ after d: a) b) c) d) đ) e) g) h) …
VIETNAMESE_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_VALUES = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]
_LAST_NUMBER = re.compile(r"^(.*?)(\d+)(\D*)$")
_ROMAN_NUMBER = re.compile(rf"^(?=[IVX])({ROMAN})([.)]?)$")
_LETTER = re.compile(r"^([a-zđA-ZĐ])([.)/]?)$")


def _roman(value: int) -> str:
    out = []
    for amount, symbol in _ROMAN_VALUES:
        while value >= amount:
            out.append(symbol)
            value -= amount
    return "".join(out)


def _from_roman(text: str) -> int:
    total, index = 0, 0
    for amount, symbol in _ROMAN_VALUES:
        while text.startswith(symbol, index):
            total += amount
            index += len(symbol)
    return total


def next_stt(previous: str) -> str:
    """The STT that follows ``previous`` as printed: "26." → "27.", "1.3" → "1.4", "a)" → "b)".

    The last number is counted on and everything around it kept ("Điều 3." → "Điều 4.",
    "09" → "10"); Roman numerals and Vietnamese letters follow their own order. No previous
    STT gives "1."; one that cannot be counted on (a bullet) gives "".
    """
    text = (previous or "").strip()
    if not text:
        return "1."
    roman = _ROMAN_NUMBER.match(text)
    if roman:
        return _roman(_from_roman(roman.group(1)) + 1) + roman.group(2)
    letter = _LETTER.match(text)
    if letter:
        char, tail = letter.groups()
        lower = char.lower()
        index = VIETNAMESE_LETTERS.find(lower)
        if index < 0 or index + 1 >= len(VIETNAMESE_LETTERS):
            return ""
        following = VIETNAMESE_LETTERS[index + 1]
        return (following.upper() if char.isupper() else following) + tail
    number = _LAST_NUMBER.match(text)
    if number:
        head, digits, tail = number.groups()
        return f"{head}{int(digits) + 1:0{len(digits)}d}{tail}"
    return ""
