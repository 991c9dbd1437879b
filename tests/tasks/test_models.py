"""Rules on one row: timeframe dates follow the text, the tree cannot loop, partners inherit."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agency, Locality, Plan
from agreements.services import AgencyIndex, agency_upsert
from tasks.models import Section, Task
from tasks.services import section_create, task_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(quang_tri):
    plan = Plan.objects.create(
        province=quang_tri,
        kind="plan",
        number="7/KH-UBND",
        title="Thử",
        start_year=2023,
        end_year=2025,
    )
    plan.partners.set(Locality.objects.filter(name__in=["Savannakhet", "Salavan"]))
    return plan


def test_task_dates_follow_the_printed_timeframe(plan):
    task = task_create(plan=plan, content="Trao đổi đoàn", timeframe_text="Thường xuyên")
    assert task.ongoing
    assert (task.start_date, task.end_date) == (date(2023, 1, 1), date(2025, 12, 31))
    task.timeframe_text = "Quý II năm 2024"
    task.save()
    task.refresh_from_db()
    assert (task.start_date, task.end_date, task.ongoing) == (
        date(2024, 4, 1),
        date(2024, 6, 30),
        False,
    )
    task.timeframe_text = "khi có kinh phí"
    task.save()
    task.refresh_from_db()
    assert (task.start_date, task.end_date) == (None, None)
    assert task.timeframe_text == "khi có kinh phí"


def test_partners_come_from_the_appendix_else_the_plan(plan):
    salavan = Locality.objects.get(name="Salavan")
    appendix = section_create(plan=plan, kind="appendix", number="PHỤ LỤC II", partner=salavan)
    part = section_create(plan=plan, parent=appendix, number="I", title="Chính trị")
    inside = task_create(plan=plan, section=part, content="Hội đàm")
    outside = task_create(plan=plan, content="Tổng kết")
    assert [p.name for p in inside.partners.all()] == ["Salavan"]
    assert sorted(p.name for p in outside.partners.all()) == ["Salavan", "Savannakhet"]


def test_lead_agencies_keep_their_order(plan, quang_tri):
    first = Agency.objects.get(province=quang_tri, name="Sở Nội vụ")
    second = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    task = task_create(plan=plan, content="Thông báo học bổng", lead_agencies=[first, second])
    assert [lead.agency for lead in task.leads.all()] == [first, second]


def test_section_tree_cannot_loop(plan):
    top = section_create(plan=plan, number="I")
    child = section_create(plan=plan, number="1.", parent=top)
    top.parent = child
    with pytest.raises(ValidationError) as error:
        top.full_clean()
    assert "parent" in error.value.message_dict


def test_task_section_must_belong_to_its_plan(plan, quang_tri):
    other = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    foreign_section = Section.objects.filter(plan=other).first()
    task = Task(plan=plan, section=foreign_section, content="Sai mục")
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "section" in error.value.message_dict


def test_plan_period_must_not_be_inverted(quang_tri):
    plan = Plan(
        province=quang_tri,
        kind="plan",
        number="8/KH-UBND",
        title="x",
        start_year=2025,
        end_year=2023,
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "end_year" in error.value.message_dict


def test_agency_successor_needs_a_date_and_the_same_province(quang_tri, khanh_hoa):
    planning = Agency.objects.get(province=quang_tri, name="Sở Kế hoạch và Đầu tư")
    finance = Agency.objects.get(province=quang_tri, name="Sở Tài chính")
    planning.successor = finance
    with pytest.raises(ValidationError) as error:
        planning.full_clean()
    assert "successor_since" in error.value.message_dict
    planning.successor = Agency.objects.get(province=khanh_hoa, name="Sở Tài chính")
    planning.successor_since = date(2025, 3, 1)
    with pytest.raises(ValidationError) as error:
        planning.full_clean()
    assert "successor" in error.value.message_dict


def test_agency_index_resolves_every_printed_spelling(quang_tri):
    index = AgencyIndex.for_province(quang_tri)
    guard = Agency.objects.get(province=quang_tri, name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    for spelling in [
        "BCH BĐBP tỉnh",
        "bch bdbp tinh",
        "BCH Bộ đội Biên phòng tỉnh",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    ]:
        assert index.resolve(spelling) == guard, spelling
    assert index.resolve("Sở không tồn tại") is None


def test_agency_upsert_adds_aliases_instead_of_duplicating(quang_tri):
    before = Agency.objects.filter(province=quang_tri).count()
    agency = agency_upsert(province=quang_tri, name="Sở Ngoại vụ", aliases=["SNgV"])
    assert Agency.objects.filter(province=quang_tri).count() == before
    assert "SNgV" in agency.aliases
    assert agency.history.first().history_type == "~"


def test_task_history_page_names_who_changed_what(client, coordinator, quang_tri):
    task = Task.objects.filter(plan__number="165/QĐ-UBND").first()
    task.timeframe_text = "Quý IV năm 2022"
    task._history_user = coordinator
    task.save()
    client.force_login(coordinator)
    html = client.get(f"/tasks/{task.pk}/history/").content.decode()
    assert "Quý IV năm 2022" in html and "coordinator" in html
    assert "thời gian" in html.lower()
