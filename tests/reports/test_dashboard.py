"""The leaders' dashboard: plans in force, status counts, overdue, funds, drill-down."""

import re
from datetime import date

import lxml.html
import pytest

from agreements.models import Locality, Plan
from tasks.models import Task
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _shown(html: str) -> tuple[int, dict[str, dict[str, int]]]:
    """What the page shows: the total of tasks, and each plan's row (tasks, overdue) by number,
    read as a leader reads them (the kept page has no context to look into)."""
    page = lxml.html.fromstring(html)

    def number(text: str) -> int:
        return int(text.strip().replace(".", ""))

    total = number(page.cssselect("#totals strong")[0].text_content())
    rows = {}
    for row in page.cssselect("#plans tbody tr"):
        title = row.cssselect("td.title a")[0].text_content()
        rows[title] = {
            label: number(row.cssselect(f'td[data-label="{shown}"]')[0].text_content())
            for label, shown in (("total", "Nhiệm vụ"), ("overdue", "Quá hạn"))
        }
        for link in row.cssselect('td[data-label="Theo tình hình"] a'):
            status = re.search(r"status=(\w+)", link.get("href")).group(1)
            rows[title][status] = number(link.text_content().rsplit(":", 1)[1])
    return total, rows


@pytest.fixture
def leader_client(client, quang_tri):
    client.force_login(make_user("ld", "leader", quang_tri, None))
    return client


def test_leader_lands_on_the_dashboard_and_sees_each_plan(leader_client, quang_tri):
    assert leader_client.get("/")["Location"] == "/dashboard/"
    response = leader_client.get("/dashboard/")
    panels = {p.plan.number: p for p in response.context["panels"]}
    assert set(panels) == {"165/QĐ-UBND", "6452/UBND-ĐN"}  # 3289 is closed
    plan_165 = panels["165/QĐ-UBND"]
    assert plan_165.total == 49
    # The seed period 2020-2022 is over: every open task is overdue.
    assert plan_165.overdue == 49
    assert plan_165.funds_planned == 12_000_000_000  # 2 × 6 tỷ
    html = response.content.decode()
    assert "<svg" in html and "overdue=true" in html
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    assert f'href="/plans/{plan.pk}/timeline/"' in html
    assert "Hạn nộp" in html


def test_filters_and_drill_down(leader_client, quang_tri):
    salavan = Locality.objects.get(name="Salavan")
    response = leader_client.get("/dashboard/", {"partner": salavan.pk})
    assert [p.plan.number for p in response.context["panels"]] == ["165/QĐ-UBND"]
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    drill = leader_client.get("/tasks/", {"plan": plan.pk, "overdue": "true"})
    assert drill.context["page"].paginator.count == 49
    done = Task.objects.filter(plan=plan).first()
    done.status = "done"
    done.save()
    panels = {p.plan.number: p for p in leader_client.get("/dashboard/").context["panels"]}
    assert panels["165/QĐ-UBND"].overdue == 48


