"""Grids of cell texts → the sections and tasks of a plan table (no database writes).

The header is found by meaning (``tasks.exporters.columns.column_key``), in any column order,
over one, two or three rows: a parent merged over its children ("ĐƠN VỊ THỰC HIỆN" over "Chủ
trì | Phối hợp", "THỜI GIAN THỰC HIỆN" over "Bắt đầu | Kết thúc" or over one column per year or
quarter) is read with them, and a start and an end column make one timeframe. Title rows above
it head the table ("PHỤ LỤC I", "III. NHIỆM VỤ CỤ THỂ"), notes below it are left out. A row
merged across the table, or one with a section number and one text, is a section (I, II, 1.,
1.1 …); every other row with content is a task. A Word table broken at a page break (the same
columns, its header repeated or not) continues the section of the table before it.
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

from . import legacy
from .reader import Grid, PlanImportError

HEADER_SCAN_ROWS = 40
MAX_HEADER_ROWS = 3
# Columns a parent header splits: the start and the end of the time, one column per period.
START, END, MARK = "start", "end", "mark"
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
    # Where a partner may be named: the heading's lines, the sheet's title.
    hints: list[str] = field(default_factory=list)
    partner: Any = None  # the Locality chosen for it (the service's business, not the parser's)


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
    location: str  # the sheet or table and the row: "trang tính “Phụ lục I”, dòng 7"
    lead_column: str = ""  # the lead cell's column as printed ("C" in a sheet, "3" in Word)

    @property
    def lead_location(self) -> str:
        """Where the lead cell is: sheet or table, row and column."""
        return f"{self.location}, cột {self.lead_column}" if self.lead_column else self.location

    @property
    def lead_names(self) -> list[str]:
        return split_names(self.lead_text)

    @property
    def coordinating_names(self) -> list[str]:
        return split_names(self.coordinating_text)


@dataclass
class ParsedPlan:
    items: list[ParsedSection | ParsedTask] = field(default_factory=list)
    tables: list[Grid] = field(default_factory=list)  # the grids the tasks were read from
    hints: list[str] = field(default_factory=list)  # titles of sheets that head no section
    heading: list[str] = field(default_factory=list)  # the lines above the first table
    # Word tables as wide as the plan table before them but not like it (a budget, signatures):
    # left out, and named in the preview so the user sees what was not read.
    skipped: list[str] = field(default_factory=list)

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
                    missing.setdefault(name, []).append(task.lead_location)
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
            tail = best[j]
            if tail is None:
                continue
            span = " ".join(words[i:j]).strip(" ,;.")
            if span and index.resolve(span) is not None:
                best[i] = [span, *tail]
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
    row: int  # the first header row
    columns: dict[str, int]  # key → column index (first occurrence)
    height: int = 1
    more: dict[str, list[int]] = field(default_factory=dict)  # children sharing a parent's key
    marks: list[tuple[int, str]] = field(default_factory=list)  # (column, "2021", "Quý I/2021")
    rows: list[list[str]] = field(default_factory=list)  # the header rows as printed
    width: int = 0

    @property
    def last(self) -> int:
        return self.row + self.height - 1

    @property
    def table_columns(self) -> list[int]:
        more = (c for columns in self.more.values() for c in columns)
        return sorted({*self.columns.values(), *more, *(c for c, _ in self.marks)})

    def signature(self) -> tuple:
        return (self.width, tuple(sorted(self.columns.items())), tuple(self.marks))

    def continued(self) -> _Header:
        """The same columns for a table that has no header rows of its own."""
        return _Header(
            row=0,
            columns=self.columns,
            height=0,
            more=self.more,
            marks=self.marks,
            rows=self.rows,
            width=self.width,
        )


_YEAR = re.compile(r"^(?:nam\s*)?((?:19|20|21)\d\d)$")
_QUARTER = re.compile(r"^(?:quy|q)\s*([1-4]|i{1,3}|iv)(?:\s*(?:/|nam)\s*((?:19|20|21)\d\d))?$")
_MONTH = re.compile(r"^(?:thang|t)\s*(\d{1,2})(?:\s*(?:/|nam)\s*((?:19|20|21)\d\d))?$")
_ROMAN_QUARTERS = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_START_WORDS = ("bat dau", "khoi cong", "tu ngay", "tu thang", "tu nam")
_END_WORDS = ("ket thuc", "hoan thanh", "den ngay", "den thang", "den nam")


def _label(text: str) -> str:
    return " ".join(fold(text).replace("/", " / ").split()).strip(" .:")


def _time_role(label: str, under_time: bool) -> str | None:
    """START or END for "Bắt đầu", "Thời gian kết thúc", and "Từ"/"Đến" under a time header."""
    folded = _label(label)
    if any(word in folded for word in _START_WORDS) or (under_time and folded in {"tu", "tu nam"}):
        return START
    if any(word in folded for word in _END_WORDS) or (under_time and folded in {"den", "den nam"}):
        return END
    return None


def _period(path: list[str]) -> str | None:
    """ "2021", "Quý I/2021", "Tháng 3/2021" for a column under a time header, from its labels."""
    year = None
    for label in path[:-1]:
        match = _YEAR.match(_label(label).replace(" ", ""))
        if match:
            year = match.group(1)
    leaf = _label(path[-1])
    compact = leaf.replace(" / ", "/")
    if match := _YEAR.match(leaf.replace(" ", "")):
        return match.group(1)
    if match := _QUARTER.match(compact):
        number = match.group(1)
        quarter = _ROMAN_QUARTERS.get(number, number.upper())
        at = match.group(2) or year
        return f"Quý {quarter}/{at}" if at else f"Quý {quarter}"
    if match := _MONTH.match(compact):
        at = match.group(2) or year
        return f"Tháng {int(match.group(1))}/{at}" if at else f"Tháng {int(match.group(1))}"
    return None


def _path_key(path: list[str]) -> tuple[str, str]:
    """The key of a column from its header labels, the lowest (most specific) first."""
    if not path:
        return OTHER_KEY, ""
    under_time = any(column_key(label) == TIMEFRAME for label in path[:-1])
    leaf = path[-1]
    if under_time or column_key(leaf) in {TIMEFRAME, "other"}:
        role = _time_role(leaf, under_time)
        if role is not None:
            return role, ""
        if under_time:
            period = _period(path)
            if period is not None:
                return MARK, period
    for label in reversed(path):
        key = column_key(label)
        if key != OTHER_KEY:
            return key, ""
    return OTHER_KEY, ""


OTHER_KEY = "other"


def _header_like(row: list[str]) -> bool:
    return any(text and len(text) <= 80 and column_key(text) != OTHER_KEY for text in row)


def _group_at(parent: list[str], column: int) -> tuple[str, int]:
    """The parent label above ``column`` and how many columns it spans (a blank cell right of a
    label belongs to it: headers are often "centred across" rather than merged)."""
    text = parent[column]
    start = column
    if not text:
        while start > 0 and not parent[start]:
            start -= 1
        text = parent[start]
    if not text:
        return "", 0
    while start > 0 and parent[start - 1] == text:
        start -= 1
    end = start
    while end + 1 < len(parent) and (parent[end + 1] == text or not parent[end + 1]):
        end += 1
    return text, end - start + 1


def _is_subheader(upper: list[list[str]], row: list[str]) -> bool:
    """Does ``row`` split the header rows above it into children (and hold nothing else)?"""
    if _is_numbering_row(row):
        return False
    parent = upper[-1]
    new = False
    for c, text in enumerate(row):
        if not text or any(text == above[c] for above in upper):
            continue  # blank, or a header cell merged down over this row
        if len(text) > 60 or (is_section_number(text) and not _YEAR.match(text)):
            return False
        group, span = _group_at(parent, c)
        if span < 2 or text == group:
            return False
        new = True
    return new


def _paths(rows: list[list[str]]) -> list[list[str]]:
    """Per column, the header labels from the top down (merges and repeats counted once)."""
    width = len(rows[0])
    filled = [list(row) for row in rows]
    for i in range(len(rows) - 1):  # a parent's blank cells beside it, above its children
        for c in range(width):
            if not filled[i][c] and any(row[c] for row in rows[i + 1 :]):
                group, span = _group_at(rows[i], c)
                if span >= 2:
                    filled[i][c] = group
    paths = []
    for c in range(width):
        path: list[str] = []
        for row in filled:
            text = row[c]
            if text and text not in path:
                path.append(text)
        paths.append(path)
    return paths


def _keyed(rows: list[list[str]]) -> tuple[dict, dict, list] | None:
    """(key → column, key → further columns, period columns) if the rows make a plan header."""
    columns: dict[str, int] = {}
    more: dict[str, list[int]] = {}
    marks: list[tuple[int, str]] = []
    paths = _paths(rows)
    for c, path in enumerate(paths):
        if not path or any(len(label) > 80 for label in path):
            continue
        if c > 0 and path == paths[c - 1]:
            continue  # one header merged over several columns
        key, period = _path_key(path)
        if key == MARK:
            marks.append((c, period))
        elif key != OTHER_KEY and key not in columns:
            columns[key] = c
        elif key in {LEAD, COORDINATING, NOTE} and len(path) > 1:
            more.setdefault(key, []).append(c)  # "Chủ trì" over "Cấp tỉnh | Cấp huyện"
    # A lone start or end column is the timeframe ("Thời hạn hoàn thành").
    if TIMEFRAME not in columns and (START in columns) != (END in columns):
        columns[TIMEFRAME] = columns.pop(START) if START in columns else columns.pop(END)
    if len(marks) < 2 and not (START in columns or END in columns):
        for c, _period_label in marks:  # one period column alone is not a split time
            columns.setdefault(TIMEFRAME, c)
        marks = []
    found = set(columns)
    timed = TIMEFRAME in found or START in found or bool(marks)
    if {CONTENT, LEAD} <= found and (found & {NUMBER, COORDINATING} or timed):
        return columns, more, marks
    return None


def find_header(grid: Grid) -> _Header | None:
    rows = grid.rows
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not _header_like(row):
            continue
        height = 1
        while (
            height < MAX_HEADER_ROWS
            and r + height < len(rows)
            and _is_subheader(rows[r : r + height], rows[r + height])
        ):
            height += 1
        keyed = _keyed(rows[r : r + height])
        if keyed is None and height > 1:
            keyed = _keyed([row])
            height = 1 if keyed is not None else height
        if keyed is not None:
            columns, more, marks = keyed
            return _Header(
                row=r,
                columns=columns,
                height=height,
                more=more,
                marks=marks,
                rows=[list(x) for x in rows[r : r + height]],
                width=len(row),
            )
    return None


def join_period(start: str, end: str) -> str:
    """One timeframe from a start and an end cell: "2020" + "2022" → "2020 - 2022"."""
    start, end = start.strip(), end.strip()
    if not start or not end or fold(start) == fold(end):
        return start or end
    return f"{start} - {end}"


def marked_period(labels: list[str], marked: list[bool]) -> str:
    """The periods ticked in one-column-per-period tables: consecutive ones as a range."""
    runs: list[tuple[str, str]] = []
    previous = False
    for label, tick in zip(labels, marked, strict=True):
        if tick and previous:
            runs[-1] = (runs[-1][0], label)
        elif tick:
            runs.append((label, label))
        previous = tick
    return ", ".join(join_period(first, last) for first, last in runs)


def _heading_lines(lines: list[str]) -> list[str]:
    result: list[str] = []
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


def _clean(grid: Grid) -> Grid:
    # The readers give rectangular grids; the parser does not rely on it (every row as wide as
    # the widest, as a ragged Word table is read).
    width = max((len(row) for row in grid.rows), default=0)
    return Grid(
        name=grid.name,
        kind=grid.kind,
        rows=[[clean_text(text) for text in row] + [""] * (width - len(row)) for row in grid.rows],
        row_numbers=grid.row_numbers,
        preamble=[clean_text(text) for text in grid.preamble],
        title=grid.title,
    )


_DEFAULT_SHEET = re.compile(r"^(sheet|trang tinh|bang tinh)\s*\d*$")


@dataclass
class _Place:
    """Where the rows of a table go: its top section and the sections open below it."""

    top: ParsedSection | None
    stack: list[ParsedSection] = field(default_factory=list)
    header: _Header | None = None
    grid: Grid | None = None


def parse_grids(grids: list[Grid]) -> ParsedPlan:
    """Every plan table of the document, in order. Raises PlanImportError when there is none."""
    grids = [_clean(grid) for grid in grids]
    headers = [find_header(grid) for grid in grids]
    found = [(grid, header) for grid, header in zip(grids, headers, strict=True) if header]
    # Our own XLSX adds a flat "Dữ liệu" sheet that repeats every task of the printed sheets.
    printed = [(grid, header) for grid, header in found if "du lieu" not in fold(grid.name)]
    if not found:
        names = ", ".join(grid.name for grid in grids) or "tệp không có bảng nào"
        raise PlanImportError(
            "Không tìm thấy bảng kế hoạch: cần một dòng tiêu đề có các cột “STT”, “Nội dung”, "
            f"“Đơn vị chủ trì”, “Đơn vị phối hợp”, “Thời gian” (đã xem: {names})."
        )
    kept = printed or found
    skipped = {id(grid) for grid, _ in found} - {id(grid) for grid, _ in kept}
    sheets = [grid for grid, _ in kept if grid.kind == "xlsx"]
    plan = ParsedPlan()
    place: _Place | None = None
    for grid, header in zip(grids, headers, strict=True):
        if id(grid) in skipped:
            continue
        if header is None:
            if place is not None and place.header is not None and _continues(grid, place, plan):
                place.grid = grid
                _parse_table(grid, place.header.continued(), plan, place)
                plan.tables.append(grid)
            elif _same_width(grid, place):
                plan.skipped.append(grid.name)
            continue
        heading = grid.preamble + [_row_text(row) for row in grid.rows[: header.row]]
        if not plan.tables:
            plan.heading = heading
        top = top_section(heading, grid.where(header.row))
        if top is not None and grid.kind == "xlsx" and grid.title:
            top.hints.append(grid.title)
        if (
            top is None
            and place is not None
            and grid.kind == "docx"
            and place.grid is not None
            and place.grid.kind == "docx"
            and place.header is not None
            and place.header.signature() == header.signature()
        ):
            pass  # the same table again after a page break: it goes on where it stopped
        else:
            if top is None and len(sheets) > 1 and not _DEFAULT_SHEET.match(fold(grid.title)):
                top = ParsedSection(
                    number="",
                    title=grid.title,
                    level=-1,
                    location=grid.name,
                    hints=[grid.title],
                )
            elif top is None and grid.title:
                plan.hints.append(grid.title)
            if top is not None:
                plan.items.append(top)
            place = _Place(top=top)
        place.header, place.grid = header, grid
        _parse_table(grid, header, plan, place)
        plan.tables.append(grid)
    if not plan.tasks:
        where = ", ".join(grid.name for grid, _ in kept)
        raise PlanImportError(f"Bảng kế hoạch không có nhiệm vụ nào ({where}).")
    return plan


def _same_width(grid: Grid, place: _Place | None) -> bool:
    header = place.header if place is not None else None
    return (
        header is not None
        and grid.kind == "docx"
        and bool(grid.rows)
        and len(grid.rows[0]) == header.width
        and any(any(row) for row in grid.rows)
    )


def _continues(grid: Grid, place: _Place, plan: ParsedPlan) -> bool:
    """A Word table with no header of its own, as wide as the plan table before it, that looks
    like it: it opens with the "(1) (2) (3)" row, or its first row is a row of the plan whose
    number goes on from the last one printed (task 12 after 11, section II after I, 2.1 under
    2.).
    A table of the same width that does not (a budget, a signature block laid out in a table) is
    not read as tasks."""
    header = place.header
    if grid.kind != "docx" or place.grid is None or place.grid.kind != "docx" or header is None:
        return False
    if not grid.rows or len(grid.rows[0]) != header.width:
        return False
    rows = [row for row in grid.rows if any(row)]
    if not rows:
        return False
    first = rows[0]
    if _is_numbering_row([first[c] for c in header.table_columns if c < len(first)]):
        return True
    content = first[header.columns[CONTENT]]
    if len(set(first)) == 1:  # a row merged across the table: a section heading
        number, _title = split_label(first[0])
    elif content and content != _row_text(first) and NUMBER in header.columns:
        number = first[header.columns[NUMBER]]
    else:
        return False
    return bool(number) and _follows(number, plan)


def _number_parts(number: str) -> list[int] | None:
    number = number.strip()
    if _ARABIC.match(number):
        return [int(part) for part in number.strip(".").split(".") if part]
    if _ROMAN.match(number):
        value = _roman_value(number.strip("."))
        return None if value is None else [-value]  # negative: its own sequence, apart
    return None


def _roman_value(text: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for index, letter in enumerate(text):
        value = values[letter]
        following = values[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total if total > 0 else None


def _follows(number: str, plan: ParsedPlan) -> bool:
    """Whether ``number`` goes on from where the plan stopped: a higher number at the level of
    the last task or of a section still open (3. or 7. after 2., II after I, 2. or 3.1 after
    1.4), or the first under the last item printed (2.1 after the heading 2.). A list of its
    own starts again at 1, and that is not a continuation."""
    parts = _number_parts(number)
    if parts is None or not plan.items:
        return False
    last = plan.items[-1]
    before: list[str] = []
    node: ParsedSection | None = last if isinstance(last, ParsedSection) else last.section
    if isinstance(last, ParsedTask):
        before.append(last.number)
    while node is not None:
        before.append(node.number)
        node = node.parent
    for printed in before:
        previous = _number_parts(printed)
        if previous is None:
            continue
        if printed == last.number and isinstance(last, ParsedSection) and parts == [1]:
            return True  # "1." under the heading that ended the table before
        if parts == [*previous, 1] and previous[0] > 0:
            return True  # the first under the number before: 2.1 after 2.
        if (previous[0] < 0) != (parts[0] < 0):
            continue  # Roman and Arabic numbers are two sequences
        for depth in range(min(len(previous), len(parts))):
            if parts[:depth] != previous[:depth]:
                break
            ahead = (
                -parts[depth] > -previous[depth] if parts[0] < 0 else parts[depth] > previous[depth]
            )
            if ahead and all(part == 1 for part in parts[depth + 1 :]):
                return True
    return False


def _parse_table(grid: Grid, header: _Header, plan: ParsedPlan, place: _Place) -> None:
    cols = header.columns
    table_columns = header.table_columns
    stack = place.stack
    top = place.top
    rows = grid.rows
    started = False
    after_blank = False
    labels = [label for _, label in header.marks]

    def cell(row: list[str], key: str) -> str:
        index = cols.get(key)
        value = row[index] if index is not None and index < len(row) else ""
        for extra in header.more.get(key, ()):
            text = row[extra] if extra < len(row) else ""
            if text and text != value:
                value = f"{value}\n{text}" if value else text
        return value

    def timeframe(row: list[str]) -> str:
        text = cell(row, TIMEFRAME)
        if START in cols or END in cols:
            text = join_period(cell(row, START), cell(row, END)) or text
        if header.marks:
            ticked = [bool(row[c]) if c < len(row) else False for c, _ in header.marks]
            text = marked_period(labels, ticked) or text
        return text

    def next_number(start: int) -> str:
        for row in rows[start:]:
            number = cell(row, NUMBER)
            if number:
                return number
        return ""

    for r in range(header.last + 1, len(rows)):
        row = rows[r]
        cells = [row[c] for c in table_columns if c < len(row)]
        if not any(cells):
            if started:
                after_blank = True
            continue
        if _is_numbering_row(cells):
            continue  # "(1) (2) (3)", under the header and again where it repeats
        if row in header.rows:
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
        others += [row[c] for c, _ in header.marks if c < len(row) and row[c]]
        section: ParsedSection | None = None
        if merged:
            section_number, title = split_label(label)
            section = ParsedSection(number=section_number, title=title)
        elif number and is_section_number(number) and len(set(others)) == 1:
            following = next_number(r + 1)
            deeper = number.rstrip(".") + "."
            merged_rest = len(others) > 1 and len(others) == len(table_columns) - 1
            if (
                _ROMAN.match(number)
                or merged_rest
                or (following.startswith(deeper) and following != number)
            ):
                section = ParsedSection(number=number, title=others[0])
        if section is None and after_blank:
            content = cell(row, CONTENT)
            if not content or not (number or cell(row, LEAD) or timeframe(row)):
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
        values = {
            NUMBER: number,
            CONTENT: content,
            LEAD: cell(row, LEAD),
            COORDINATING: cell(row, COORDINATING),
            TIMEFRAME: timeframe(row),
            NOTE: cell(row, NOTE),
            FIELD: cell(row, FIELD),
        }
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                raise PlanImportError(
                    f"{where[:1].upper()}{where[1:]}, cột {_column_of(grid, header, key)}: "
                    f"{LIMIT_NAMES[key]} dài quá {limit} ký tự."
                )
        for key, text in values.items():
            if not text.isascii() and legacy.looks_legacy(text):
                raise PlanImportError(
                    f"{where[:1].upper()}{where[1:]}, cột {_column_of(grid, header, key)}: "
                    f"chữ “{text[:40]}” còn ở bảng mã cũ (TCVN3/VNI) mà không nhận ra phông để "
                    "chuyển. Hãy chuyển cả tệp sang Unicode (ví dụ bằng Unikey: Ctrl+Shift+F6, "
                    "chọn bảng mã nguồn TCVN3 hoặc VNI, đích Unicode) rồi nhập lại."
                )
        plan.items.append(
            ParsedTask(
                number=number,
                content=content,
                lead_text=values[LEAD],
                coordinating_text=values[COORDINATING],
                timeframe=values[TIMEFRAME],
                note=values[NOTE],
                field=values[FIELD],
                section=stack[-1] if stack else top,
                location=where,
                lead_column=_column_of(grid, header, LEAD),
            )
        )


def _column_of(grid: Grid, header: _Header, key: str) -> str:
    """The printed column a value comes from (the start column for a split time)."""
    cols = header.columns
    index = cols.get(key)
    if index is None and key == TIMEFRAME:
        index = cols.get(START, cols.get(END))
        if index is None and header.marks:
            index = header.marks[0][0]
    return grid.column_label(index if index is not None else 0)
