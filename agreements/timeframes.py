"""Read the printed "Thời gian" of a plan item, or a meeting's planned time, into dates.

It lives in agreements, the lowest app, because meetings (here) and tasks (above) both read it.

Plans print a task's timeframe as short free Vietnamese text: "2020 - 2022", "Quý II hoặc III năm
2022", "quý IV/2023", "6/2021 - 12/2022", "Thường xuyên", "định kỳ 02 năm/lần", "trước ngày
15/11/2022". Dashboards, deadlines and reports need dates, so this module turns that text into a
start and an end.

It is a pure function (stdlib only, no Django) so it can be tested exhaustively, and it is strict on
purpose: each form it knows is one regex matched against the *whole* text, and a text that matches
none of them keeps its text and gets no dates. A wrong date on a leader's dashboard is worse than an
empty one, which the UI shows as "not understood" and a person can fix.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

__all__ = ["Timeframe", "parse_timeframe"]

# Years a cooperation plan can plausibly name. Outside this window a four-digit number in the
# "Thời gian" column is a quantity or a typo, not a year, and reading it as one would be a guess.
YEAR_MIN, YEAR_MAX = 1900, 2199

# Cells of the "Thời gian" column are short (the model field holds 200 characters); anything longer
# is prose, and trying to read it only risks a wrong date (and costs time on pathological input).
MAX_LENGTH = 200


@dataclass(frozen=True)
class Timeframe:
    """What a printed timeframe means; ``text`` is always the input, stripped, as printed."""

    text: str
    start: date | None = None
    end: date | None = None
    ongoing: bool = False  # "Thường xuyên": the task runs all along the plan
    recurrence: str = ""  # "" | "monthly" | "quarterly" | "yearly"
    interval: int = 1  # every `interval` units of `recurrence`: 2 for "định kỳ 02 năm/lần"

    @property
    def parsed(self) -> bool:
        """True when the text was understood: it gave dates, or it is ongoing or recurring."""
        return (
            self.start is not None or self.end is not None or self.ongoing or bool(self.recurrence)
        )


class _Reading(NamedTuple):
    start: date | None = None
    end: date | None = None
    ongoing: bool = False
    recurrence: str = ""
    interval: int = 1


_Span = tuple[date, date]
_Period = tuple[int, int] | None
_PointReader = Callable[[re.Match[str]], _Span | None]
_RuleReader = Callable[[re.Match[str], _Period], _Reading | None]


# --- normalisation -------------------------------------------------------------------------------

# Printed documents mix hyphens, en and em dashes, minus signs and full-width forms; "Ð" (U+00D0,
# Icelandic eth) is a common stand-in for "Đ" in Vietnamese files converted from old encodings.
_CHARACTERS = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\ufe58": "-",
        "\ufe63": "-",
        "\uff0d": "-",
        "\u2044": "/",
        "\u2215": "/",
        "\uff0f": "/",
        "ð": "đ",
    }
)
_AROUND_PUNCTUATION = re.compile(r" ?([-/]) ?")
# "./." closes Vietnamese administrative documents and sometimes follows a copied deadline.
_TRAILING = re.compile(r"(?:\./\.|[ .,;:])+$")
# Words that introduce a time without changing it: "vào quý IV/2023", "trong năm 2022",
# "dự kiến tháng 6/2019". "từ" (from) is not here: alone it opens a range ("từ 2022" means from
# 2022 on), so it is only dropped where the range's end is printed too (see _range).
_LEAD_WORDS = re.compile(r"^(?:(?:vào|trong|dự kiến)(?: |$))+")


def _normalize(text: str) -> str:
    """Lower case, NFC, one space between words, ASCII dashes and slashes without spaces round them.

    NFC first so that decomposed input (a base letter plus combining marks, as some editors and
    PDF extractors produce) compares equal to the composed letters written in the regexes.
    """
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())
    text = " ".join(text.translate(_CHARACTERS).split())
    text = _AROUND_PUNCTUATION.sub(r"\1", text)
    text = _TRAILING.sub("", text)
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return _LEAD_WORDS.sub("", text)


# --- dates ---------------------------------------------------------------------------------------


def _year(value: str | int) -> int | None:
    year = int(value)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _day(year: str, month: str, day: str) -> date | None:
    checked = _year(year)
    if checked is None:
        return None
    try:
        return date(checked, int(month), int(day))
    except ValueError:  # 32/4, 29/2 of a common year, month 13 …
        return None


def _months(year: int, first: int, last: int) -> _Span | None:
    if not 1 <= first <= last <= 12:
        return None
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _period_span(period: _Period) -> tuple[date | None, date | None]:
    """The plan's whole period, or no dates when the plan gave none (or an impossible one)."""
    if period is None:
        return None, None
    first, last = period
    if not (isinstance(first, int) and isinstance(last, int)):
        return None, None
    if _year(first) is None or _year(last) is None or first > last:
        return None, None
    return date(first, 1, 1), date(last, 12, 31)