def test_upcoming_deadlines(leader_client, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from tests.reports.factories import open_round

    open_round(coordinator, number="87/UBND-ĐN", deadline=date(2099, 1, 1))
    open_round(coordinator, number="88/UBND-ĐN", deadline=timezone.localdate() + timedelta(days=30))
    labels = [event.label for event in leader_client.get("/dashboard/").context["upcoming"]]
    assert any("88/UBND-ĐN" in label for label in labels)
    assert not any("87/UBND-ĐN" in label for label in labels)


def test_reporters_have_no_dashboard(client, quang_tri):
    from agreements.models import Agency

    client.force_login(
        make_user(
            "r", "reporter", quang_tri, Agency.objects.get(province=quang_tri, name="Sở Y tế")
        )
    )
    assert client.get("/dashboard/").status_code == 404


def test_a_partners_overdue_count_matches_its_drill_down(leader_client, quang_tri):
    salavan = Locality.objects.get(name="Salavan")
    savannakhet = Locality.objects.get(name="Savannakhet")
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    # One task done with Savannakhet only: it must leave Salavan's count, not its plan's.
    only_savannakhet = Task.objects.filter(plan=plan, partners=savannakhet).exclude(
        partners=salavan
    )
    assert only_savannakhet.exists()
    response = leader_client.get("/dashboard/", {"partner": salavan.pk})
    overdue = response.context["totals"]["overdue"]
    assert 0 < overdue < 49
    drill = response.context["drill"]["overdue"]
    assert (
        f"partner={salavan.pk}" in drill
        and f'href="/tasks/?{drill}' in response.content.decode().replace("&amp;", "&")
    )
    listed = leader_client.get(f"/tasks/?{drill}").context["page"].paginator.object_list
    assert len(listed) == overdue
    for task in listed:
        partners = set(task.partners.all()) or set(task.plan.partners.all())
        assert salavan in partners


def test_each_panel_downloads_what_it_shows(leader_client, quang_tri):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    salavan = Locality.objects.get(name="Salavan")
    page = leader_client.get("/dashboard/", {"partner": salavan.pk})
    html = page.content.decode().replace("&amp;", "&")
    link = f"/dashboard/export/xlsx/?partner={salavan.pk}&panel=overdue"
    assert link in html
    response = leader_client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Quá hạn"]
    rows = list(book["Quá hạn"].iter_rows(values_only=True))
    assert rows[0][0] == "Nhiệm vụ quá hạn"
    assert any("Đối tác: Salavan" in str(row[0]) for row in rows[:4])
    header = rows.index(
        ("Kế hoạch", "STT", "Nội dung công việc", "Đơn vị chủ trì", "Thời gian", "Hạn", "Tình hình")
    )
    tasks = rows[header + 1 :]
    assert len(tasks) == page.context["totals"]["overdue"]
    first = (
        Task.objects.filter(plan__number="165/QĐ-UBND", partners=salavan)
        .order_by("end_date", "position")
        .first()
    )
    assert any(row[2] == first.content for row in tasks)

    whole = leader_client.get("/dashboard/export/pdf/")
    assert whole.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(whole.content)).pages)
    for expected in ("TỔNG QUAN HỢP TÁC", "165/QĐ-UBND", "Nhiệm vụ quá hạn", "Đợt báo cáo đang mở"):
        assert expected in text
    plans_only = leader_client.get("/dashboard/export/pdf/", {"panel": "plans"})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(plans_only.content)).pages)
    assert "165/QĐ-UBND" in text and "Nhiệm vụ quá hạn" not in text
    book = load_workbook(io.BytesIO(leader_client.get("/dashboard/export/xlsx/").content))
    assert book.sheetnames == ["Kế hoạch", "Quá hạn", "Đến hạn", "Đợt báo cáo", "Sắp tới"]
    for ws in book.worksheets:  # printed with page numbers, none on the first page
        assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst, ws.title
    plan_rows = {row[0]: row for row in book["Kế hoạch"].iter_rows(values_only=True) if row[0]}
    assert plan_rows["165/QĐ-UBND"][2] == 49
    assert plan_rows["165/QĐ-UBND"][-2] == 12_000_000_000


@pytest.mark.parametrize(
    "url", ["/dashboard/export/csv/", "/dashboard/export/pdf/?panel=secret", "/dashboard/export/x/"]
)
def test_unknown_format_or_panel_is_404(leader_client, url):
    assert leader_client.get(url).status_code == 404


