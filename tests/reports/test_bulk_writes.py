"""Issue 14: the writes that touch many rows at once (saving and accepting a report, merging an
agency, handing its tasks to a successor) cost the same number of queries for 4 rows as for 16,
and leave the same rows and the same history as one save per row did.

"The same history" is checked against the per-row code these services had before (kept below,
``per_row_*``): each is run on the same data inside a transaction that is rolled back, then the
service itself; the history records (type, user, reason, every field kept, the links' snapshots)
must be equal.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import User
from agreements.history import history_note, rows_update
from agreements.models import Agency
from agreements.text import fold
from reports import services
from reports.agencies import agency_merge
from reports.models import EntryRole, ReminderLog, Report, ReportEntry, ReportStatus
from tasks.models import OPEN_STATUSES, Task, TaskLead
from tasks.services import agency_replace, task_set_leads
from tests.factories import AgencyFactory, LocalityFactory, PlanFactory, TaskFactory, make_user
from tests.reports.factories import COMPLETE_GENERAL, ReportingRoundFactory

pytestmark = pytest.mark.django_db

# Fields that differ between two runs of the same write for reasons of the clock alone.
CLOCK_FIELDS = {"history_id", "history_date", "updated_at", "submitted_at"}
HISTORY_OF = (Task, TaskLead, Report, ReportEntry, User, Agency)


# -- the per-row code these services had before issue 14 -------------------------------------


def per_row_report_save(*, report, user, version, general, entries):
    locked = services._lock_editable(report, user, version)
    for name in services.GENERAL_FIELDS:
        if name in general:
            setattr(locked, name, general[name])
    if user.agency_id != locked.agency_id:
        locked.on_behalf = True
        locked.entered_by = user
    locked.version += 1
    history_note(locked, user=user)
    locked.full_clean()
    locked.save()
    by_id = {e.pk: e for e in locked.entries.select_for_update()}
    for entry_id, values in entries.items():
        entry = by_id[entry_id]
        changed = False
        for name in services.ENTRY_FIELDS:
            if name in values and getattr(entry, name) != values[name]:
                setattr(entry, name, values[name])
                changed = True
        if changed:
            history_note(entry, user=user)
            entry.full_clean()
            entry.save()
    services._event(locked, "saved", user)


def per_row_report_accept(*, report, user):
    locked = services._lock_reviewable(report, user)
    locked.status = ReportStatus.ACCEPTED
    locked.version += 1
    history_note(locked, user=user)
    locked.save()
    for entry in (
        locked.entries.filter(role=EntryRole.LEAD).exclude(status="").select_related("task__plan")
    ):
        task = entry.task
        if task.status != entry.status:
            task.status = entry.status
            reason = (
                f"Theo báo cáo {locked.reporting_round.request_number} "
                f"của {locked.agency.name} đã duyệt"
            )
            history_note(task, user=user, reason=reason)
            task.save(update_fields=["status"])
    services._event(locked, "accepted", user)


def per_row_agency_merge(*, keep, duplicate, user):
    reason = f"Gộp {duplicate.name} vào {keep.name}"
    for task in Task.objects.filter(leads__agency=duplicate).distinct():
        order = [
            keep if lead.agency_id == duplicate.pk else lead.agency
            for lead in task.leads.select_related("agency").order_by("order", "pk")
        ]
        task_set_leads(task=task, agencies=order)
        history_note(task, user=user, reason=reason)
        task.save()
    for task in Task.objects.filter(coordinating_agencies=duplicate):
        task.coordinating_agencies.remove(duplicate)
        task.coordinating_agencies.add(keep)
    for member in User.objects.filter(agency=duplicate):
        member.agency = keep
        member.save(update_fields=["agency"])
    for report in Report.objects.filter(agency=duplicate):
        report.agency = keep
        history_note(report, user=user)
        report.save(update_fields=["agency"])
    ReminderLog.objects.filter(agency=duplicate).delete()
    Agency.objects.filter(successor=duplicate).update(successor=keep)
    known = keep.name_keys()
    for name in [duplicate.name, duplicate.short_name, *duplicate.aliases]:
        if name and fold(name) not in known:
            keep.aliases = [*keep.aliases, name]
            known.add(fold(name))
    history_note(keep, user=user, reason=reason)
    keep.save()
    history_note(duplicate, user=user, reason=reason)
    duplicate.delete()


def per_row_agency_replace(*, agency, successor, since, user):
    agency.active = False
    agency.successor = successor
    agency.successor_since = since
    history_note(agency, user=user)
    agency.full_clean()
    agency.save()
    reason = f"Chuyển từ {agency.name} sang {successor.name} (kế thừa từ ngày {since:%d/%m/%Y})"
    for lead in TaskLead.objects.filter(
        agency=agency, task__status__in=OPEN_STATUSES
    ).select_related("task"):
        task = lead.task
        agencies_in_order = [
            successor if item.agency_id == agency.pk else item.agency
            for item in task.leads.select_related("agency").order_by("order", "pk")
        ]
        task_set_leads(task=task, agencies=agencies_in_order)
        task.lead_text = ""
        history_note(task, user=user, reason=reason)
        task.save()
    for task in Task.objects.filter(coordinating_agencies=agency, status__in=OPEN_STATUSES):
        task.coordinating_agencies.remove(agency)
        task.coordinating_agencies.add(successor)


# -- comparing what two runs wrote ---------------------------------------------------------------


class _RolledBack(Exception):
    pass


def _history_marks() -> dict:
    return {
        model: model.history.order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
        for model in HISTORY_OF
    }


def _written_since(marks: dict) -> dict:
    """Every history record written since ``marks``, comparable between two runs: per model,
    sorted by the object it records (its id; a lead by its task, agency and order, as a lead
    created again gets a new id), each record's kept fields and its links' snapshots."""
    written = {}
    for model, mark in marks.items():
        history_model = model.history.model
        rows = []
        for record in model.history.filter(history_id__gt=mark).order_by("history_id"):
            values = {
                field.attname: getattr(record, field.attname)
                for field in history_model._meta.fields
                if field.attname not in CLOCK_FIELDS
            }
            for field in history_model._history_m2m_fields:
                snapshot = HistoricalRecords.m2m_models[field].objects.filter(history=record)
                values[field.name] = sorted(
                    getattr(row, f"{field.m2m_reverse_field_name()}_id") for row in snapshot
                )
            if model is TaskLead:
                values.pop("id")
                key = (values["task_id"], values["agency_id"], values["order"])
            else:
                key = values["id"]
            rows.append((key, values))
        # Stable: one object's records stay in the order they were written.
        written[model.__name__] = [values for _key, values in sorted(rows, key=lambda r: r[0])]
    return written


def _rows_now(province) -> dict:
    """What a user sees afterwards: leads in order, coordinating agencies, statuses, reports."""
    tasks = Task.objects.filter(plan__province=province).order_by("pk")
    return {
        "leads": [
            (task.pk, [(lead.agency_id, lead.order) for lead in task.leads.order_by("order")])
            for task in tasks
        ],
        "coordinating": [
            (task.pk, sorted(task.coordinating_agencies.values_list("pk", flat=True)))
            for task in tasks
        ],
        "tasks": list(
            tasks.values_list("pk", "status", "lead_text", "search_text", "start_date", "end_date")
        ),
        "reports": list(
            Report.objects.filter(agency__province=province)
            .order_by("pk")
            .values_list("pk", "agency_id", "status", "version", "delegations_out")
        ),
        "entries": list(
            ReportEntry.objects.filter(report__agency__province=province)
            .order_by("pk")
            .values_list("pk", "status", "result", "funds_spent", "actuals", "remarks")
        ),
        "users": list(
            User.objects.filter(province=province).order_by("pk").values_list("pk", "agency_id")
        ),
        "agencies": list(
            Agency.objects.filter(province=province)
            .order_by("pk")
            .values_list("pk", "active", "successor_id", "aliases")
        ),
    }


def same_as_per_row(per_row, bulk, province):
    """Run ``per_row`` and roll it back, then ``bulk``: the rows and the history must agree."""
    marks = _history_marks()
    try:
        with transaction.atomic():
            per_row()
            expected = (_rows_now(province), _written_since(marks))
            raise _RolledBack
    except _RolledBack:
        pass
    bulk()
    assert _rows_now(province) == expected[0]
    written = _written_since(marks)
    assert written == expected[1]
    return written


# -- data ------------------------------------------------------------------------------------------


def reporting_setup(size: int):
    """A province whose agency leads ``size`` tasks (each coordinated by another agency and done
    with a partner), a round over them and the agency's report with one entry per task."""
    province = LocalityFactory()
    partner = LocalityFactory(country="LA")
    agency = AgencyFactory(province=province)
    helper = AgencyFactory(province=province)
    coordinator = make_user(f"dp{province.pk}", "coordinator", province, helper)
    reporter = make_user(f"bc{province.pk}", "reporter", province, agency)
    plan = PlanFactory(province=province)
    for _ in range(size):
        TaskFactory(
            plan=plan, lead_agencies=[agency], coordinating_agencies=[helper], partners=[partner]
        )
    reporting_round = ReportingRoundFactory(user=coordinator, plans=[plan])
    report = services.report_start(reporting_round=reporting_round, agency=agency, user=reporter)
    return province, reporter, coordinator, report


