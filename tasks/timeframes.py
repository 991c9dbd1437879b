"""Reads the printed "Thời gian" of a plan item into dates.

A pure function: no database, no Django. What it cannot read keeps its text and gets no dates,
never a guess, because a wrong date on a leader's dashboard is worse than an empty one.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

YEAR_MIN, YEAR_MAX = 1900, 2200


@dataclass(frozen=True)
class Timeframe:
    text: str
    start: date | None = None
    end: date | None = None
    ongoing: bool = False
    recurrence: str = ""  # "" | "monthly" | "quarterly" | "yearly"
    interval: int = 1

    @property
    def parsed(self) -> bool:
        return bool(self.start or self.end or self.ongoing or self.recurrence)


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _clean(text: str) -> str:
    """Lower case, NFC, one space, every dash an ASCII hyphen, stray dots and commas trimmed."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[‐‑‒–—―−]", "-", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .;,")


def _year(value: str) -> int | None:
    year = int(value)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _quarter(token: str) -> int | None:
    token = token.strip()
    if token.isdigit():
        number = int(token)
        return number if 1 <= number <= 4 else None
    return ROMAN.get(token)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_bounds(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, 3 * first - 2, 1), _month_end(year, 3 * last)


def _period_bounds(period: tuple[int, int] | None) -> tuple[date | None, date | None]:
    if not period:
        return None, None
    start, end = period
    if start > end:
        return None, None
    return date(start, 1, 1), date(end, 12, 31)


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# Words that introduce a time without changing it.
LEAD_WORDS = re.compile(r"^(?:vào|trong|từ|thời gian|dự kiến|khoảng|giai đoạn)\s+")
YEAR = r"(\d{4})"
Q = r"(i{1,3}|iv|v|\d)"
YEAR_SUFFIX = r"(?:\s*/\s*|\s+năm\s+|\s+)" + YEAR

RE_RANGE = re.compile(r"^(?:năm\s+)?" + YEAR + r"\s*-\s*(?:năm\s+)?" + YEAR + r"$")
RE_FROM_TO = re.compile(r"^(?:năm\s+)?" + YEAR + r"\s+đến\s+(?:hết\s+)?(?:năm\s+)?" + YEAR + r"$")
RE_YEAR = re.compile(r"^(?:năm\s+)?" + YEAR + r"$")
RE_QUARTERS = re.compile(
    r"^quý\s+" + Q + r"(?:\s*(?:hoặc|và|,|-|đến)\s*(?:quý\s+)?" + Q + r")?" + YEAR_SUFFIX + r"$"
)
RE_MONTHS = re.compile(
    r"^tháng\s+(\d{1,2})(?:\s*(?:-|đến|hoặc|và|,)\s*(?:tháng\s+)?(\d{1,2}))?" + YEAR_SUFFIX + r"$"
)
RE_HALF = re.compile(r"^6\s+tháng\s+(đầu|cuối)\s+năm\s+" + YEAR + r"$")
DATE = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
RE_BEFORE = re.compile(r"^(?:trước|chậm nhất|hạn chót|không muộn hơn)\s+(?:ngày\s+)?" + DATE + r"$")
RE_DATE = re.compile(r"^(?:ngày\s+)?" + DATE + r"$")
RE_ONGOING = re.compile(r"^thường xuyên(?:\s*,?\s*liên tục)?(?:\s+hằng năm|\s+hàng năm)?$")
RE_EVERY = re.compile(r"^(?:định kỳ\s+)?(?:(hằng|hàng)\s+(năm|quý|tháng))$")
RE_EVERY_N = re.compile(r"^(?:định kỳ\s+)?(\d{1,2})\s+(năm|quý|tháng)\s*/\s*(?:1\s+)?lần$")

UNIT = {"năm": "yearly", "quý": "quarterly", "tháng": "monthly"}


def parse_timeframe(text: str, *, period: tuple[int, int] | None = None) -> Timeframe:
    """Parse a printed timeframe; ``period`` (first year, last year) fills "Thường xuyên"."""
    original = (text or "").strip()
    try:
        return _parse(original, period)
    except (ValueError, OverflowError):
        return Timeframe(original)


def _parse(original: str, period: tuple[int, int] | None) -> Timeframe:
    text = _clean(original)
    previous = None
    while text != previous:
        previous = text
        text = LEAD_WORDS.sub("", text)
    if not text:
        return Timeframe(original)

    match = RE_RANGE.match(text) or RE_FROM_TO.match(text)
    if match:
        first, last = _year(match.group(1)), _year(match.group(2))
        if first and last and first <= last:
            return Timeframe(original, date(first, 1, 1), date(last, 12, 31))
        return Timeframe(original)

    match = RE_YEAR.match(text)
    if match:
        year = _year(match.group(1))
        return (
            Timeframe(original, date(year, 1, 1), date(year, 12, 31))
            if year
            else Timeframe(original)
        )

    match = RE_QUARTERS.match(text)
    if match:
        first = _quarter(match.group(1))
        last = _quarter(match.group(2)) if match.group(2) else first
        year = _year(match.group(3))
        if first and last and year and first <= last:
            return Timeframe(original, *_quarter_bounds(year, first, last))
        return Timeframe(original)

    match = RE_MONTHS.match(text)
    if match:
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        year = _year(match.group(3))
        if year and 1 <= first <= last <= 12:
            return Timeframe(original, date(year, first, 1), _month_end(year, last))
        return Timeframe(original)

    match = RE_HALF.match(text)
    if match:
        year = _year(match.group(2))
        if not year:
            return Timeframe(original)
        if match.group(1) == "đầu":
            return Timeframe(original, date(year, 1, 1), date(year, 6, 30))
        return Timeframe(original, date(year, 7, 1), date(year, 12, 31))

    match = RE_BEFORE.match(text)
    if match:
        deadline = _date(*match.groups())
        return Timeframe(original, None, deadline) if deadline else Timeframe(original)

    match = RE_DATE.match(text)
    if match:
        day = _date(*match.groups())
        return Timeframe(original, day, day) if day else Timeframe(original)

    start, end = _period_bounds(period)
    if RE_ONGOING.match(text):
        recurrence = "yearly" if ("hằng năm" in text or "hàng năm" in text) else ""
        return Timeframe(original, start, end, ongoing=True, recurrence=recurrence)

    match = RE_EVERY.match(text)
    if match:
        return Timeframe(original, start, end, recurrence=UNIT[match.group(2)])

    match = RE_EVERY_N.match(text)
    if match:
        interval = int(match.group(1))
        if interval >= 1:
            return Timeframe(
                original, start, end, recurrence=UNIT[match.group(2)], interval=interval
            )
    return Timeframe(original)
