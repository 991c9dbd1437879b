"""The timeframe parser: every printed form we know, what it must refuse, and its invariants.

Pure tests: no database. The examples include every "Thời gian" printed in the seed documents.
"""

from __future__ import annotations

import calendar
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.timeframes import Timeframe, parse_timeframe

PLAN = (2020, 2022)
PLAN_START, PLAN_END = date(2020, 1, 1), date(2022, 12, 31)


def d(text: str) -> date:
    return date.fromisoformat(text)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    last_month = 3 * quarter
    return (
        date(year, last_month - 2, 1),
        date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def assert_unparsed(result: Timeframe, text: str) -> None:
    assert result == Timeframe(text=text.strip(), start=None, end=None)
    assert result.ongoing is False
    assert result.recurrence == ""
    assert result.interval == 1
    assert not result.parsed


# --- every timeframe printed in the seed documents -----------------------------------------------

SEED_TIMEFRAMES = [
    ("2022", d("2022-01-01"), d("2022-12-31")),
    ("2020 - 2022", d("2020-01-01"), d("2022-12-31")),
    ("2020", d("2020-01-01"), d("2020-12-31")),
    ("Quý I năm 2022", d("2022-01-01"), d("2022-03-31")),
    ("Quý II hoặc III năm 2022", d("2022-04-01"), d("2022-09-30")),
    ("Quý II hoặc III 2022", d("2022-04-01"), d("2022-09-30")),
    ("Quý III hoặc IV năm 2022", d("2022-07-01"), d("2022-12-31")),
    ("quý IV/2023", d("2023-10-01"), d("2023-12-31")),
    ("quý I/2026", d("2026-01-01"), d("2026-03-31")),
    ("trước ngày 10/4/2019", None, d("2019-04-10")),
    ("trước ngày 15/11/2022", None, d("2022-11-15")),
]


@pytest.mark.parametrize(("text", "start", "end"), SEED_TIMEFRAMES)
def test_seed_timeframes_give_dates(text, start, end):
    result = parse_timeframe(text, period=PLAN)

    assert result == Timeframe(text=text, start=start, end=end)
    assert result.parsed


def test_seed_ongoing_spans_the_plan():
    assert parse_timeframe("Thường xuyên", period=PLAN) == Timeframe(
        text="Thường xuyên", start=PLAN_START, end=PLAN_END, ongoing=True
    )


def test_seed_every_two_years_spans_the_plan():
    assert parse_timeframe("định kỳ 02 năm/lần", period=PLAN) == Timeframe(
        text="định kỳ 02 năm/lần",
        start=PLAN_START,
        end=PLAN_END,
        recurrence="yearly",
        interval=2,
    )


# --- rules, one example per printed variant -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # year ranges: any dash, any spacing, with the words printed around them
        ("2020-2022", "2020-01-01", "2022-12-31"),
        ("2021 – 2025", "2021-01-01", "2025-12-31"),
        ("2021—2025", "2021-01-01", "2025-12-31"),
        ("2020 -2022", "2020-01-01", "2022-12-31"),
        ("2020 − 2022", "2020-01-01", "2022-12-31"),
        ("từ năm 2020 đến năm 2022", "2020-01-01", "2022-12-31"),
        ("Từ 2020 đến hết năm 2022", "2020-01-01", "2022-12-31"),
        ("giai đoạn 2021-2025", "2021-01-01", "2025-12-31"),
        ("Giai đoạn 2020 - 2022", "2020-01-01", "2022-12-31"),
        ("GIAI ĐOẠN 2020 - 2022", "2020-01-01", "2022-12-31"),
        ("năm 2020 - 2022", "2020-01-01", "2022-12-31"),
        ("(2020 - 2022)", "2020-01-01", "2022-12-31"),
        ("2022 - 2022", "2022-01-01", "2022-12-31"),
        # one year
        ("Năm 2022", "2022-01-01", "2022-12-31"),
        ("năm 2022", "2022-01-01", "2022-12-31"),
        ("NĂM 2022", "2022-01-01", "2022-12-31"),
        ("  trong năm 2022.  ", "2022-01-01", "2022-12-31"),
        ("  năm   2022. ", "2022-01-01", "2022-12-31"),
        # quarters: Roman or Arabic numerals, "năm", "/" or a space before the year
        ("Quý 2/2022", "2022-04-01", "2022-06-30"),
        ("Quý II 2022", "2022-04-01", "2022-06-30"),
        ("QUÝ II NĂM 2022", "2022-04-01", "2022-06-30"),
        ("quý iv / 2023", "2023-10-01", "2023-12-31"),
        ("Quí III năm 2022", "2022-07-01", "2022-09-30"),
        ("vào quý IV/2023", "2023-10-01", "2023-12-31"),
        ("Quý II, III năm 2022", "2022-04-01", "2022-09-30"),
        ("Quý II - III/2022", "2022-04-01", "2022-09-30"),
        ("Quý II–III/2022", "2022-04-01", "2022-09-30"),
        ("Quý I đến quý III năm 2022", "2022-01-01", "2022-09-30"),
        ("Quý I và II năm 2022", "2022-01-01", "2022-06-30"),
        ("quý 1-4/2022", "2022-01-01", "2022-12-31"),
        ("quý IV/2022 - quý I/2023", "2022-10-01", "2023-03-31"),
        # months
        ("Tháng 6/2019", "2019-06-01", "2019-06-30"),
        ("tháng 6 năm 2019", "2019-06-01", "2019-06-30"),
        ("Tháng 06/2019", "2019-06-01", "2019-06-30"),
        ("tháng 6-8/2019", "2019-06-01", "2019-08-31"),
        ("Tháng 6 đến tháng 8 năm 2019", "2019-06-01", "2019-08-31"),
        ("tháng 2/2020", "2020-02-01", "2020-02-29"),
        ("tháng 2/2021", "2021-02-01", "2021-02-28"),
        ("tháng 12/2021 - tháng 2/2022", "2021-12-01", "2022-02-28"),
        # halves of a year
        ("6 tháng đầu năm 2023", "2023-01-01", "2023-06-30"),
        ("6 tháng cuối năm 2023", "2023-07-01", "2023-12-31"),
        # one day
        ("15/9/2022", "2022-09-15", "2022-09-15"),
        ("ngày 15/9/2022", "2022-09-15", "2022-09-15"),
        ("ngày 15 tháng 9 năm 2022", "2022-09-15", "2022-09-15"),
        ("29/2/2020", "2020-02-29", "2020-02-29"),
        ("15/9/2022 - 20/9/2022", "2022-09-15", "2022-09-20"),
    ],
)
def test_dated_forms(text, start, end):
    result = parse_timeframe(text)

    assert (result.start, result.end) == (d(start), d(end))
    assert result.text == text.strip()
    assert not result.ongoing
    assert result.recurrence == ""
    assert result.parsed


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("trước ngày 10/4/2019", "2019-04-10"),
        ("trước 10/4/2019", "2019-04-10"),
        ("Trước ngày 10/04/2019", "2019-04-10"),
        ("chậm nhất ngày 10/04/2019", "2019-04-10"),
        ("chậm nhất trước ngày 10/4/2019./.", "2019-04-10"),
        ("trước ngày 10 tháng 4 năm 2019", "2019-04-10"),
    ],
)
def test_deadlines_have_an_end_only(text, end):
    result = parse_timeframe(text, period=PLAN)

    assert result == Timeframe(text=text, start=None, end=d(end))
    assert result.parsed