def entry_values(report, statuses=("done", "in_progress", "delayed")) -> dict:
    """Values for every entry; the first keeps what it has (nothing to write for it)."""
    values = {}
    for index, entry in enumerate(report.entries.order_by("pk")):
        if index == 0:
            values[entry.pk] = {"status": entry.status, "result": entry.result}
        else:
            values[entry.pk] = {
                "status": statuses[index % len(statuses)],
                "result": f"Kết quả {index}",
                "funds_spent": 1_000_000 * index,
                "actuals": {"1": index},
                "remarks": f"Ghi chú {index}" if index % 2 else "",
            }
    return values


def merge_setup(size: int):
    """``duplicate`` leads ``size`` tasks alone or beside others (before, after, beside ``keep``)
    and coordinates as many; it has a member, a report and a reminder."""
    province = LocalityFactory()
    keep, other, duplicate = (AgencyFactory(province=province) for _ in range(3))
    coordinator = make_user(f"gop{province.pk}", "coordinator", province, keep)
    member = make_user(f"tv{province.pk}", "reporter", province, duplicate)
    plan = PlanFactory(province=province)
    layouts = [[duplicate], [duplicate, keep], [other, duplicate], [keep, other, duplicate]]
    for index in range(size):
        TaskFactory(
            plan=plan,
            lead_agencies=layouts[index % len(layouts)],
            coordinating_agencies=[duplicate, keep] if index % 2 else [duplicate],
            lead_text="Sở trùng",
        )
    reporting_round = ReportingRoundFactory(user=coordinator, plans=[plan])
    services.report_start(reporting_round=reporting_round, agency=duplicate, user=member)
    ReminderLog.objects.create(
        reporting_round=reporting_round, agency=duplicate, day=timezone.localdate()
    )
    AgencyFactory(province=province, successor=duplicate)
    return province, keep, duplicate, coordinator


