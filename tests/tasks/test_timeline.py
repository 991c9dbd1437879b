"""The plan timeline: layout on hand-made tasks, its SVG, the page, the PDF, the query count."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from defusedxml import ElementTree as ET
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from agreements.models import Agency, Agreement, Meeting, Plan, ReportDeadline
from agreements.timeframes import parse_timeframe
from tasks.models import Task
from tasks.services import section_create, task_create
from tasks.timeline.entries import Milestone, TimelineSection, TimelineTask
from tasks.timeline.layout import CHART_X0, CHART_X1, MAX_WIDEN_YEARS, timeline_layout
from tasks.timeline.svg import timeline_svg
from tasks.timeline.wording import understood_label

SVG = "{http://www.w3.org/2000/svg}"
PERIOD = (2020, 2022)


def task(text: str, content: str = "Nhiệm vụ thử", number: str = "1.", period=PERIOD):
    return TimelineTask.from_timeframe(number, content, parse_timeframe(text, period=period))


def layout(*entries, milestones=(), today=date(2021, 6, 1), period=PERIOD):
    return timeline_layout(period=period, entries=list(entries), milestones=milestones, today=today)


def row_for(timeline, entry):
    return next(row for row in timeline.rows if row.item is entry)


def groups(svg: str, css: str) -> list:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == css]


# -- layout -------------------------------------------------------------------------------------


def test_axis_runs_over_the_plans_years_with_year_and_quarter_gridlines():
    timeline = layout(task("2021"))
    assert (timeline.axis_start, timeline.axis_end) == (date(2020, 1, 1), date(2022, 12, 31))
    assert [tick.year for tick in timeline.years] == [2020, 2021, 2022]
    assert timeline.years[0].x0 == CHART_X0
    assert timeline.years[-1].x1 == CHART_X1
    assert len(timeline.quarters) == 12
    assert timeline.header_quarters


def test_a_year_range_task_spans_exactly_its_years():
    whole, middle = task("2020 - 2022"), task("2021")
    timeline = layout(whole, middle)
    bar = row_for(timeline, whole).bar
    assert (bar.x0, bar.x1) == (pytest.approx(CHART_X0), pytest.approx(CHART_X1))
    bar = row_for(timeline, middle).bar
    assert bar.x0 == pytest.approx(timeline.x_of(date(2021, 1, 1)))
    assert bar.x1 == pytest.approx(timeline.x_of(date(2022, 1, 1)))
    # 2020 is a leap year: 366 of the axis's 1096 days come before 2021.
    assert bar.x0 == pytest.approx(CHART_X0 + (CHART_X1 - CHART_X0) * 366 / 1096)


def test_a_quarter_task_sits_inside_its_year():
    quarter = task("Quý II năm 2021")
    timeline = layout(quarter)
    bar = row_for(timeline, quarter).bar
    year = next(tick for tick in timeline.years if tick.year == 2021)
    assert year.x0 < bar.x0 < bar.x1 < year.x1
    assert bar.x0 == pytest.approx(timeline.x_of(date(2021, 4, 1)))
    assert bar.x1 == pytest.approx(timeline.x_of(date(2021, 7, 1)))
    assert row_for(timeline, quarter).state == "span"


def test_an_ongoing_task_spans_the_whole_axis_and_is_drawn_hatched_not_solid():
    ongoing, dated = task("Thường xuyên", "Trao đổi thông tin"), task("2021", "Hội nghị")
    timeline = layout(ongoing, dated)
    row = row_for(timeline, ongoing)
    assert row.state == "ongoing"
    assert (row.bar.x0, row.bar.x1) == (pytest.approx(CHART_X0), pytest.approx(CHART_X1))
    svg = timeline_svg(timeline)
    (hatched,) = groups(svg, "bar ongoing")
    rect = hatched.find(f"{SVG}rect")
    assert rect.get("fill") == "url(#tl-hatch)"
    assert rect.get("stroke-dasharray")
    (solid,) = groups(svg, "bar span")
    assert solid.find(f"{SVG}rect").get("fill").startswith("#")
    assert ET.fromstring(svg).find(f"{SVG}defs/{SVG}pattern").get("id") == "tl-hatch"


def test_a_recurring_task_gets_one_mark_per_occurrence():
    every_two_years = task("định kỳ 02 năm/lần", period=(2020, 2024))
    timeline = layout(every_two_years, period=(2020, 2024))
    row = row_for(timeline, every_two_years)
    assert row.state == "recurring"
    starts = [timeline.x_of(date(year, 1, 1)) for year in (2020, 2022, 2024)]
    assert [x0 for x0, _ in row.bar.marks] == [pytest.approx(x) for x in starts]
    assert understood_label(every_two_years) == "2 năm một lần (01/01/2020 – 31/12/2024)"


def test_an_unparsed_task_is_listed_as_not_understood_and_gets_no_bar():
    vague, blank = task("sau khi có kinh phí", "Xây dựng nhà"), task("", "Trồng cây")
    timeline = layout(vague, blank, task("2021"))
    for entry in (vague, blank):
        row = row_for(timeline, entry)
        assert row.state == "undated"
        assert row.bar is None
        assert understood_label(entry) == "Chưa xác định thời gian"
    assert timeline.undated == [vague, blank]
    svg = timeline_svg(timeline)
    undated = groups(svg, "undated")
    assert len(undated) == 2
    words = "".join(undated[0].itertext())
    assert "chưa xác định thời gian" in words
    assert "sau khi có kinh phí" in words
    assert not undated[0].findall(f"{SVG}polygon")


def test_a_deadline_only_task_gets_a_flag_at_its_date_and_no_invented_start():
    due = task("trước ngày 15/11/2022")
    timeline = layout(due)
    row = row_for(timeline, due)
    assert row.state == "deadline"
    assert due.start is None
    (flag,) = groups(timeline_svg(timeline), "bar deadline")
    line = flag.find(f"{SVG}line")
    assert float(line.get("x1")) == pytest.approx(timeline.x_of(date(2022, 11, 16)), abs=0.06)
    assert understood_label(due) == "Hạn 15/11/2022"


def test_todays_line_is_drawn_only_when_today_is_on_the_axis():
    inside = layout(task("2021"), today=date(2021, 6, 1))
    assert inside.today_x == pytest.approx(inside.x_of(date(2021, 6, 1)))
    (today,) = groups(timeline_svg(inside), "today")
    assert float(today.find(f"{SVG}line").get("x1")) == pytest.approx(inside.today_x, abs=0.06)
    assert "Hôm nay 01/06/2021" in "".join(today.itertext())

    after = layout(task("2021"), today=date(2025, 3, 1))
    assert after.today_x is None
    assert not groups(timeline_svg(after), "today")


def test_milestones_sit_at_their_dates_and_undated_ones_are_listed_not_drawn():
    deadline = Milestone("deadline", "Báo cáo kết quả", date(2022, 9, 15), date(2022, 9, 15))
    meeting = Milestone("meeting", "Hội đàm cấp cao", date(2022, 7, 1), date(2022, 9, 30))
    review = Milestone("review", "Hội nghị sơ kết", date(2021, 6, 30), date(2021, 6, 30))
    undated = Milestone("meeting", "Hội đàm giữa kỳ", None, None)
    timeline = layout(task("2021"), milestones=[deadline, undated, meeting, review])
    placed = {p.milestone.title: p for p in timeline.milestones}
    # Numbered by date, the undated one last.
    assert [p.milestone.title for p in timeline.milestones] == [
        "Hội nghị sơ kết",
        "Hội đàm cấp cao",
        "Báo cáo kết quả",
        "Hội đàm giữa kỳ",
    ]
    assert placed["Báo cáo kết quả"].x == pytest.approx(timeline.x_of(date(2022, 9, 15)))
    assert placed["Hội nghị sơ kết"].x == pytest.approx(timeline.x_of(date(2021, 6, 30)))
    assert placed["Hội đàm cấp cao"].x == pytest.approx(timeline.x_of(date(2022, 7, 1)))
    assert placed["Hội đàm cấp cao"].x_end == pytest.approx(timeline.x_of(date(2022, 10, 1)))
    # The deadline falls inside the meeting's planned quarter: they take different lanes.
    assert placed["Báo cáo kết quả"].lane != placed["Hội đàm cấp cao"].lane
    assert placed["Hội đàm giữa kỳ"].x is None
    assert placed["Hội đàm giữa kỳ"].when == "Chưa xác định thời gian"
    svg = timeline_svg(timeline)
    assert len(groups(svg, "milestone deadline")) == 1
    assert len(groups(svg, "milestone meeting")) == 1  # the undated meeting is not drawn
    assert len(groups(svg, "milestone review")) == 1


def test_axis_widens_to_a_task_dated_after_the_plan_but_not_without_limit():
    final_review = task("quý I/2026", period=(2021, 2025))
    timeline = layout(final_review, period=(2021, 2025), today=date(2024, 1, 1))
    assert timeline.axis_end == date(2026, 12, 31)
    assert timeline.years[-1].year == 2026

    misprint = task("2020 - 2040", period=(2020, 2022))
    timeline = layout(misprint, task("2021"))
    assert timeline.axis_end == date(2022 + MAX_WIDEN_YEARS, 12, 31)
    bar = row_for(timeline, misprint).bar
    assert bar.cut_right
    assert bar.x1 == pytest.approx(CHART_X1)


def test_long_texts_are_cut_in_the_chart_with_the_full_text_in_a_tooltip_and_escaped():
    long = "Tổ chức " + "hội nghị xúc tiến đầu tư, thương mại, du lịch " * 6 + "<b>& cộng sự</b>"
    entry = task("2021", long, number="12.")
    svg = timeline_svg(layout(TimelineSection("I.", "Kinh tế <x>"), entry))
    assert "<b>" not in svg and "<x>" not in svg
    (label,) = groups(svg, "task-label")
    assert label.find(f"{SVG}title").text == f"12. {long}"
    shown = [text.text for text in label.findall(f"{SVG}text")]
    assert shown[0] == "12."
    assert shown[1].endswith("…") and len(shown[1]) < len(long)
    (bar,) = groups(svg, "bar span")
    assert "Thời gian: 2021 → 01/01/2021 – 31/12/2021" in bar.find(f"{SVG}title").text
    assert "script" not in svg and "style=" not in svg


def test_pages_repeat_the_header_and_never_end_on_a_section_heading():
    entries = []
    for part in range(4):
        entries.append(TimelineSection(f"{part + 1}.", f"Mục {part + 1}"))
        entries += [task("2021", f"Việc {part}.{i}") for i in range(9)]
    timeline = layout(*entries)
    slices = timeline.pages(300)
    assert len(slices) > 1
    assert slices[0][0] == 0 and slices[-1][1] == len(timeline.rows)
    for (_, stop), (start, _) in zip(slices, slices[1:], strict=False):
        assert stop == start
        assert timeline.rows[stop - 1].kind == "task"
    for start, stop in slices:
        page = timeline_svg(timeline, start=start, stop=stop)
        assert float(ET.fromstring(page).get("viewBox").split()[3]) <= 300
        assert "2020" in page and "Nội dung công việc" in page


# -- the page, its permission, the PDF -------------------------------------------------------


def seed_plan() -> Plan:
    return Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")


@pytest.mark.django_db
def test_the_page_of_165_shows_its_tasks_milestones_and_chart(coordinator_client):
    plan = seed_plan()
    response = coordinator_client.get(f"/plans/{plan.pk}/timeline/")
    assert response.status_code == 200
    html = response.content.decode()
    data = response.context["data"]
    assert len(data.tasks) == Task.objects.filter(plan=plan).count() == 49
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 2  # chart pages, legend
    assert 'class="plan-timeline-chart"' in html
    first = Task.objects.filter(plan=plan).order_by("position").first()
    assert first.content in html  # in the table under the chart, in full
    assert "01/01/2020 – 31/12/2022" in html
    # Milestones under the agreements 165 implements and from its directive 6452/UBND-ĐN.
    titles = [placed.milestone.title for placed in data.timeline.milestones]
    assert any(title.startswith("Hội đàm cấp cao giữa tỉnh Quảng Trị") for title in titles)
    assert any("196-TB/TU" in title for title in titles)
    assert any(title.startswith("6452/UBND-ĐN") for title in titles)
    assert data.timeline.axis_start == date(2020, 1, 1)
    # The plan page links here.
    assert (
        f"/plans/{plan.pk}/timeline/"
        in coordinator_client.get(f"/plans/{plan.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_110_shows_its_reviews_as_milestones_and_widens_to_2026(client, coordinator):
    plan = Plan.objects.get(number="110/KH-UBND")
    coordinator.province = plan.province
    coordinator.save()
    client.force_login(coordinator)
    data = client.get(f"/plans/{plan.pk}/timeline/").context["data"]
    kinds = {placed.milestone.title: placed.milestone.kind for placed in data.timeline.milestones}
    assert kinds["Hội nghị sơ kết Biên bản hợp tác giai đoạn 2021-2025"] == "review"
    assert kinds["Hội nghị tổng kết thực hiện Biên bản hợp tác giai đoạn 2021-2025"] == "review"
    assert data.timeline.axis_end == date(2026, 12, 31)
    # 110 prints no time for most items: they are listed as not understood, never dated.
    assert len(data.timeline.undated) == 21


@pytest.mark.django_db
def test_filters_narrow_to_a_section_or_a_lead_agency(coordinator_client, quang_tri):
    plan = seed_plan()
    lead = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    data = coordinator_client.get(f"/plans/{plan.pk}/timeline/", {"lead": lead.pk}).context["data"]
    expected = Task.objects.filter(plan=plan, leads__agency=lead).distinct().count()
    assert 0 < len(data.tasks) == expected < 49
    assert data.timeline.axis_start == date(2020, 1, 1)

    appendix = plan.sections.get(number="PHỤ LỤC II")
    data = coordinator_client.get(f"/plans/{plan.pk}/timeline/", {"section": appendix.pk}).context[
        "data"
    ]
    assert len(data.tasks) == 23
    headings = [e.label for e in data.entries if isinstance(e, TimelineSection)]
    assert headings[0].startswith("PHỤ LỤC II") and not any("PHỤ LỤC I " in h for h in headings)


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["timeline/", "timeline.pdf"])
def test_another_provinces_coordinator_gets_404(client, coordinator_kh, suffix):
    client.force_login(coordinator_kh)
    assert client.get(f"/plans/{seed_plan().pk}/{suffix}").status_code == 404


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
def test_the_pdf_is_landscape_and_holds_the_tasks_text(coordinator_client):
    plan = seed_plan()
    response = coordinator_client.get(f"/plans/{plan.pk}/timeline.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "tien-do-ke-hoach-165-QD-UBND-2020.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = squash("\n".join(page.extract_text() for page in reader.pages))
    task = Task.objects.get(plan=plan, number="20.", content__startswith="Đào tạo trung cấp")
    assert squash(task.content) in text
    assert squash("TIẾN ĐỘ THỰC HIỆN") in text
    assert squash("Chưa xác định thời gian") in text  # the legend
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (842, 595)  # A4 landscape

    a3 = coordinator_client.get(f"/plans/{plan.pk}/timeline.pdf", {"paper": "a3"})
    box = PdfReader(io.BytesIO(a3.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)


# -- a fixed number of queries whatever the number of tasks -----------------------------------


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), "\n".join(q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db
def test_timeline_query_count_is_the_same_for_3_and_40_tasks(coordinator_client, quang_tri):
    agreement = Agreement.objects.create(province=quang_tri, title="Thỏa thuận thử")
    plan = Plan.objects.create(
        province=quang_tri, kind="plan", number="1/KH-THU", title="Kế hoạch thử",
        start_year=2024, end_year=2026,
    )  # fmt: skip
    plan.agreements.add(agreement)
    meeting = Meeting.objects.create(
        province=quang_tri, kind="review", title="Sơ kết", timeframe_text="quý IV/2025"
    )
    meeting.agreements.add(agreement)
    ReportDeadline.objects.create(plan=plan, date=date(2025, 6, 30), text="Báo cáo")
    section = section_create(plan=plan, number="I.", title="Kinh tế")
    timeframes = ["2024 - 2026", "Quý II năm 2025", "Thường xuyên", "Hằng năm", "", "sau này"]

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            agency = Agency.objects.create(province=quang_tri, name=f"Đơn vị thời gian {i}")
            task_create(
                plan=plan,
                section=section,
                number=f"{i}.",
                content=f"Nhiệm vụ {i}",
                lead_agencies=[agency],
                timeframe_text=timeframes[i % len(timeframes)],
            )

    url = f"/plans/{plan.pk}/timeline/"
    add(3, 0)
    with_three, _ = _queries(coordinator_client, url)
    add(37, 3)
    with_forty, sql = _queries(coordinator_client, url)
    assert Task.objects.filter(plan=plan).count() == 40
    # 11 when written: session, user, the user's agency (base.html); the plan; sections, tasks,
    # leads with their agencies, coordinating agencies, partners (plan_rows); meetings; report
    # deadlines. None per task.
    assert with_forty == with_three, sql