@pytest.mark.parametrize(
    "text", ["Thường xuyên", "thường xuyên", "THƯỜNG XUYÊN", "thường xuyên, liên tục"]
)
def test_ongoing_spans_the_plan_period_when_given(text):
    assert parse_timeframe(text, period=PLAN) == Timeframe(
        text=text, start=PLAN_START, end=PLAN_END, ongoing=True
    )
    without_period = parse_timeframe(text)
    assert without_period == Timeframe(text=text, ongoing=True)
    assert without_period.parsed


@pytest.mark.parametrize(
    ("text", "recurrence", "interval"),
    [
        ("Hằng năm", "yearly", 1),
        ("Hàng năm", "yearly", 1),
        ("hằng năm", "yearly", 1),
        ("Hằng quý", "quarterly", 1),
        ("Hằng tháng", "monthly", 1),
        ("định kỳ hằng năm", "yearly", 1),
        ("định kỳ 02 năm/lần", "yearly", 2),
        ("định kỳ 2 năm/lần", "yearly", 2),
        ("Định kỳ 2 năm / lần", "yearly", 2),
        ("2 năm/lần", "yearly", 2),
        ("2 năm một lần", "yearly", 2),
        ("1 lần/năm", "yearly", 1),
    ],
)
def test_recurrence_spans_the_plan_period_when_given(text, recurrence, interval):
    assert parse_timeframe(text, period=PLAN) == Timeframe(
        text=text, start=PLAN_START, end=PLAN_END, recurrence=recurrence, interval=interval
    )
    without_period = parse_timeframe(text)
    assert without_period == Timeframe(text=text, recurrence=recurrence, interval=interval)
    assert without_period.parsed


@pytest.mark.parametrize("text", ["Thường xuyên hằng năm", "thường xuyên, hàng năm"])
def test_ongoing_every_year(text):
    assert parse_timeframe(text, period=PLAN) == Timeframe(
        text=text, start=PLAN_START, end=PLAN_END, ongoing=True, recurrence="yearly"
    )