def replace_setup(size: int):
    """``old`` leads ``size`` open tasks (alone, or before ``successor``) and one done task, and
    coordinates as many open ones."""
    province = LocalityFactory()
    old, successor, other = (AgencyFactory(province=province) for _ in range(3))
    coordinator = make_user(f"tt{province.pk}", "coordinator", province, other)
    plan = PlanFactory(province=province)
    for index in range(size):
        TaskFactory(
            plan=plan,
            lead_agencies=[old, successor] if index % 3 == 1 else [other, old],
            coordinating_agencies=[old],
            lead_text="Sở cũ",
            timeframe_text="Thường xuyên",
        )
    done = TaskFactory(plan=plan, lead_agencies=[old], lead_text="Sở cũ")
    Task.objects.filter(pk=done.pk).update(status="done")
    return province, old, successor, coordinator


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


# -- report save -------------------------------------------------------------------------------


def test_saving_a_report_writes_what_one_save_per_entry_did():
    province, reporter, _coordinator, report = reporting_setup(6)
    values = entry_values(report)

    written = same_as_per_row(
        lambda: per_row_report_save(
            report=report,
            user=reporter,
            version=report.version,
            general=COMPLETE_GENERAL,
            entries=values,
        ),
        lambda: services.report_save(
            report=report,
            user=reporter,
            version=report.version,
            general=COMPLETE_GENERAL,
            entries=values,
        ),
        province,
    )
    # One record per changed entry (the unchanged first one has none), named by the reporter.
    entries = written["ReportEntry"]
    assert len(entries) == 5
    assert {
        (r["history_type"], r["history_user_id"], r["history_change_reason"]) for r in entries
    } == {("~", reporter.pk, None)}


