"""Grids of cell texts → the sections and tasks of a plan table (no database writes).

The header row is found by meaning (``tasks.exporters.columns.column_key``), in any column
order; title rows above it head the table ("PHỤ LỤC I", "III. NHIỆM VỤ CỤ THỂ"), notes below it
are left out. A row merged across the table, or one with a section number and one text, is a
section (I, II, 1., 1.1 …); every other row with content is a task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agreements.limits import TEXT_CELL, TEXT_SHORT
from agreements.services import AgencyIndex
from agreements.text import fold
from tasks.exporters.columns import (
    CONTENT,
    COORDINATING,
    FIELD,
    LEAD,
    NOTE,
    NUMBER,
    TIMEFRAME,
    clean_text,
    column_key,
)

from .reader import Grid, PlanImportError

HEADER_SCAN_ROWS = 40
LIMITS = {
    NUMBER: 20,
    TIMEFRAME: 200,
    FIELD: 200,
    CONTENT: TEXT_CELL,
    LEAD: TEXT_SHORT,
    COORDINATING: TEXT_SHORT,
    NOTE: TEXT_SHORT,
}
LIMIT_NAMES = {
    NUMBER: "số thứ tự",
    TIMEFRAME: "thời gian",
    FIELD: "lĩnh vực",
    CONTENT: "nội dung công việc",
    LEAD: "đơn vị chủ trì",
    COORDINATING: "đơn vị phối hợp",
    NOTE: "ghi chú",
}
_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_ARABIC = re.compile(r"^\d+(\.\d+)*\.?$")
_LETTER = re.compile(r"^[a-zđ][.)]$")
_LABEL = re.compile(r"^((?:[IVXLC]+|\d+(?:\.\d+)*)\.?|[a-zđ][.)])\s+(\S.*)$", re.DOTALL)
_COLUMN_INDEX = re.compile(r"^\(?\d{1,2}\)?$")
_NOTE_START = ("ghi chu", "luu y", "noi nhan", "chu thich", "*")
_ATTACHMENT = re.compile(r"^\(?\s*(ban hanh )?kem theo")


@dataclass
class ParsedSection:
    number: str
    title: str
    kind: str = "part"
    subtitle: str = ""
    parent: ParsedSection | None = None
    level: int = 0
    location: str = ""


@dataclass
class ParsedTask:
    number: str
    content: str
    lead_text: str
    coordinating_text: str
    timeframe: str
    note: str
    field: str
    section: ParsedSection | None
    location: str

    @property
    def lead_names(self) -> list[str]:
        return split_names(self.lead_text)

    @property
    def coordinating_names(self) -> list[str]:
        return split_names(self.coordinating_text)


@dataclass
class ParsedPlan:
    items: list[ParsedSection | ParsedTask] = field(default_factory=list)

    @property
    def sections(self) -> list[ParsedSection]:
        return [item for item in self.items if isinstance(item, ParsedSection)]

    @property
    def tasks(self) -> list[ParsedTask]:
        return [item for item in self.items if isinstance(item, ParsedTask)]

    def unmatched_agencies(self, index: AgencyIndex | Any) -> dict[str, list[str]]:
        """Printed lead names no known agency answers to → where they are printed."""
        missing: dict[str, list[str]] = {}
        for task in self.tasks:
            for name in lead_agency_names(task.lead_text, index):
                if index.resolve(name) is None:
                    missing.setdefault(name, []).append(task.location)
        return missing


def split_names(text: str) -> list[str]:
    """Agency names in a cell: split on ";" and line breaks only (commas are part of names)."""
    names = []
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip().strip(" .,-–+•")
        if part:
            names.append(part)
    return names


def lead_agency_names(text: str, index: AgencyIndex | Any | None = None) -> list[str]:
    """Agency names in a lead cell: the whole cell when it names one agency (even over two
    lines), else its ";"/line parts; a part no agency answers to is cut into known names
    where it can be ("Sở Y tế, BCH BĐBP tỉnh và các ngành có liên quan")."""
    whole = " ".join((text or "").split()).strip(" .,;")
    if not whole:
        return []
    if index is None:
        return split_names(text)
    if index.resolve(whole) is not None:
        return [whole]
    names = []
    for part in split_names(text):
        if index.resolve(part) is not None:
            names.append(part)
        else:
            names.extend(segment_names(part, index) or [part])
    return names


_CONNECTORS = {"va", ",", ";", "-", "+"}
MAX_SEGMENT_WORDS = 80


def segment_names(text: str, index: AgencyIndex | Any) -> list[str] | None:
    """Known agency names that, with "," and "và" between them, make up ``text``.

    A generic tail ("và các ngành có liên quan") may follow them. None when no such cut exists.
    """
    words = text.split()
    n = len(words)
    if n < 2 or n > MAX_SEGMENT_WORDS:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 1, -1, -1):
        if fold(words[i]).strip(",;") in _CONNECTORS or not fold(words[i]).strip(",;"):
            if best[i + 1] is not None:
                best[i] = best[i + 1]
                continue
        if i > 0 and fold(words[i]) in {"cac", "va"} and fold(words[i - 1]).endswith((",", "va")):
            best[i] = []  # the generic tail
        for j in range(n, i, -1):  # the longest known name first
            if best[j] is None:
                continue
            span = " ".join(words[i:j]).strip(" ,;.")
            if span and index.resolve(span) is not None:
                best[i] = [span, *best[j]]
                break
    found = best[0]
    return found if found else None


def split_label(label: str) -> tuple[str, str]:
    """ "II. Hợp tác về Kinh tế" → ("II.", "Hợp tác về Kinh tế"); no number → ("", label)."""
    label = label.strip()
    match = _LABEL.match(label)
    if match:
        return match.group(1), match.group(2).strip()
    if _ROMAN.match(label) or _ARABIC.match(label):
        return label, ""
    return "", label


def section_level(number: str) -> int:
    number = number.strip()
    if not number or _ROMAN.match(number):
        return 0
    if _ARABIC.match(number):
        return len([part for part in number.strip(".").split(".") if part])
    return 9  # a), b): below every numbered level


def is_section_number(number: str) -> bool:
    number = number.strip()
    return bool(_ROMAN.match(number) or _ARABIC.match(number) or _LETTER.match(number))


@dataclass
class _Header:
    row: int
    columns: dict[str, int]  # key → column index (first occurrence)


def find_header(grid: Grid) -> _Header | None:
    for r, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for c, text in enumerate(row):
            if not text or len(text) > 80:
                continue
            if c > 0 and text == row[c - 1]:
                continue  # one header merged over several columns
            key = column_key(text)
            if key != "other" and key not in columns:
                columns[key] = c
        found = set(columns)
        if {CONTENT, LEAD} <= found and len(found & {NUMBER, COORDINATING, TIMEFRAME}) >= 1:
            if len(set(columns.values())) == len(columns):
                return _Header(row=r, columns=columns)
    return None


def _heading_lines(lines: list[str]) -> list[str]:
    result = []
    for line in lines:
        for part in line.split("\n"):
            part = part.strip()
            if part and part not in result[-1:]:
                result.append(part)
    return result


def top_section(lines: list[str], location: str) -> ParsedSection | None:
    """The section that heads a table: "PHỤ LỤC I" + title + "(subtitle)", or "III. TITLE"."""
    lines = [line for line in _heading_lines(lines) if not _ATTACHMENT.match(fold(line))]
    for index, line in enumerate(lines):
        if fold(line).startswith("phu luc"):
            rest = lines[index + 1 :]
            title = rest[0] if rest and not rest[0].startswith("(") else ""
            subtitle = next((text for text in rest if text.startswith("(")), "")
            return ParsedSection(
                number=line, title=title, kind="appendix", subtitle=subtitle, location=location
            )
    for line in reversed(lines):
        number, title = split_label(line)
        if number and title and _ROMAN.match(number):
            return ParsedSection(number=number, title=title, level=-1, location=location)
    return None


def _row_text(row: list[str]) -> str:
    seen, parts = set(), []
    for text in row:
        if text and text not in seen:
            seen.add(text)
            parts.append(text)
    return " ".join(parts)


def _is_numbering_row(cells: list[str]) -> bool:
    """The "(1) (2) (3)" row some tables print under the header."""
    filled = [text for text in cells if text]
    return len(filled) >= 3 and all(_COLUMN_INDEX.match(text) for text in filled)


def parse_grids(grids: list[Grid]) -> ParsedPlan:
    """Every plan table of the document, in order. Raises PlanImportError when there is none."""
    grids = [
        Grid(
            name=grid.name,
            kind=grid.kind,
            rows=[[clean_text(text) for text in row] for row in grid.rows],
            row_numbers=grid.row_numbers,
            preamble=[clean_text(text) for text in grid.preamble],
        )
        for grid in grids
    ]
    found = [(grid, find_header(grid)) for grid in grids]
    found = [(grid, header) for grid, header in found if header is not None]
    # Our own XLSX adds a flat "Dữ liệu" sheet that repeats every task of the printed sheets.
    printed = [(grid, header) for grid, header in found if "du lieu" not in fold(grid.name)]
    found = printed or found
    if not found:
        names = ", ".join(grid.name for grid in grids) or "tệp không có bảng nào"
        raise PlanImportError(
            "Không tìm thấy bảng kế hoạch: cần một dòng tiêu đề có các cột “STT”, “Nội dung”, "
            f"“Đơn vị chủ trì”, “Đơn vị phối hợp”, “Thời gian” (đã xem: {names})."
        )
    plan = ParsedPlan()
    for grid, header in found:
        _parse_table(grid, header, plan)
    if not plan.tasks:
        where = ", ".join(grid.name for grid, _ in found)
        raise PlanImportError(f"Bảng kế hoạch không có nhiệm vụ nào ({where}).")
    return plan


def _parse_table(grid: Grid, header: _Header, plan: ParsedPlan) -> None:
    cols = header.columns
    table_columns = sorted(set(cols.values()))
    heading = grid.preamble + [_row_text(row) for row in grid.rows[: header.row]]
    top = top_section(heading, grid.where(header.row))
    if top is not None:
        plan.items.append(top)
    stack: list[ParsedSection] = []
    rows = grid.rows
    started = False
    after_blank = False

    def cell(row: list[str], key: str) -> str:
        index = cols.get(key)
        return row[index] if index is not None and index < len(row) else ""

    def next_number(start: int) -> str:
        for row in rows[start:]:
            number = cell(row, NUMBER)
            if number:
                return number
        return ""

    for r in range(header.row + 1, len(rows)):
        row = rows[r]
        cells = [row[c] for c in table_columns if c < len(row)]
        if not any(cells):
            if started:
                after_blank = True
            continue
        if _is_numbering_row(cells) and not started:
            continue
        if row == rows[header.row]:
            continue  # the header repeated (a table split over pages)
        filled = [text for text in cells if text]
        merged = len(cells) > 1 and len(set(cells)) == 1
        label = filled[0]
        if (merged or len(filled) == 1) and fold(label).startswith(_NOTE_START):
            break  # notes below the table
        number = cell(row, NUMBER)
        others = [
            text
            for key, c in cols.items()
            if key != NUMBER and (text := row[c] if c < len(row) else "")
        ]
        section: ParsedSection | None = None
        if merged:
            section_number, title = split_label(label)
            section = ParsedSection(number=section_number, title=title)
        elif number and is_section_number(number) and len(set(others)) == 1:
            following = next_number(r + 1)
            deeper = number.rstrip(".") + "."
            merged_rest = len(others) > 1 and len(others) == len(cols) - 1
            if (
                _ROMAN.match(number)
                or merged_rest
                or (following.startswith(deeper) and following != number)
            ):
                section = ParsedSection(number=number, title=others[0])
        if section is None and after_blank:
            content = cell(row, CONTENT)
            if not content or not (number or cell(row, LEAD) or cell(row, TIMEFRAME)):
                break  # a note or signature below the table
        after_blank = False
        started = True
        where = grid.where(r)
        if section is not None:
            section.level = section_level(section.number)
            section.location = where
            while stack and stack[-1].level >= section.level:
                stack.pop()
            section.parent = stack[-1] if stack else top
            stack.append(section)
            plan.items.append(section)
            continue
        content = cell(row, CONTENT)
        if not content:
            column = grid.column_label(cols[CONTENT])
            raise PlanImportError(
                f"{where[:1].upper()}{where[1:]}, cột {column}: dòng có số liệu nhưng thiếu "
                "nội dung công việc."
            )
        for key, limit in LIMITS.items():
            if len(cell(row, key)) > limit:
                column = grid.column_label(cols[key])
                raise PlanImportError(
                    f"{where[:1].upper()}{where[1:]}, cột {column}: "
                    f"{LIMIT_NAMES[key]} dài quá {limit} ký tự."
                )
        plan.items.append(
            ParsedTask(
                number=number,
                content=content,
                lead_text=cell(row, LEAD),
                coordinating_text=cell(row, COORDINATING),
                timeframe=cell(row, TIMEFRAME),
                note=cell(row, NOTE),
                field=cell(row, FIELD),
                section=stack[-1] if stack else top,
                location=where,
            )
        )