# --- points: a text naming one stretch of time ---------------------------------------------------

_QUY = r"qu[ýí]"  # "quí" is the older spelling still found in documents
_KY = r"k[ỳì]"
# Separators inside a list of quarters or months: "II hoặc III", "II, III", "II - III",
# "6 đến tháng 8". The list must run forwards; its first and last items bound the span.
_AND = r"(?:-|,? hoặc |,? và | đến | tới |, ?)"
_YEAR_AFTER = r"(?:/|,? năm |,? )(?P<year>[0-9]{4})"
_ITEM_SEPARATOR = re.compile(rf"{_AND}(?:{_QUY} |tháng )?")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _items(text: str, roman: bool) -> list[int] | None:
    values = []
    for token in _ITEM_SEPARATOR.split(text):
        if token.isascii() and token.isdigit():
            values.append(int(token))
        elif roman and token in _ROMAN:
            values.append(_ROMAN[token])
        else:  # "Quý V", "Quý VI": not a quarter
            return None
    if not values or values != sorted(values):
        return None
    return values


def _year_point(match: re.Match[str]) -> _Span | None:
    year = _year(match["year"])
    return None if year is None else (date(year, 1, 1), date(year, 12, 31))


def _quarter_point(match: re.Match[str]) -> _Span | None:
    year, quarters = _year(match["year"]), _items(match["items"], roman=True)
    if year is None or quarters is None or not 1 <= quarters[0] <= quarters[-1] <= 4:
        return None
    return _months(year, 3 * quarters[0] - 2, 3 * quarters[-1])


def _month_point(match: re.Match[str]) -> _Span | None:
    year, months = _year(match["year"]), _items(match["items"], roman=False)
    if year is None or months is None:
        return None
    return _months(year, months[0], months[-1])


def _half_point(match: re.Match[str]) -> _Span | None:
    year = _year(match["year"])
    if year is None:
        return None
    return _months(year, 1, 6) if match["half"] == "đầu" else _months(year, 7, 12)


def _date_point(match: re.Match[str]) -> _Span | None:
    day = _day(match["year"], match["month"], match["day"])
    return None if day is None else (day, day)


_DMY = r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})"
_DMY_WORDS = r"(?P<day>[0-9]{1,2}) tháng (?P<month>[0-9]{1,2}) năm (?P<year>[0-9]{4})"

_POINTS: tuple[tuple[re.Pattern[str], _PointReader], ...] = tuple(
    (re.compile(pattern), reader)
    for pattern, reader in (
        # "2022", "năm 2022"
        (r"(?:năm )?(?P<year>[0-9]{4})", _year_point),
        # "quý I năm 2022", "quý iv/2023", "quý 2/2022", "quý ii 2022", "quý ii hoặc iii năm 2022"
        (
            rf"{_QUY} (?P<items>[ivx0-9]+(?:{_AND}(?:{_QUY} )?[ivx0-9]+)*){_YEAR_AFTER}",
            _quarter_point,
        ),
        # "tháng 6/2019", "tháng 06 năm 2019", "tháng 6-8/2019", "tháng 6 đến tháng 8 năm 2019"
        (
            rf"tháng (?P<items>[0-9]{{1,2}}(?:{_AND}(?:tháng )?[0-9]{{1,2}})*){_YEAR_AFTER}",
            _month_point,
        ),
        # "6/2021", "06/2021", "T6/2021", "th6/2021": a month and its year without the word
        # "tháng" (ranges "6/2021 - 12/2022" are two of these). A day needs its month too, so a
        # number over 12 before the year is no month and the text is not read.
        (r"(?:th?\.? ?)?(?P<items>[0-9]{1,2})/(?P<year>[0-9]{4})", _month_point),
        # "6 tháng đầu năm 2023", "6 tháng cuối năm 2023", "nửa đầu năm 2023"
        (r"(?:0?6 tháng|nửa) (?P<half>đầu|cuối) năm (?P<year>[0-9]{4})", _half_point),
        # "15/9/2022", "ngày 15/9/2022", "ngày 15 tháng 9 năm 2022"
        (rf"(?:ngày )?{_DMY}", _date_point),
        (rf"ngày {_DMY_WORDS}", _date_point),
    )
)
_DATE_POINTS = _POINTS[-2:]


def _point(
    text: str,
    points: tuple[tuple[re.Pattern[str], _PointReader], ...] = _POINTS,
) -> _Span | None:
    for pattern, reader in points:
        match = pattern.fullmatch(text)
        if match:
            return reader(match)
    return None


# "2020 - 2022", "từ năm 2020 đến năm 2022", "giai đoạn 2021-2025", "tháng 12/2021 - tháng 2/2022"
_RANGE_PREFIX = re.compile(r"^(?:giai đoạn |từ )+")
_RANGE_SEPARATOR = re.compile(r"-| (?:đến|tới) (?:hết )?")