def test_saving_a_report_costs_the_same_queries_for_4_entries_as_for_16():
    counts = {}
    for size in (4, 16):
        _province, reporter, _coordinator, report = reporting_setup(size)
        values = entry_values(report)
        counts[size] = count_queries(
            lambda report=report, reporter=reporter, values=values: services.report_save(
                report=report,
                user=reporter,
                version=report.version,
                general=COMPLETE_GENERAL,
                entries=values,
            )
        )
    # savepoint and release; the report locked, its round read afresh; its UPDATE and history
    # record; the entries read under lock; one UPDATE of the changed ones and one INSERT of
    # their history; the "saved" event. (104 queries for 16 entries before issue 14.)
    assert counts == {4: 10, 16: 10}


def test_a_bad_entry_refuses_the_whole_save_with_its_message():
    _province, reporter, _coordinator, report = reporting_setup(3)
    first, second, third = report.entries.order_by("pk")
    with pytest.raises(ValidationError) as error:
        services.report_save(
            report=report,
            user=reporter,
            version=report.version,
            general={"delegations_out": 4},
            entries={
                first.pk: {"status": "done", "result": "Xong"},
                second.pk: {"status": "không có", "result": "Sai trạng thái"},
                third.pk: {"status": "done", "result": "Xong"},
            },
        )
    assert "status" in error.value.message_dict
    stored = Report.objects.get(pk=report.pk)
    assert stored.delegations_out is None and stored.version == report.version
    assert list(report.entries.values_list("status", flat=True)) == ["", "", ""]
    assert not ReportEntry.history.filter(report_id=report.pk, history_type="~").exists()


# -- report submit, return, accept ---------------------------------------------------------------


def _submitted(size: int):
    province, reporter, coordinator, report = reporting_setup(size)
    report = services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=entry_values(report, statuses=("done", "delayed")),
    )
    # One task already has the status its entry reports: accepting leaves it alone.
    first = report.entries.order_by("pk").first()
    first.status = "in_progress"
    first.result = "Đang làm"
    first.save()
    Task.objects.filter(pk=first.task_id).update(status="in_progress")
    return province, reporter, coordinator, report