def test_a_forged_filter_is_refused_and_shown(leader_client, khanh_hoa):
    foreign = Plan.objects.get(province=khanh_hoa, number="592/KH-UBND")
    response = leader_client.get("/dashboard/", {"plan": foreign.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["plan"]
    # The forged filter is dropped, never applied: the province's own plans are shown.
    assert {p.plan.number for p in response.context["panels"]} == {"165/QĐ-UBND", "6452/UBND-ĐN"}


def test_round_panel_counts_each_agency_by_state(client):
    """Six agencies owe a report in a round past its deadline, four of them wrote one: the panel
    counts every state, and "overdue" is everyone who has handed in nothing yet."""
    from accounts.models import Role
    from reports.models import ReportStatus
    from tests.factories import (
        AgencyFactory,
        LocalityFactory,
        PlanFactory,
        TaskFactory,
        UserFactory,
    )
    from tests.reports.factories import ReportingRoundFactory, report_in_state

    province = LocalityFactory()
    office = AgencyFactory(province=province, name="Sở Ngoại vụ")
    coordinator = UserFactory(role=Role.COORDINATOR, province=province, agency=office)
    agencies = AgencyFactory.create_batch(6, province=province)
    plan = PlanFactory(province=province)
    for agency in agencies:
        TaskFactory(plan=plan, lead_agencies=[agency])
    TaskFactory(plan=plan, lead_agencies=agencies[:2])  # two tasks still make one report each
    reporting_round = ReportingRoundFactory(
        user=coordinator,
        plans=[plan],
        request_number="77/UBND-ĐN",
        request_date=date(2024, 12, 15),
        period_end=date(2024, 12, 31),
        deadline=date(2025, 1, 15),
    )
    states = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED]
    states.append(ReportStatus.ACCEPTED)
    for agency, status in zip(agencies, states, strict=False):
        report_in_state(
            reporting_round=reporting_round, agency=agency, status=status, coordinator=coordinator
        )
    client.force_login(UserFactory(role=Role.LEADER, province=province))

    response = client.get("/dashboard/")
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Đợt báo cáo đang mở: 77/UBND-ĐN" in text
    assert "Hạn nộp 15/01/2025 Quá hạn · 6 đơn vị phải báo cáo" in text
    assert (
        "Chưa nộp: 2 · Đang soạn: 1 · Đã nộp: 1 · Bị trả lại: 1 · Đã duyệt: 1 · Quá hạn: 4" in text
    )
    assert "round-summary-pdf" in response.content.decode()


def test_numbers_are_vietnamese_whatever_the_browser_language(leader_client):
    html = leader_client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "12.000.000.000" in html
    assert "12,000,000,000" not in html


def test_the_pdf_counts_overdue_by_agency_and_points_to_the_xlsx_for_the_rest(
    leader_client, monkeypatch
):
    import io

    from pypdf import PdfReader

    from reports.dashboard import dashboard_data
    from reports.exporters import dashboard as exporter

    monkeypatch.setattr(exporter, "PDF_TASK_LIMIT", 10)
    page = leader_client.get("/dashboard/")
    overdue = page.context["totals"]["overdue"]
    response = leader_client.get("/dashboard/export/pdf/", {"panel": "overdue"})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert f"Nhiệm vụ quá hạn ({overdue})" in text
    assert f"… và {overdue - 10} nhiệm vụ nữa: xem tệp XLSX của khối này." in text
    details = dashboard_data(page.context["user"], details=True)
    top_agency, top_count = exporter.by_lead_agency(details["overdue_tasks"])[0]
    assert f"{top_agency} {top_count}" in text


def test_the_highlighted_round_is_the_current_one_of_the_filtered_plans(client):
    """An old round left open (2022) never hides the current one; a plan filter highlights that
    plan's round, and "Báo cáo tổng hợp PDF" downloads the round shown."""
    import io
    from datetime import timedelta

    from django.utils import timezone
    from openpyxl import load_workbook

    from accounts.models import Role
    from tests.factories import (
        AgencyFactory,
        LocalityFactory,
        PlanFactory,
        TaskFactory,
        UserFactory,
    )
    from tests.reports.factories import ReportingRoundFactory

    today = timezone.localdate()
    province = LocalityFactory()
    office = AgencyFactory(province=province, name="Sở Ngoại vụ")
    coordinator = UserFactory(role=Role.COORDINATOR, province=province, agency=office)
    old_plan, plan_a, plan_b = PlanFactory.create_batch(3, province=province)
    for plan in (old_plan, plan_a, plan_b):
        TaskFactory(plan=plan, lead_agencies=[AgencyFactory(province=province)])

    def opened(number, plans, deadline):
        return ReportingRoundFactory(
            user=coordinator,
            plans=plans,
            request_number=number,
            request_date=min(deadline, today) - timedelta(days=30),
            period_start=date(2020, 1, 1),
            period_end=min(deadline, today) - timedelta(days=31),
            deadline=deadline,
        )

    old = opened("6452/UBND-ĐN", [old_plan], date(2022, 9, 15))
    round_a = opened("15/UBND-ĐN", [plan_a], today + timedelta(days=10))
    round_b = opened("16/UBND-ĐN", [plan_b], today + timedelta(days=40))
    client.force_login(UserFactory(role=Role.LEADER, province=province))

    def highlighted(**params):
        response = client.get("/dashboard/", params)
        html = response.content.decode()
        pdf = re.search(r'id="round-summary-pdf" href="([^"]+)"', html)
        return response.context["current_round"], pdf.group(1) if pdf else None

    # No filter: the open round due soonest from today, not the 2022 one.
    assert highlighted() == (round_a, f"/rounds/{round_a.pk}/export/pdf/")
    assert highlighted(plan=plan_b.pk) == (round_b, f"/rounds/{round_b.pk}/export/pdf/")
    # A plan whose only open round is long past its deadline still shows it, not another plan's.
    assert highlighted(plan=old_plan.pk) == (old, f"/rounds/{old.pk}/export/pdf/")
    # The round panel's own download ("Tình trạng nộp") follows the same filter.
    html = client.get("/dashboard/", {"plan": plan_b.pk}).content.decode().replace("&amp;", "&")
    link = f"/dashboard/export/xlsx/?plan={plan_b.pk}&panel=round"
    assert link in html
    book = load_workbook(io.BytesIO(client.get(link).content))
    titles = [row[0] for row in book["Đợt báo cáo"].iter_rows(values_only=True) if row[0]]
    assert any(str(title).startswith("Đợt 16/UBND-ĐN") for title in titles), titles


def test_no_round_is_highlighted_for_a_plan_without_an_open_round(leader_client, quang_tri):
    plan = Plan.objects.get(province=quang_tri, number="6452/UBND-ĐN")
    from reports.models import ReportingRound, RoundStatus

    ReportingRound.objects.filter(plans=plan).update(status=RoundStatus.CLOSED)
    response = leader_client.get("/dashboard/", {"plan": plan.pk})
    assert response.context["current_round"] is None
    assert 'id="round-summary-pdf"' not in response.content.decode()


def test_funds_planned_and_spent_per_plan(leader_client, coordinator, quang_tri):
    """Spent funds come from accepted reports only, beside the plan's budget lines."""
    from agreements.models import Agency
    from reports.services import report_accept, report_save, report_start, report_submit
    from tests.reports.factories import COMPLETE_GENERAL, complete_entries, open_round

    reporting_round = open_round(coordinator)
    spent = {"Sở Công thương": 850_000, "Trường Chính trị Lê Duẩn": 1_000_000}
    for name, amount in spent.items():
        agency = Agency.objects.get(province=quang_tri, name=name)
        report = report_start(reporting_round=reporting_round, agency=agency, user=coordinator)
        entries = complete_entries(report)
        first = min(entries)
        entries[first] = {**entries[first], "funds_spent": amount}
        report = report_save(
            report=report,
            user=coordinator,
            version=report.version,
            general=COMPLETE_GENERAL,
            entries=entries,
        )
        report = report_submit(report=report, user=coordinator, version=report.version)
        if name == "Sở Công thương":
            report_accept(report=report, user=coordinator)  # the other is still under review
    response = leader_client.get("/dashboard/")
    panels = {p.plan.number: p for p in response.context["panels"]}
    assert panels["165/QĐ-UBND"].funds_planned == 12_000_000_000
    assert panels["165/QĐ-UBND"].funds_spent == 850_000
    assert panels["6452/UBND-ĐN"].funds_spent == 0
    assert response.context["totals"]["funds_spent"] == 850_000


def test_the_filter_takes_a_typed_agency_or_plan_and_lists_none(leader_client, quang_tri):
    """Agencies and plans are typed with server suggestions (agreements/suggest.py): the page
    lists none of them, and a name typed without JavaScript is matched on the server."""
    from agreements.models import Agency

    html = leader_client.get("/dashboard/").content.decode()
    for name in ("agency", "plan"):
        field = html.split(f'name="{name}"')[1].split("</div>")[0]
        assert "<option" not in field
        # Labelled outside a wrapping <label>: its suggestions are not read as part of the name.
        assert f'<label for="id_{name}">' in html
    assert html.count('role="combobox"') == 2
    trade = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    typed = leader_client.get("/dashboard/", {"agency": "so cong thuong"})
    by_id = leader_client.get("/dashboard/", {"agency": trade.pk})
    assert typed.context["form"].filters().agency == trade
    assert by_id.context["form"].filters().agency == trade
    total, _rows = _shown(typed.content.decode())
    assert 0 < total == _shown(by_id.content.decode())[0]
    everything, _rows = _shown(leader_client.get("/dashboard/").content.decode())
    assert total < everything
    # A link's id shows as the name, and the downloads keep the filter.
    assert 'value="Sở Công thương"' in by_id.content.decode()
    assert f"agency={trade.pk}" in typed.context["download_query"]
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    by_plan = leader_client.get("/dashboard/", {"plan": "165 qd"})
    assert [p.plan for p in by_plan.context["panels"]] == [plan]
    shown = leader_client.get("/dashboard/", {"plan": plan.pk}).content.decode()
    assert 'value="165/QĐ-UBND"' in shown


def test_another_provinces_agency_is_not_matched(leader_client, khanh_hoa):
    from tests.factories import AgencyFactory

    AgencyFactory(province=khanh_hoa, name="Sở Thử Nghiệm Khánh Hòa Riêng")
    response = leader_client.get("/dashboard/", {"agency": "so thu nghiem khanh hoa"})
    assert "Không tìm thấy «so thu nghiem khanh hoa»" in response.content.decode()
    assert response.context["filters"].agency is None


def test_a_repeat_view_is_kept_and_a_write_shows_at_once(leader_client, coordinator, quang_tri):
    """The second view reads the kept page (the versions only); a task moved through the app
    in between shows in the next view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.services import task_update

    def view():
        with CaptureQueriesContext(connection) as queries:
            html = leader_client.get("/dashboard/").content.decode()
        _total, rows = _shown(html)
        return len(queries), rows["165/QĐ-UBND"], html

    first_queries, first, first_html = view()
    again_queries, again, again_html = view()
    assert again_queries < first_queries - 3 and again["overdue"] == first["overdue"] == 49
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", again_html) == token.sub("", first_html)

    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    task = Task.objects.filter(plan=plan).order_by("position").first()
    task_update(
        task=task,
        user=coordinator,
        fields={"status": "done"},
        lead_agencies=[lead.agency for lead in task.leads.all()],
    )
    _queries, after, html = view()
    assert after["total"] == 49 and after["overdue"] == 48
    assert after.get("done", 0) == first.get("done", 0) + 1
    assert html != again_html


def test_the_kept_page_is_the_askers_own(client, quang_tri, khanh_hoa):
    """Two leaders of two provinces, one after the other with the same versions: each sees
    their own province's plans."""
    client.force_login(make_user("ld", "leader", quang_tri, None))
    mine = {p.plan.number for p in client.get("/dashboard/").context["panels"]}
    client.force_login(make_user("ld_kh", "leader", khanh_hoa, None))
    theirs = {p.plan.number for p in client.get("/dashboard/").context["panels"]}
    assert "165/QĐ-UBND" in mine and "165/QĐ-UBND" not in theirs
    assert not mine & theirs


@pytest.mark.parametrize("language", ["vi", "en"])
def test_plan_rows_print_amounts_and_titles_as_the_template_filters_would(language):
    """The plans table is written in Python (reports/templatetags/dashboard_page.py); its
    amounts and titles read exactly as ``floatformat:"0g"`` and ``truncatechars:90`` print them."""
    from decimal import Decimal

    from django.template.defaultfilters import floatformat
    from django.utils import translation
    from django.utils.text import Truncator

    from agreements.html import truncate_chars
    from reports.templatetags.dashboard_page import _money_format

    with translation.override(language):
        money = _money_format()
        for amount in (0, 7, 999, 1000, 1_234_567, -45_000, 12_000_000_000, Decimal("1500.5")):
            assert money(Decimal(amount)) == floatformat(Decimal(amount), "0g")
    long = "Kế hoạch hợp tác " * 10
    decomposed = "Ke\u0302\u0301 hoa\u0323ch"  # typed with combining marks
    for title in ("Ngắn", long, decomposed, long[:90], long[:91]):
        assert truncate_chars(title, 90) == Truncator(title).chars(90)
    assert truncate_chars(long, 90).endswith("…") and len(truncate_chars(long, 90)) == 90


@pytest.mark.parametrize("late", [False, True])
def test_the_open_round_panel_counts_as_the_round_overview_does(
    leader_client, coordinator, quang_tri, late
):
    """The dashboard counts the highlighted round's agencies from ids alone
    (round_agency_counts); the numbers are those of the round's own overview, overdue too, and
    an agency that handed in without owing (a coordinating one) is counted as there."""
    from datetime import timedelta

    from django.utils import timezone

    from agreements.models import Agency
    from reports.selectors import round_agency_counts, round_agency_rows
    from tests.reports.factories import open_round, report_in_state

    deadline = timezone.localdate() + timedelta(days=-3 if late else 20)
    reporting_round = open_round(coordinator, deadline=deadline)
    owing = list(round_agency_rows(reporting_round)["rows"])
    for row, status in zip(owing, ["submitted", "accepted", "draft", "returned"], strict=False):
        report_in_state(
            reporting_round=reporting_round,
            agency=row.agency,
            status=status,
            coordinator=coordinator,
        )
    stranger = (
        Agency.objects.filter(province=quang_tri)
        .exclude(pk__in=[row.agency.pk for row in owing])
        .exclude(kind="group")
        .first()
    )
    report_in_state(
        reporting_round=reporting_round,
        agency=stranger,
        status="submitted",
        coordinator=coordinator,
    )
    overview = round_agency_rows(reporting_round)
    counted = round_agency_counts(reporting_round)
    assert counted["counts"] == overview["counts"]
    assert counted["owing"] == sum(row.owes for row in overview["rows"]) == len(owing)
    numbers = dict((key, n) for key, _label, n in counted["counts"])
    assert numbers["submitted"] == 2 and numbers["accepted"] == 1
    assert numbers["overdue"] == (len(owing) - 2 if late else 0)
    html = leader_client.get("/dashboard/").content.decode()
    assert f"{len(owing)} đơn vị phải báo cáo" in html
