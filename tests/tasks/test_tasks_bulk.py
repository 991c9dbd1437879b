"""Many tasks at once (import, carry-forward): the rows and the history ``task_create`` leaves,
in a number of statements that does not grow with the number of tasks."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from agreements.models import Locality, Plan
from tasks.importers.parser import parse_grids
from tasks.importers.reader import PlanImportError, read_document
from tasks.importers.service import plan_import
from tasks.models import Section, Task, TaskLead
from tasks.services import (
    DraftError,
    TaskDraft,
    plan_carry_forward,
    section_create,
    sections_create_bulk,
    task_create,
    tasks_create_bulk,
)
from tests.tasks.test_import import HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_165(quang_tri):
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


def empty_copy(plan: Plan, number: str) -> tuple[Plan, dict[int, Section]]:
    """A new plan of the same province and partners with copies of ``plan``'s sections."""
    copy = Plan.objects.create(
        province=plan.province,
        kind=plan.kind,
        number=number,
        title="Bản sao",
        start_year=plan.start_year,
        end_year=plan.end_year,
    )
    copy.partners.set(plan.partners.all())
    sections: dict[int, Section] = {}
    for section in Section.objects.filter(plan=plan).order_by("position", "pk"):
        sections[section.pk] = section_create(
            plan=copy,
            parent=sections.get(section.parent_id),
            kind=section.kind,
            number=section.number,
            title=section.title,
            partner=section.partner,
            position=section.position,
        )
    return copy, sections


def drafts_of(plan: Plan, sections: dict[int, Section]) -> list[TaskDraft]:
    """The seed plan's tasks as drafts, with the cases task_create treats apart: a lead named
    twice, no coordinating agency, partners inherited (section, then plan) or named."""
    tasks = (
        Task.objects.filter(plan=plan)
        .prefetch_related("leads__agency", "coordinating_agencies", "partners")
        .order_by("position", "pk")
    )
    drafts = []
    for index, task in enumerate(tasks):
        leads = [lead.agency for lead in task.leads.all()]
        coordinating = list(task.coordinating_agencies.all())
        drafts.append(
            TaskDraft(
                section=sections.get(task.section_id),
                number=task.number,
                content=task.content,
                lead_agencies=leads + leads[:1] if index % 5 == 1 else leads,
                lead_text=task.lead_text,
                coordinating_agencies=[] if index % 4 == 2 else coordinating,
                coordinating_text=task.coordinating_text,
                partners=None if index % 3 else list(task.partners.all()),
                timeframe_text=task.timeframe_text,
                note=task.note,
                field=task.field,
                position=task.position,
                origin=task if index % 2 else None,
            )
        )
    return drafts


def as_printed(plan: Plan) -> list[dict]:
    """Everything a reader of the plan and of its history sees, task by task in printed order."""
    historical = Task.history.model
    rows = []
    for task in Task.objects.filter(plan=plan).order_by("position", "pk"):
        values = {
            f.attname: getattr(task, f.attname)
            for f in Task._meta.concrete_fields
            if f.attname not in {"id", "plan_id", "section_id"}
        }
        records = []
        # In the order the history page lists them (by date, then record).
        for record in historical.objects.filter(id=task.pk).order_by("history_date", "history_id"):
            fields = {
                f.attname: getattr(record, f.attname)
                for f in historical.tracked_fields
                if f.attname not in {"id", "plan_id", "section_id"}
            }
            coordinating = {(r.id, r.agency_id) for r in record.coordinating_agencies.all()}
            partners = {(r.id, r.locality_id) for r in record.partners.all()}
            records.append(
                (
                    record.history_type,
                    record.history_user_id,
                    record.history_change_reason,
                    fields,
                    {agency for _, agency in coordinating},
                    {locality for _, locality in partners},
                    # A snapshot names the link rows themselves, as task_create's do.
                    {pk for pk, _ in coordinating}
                    <= set(
                        Task.coordinating_agencies.through.objects.filter(task=task).values_list(
                            "pk", flat=True
                        )
                    ),
                )
            )
        leads = TaskLead.objects.filter(task=task)
        rows.append(
            {
                "values": values,
                "section": str(task.section) if task.section else None,
                "leads": list(leads.order_by("order", "pk").values_list("agency_id", "order")),
                "coordinating": set(task.coordinating_agencies.values_list("pk", flat=True)),
                "partners": set(task.partners.values_list("pk", flat=True)),
                "history": records,
                "lead_history": sorted(
                    TaskLead.history.filter(task_id=task.pk).values_list(
                        "agency_id",
                        "order",
                        "history_type",
                        "history_user_id",
                        "history_change_reason",
                    )
                ),
            }
        )
    return rows


