"""The plan's own details read from the document around its tables: "Số: 165/QĐ-UBND",
"Quảng Trị, ngày 15 tháng 01 năm 2020", the document type and title, the signature block.

Only what is printed in the official places and forms is read, and nothing is saved from here:
the preview shows each value with the line it came from for the user to confirm or change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as Date

from agreements.text import fold

from .parser import ParsedPlan
from .reader import Grid, SourceDocument

SCAN_LINES = 60  # the header of a document is in its first lines, the signature in its last

_NUMBER = re.compile(r"^\s*s[oố]\s*[:.]\s*(\d[\w.-]*/[\w.Đđ/-]+)", re.IGNORECASE)
_DATE = re.compile(
    r"(?:^|[,;]\s*|\s)(?:(?P<place>[^\d,;]{2,60}?)\s*,\s*)?ngày\s+(?P<d>\d{1,2})\s+tháng\s+"
    r"(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE,
)
_KINDS = {"ke hoach": "plan", "quyet dinh": "decision", "cong van": "directive"}
_AUTHORITY = re.compile(r"^(tm|kt|tl|tuq|q)\s*\.", re.IGNORECASE)
_TITLES = (
    "chu tich",
    "pho chu tich",
    "giam doc",
    "pho giam doc",
    "bi thu",
    "pho bi thu",
    "truong ban",
    "pho truong ban",
    "chanh van phong",
)
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ][a-zà-ỹđ]+$")


@dataclass
class Detail:
    value: object
    line: str  # the printed line it was read from


@dataclass
class DocumentDetails:
    number: Detail | None = None
    date: Detail | None = None
    place: Detail | None = None
    kind: Detail | None = None
    title: Detail | None = None
    signing_authority: Detail | None = None
    signing_title: Detail | None = None
    signer: Detail | None = None
    found: list[str] = field(default_factory=list)

    def value(self, name: str):
        detail = getattr(self, name)
        return detail.value if detail is not None else None


def _grid_lines(grid: Grid) -> list[str]:
    lines: list[str] = []
    for row in grid.rows:
        seen: set[str] = set()
        for text in row:
            if text and text not in seen:
                seen.add(text)
                lines += [line.strip() for line in text.split("\n") if line.strip()]
    return lines


def _around(source: SourceDocument, parsed: ParsedPlan) -> tuple[list[str], list[str]]:
    """The lines before the first plan table and after the last one."""
    used = {grid.name for grid in parsed.tables}
    before: list[str] = []
    after: list[str] = []
    seen_table = False
    for block in source.blocks:
        if isinstance(block, Grid) and block.name in used:
            seen_table = True
            after = []
            if block.kind == "xlsx" and not before:
                before = [line for text in parsed.heading for line in text.split("\n")]
            continue
        lines = _grid_lines(block) if isinstance(block, Grid) else block.split("\n")
        (after if seen_table else before).extend(line.strip() for line in lines if line.strip())
    return before[:SCAN_LINES], after[-SCAN_LINES:]


def _is_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 6 and all(_NAME_WORD.match(word) for word in words)


def document_details(source: SourceDocument, parsed: ParsedPlan) -> DocumentDetails:
    """Number, date, place, type, title and signature printed around the plan tables."""
    details = DocumentDetails()
    before, after = _around(source, parsed)
    for index, line in enumerate(before):
        if details.number is None and (match := _NUMBER.match(line)):
            details.number = Detail(match.group(1).rstrip(".,;"), line)
        if details.date is None and (match := _DATE.search(line)):
            try:
                day = Date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            except ValueError:
                continue
            details.date = Detail(day, line)
            place = (match.group("place") or "").strip(" -–")
            if place and len(place.split()) <= 5:
                details.place = Detail(place, line)
        if details.kind is None and fold(line).strip(" .:") in _KINDS:
            details.kind = Detail(_KINDS[fold(line).strip(" .:")], line)
            title = []
            for following in before[index + 1 : index + 5]:
                folded = fold(following)
                if following.startswith("(") or folded.startswith(("can cu", "-", "_")):
                    break
                if folded.strip(" .:") in {"uy ban nhan dan", "quyet dinh"}:
                    break
                title.append(following)
            if title:
                joined = " ".join(title)
                details.title = Detail(joined, joined)
    _signature(after or before[-20:], details)
    return details


def _signature(lines: list[str], details: DocumentDetails) -> None:
    for index in range(len(lines) - 1, -1, -1):
        folded = fold(lines[index]).strip(" .:")
        authority = _AUTHORITY.match(lines[index])
        if folded not in _TITLES and not authority:
            continue
        start = index
        while start > 0 and (
            fold(lines[start - 1]).strip(" .:") in _TITLES or _AUTHORITY.match(lines[start - 1])
        ):
            start -= 1
        block = lines[start : index + 1]
        name = next((line for line in lines[index + 1 : index + 6] if _is_name(line)), None)
        if name is None:
            continue
        details.signer = Detail(name, name)
        # "TM. ỦY BAN NHÂN DÂN" signs for the body; "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" is the title.
        if fold(block[0]).startswith("tm") and _AUTHORITY.match(block[0]):
            details.signing_authority = Detail(block[0][:100], block[0])
            block = block[1:]
        if block:
            details.signing_title = Detail("\n".join(block)[:100], " / ".join(block))
        return