def test_accepting_a_report_writes_what_one_save_per_task_did():
    province, reporter, coordinator, report = _submitted(6)
    report = services.report_submit(report=report, user=reporter, version=report.version)

    written = same_as_per_row(
        lambda: per_row_report_accept(report=report, user=coordinator),
        lambda: services.report_accept(report=report, user=coordinator),
        province,
    )
    tasks = written["Task"]
    assert len(tasks) == 5  # the first task was "in progress" already: no record
    assert {(r["history_type"], r["history_user_id"]) for r in tasks} == {("~", coordinator.pk)}
    assert all(report.reporting_round.request_number in r["history_change_reason"] for r in tasks)
    # Each record keeps the task's links as they stood: its coordinating agency, its partner.
    assert all(len(r["coordinating_agencies"]) == 1 and len(r["partners"]) == 1 for r in tasks)


def test_submitting_returning_and_accepting_cost_the_same_queries_for_4_entries_as_for_16():
    counts = {}
    for size in (4, 16):
        _province, reporter, coordinator, report = _submitted(size)
        submit = count_queries(
            lambda r=report, u=reporter: services.report_submit(report=r, user=u, version=r.version)
        )
        report = Report.objects.get(pk=report.pk)
        give_back = count_queries(
            lambda r=report, u=coordinator: services.report_return(
                report=r, user=u, comment="Bổ sung."
            )
        )
        report = Report.objects.get(pk=report.pk)
        report = services.report_submit(report=report, user=reporter, version=report.version)
        report = Report.objects.get(pk=report.pk)
        accept = count_queries(
            lambda r=report, u=coordinator: services.report_accept(report=r, user=u)
        )
        counts[size] = (submit, give_back, accept)
    # accept: savepoint, release; the round for the permission check; report locked, round
    # re-read; its UPDATE and history record; the lead entries with their tasks and plans; the
    # agency's name for the reason; one UPDATE of the tasks, one INSERT of their history, a read
    # and an INSERT of the records' coordinating agencies and of their partners; the event;
    # the agency's reporters and one INSERT of their notifications (reports/notifications.py);
    # the versions of the round's and the moved tasks' plans' documents, in one INSERT
    # (agreements.documents.document_touch).
    # (89 queries for 16 entries before issue 14.)
    assert counts[4] == counts[16]
    assert counts[16][2] == 19


# -- agency merge and successor --------------------------------------------------------------


def test_merging_an_agency_writes_what_one_save_per_row_did():
    province, keep, duplicate, coordinator = merge_setup(8)

    def fresh():  # each run gets its own copies: a run changes them (aliases, a deleted id)
        return {
            "keep": Agency.objects.get(pk=keep.pk),
            "duplicate": Agency.objects.get(pk=duplicate.pk),
        }

    written = same_as_per_row(
        lambda: per_row_agency_merge(**fresh(), user=coordinator),
        lambda: agency_merge(**fresh(), user=coordinator),
        province,
    )
    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    reason = f"Gộp {duplicate.name} vào {keep.name}"
    led = [r for r in written["Task"] if r["history_change_reason"] == reason]
    assert len(led) == 8 and {r["history_user_id"] for r in led} == {coordinator.pk}
    # Each coordinated task: one record once the duplicate is off, one once keep is on.
    plain = [r for r in written["Task"] if r["history_change_reason"] is None]
    assert len(plain) == 2 * 8
    assert sum(keep.pk in r["coordinating_agencies"] for r in plain) == 8 + 4
    assert {r["history_type"] for r in written["TaskLead"]} == {"-", "+"}


def test_merging_costs_the_same_queries_for_4_tasks_as_for_16():
    counts = {}
    for size in (4, 16):
        _province, keep, duplicate, coordinator = merge_setup(size)
        counts[size] = count_queries(
            lambda k=keep, d=duplicate, u=coordinator: agency_merge(keep=k, duplicate=d, user=u)
        )
    # Savepoint and release; the clash check; per table (leads, coordinating links, users,
    # reports): a read, one write, one history insert, with the tasks' link snapshots (a read
    # and an insert per link table); reminders and successors; keep saved with its record; the
    # no-lead-left check; the duplicate's deletion (one question per table pointing at an
    # agency) and its record; the province's document version (document_touch). 388 queries for
    # 16 tasks before issue 14.
    assert counts[4] == counts[16]
    assert counts[16] == 44