def test_bulk_creation_leaves_what_task_create_leaves(plan_165, coordinator):
    one_by_one, sections = empty_copy(plan_165, "901/KH-UBND")
    drafts = drafts_of(plan_165, sections)
    # task_create names the user of the request being served (the page the coordinator used).
    HistoricalRecords.context.request = RequestFactory().get("/")
    HistoricalRecords.context.request.user = coordinator
    try:
        for draft in drafts:
            task_create(plan=one_by_one, **vars(draft))
    finally:
        del HistoricalRecords.context.request

    in_bulk, sections = empty_copy(plan_165, "902/KH-UBND")
    created = tasks_create_bulk(
        plan=in_bulk, drafts=drafts_of(plan_165, sections), user=coordinator
    )

    assert len(created) == len(drafts) == 49
    expected, actual = as_printed(one_by_one), as_printed(in_bulk)
    assert actual == expected
    # The comparison means something: leads, links, inherited partners and dates are there.
    assert all(row["leads"] and row["partners"] for row in actual)
    assert sum(bool(row["coordinating"]) for row in actual) > 20
    assert sum(len(row["history"]) for row in actual) > 2 * len(actual)
    assert any(row["values"]["start_date"] for row in actual)
    assert {record[1] for row in actual for record in row["history"]} == {coordinator.pk}


def test_sections_in_bulk_are_those_section_create_makes(plan_165, coordinator):
    HistoricalRecords.context.request = RequestFactory().get("/")
    HistoricalRecords.context.request.user = coordinator
    try:
        one_by_one, _ = empty_copy(plan_165, "905/KH-UBND")
        in_bulk = Plan.objects.create(
            province=plan_165.province,
            number="906/KH-UBND",
            title="x",
            start_year=2020,
            end_year=2022,
        )
        copies: dict[int, Section] = {}
        for section in Section.objects.filter(plan=plan_165).order_by("position", "pk"):
            copies[section.pk] = Section(
                parent=copies.get(section.parent_id),
                kind=section.kind,
                number=section.number,
                title=section.title,
                partner=section.partner,
                position=section.position,
            )
        sections_create_bulk(plan=in_bulk, sections=list(copies.values()))
    finally:
        del HistoricalRecords.context.request

    def printed(plan):
        rows = []
        for section in Section.objects.filter(plan=plan).order_by("position", "pk"):
            (record,) = section.history.all()
            rows.append(
                (
                    section.number,
                    section.title,
                    section.kind,
                    section.partner_id,
                    section.position,
                    section.search_text,
                    section.parent.number if section.parent else None,
                    record.history_type,
                    record.history_user_id,
                    record.history_change_reason,
                )
            )
        return rows

    assert printed(in_bulk) == printed(one_by_one)
    assert len(printed(in_bulk)) == 6 and printed(in_bulk)[0][8] == coordinator.pk


def test_an_invalid_draft_is_named_and_nothing_is_saved(plan_165):
    plan, sections = empty_copy(plan_165, "903/KH-UBND")
    drafts = drafts_of(plan_165, sections)
    drafts[7].content = ""
    before = (Task.objects.count(), TaskLead.objects.count(), Task.history.count())

    with pytest.raises(DraftError) as raised:
        tasks_create_bulk(plan=plan, drafts=drafts)

    assert raised.value.index == 7 and "content" in raised.value.message_dict
    assert (Task.objects.count(), TaskLead.objects.count(), Task.history.count()) == before


def test_a_section_of_another_plan_is_refused(plan_165):
    plan, _ = empty_copy(plan_165, "904/KH-UBND")
    foreign = Section.objects.filter(plan=plan_165).first()

    with pytest.raises(DraftError) as raised:
        tasks_create_bulk(plan=plan, drafts=[TaskDraft(content="Việc", section=foreign)])

    assert "section" in raised.value.message_dict
    assert not plan.tasks.exists()


# -- statements: a fixed number whatever the number of tasks ---------------------------------

_TABLE = re.compile(r'^(INSERT INTO|SELECT .*? FROM|UPDATE|DELETE FROM) "?([a-z_]+)"?', re.I)


def statements(queries: list[dict]) -> list[tuple[str, str]]:
    """(verb, table) of each statement. SQLite caps a statement at 999 parameters, so Django
    splits one bulk insert into batches there: consecutive inserts into one table count once.
    PostgreSQL sends each as one statement (checked on the raw count below)."""
    shapes: list[tuple[str, str]] = []
    for query in queries:
        match = _TABLE.match(query["sql"])
        # Savepoint names carry a counter: only the verb matters.
        shape = (match[1].split()[0].upper(), match[2]) if match else (query["sql"].split()[0], "")
        if not (shape[0] == "INSERT" and shapes and shapes[-1] == shape):
            shapes.append(shape)
    return shapes


def assert_same_statements(small: list[dict], large: list[dict]) -> None:
    assert statements(large) == statements(small), "\n".join(q["sql"][:150] for q in large)
    if connection.vendor == "postgresql":
        assert len(large) == len(small)


