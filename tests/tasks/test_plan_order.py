"""One printed order for a plan's rows: the page, the timeline and the exports agree, and a task
always prints under its own appendix, whatever positions the rows were given."""

from __future__ import annotations

from datetime import date

import pytest

from agreements.models import Plan
from tasks.exporters.columns import plan_tables
from tasks.models import Section, Task
from tasks.selectors import plan_rows
from tasks.services import section_create, task_create, task_position_new
from tasks.timeline.selectors import plan_timeline_read
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(quang_tri) -> Plan:
    return PlanFactory(province=quang_tri, number="77/QĐ-UBND", kind="decision")


def two_appendices(plan: Plan) -> tuple[Section, Section]:
    one = section_create(plan=plan, kind="appendix", number="Phụ lục I")
    two = section_create(plan=plan, kind="appendix", number="Phụ lục II")
    return one, two


def printed(plan: Plan) -> list[str]:
    return [
        row.section.number if row.kind == "section" else f"{row.task.content}"
        for row in plan_rows(plan)
    ]


def test_three_tasks_added_to_each_of_two_appendices_stay_under_their_own(plan):
    one, two = two_appendices(plan)
    for number in ("1", "2", "3"):
        task_create(plan=plan, section=one, content=f"I.{number}")
        task_create(plan=plan, section=two, content=f"II.{number}")
    expected = ["Phụ lục I", "I.1", "I.2", "I.3", "Phụ lục II", "II.1", "II.2", "II.3"]
    assert printed(plan) == expected
    # Positions follow the printed order, so lists sorted by position read the same.
    ordered = Task.objects.filter(plan=plan).printed_order()
    assert [task.content for task in ordered] == [e for e in expected if "." in e]


def test_a_task_prints_under_its_section_whatever_position_it_was_given(plan):
    """Rows written with positions of their own (the admin, an older import, a task with none):
    the tree decides the appendix, the position only orders a section's rows."""
    one, two = two_appendices(plan)
    part = section_create(plan=plan, parent=one, number="II.", title="Văn hóa")
    # A first task with no position (0) in appendix II, one far beyond everything in appendix I.
    Task.objects.create(plan=plan, section=two, content="II.1", position=0)
    Task.objects.create(plan=plan, section=one, content="I.1", position=9000)
    Task.objects.create(plan=plan, section=one, content="I.0", position=1)
    Task.objects.create(plan=plan, section=part, content="I.II.1", position=0)
    # I.1 comes after the sub-section II. of its appendix (its position says so), never after
    # appendix II.
    assert printed(plan) == ["Phụ lục I", "I.0", "II.", "I.II.1", "I.1", "Phụ lục II", "II.1"]
    tables = plan_tables(plan)
    assert [[t.content for t in table.tasks] for table in tables] == [
        ["I.0", "I.II.1", "I.1"],
        ["II.1"],
    ]


def test_a_new_task_goes_after_its_sections_last_task_and_before_its_sub_sections(plan):
    one, two = two_appendices(plan)
    section_create(plan=plan, parent=one, number="I.", title="Kinh tế")
    task_create(plan=plan, section=one, content="đầu phụ lục I")
    task_create(plan=plan, section=two, content="đầu phụ lục II")
    task_create(plan=plan, section=one, content="thứ hai phụ lục I")
    assert printed(plan) == [
        "Phụ lục I",
        "đầu phụ lục I",
        "thứ hai phụ lục I",
        "I.",
        "Phụ lục II",
        "đầu phụ lục II",
    ]


def test_new_rows_renumber_a_plan_whose_positions_disagree_with_the_print(plan):
    one, two = two_appendices(plan)
    Task.objects.create(plan=plan, section=two, content="II.1", position=0)
    Task.objects.create(plan=plan, section=one, content="I.1", position=0)
    task_create(plan=plan, section=one, content="I.2")
    assert printed(plan) == ["Phụ lục I", "I.1", "I.2", "Phụ lục II", "II.1"]
    rows = plan_rows(plan)
    positions = [
        row.section.position if row.kind == "section" else row.task.position for row in rows
    ]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_tasks_outside_every_section_print_first_as_in_the_pdf(plan):
    one, _two = two_appendices(plan)
    task_create(plan=plan, section=one, content="I.1")
    task_create(plan=plan, content="chung 1")
    task_create(plan=plan, content="chung 2")
    assert printed(plan) == ["chung 1", "chung 2", "Phụ lục I", "I.1", "Phụ lục II"]
    assert [t.content for t in plan_tables(plan)[0].tasks] == ["chung 1", "chung 2"]
    assert task_position_new(plan=plan, section=None) > Task.objects.get(content="chung 2").position


def test_the_timeline_lists_each_task_under_its_own_appendix(plan, coordinator):
    one, two = two_appendices(plan)
    Task.objects.create(plan=plan, section=two, content="II.1", position=0)
    Task.objects.create(plan=plan, section=one, content="I.1", position=500)
    data = plan_timeline_read(plan=plan, user=coordinator, today=date(2025, 1, 1))
    labels = [getattr(entry, "content", None) or entry.label for entry in data.entries]
    assert labels == ["Phụ lục I", "I.1", "Phụ lục II", "II.1"]