def test_the_whole_plan_period_needs_a_period():
    assert parse_timeframe("Cả giai đoạn", period=PLAN) == Timeframe(
        text="Cả giai đoạn", start=PLAN_START, end=PLAN_END
    )
    assert_unparsed(parse_timeframe("Cả giai đoạn"), "Cả giai đoạn")


def test_an_impossible_plan_period_gives_no_dates():
    assert parse_timeframe("Thường xuyên", period=(2022, 2020)) == Timeframe(
        text="Thường xuyên", ongoing=True
    )


def test_a_printed_range_wins_over_the_plan_period():
    result = parse_timeframe("2021 - 2025", period=PLAN)

    assert (result.start, result.end) == (d("2021-01-01"), d("2025-12-31"))


def test_decomposed_accents_read_like_composed_ones():
    text = unicodedata.normalize("NFD", "Quý II hoặc III năm 2022")

    result = parse_timeframe(text)

    assert (result.start, result.end) == (d("2022-04-01"), d("2022-09-30"))
    assert result.text == text  # kept as given, not normalised


def test_text_is_kept_stripped_but_otherwise_as_printed():
    assert parse_timeframe("  Quý  II   năm 2022 \n").text == "Quý  II   năm 2022"


# --- what must not be read ------------------------------------------------------------------------


# Month/year ranges as provincial files print them in a "Thời gian" or a "Bắt đầu | Kết thúc"
# pair joined by the importer: with or without "tháng", padded or not, any dash or "đến".
MONTH_YEAR_FORMS = [
    ("6/2021 - 12/2022", "2021-06-01", "2022-12-31"),
    ("6/2021-12/2022", "2021-06-01", "2022-12-31"),
    ("06/2021–12/2022", "2021-06-01", "2022-12-31"),
    ("06/2021 — 12/2022", "2021-06-01", "2022-12-31"),
    ("tháng 6/2021 - tháng 12/2022", "2021-06-01", "2022-12-31"),
    ("Tháng 6/2021 đến tháng 12/2022", "2021-06-01", "2022-12-31"),
    ("Từ tháng 6/2021 đến hết tháng 12/2022", "2021-06-01", "2022-12-31"),
    ("từ 6/2021 đến 12/2022", "2021-06-01", "2022-12-31"),
    ("tháng 6 năm 2021 - tháng 12 năm 2022", "2021-06-01", "2022-12-31"),
    ("T6/2021 - T12/2022", "2021-06-01", "2022-12-31"),
    ("2/2020 - 2/2020", "2020-02-01", "2020-02-29"),
    ("Quý I/2021 - Quý IV/2022", "2021-01-01", "2022-12-31"),
    ("Quý I/2021 - 6/2022", "2021-01-01", "2022-06-30"),
    ("2021 - 6/2022", "2021-01-01", "2022-06-30"),
    ("6/2021 - 2022", "2021-06-01", "2022-12-31"),
    ("2021-2022", "2021-01-01", "2022-12-31"),
    ("Năm 2021", "2021-01-01", "2021-12-31"),
    ("Tháng 3/2022", "2022-03-01", "2022-03-31"),
    ("3/2022", "2022-03-01", "2022-03-31"),
    ("03/2022", "2022-03-01", "2022-03-31"),
    ("T3/2022", "2022-03-01", "2022-03-31"),
    ("th.3/2022", "2022-03-01", "2022-03-31"),
]


@pytest.mark.parametrize(("text", "start", "end"), MONTH_YEAR_FORMS)
def test_month_year_forms(text, start, end):
    result = parse_timeframe(text, period=PLAN)

    assert result == Timeframe(text=text, start=d(start), end=d(end))