def import_file(tasks: int) -> bytes:
    """A section (1., 2. …) every ten tasks (1.1, 1.2 …) under one part: more rows, more
    sections."""
    rows = [HEADER, ["I", "HỢP TÁC", "", "", "", ""]]
    for n in range(tasks):
        if n % 10 == 0:
            rows.append([f"{n // 10 + 1}.", f"Lĩnh vực {n // 10 + 1}", "", "", "", ""])
        rows.append(
            [
                f"{n // 10 + 1}.{n % 10 + 1}",
                f"Nhiệm vụ số {n}",
                "Sở Ngoại vụ; Sở Công thương" if n % 2 else "Sở Nội vụ",
                "Sở Tài chính; Sở Kế hoạch và Đầu tư",
                "6/2024 - 12/2025",
                "",
            ]
        )
    return xlsx_bytes(rows)


def test_import_statements_do_not_grow_with_rows(quang_tri, coordinator):
    savannakhet = Locality.objects.get(name="Savannakhet")
    captured = []
    for number, tasks in (("910/KH-UBND", 10), ("911/KH-UBND", 200)):
        parsed = parse_grids(read_document(import_file(tasks)))
        with CaptureQueriesContext(connection) as queries:
            plan = plan_import(
                parsed=parsed,
                province=quang_tri,
                number=number,
                title="Kế hoạch thử",
                partner=savannakhet,
                date=date(2024, 1, 5),
                user=coordinator,
            )
        assert plan.tasks.count() == tasks
        assert plan.sections.count() == 1 + tasks // 10
        assert TaskLead.objects.filter(task__plan=plan).count() == tasks + tasks // 2
        assert Task.history.filter(plan_id=plan.pk).count() == 3 * tasks
        captured.append(queries.captured_queries)
    assert_same_statements(*captured)


def test_carry_forward_statements_do_not_grow_with_tasks(plan_165, coordinator):
    captured = []
    for number, tasks in (("920/KH-UBND", 10), ("921/KH-UBND", 200)):
        source, sections = empty_copy(plan_165, number)
        drafts = drafts_of(plan_165, sections)
        # Every section of the seed plan holds tasks in both, so both copy the same sections.
        chosen = [drafts[n * len(drafts) // tasks] for n in range(tasks)] if tasks < 49 else []
        chosen += [drafts[n % len(drafts)] for n in range(tasks - len(chosen))]
        assert {d.section.pk for d in chosen} == {d.section.pk for d in drafts}
        tasks_create_bulk(plan=source, drafts=chosen, user=coordinator)
        with CaptureQueriesContext(connection) as queries:
            draft = plan_carry_forward(
                plan=source,
                number=f"{number}-2",
                title="Kế hoạch tiếp theo",
                start_year=2026,
                end_year=2028,
                user=coordinator,
            )
        assert draft.tasks.count() == tasks
        captured.append(queries.captured_queries)
    assert_same_statements(*captured)


def test_an_import_refused_at_a_row_names_it_and_saves_nothing(quang_tri):
    rows = [HEADER, ["1", "Việc một", "Sở Ngoại vụ", "", "2024", ""]]
    rows += [["2", "Việc hai", "Sở Ngoại vụ", "", "2024", ""]]
    parsed = parse_grids(read_document(xlsx_bytes(rows)))
    # What the parser lets through but the task refuses (the parser's own checks come first).
    parsed.tasks[1].content = ""
    before = (Plan.objects.count(), Task.objects.count(), Task.history.count())

    with pytest.raises(PlanImportError) as raised:
        plan_import(parsed=parsed, province=quang_tri, number="930/KH-UBND", title="Thử")

    assert str(raised.value).startswith(f"{parsed.tasks[1].location}: nội dung công việc: ")
    assert "dòng 3" in parsed.tasks[1].location
    assert (Plan.objects.count(), Task.objects.count(), Task.history.count()) == before


def test_history_of_more_tasks_than_one_statement_takes_on_sqlite(plan_165, coordinator):
    # SQLite's old cap of 999 parameters: ids go 900 to a statement there; none is left out.
    plan, _ = empty_copy(plan_165, "940/KH-UBND")
    sport = plan_165.tasks.filter(coordinating_agencies__isnull=False).first()
    assert sport is not None
    coordinating = list(sport.coordinating_agencies.all())
    drafts = [
        TaskDraft(content=f"Việc {n}", coordinating_agencies=coordinating if n % 2 else [])
        for n in range(950)
    ]

    created = tasks_create_bulk(plan=plan, drafts=drafts, user=coordinator)

    history = Task.history.filter(plan_id=plan.pk)
    assert history.filter(history_type="+").count() == 950
    assert history.filter(history_type="~").count() == 950 + 475  # partners; coordinating
    assert {r.history_user_id for r in history} == {coordinator.pk}
    last = created[-1].history.order_by("history_date", "history_id").last()
    assert last is not None and last.content == "Việc 949"
    assert {row.agency_id for row in last.coordinating_agencies.all()} == {
        agency.pk for agency in coordinating
    }
    assert [row.locality_id for row in last.partners.all()] == list(
        plan.partners.values_list("pk", flat=True)
    )