def test_a_successor_takes_the_open_tasks_as_one_save_per_row_did():
    province, old, successor, coordinator = replace_setup(7)
    since = date(2025, 7, 1)

    def fresh():  # each run gets its own copies: a run marks the old agency replaced
        return {
            "agency": Agency.objects.get(pk=old.pk),
            "successor": Agency.objects.get(pk=successor.pk),
        }

    written = same_as_per_row(
        lambda: per_row_agency_replace(**fresh(), since=since, user=coordinator),
        lambda: agency_replace(**fresh(), since=since, user=coordinator),
        province,
    )
    moved = [r for r in written["Task"] if r["history_change_reason"]]
    assert len(moved) == 7 and all(r["lead_text"] == "" for r in moved)
    assert {r["history_user_id"] for r in moved} == {coordinator.pk}
    # The done task keeps its lead.
    assert TaskLead.objects.filter(agency=old).count() == 1


def test_a_successor_costs_the_same_queries_for_4_tasks_as_for_16():
    counts = {}
    for size in (4, 16):
        _province, old, successor, coordinator = replace_setup(size)
        counts[size] = count_queries(
            lambda a=old, s=successor, u=coordinator: agency_replace(
                agency=a, successor=s, since=date(2025, 7, 1), user=u
            )
        )
    # The old agency checked (province, successor, unique name) and saved with its record; then
    # as for a merge, for leads and coordinating links; the province's document version
    # (document_touch). 377 queries for 16 tasks before issue 14.
    assert counts[4] == counts[16]
    assert counts[16] == 30


# -- the UPDATE itself -------------------------------------------------------------------------


def _stored(model, pks) -> list[dict]:
    return list(model.objects.filter(pk__in=pks).order_by("pk").values())


@pytest.mark.parametrize("how", ["entries", "tasks"])
def test_one_update_stores_what_djangos_bulk_update_stores(how):
    """``rows_update`` (one UPDATE … FROM VALUES on PostgreSQL) leaves every column as
    ``QuerySet.bulk_update`` does: text with quotes, empty and missing numbers, JSON, dates."""
    _province, _reporter, _coordinator, report = reporting_setup(4)
    if how == "entries":
        objs = list(report.entries.order_by("pk"))
        values = [
            {"status": "done", "result": "Đã \"xong\" & 'chốt'\n<b>", "funds_spent": 1234567,
             "actuals": {"7": 1.5, "chú thích": ["a", None]}, "remarks": ""},
            {"status": "", "result": "", "funds_spent": None, "actuals": {}, "remarks": "%s %(x)s"},
            {"status": "delayed", "result": "x" * 3000, "funds_spent": 0, "actuals": {"x": None},
             "remarks": "—"},
            {"status": "in_progress", "result": "ok", "funds_spent": 10**12, "actuals": [1, 2],
             "remarks": "\\"},
        ]  # fmt: skip
        fields = list(values[0])
    else:
        objs = list(
            Task.objects.filter(plan__reporting_rounds=report.reporting_round).order_by("pk")
        )
        values = [
            {"status": "done", "start_date": date(2026, 1, 31), "end_date": None, "ongoing": True},
            {"status": "delayed", "start_date": None, "end_date": date(2027, 12, 31),
             "ongoing": False},
        ] * 2  # fmt: skip
        fields = list(values[0])
    for obj, row in zip(objs, values, strict=True):
        for name, value in row.items():
            setattr(obj, name, value)
    model = type(objs[0])
    pks = [obj.pk for obj in objs]
    with transaction.atomic():
        model.objects.bulk_update(objs, fields)
        expected = _stored(model, pks)
        transaction.set_rollback(True)
    rows_update(objs, fields)
    assert _stored(model, pks) == expected