def _range(text: str) -> _Span | None:
    """Two points joined by a dash or "đến": from the first's start to the second's end.

    The first split whose both sides read as points decides; a range running backwards
    ("2022 - 2020") is a misprint and is not read, rather than silently swapped.
    """
    body = _RANGE_PREFIX.sub("", text)
    for separator in _RANGE_SEPARATOR.finditer(body):
        first = _point(body[: separator.start()])
        last = _point(body[separator.end() :])
        if first is not None and last is not None:
            if first[0] <= last[0] and first[1] <= last[1]:
                return first[0], last[1]
            return None
    return None


# --- rules that are not a point: deadlines, ongoing, recurring, the whole plan -------------------


def _deadline(match: re.Match[str], period: _Period) -> _Reading | None:
    span = _point(match["date"], _DATE_POINTS)
    return None if span is None else _Reading(end=span[1])


def _ongoing(match: re.Match[str], period: _Period) -> _Reading:
    recurrence = "yearly" if match["yearly"] else ""
    return _Reading(*_period_span(period), ongoing=True, recurrence=recurrence)


_UNITS = {"năm": "yearly", "quý": "quarterly", "quí": "quarterly", "tháng": "monthly"}


def _every(match: re.Match[str], period: _Period) -> _Reading | None:
    interval = int(match["n"]) if match.groupdict().get("n") else 1
    if interval < 1:
        return None
    return _Reading(*_period_span(period), recurrence=_UNITS[match["unit"]], interval=interval)


def _whole_plan(match: re.Match[str], period: _Period) -> _Reading | None:
    start, end = _period_span(period)
    return None if start is None else _Reading(start, end)


_UNIT = rf"(?P<unit>năm|{_QUY}|tháng)"
_EVERY = rf"(?:định {_KY},? )?"

_RULES: tuple[tuple[re.Pattern[str], _RuleReader], ...] = tuple(
    (re.compile(pattern), reader)
    for pattern, reader in (
        # "trước ngày 10/4/2019", "chậm nhất ngày 10/04/2019", "chậm nhất trước ngày 10/4/2019".
        # Dates only: "trước tháng 6" could mean by 31 May or by 30 June, so it is not read.
        (
            r"(?:(?:chậm nhất|hạn chót),? )?(?:trước|chậm nhất|hạn chót) (?P<date>.+)",
            _deadline,
        ),
        # "Thường xuyên", "thường xuyên, liên tục", "thường xuyên hằng năm" (ongoing and yearly)
        (
            r"(?:thường xuyên(?:,? (?:và )?liên tục)?|liên tục,? (?:và )?thường xuyên)"
            r"(?P<yearly>,? h[ằà]ng năm)?",
            _ongoing,
        ),
        # "Hằng năm", "hàng quý", "định kỳ hằng năm", "mỗi năm một lần"
        (rf"{_EVERY}(?:h[ằà]ng|mỗi) {_UNIT}(?: (?:1|một) lần)?", _every),
        # "định kỳ 02 năm/lần", "2 năm/lần", "2 năm một lần"
        (rf"{_EVERY}(?P<n>[0-9]{{1,2}}) {_UNIT}(?:/| (?:1|một) )lần", _every),
        # "1 lần/năm" (but not "2 lần/năm": twice a year is no interval we can store)
        (rf"{_EVERY}(?:1|một) lần/{_UNIT}", _every),
        # "cả giai đoạn", "trong giai đoạn" (after "trong" is dropped): the plan's own period
        (r"(?:cả |suốt |toàn )?giai đoạn(?: (?:kế hoạch|thực hiện))?", _whole_plan),
    )
)


def _read(text: str, period: _Period) -> _Reading | None:
    for pattern, reader in _RULES:
        match = pattern.fullmatch(text)
        if match:
            return reader(match, period)
    span = _point(text) or _range(text)
    return None if span is None else _Reading(*span)


# Pure, and its answer is immutable: a plan prints the same few timeframes on hundreds of rows,
# and an import reads each twice (the plan's years, then each task's dates).
@functools.lru_cache(maxsize=4096)
def parse_timeframe(text: str, *, period: tuple[int, int] | None = None) -> Timeframe:
    """Read a printed timeframe; never raises, never guesses.

    ``period`` is the plan's (first year, last year). It is used only by texts that mean the whole
    plan: "Thường xuyên", "Hằng năm", "định kỳ 02 năm/lần", "cả giai đoạn". A text naming its own
    years ("2020 - 2022") is read as printed even when it disagrees with the plan.
    """
    original = text.strip()
    normalized = _normalize(original) if len(original) <= MAX_LENGTH else ""
    reading = _read(normalized, period) if normalized else None
    if reading is None:
        return Timeframe(original)
    if reading.start is not None and reading.end is not None and reading.start > reading.end:
        return Timeframe(original)  # unreachable by construction; kept as the stated invariant
    return Timeframe(original, *reading)
