"""The timeframe parser: every printed form of the seeds, the forms users type, and no guesses."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.timeframes import parse_timeframe

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
QUARTER_START = {1: (1, 1), 2: (4, 1), 3: (7, 1), 4: (10, 1)}
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # printed in the seeds
        ("2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("2020", date(2020, 1, 1), date(2020, 12, 31)),
        ("2020 - 2022", date(2020, 1, 1), date(2022, 12, 31)),
        ("Quý I năm 2022", date(2022, 1, 1), date(2022, 3, 31)),
        ("Quý II hoặc III năm 2022", date(2022, 4, 1), date(2022, 9, 30)),
        ("Quý II hoặc III 2022", date(2022, 4, 1), date(2022, 9, 30)),
        ("Quý III hoặc IV năm 2022", date(2022, 7, 1), date(2022, 12, 31)),
        ("quý IV/2023", date(2023, 10, 1), date(2023, 12, 31)),
        ("quý I/2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("trước ngày 10/4/2019", None, date(2019, 4, 10)),
        ("trước ngày 15/11/2022", None, date(2022, 11, 15)),
        # forms the issue names and their everyday variants
        ("2020-2022", date(2020, 1, 1), date(2022, 12, 31)),
        ("2021 – 2025", date(2021, 1, 1), date(2025, 12, 31)),
        ("giai đoạn 2021-2025", date(2021, 1, 1), date(2025, 12, 31)),
        ("từ năm 2020 đến năm 2022", date(2020, 1, 1), date(2022, 12, 31)),
        ("Năm 2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("  năm   2022. ", date(2022, 1, 1), date(2022, 12, 31)),
        ("Quý 2/2022", date(2022, 4, 1), date(2022, 6, 30)),
        ("QUÝ II NĂM 2022", date(2022, 4, 1), date(2022, 6, 30)),
        ("vào quý IV/2023", date(2023, 10, 1), date(2023, 12, 31)),
        ("Tháng 6/2019", date(2019, 6, 1), date(2019, 6, 30)),
        ("tháng 06 năm 2019", date(2019, 6, 1), date(2019, 6, 30)),
        ("tháng 6-8/2019", date(2019, 6, 1), date(2019, 8, 31)),
        ("Tháng 2/2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("6 tháng đầu năm 2023", date(2023, 1, 1), date(2023, 6, 30)),
        ("6 tháng cuối năm 2023", date(2023, 7, 1), date(2023, 12, 31)),
        ("chậm nhất ngày 10/04/2019", None, date(2019, 4, 10)),
        ("ngày 15/9/2022", date(2022, 9, 15), date(2022, 9, 15)),
    ],
)
def test_dated_timeframes(text, start, end):
    parsed = parse_timeframe(text)
    assert (parsed.start, parsed.end) == (start, end)
    assert parsed.text == text.strip()
    assert parsed.parsed
    assert not parsed.ongoing


def test_thuong_xuyen_means_the_plans_period():
    parsed = parse_timeframe("Thường xuyên", period=(2022, 2022))
    assert parsed.ongoing
    assert (parsed.start, parsed.end) == (date(2022, 1, 1), date(2022, 12, 31))
    without_plan = parse_timeframe("thường xuyên")
    assert without_plan.ongoing and without_plan.start is None and without_plan.end is None


@pytest.mark.parametrize(
    ("text", "recurrence", "interval"),
    [
        ("Hằng năm", "yearly", 1),
        ("hàng năm", "yearly", 1),
        ("định kỳ hằng năm", "yearly", 1),
        ("định kỳ 02 năm/lần", "yearly", 2),
        ("định kỳ 2 năm/lần", "yearly", 2),
        ("2 năm/lần", "yearly", 2),
        ("Hằng quý", "quarterly", 1),
        ("hằng tháng", "monthly", 1),
    ],
)
def test_recurring_timeframes_span_the_plan(text, recurrence, interval):
    parsed = parse_timeframe(text, period=(2020, 2022))
    assert (parsed.recurrence, parsed.interval) == (recurrence, interval)
    assert (parsed.start, parsed.end) == (date(2020, 1, 1), date(2022, 12, 31))
    assert not parsed.ongoing


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Sau khi có ý kiến của UBND tỉnh",
        "Quý V năm 2022",
        "Tháng 13/2019",
        "2022 - 2020",
        "trước ngày 32/4/2019",
        "29/2/2019",
        "Quý III hoặc II năm 2022",
        "khi tình hình dịch được kiểm soát",
        "năm 20222",
    ],
)
def test_unreadable_text_keeps_its_text_and_gets_no_dates(text):
    parsed = parse_timeframe(text, period=(2020, 2022))
    assert parsed.text == text.strip()
    assert parsed.start is None and parsed.end is None
    assert not parsed.ongoing and parsed.recurrence == ""
    assert not parsed.parsed


QUARTER_STYLES = [
    "Quý {r} năm {y}",
    "quý {r}/{y}",
    "Quý {n}/{y}",
    "QUÝ {r} {y}",
    "vào quý {r}/{y}",
]


@given(
    year=st.integers(1990, 2100),
    quarter=st.integers(1, 4),
    style=st.sampled_from(QUARTER_STYLES),
)
def test_any_printed_quarter_gives_its_bounds(year, quarter, style):
    parsed = parse_timeframe(style.format(r=ROMAN[quarter], n=quarter, y=year))
    assert parsed.start == date(year, *QUARTER_START[quarter])
    assert parsed.end == date(year, *QUARTER_END[quarter])


@given(
    first=st.integers(1990, 2100),
    last=st.integers(1990, 2100),
    sep=st.sampled_from(["-", " - ", "–", " – ", " —"]),
)
def test_year_ranges(first, last, sep):
    parsed = parse_timeframe(f"{first}{sep}{last}")
    if first <= last:
        assert (parsed.start, parsed.end) == (date(first, 1, 1), date(last, 12, 31))
    else:
        assert parsed.start is None and parsed.end is None


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_deadline_dates(day):
    parsed = parse_timeframe(f"trước ngày {day.day}/{day.month}/{day.year}")
    assert (parsed.start, parsed.end) == (None, day)


@given(
    text=st.text(max_size=80),
    period=st.none() | st.tuples(st.integers(1990, 2100), st.integers(1990, 2100)),
)
def test_never_raises_and_never_inverts(text, period):
    parsed = parse_timeframe(text, period=period)
    assert parsed.text == text.strip()
    if parsed.start and parsed.end:
        assert parsed.start <= parsed.end
