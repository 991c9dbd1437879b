"""Plan tables in the layouts provinces send (issue 16): headers over two or three rows with a
split time or agency column, a Word table broken at a page break, one sheet per partner, the
national header and signature around the tables. Each imports word for word, with its dates,
sections, appendices and partners."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.models import Locality, Plan
from tasks.importers.details import document_details
from tasks.importers.parser import find_header, join_period, marked_period, parse_grids
from tasks.importers.reader import Grid, PlanImportError, read_document, read_source
from tasks.importers.service import partners_detect, plan_import
from tasks.models import Section, Task
from tests.tasks import import_layouts as layouts
from tests.tasks.import_layouts import (
    APPENDICES,
    ONE_ROW,
    SALAVAN,
    SAVANNAKHET,
    THREE_ROWS,
    TIME_SPLIT,
    TWO_ROWS,
    YEAR_COLUMNS,
    docx_file,
    expected,
    parsed_rows,
    xlsx_file,
)

HEADERS = {
    "two_rows": TWO_ROWS,
    "three_rows": THREE_ROWS,
    "time_split": TIME_SPLIT,
    "year_columns": YEAR_COLUMNS,
    "one_row": ONE_ROW,
}


def parse(data: bytes):
    return parse_grids(read_document(data))


def counts():
    return Plan.objects.count(), Section.objects.count(), Task.objects.count()


@pytest.mark.parametrize("layout", HEADERS)
@pytest.mark.parametrize("build", [xlsx_file, docx_file], ids=["xlsx", "docx"])
def test_every_header_layout_reads_word_for_word(build, layout):
    header = HEADERS[layout]
    parsed = parse(build(header=header))
    assert parsed_rows(parsed) == expected(APPENDICES, header)
    # The sub-header row is never a task, the "(1) (2) …" row neither.
    assert not any(task.lead_text in {"Chủ trì", "ĐƠN VỊ CHỦ TRÌ"} for task in parsed.tasks)


@pytest.mark.parametrize("build", [xlsx_file, docx_file], ids=["xlsx", "docx"])
def test_split_time_imports_with_dates_covering_start_and_end(quang_tri, build):
    parsed = parse(build(header=TWO_ROWS))
    plan = plan_import(
        parsed=parsed,
        province=quang_tri,
        number="16/KH-UBND",
        title="Kế hoạch thử",
        create_agencies=True,
    )
    tasks = {(t.section.parent.number, t.number): t for t in plan.tasks.select_related("section")}
    talks = tasks[("PHỤ LỤC I", "2.")]
    assert talks.timeframe_text == "2020 - 2022"
    assert (talks.start_date, talks.end_date) == (date(2020, 1, 1), date(2022, 12, 31))
    remains = tasks[("PHỤ LỤC I", "6.")]
    assert remains.timeframe_text == "Quý I/2021 - Quý IV/2022"
    assert (remains.start_date, remains.end_date) == (date(2021, 1, 1), date(2022, 12, 31))
    assert remains.lead_text == "BCH Quân sự tỉnh\nĐội quy tập 584"
    assert [lead.agency.name for lead in remains.leads.order_by("order")] == [
        "Bộ Chỉ huy Quân sự tỉnh",
        "Đội quy tập 584",
    ]
    one_year = tasks[("PHỤ LỤC II", "1.")]
    assert one_year.timeframe_text == "2022" and one_year.note == "Kinh phí do ngân sách tỉnh cấp"
    assert (plan.start_year, plan.end_year) == (2020, 2022)


def test_year_columns_ticked_make_one_range():
    assert marked_period(["2020", "2021", "2022"], [False, True, True]) == "2021 - 2022"
    assert marked_period(["2020", "2021", "2022"], [True, False, True]) == "2020, 2022"
    assert marked_period(["Quý I/2021", "Quý II/2021"], [True, False]) == "Quý I/2021"
    assert join_period("Quý I/2021", "Quý IV/2022") == "Quý I/2021 - Quý IV/2022"
    assert join_period("2022", "2022") == "2022" and join_period("", "2022") == "2022"


def test_quarters_under_a_year_under_the_time_header():
    rows = [
        ["TT", "Nội dung", "Chủ trì", "Thời gian thực hiện", "", "", ""],
        ["", "", "", "Năm 2021", "", "Năm 2022", ""],
        ["", "", "", "Quý I", "Quý II", "Quý I", "Quý II"],
        ["1.", "Trao đổi đoàn", "Sở Ngoại vụ", "", "x", "x", ""],
    ]
    grid = Grid(name="bảng 1", kind="docx", rows=rows, row_numbers=[1, 2, 3, 4])
    header = find_header(grid)
    assert header is not None and header.height == 3
    (task,) = parse_grids([grid]).tasks
    assert task.timeframe == "Quý II/2021 - Quý I/2022"


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "no-header"])
def test_word_table_broken_at_a_page_break_continues_its_section(repeat_header):
    data = docx_file(break_after=3, repeat_header=repeat_header)
    assert len(read_document(data)) == 3  # two pieces of Phụ lục I, then Phụ lục II
    parsed = parse(data)
    assert parsed_rows(parsed) == expected(APPENDICES)
    tops = [section for section in parsed.sections if section.parent is None]
    assert [top.number for top in tops] == ["PHỤ LỤC I", "PHỤ LỤC II"]
    continued = next(task for task in parsed.tasks if task.number == "6.")
    assert continued.location.startswith("bảng 2")
    assert continued.section.number == "I" and continued.section.parent is tops[0]


def test_partners_from_appendix_headings_and_sheets(quang_tri):
    savannakhet = Locality.objects.get(name="Savannakhet")
    salavan = Locality.objects.get(name="Salavan")
    # Appendix headings ("… VÀ TỈNH SALAVAN") in Word; sheet titles without headings in Excel.
    for data in (docx_file(), xlsx_file(headings=False)):
        parsed = parse(data)
        assert partners_detect(parsed, quang_tri) == [savannakhet, salavan]
        tops = [section for section in parsed.sections if section.parent is None]
        assert [top.partner for top in tops] == [savannakhet, salavan]
    plan = plan_import(
        parsed=parsed, province=quang_tri, number="17/KH-UBND", title="Thử", create_agencies=True
    )
    assert set(plan.partners.all()) == {savannakhet, salavan}
    by_sheet = {s.title: s.partner for s in plan.sections.filter(parent=None)}
    assert by_sheet == {"Savannakhet": savannakhet, "Salavan": salavan}
    task = plan.tasks.get(section__parent__title="Salavan", number="7.")
    assert list(task.partners.all()) == [salavan]


def test_a_heading_naming_two_partners_sets_none_for_the_appendix(quang_tri):
    appendix = layouts.Appendix(
        heading=["PHỤ LỤC", "HỢP TÁC VỚI HAI TỈNH SAVANNAKHET VÀ SALAVAN"],
        sheet="Chung",
        partner="",
        rows=SAVANNAKHET.rows,
    )
    parsed = parse(docx_file([appendix]))
    found = partners_detect(parsed, quang_tri)
    assert [locality.name for locality in found] == ["Savannakhet", "Salavan"]
    assert parsed.sections[0].partner is None


def test_aliases_name_a_partner(quang_tri):
    appendix = layouts.Appendix(
        heading=["PHỤ LỤC II", "KẾ HOẠCH HỢP TÁC VỚI TỈNH SARAVANE"],
        sheet="Phụ lục II",
        partner="Salavan",
        rows=SALAVAN.rows,
    )
    parsed = parse(docx_file([appendix]))
    partners_detect(parsed, quang_tri)
    assert parsed.sections[0].partner.name == "Salavan"


def test_letterhead_gives_number_date_title_and_signer():
    data = docx_file(letterhead=True)
    source = read_source(data)
    parsed = parse_grids(source.grids)
    assert parsed_rows(parsed) == expected(APPENDICES)
    details = document_details(source, parsed)
    assert details.value("number") == "12/KH-UBND"
    assert details.value("date") == date(2020, 1, 15)
    assert details.value("place") == "Quảng Trị"
    assert details.value("kind") == "plan"
    assert details.value("title") == layouts.TITLE_LINES[1]
    assert details.value("signer") == "Hà Sỹ Đồng"
    assert details.value("signing_authority") == "TM. ỦY BAN NHÂN DÂN"
    assert details.value("signing_title") == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert details.number.line == "Số: 12/KH-UBND"


def test_no_letterhead_guesses_nothing():
    source = read_source(docx_file())
    details = document_details(source, parse_grids(source.grids))
    assert all(
        details.value(name) is None
        for name in ("number", "date", "place", "title", "signer", "signing_title")
    )


def test_issued_status_needs_a_date_and_saves_nothing_without(quang_tri):
    parsed = parse(docx_file(letterhead=True))
    before = counts()
    with pytest.raises(PlanImportError, match="ngày ban hành"):
        plan_import(
            parsed=parsed,
            province=quang_tri,
            number="18/KH-UBND",
            title="Thử",
            create_agencies=True,
            status="issued",
        )
    assert counts() == before
    plan = plan_import(
        parsed=parsed,
        province=quang_tri,
        number="18/KH-UBND",
        title="Thử",
        date=date(2020, 1, 15),
        create_agencies=True,
        status="issued",
        details={"signer": "Hà Sỹ Đồng", "signing_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"},
    )
    assert plan.status == "issued" and plan.signer == "Hà Sỹ Đồng"
    assert plan.history.first().history_change_reason == "Ban hành"


def test_a_task_without_content_under_a_two_row_header_says_table_row_column():
    appendix = layouts.Appendix(
        heading=["PHỤ LỤC I"],
        sheet="Phụ lục I",
        partner="",
        rows=[layouts.Task("1.", "", "Sở Ngoại vụ", "", "2020", "2022")],
    )
    cases = [
        (docx_file([appendix]), "Bảng 1, dòng 4, cột 2"),
        (xlsx_file([appendix]), "Trang tính “Phụ lục I”, dòng 5, cột B"),
    ]
    for data, where in cases:
        with pytest.raises(PlanImportError) as error:
            parse(data)
        assert str(error.value).startswith(where), str(error.value)


def test_a_split_time_too_long_names_the_start_column():
    long = "Quý I/2021 " * 20
    appendix = layouts.Appendix(
        heading=["PHỤ LỤC I"],
        sheet="Phụ lục I",
        partner="",
        rows=[layouts.Task("1.", "Việc", "Sở Ngoại vụ", "", long, "2022")],
    )
    with pytest.raises(PlanImportError, match="cột E: thời gian dài quá 200"):
        parse(xlsx_file([appendix]))


# -- random headers never crash ------------------------------------------------------------

_LABELS = st.sampled_from(
    [
        "",
        "STT",
        "Nội dung",
        "Đơn vị thực hiện",
        "Chủ trì",
        "Phối hợp",
        "Thời gian thực hiện",
        "Bắt đầu",
        "Kết thúc",
        "Từ",
        "Đến",
        "2021",
        "Năm 2022",
        "Quý II",
        "Ghi chú",
        "(1)",
        "I",
        "1.",
        "x",
        "Sở Ngoại vụ",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_LABELS, min_size=6, max_size=6), min_size=1, max_size=8))
def test_random_multi_row_headers_never_crash(rows):
    grid = Grid(name="bảng 1", kind="docx", rows=rows, row_numbers=list(range(1, len(rows) + 1)))
    try:
        parsed = parse_grids([grid])
    except PlanImportError:
        return
    for task in parsed.tasks:
        assert task.content and len(task.timeframe) <= 200


def test_dates_inside_the_table_are_not_the_plans_date():
    appendix = layouts.Appendix(
        heading=["KẾ HOẠCH HỢP TÁC NĂM 2024", "Số: 7/KH-UBND"],
        sheet="Kế hoạch",
        partner="",
        rows=[
            layouts.Task(
                "1.", "Hội nghị sơ kết ngày 15 tháng 3 năm 2024", "Sở Ngoại vụ", "", "2024", ""
            )
        ],
    )
    source = read_source(xlsx_file([appendix]))
    details = document_details(source, parse_grids(source.grids))
    assert details.value("number") == "7/KH-UBND"
    assert details.value("date") is None