@pytest.mark.parametrize(
    "text",
    [
        "13/2022",  # no month 13: a day needs its month
        "0/2022",
        "12/2022 - 6/2021",  # backwards: a misprint, not swapped
        "6/2022 - 2021",
        "trước 9/2022",  # by 31 August or by 30 September? not read
        "6/21 - 12/22",  # two-digit years are not read
        "6/2021 - 12/20222",
    ],
)
def test_month_year_forms_that_are_not_read(text):
    assert_unparsed(parse_timeframe(text, period=PLAN), text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "Theo kế hoạch",
        "Theo tiến độ dự án",
        "Khi có yêu cầu",
        "Sau khi được phê duyệt",
        "2022 - 2020",  # reversed range: a misprint, not swapped
        "từ năm 2022 đến năm 2020",
        "Quý V năm 2022",
        "Quý 0/2022",
        "Quý 5/2022",
        "Quý III - II/2022",  # quarters running backwards
        "Quý II năm",
        "Quý II",
        "tháng 13/2019",
        "tháng 0/2019",
        "tháng 8-6/2019",
        "32/4/2019",
        "29/2/2019",
        "trước ngày 32/4/2019",
        "trước ngày 29/2/2019",
        "trước tháng 6/2019",  # by 31 May or by 30 June? not read
        "từ 2022",  # open-ended: from 2022 on
        "đầu năm 2023",
        "cuối năm 2023",
        "22/2022",
        "quý IV/23",
        "0000",
        "9999",
        "1234",
        "20222",
        "2020 - 2022 - 2024",
        "0 năm/lần",
        "2 lần/năm",  # twice a year: no interval can say it
        "Hằng tuần",
        "vào",
        "Thường xuyên trong năm 2022",
        "Cả giai đoạn",  # no plan period given
        "chậm nhất **trước ngày 10/4/2019**",
        "2022" * 60,
        "Quý III hoặc II năm 2022",
        "năm 20222",
        "khi tình hình dịch được kiểm soát",
    ],
)
def test_unreadable_text_keeps_its_text_and_gets_no_dates(text):
    assert_unparsed(parse_timeframe(text, period=None), text)


@pytest.mark.parametrize("text", ["Theo kế hoạch", "2022 - 2020", "Quý V năm 2022", ""])
def test_unreadable_text_does_not_borrow_the_plan_period(text):
    assert_unparsed(parse_timeframe(text, period=PLAN), text)


# --- properties -----------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
QUARTER_STYLES = [
    "Quý {roman} năm {year}",
    "quý {roman}/{year}",
    "Quý {digit}/{year}",
    "Quý {roman} {year}",
    "QUÝ {roman} NĂM {year}",
    "quý {lower} năm {year}",
    "vào quý {roman}/{year}",
    "Quý {roman} / {year}",
    "Quý {roman}  năm  {year}.",
]
years = st.integers(min_value=1990, max_value=2100)


@given(
    year=years,
    quarter=st.integers(min_value=1, max_value=4),
    style=st.sampled_from(QUARTER_STYLES),
    decompose=st.booleans(),
)
def test_any_printed_quarter_gives_that_quarter(year, quarter, style, decompose):
    roman = ROMAN[quarter]
    text = style.format(roman=roman, lower=roman.lower(), digit=quarter, year=year)
    if decompose:
        text = unicodedata.normalize("NFD", text)

    result = parse_timeframe(text)

    assert (result.start, result.end) == quarter_bounds(year, quarter)
    assert result.parsed


RANGE_STYLES = [
    "{a} - {b}",
    "{a}-{b}",
    "{a} – {b}",
    "{a}—{b}",
    "từ năm {a} đến năm {b}",
    "giai đoạn {a}-{b}",
    "Giai đoạn {a} – {b}",
]


@given(a=years, b=years, style=st.sampled_from(RANGE_STYLES))
def test_year_ranges_forwards_and_backwards(a, b, style):
    text = style.format(a=a, b=b)

    result = parse_timeframe(text, period=PLAN)

    if a <= b:
        assert (result.start, result.end) == (date(a, 1, 1), date(b, 12, 31))
        assert result.parsed
    else:
        assert_unparsed(result, text)


# Text made of the pieces the parser looks for, so that random strings come close to real forms.
PIECES = (
    "quý|Quý|tháng|năm|ngày|trước|đến|hoặc|từ|giai đoạn|thường xuyên|hằng|định kỳ|lần|I|II|IV|V"
    "|0|6|13|29|2|02|2019|2022|1899|2200|/|-|–|,| |.|("
).split("|")
near_timeframes = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(
    text=st.one_of(st.text(), near_timeframes),
    period=st.one_of(st.none(), st.tuples(years, years)),
)
def test_any_text_never_raises_and_keeps_the_invariants(text, period):
    result = parse_timeframe(text, period=period)

    assert result.text == text.strip()
    if result.start is not None and result.end is not None:
        assert result.start <= result.end
    assert result.recurrence in {"", "monthly", "quarterly", "yearly"}
    assert result.interval >= 1
    if not result.parsed:
        assert_unparsed(result, text)


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    padded=st.booleans(),
    prefix=st.sampled_from(["trước ngày", "Trước ngày", "chậm nhất ngày", "trước"]),
)
def test_any_valid_date_after_truoc_ngay_is_the_deadline(day, padded, prefix):
    shown = f"{day:%d/%m/%Y}" if padded else f"{day.day}/{day.month}/{day.year}"
    text = f"{prefix} {shown}"

    result = parse_timeframe(text, period=PLAN)

    assert result == Timeframe(text=text, start=None, end=day)
