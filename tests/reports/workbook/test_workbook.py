"""The report workbook: built pre-filled and protected, read back cell by cell, mistakes marked
in the user's own file, changes applied through the report services with conflicts chosen."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from agreements.models import Agency
from reports import services
from reports.models import EntryRole, Report, ReportStatus
from reports.workbook import layout
from reports.workbook.builder import agency_workbook, round_workbooks_zip
from reports.workbook.marker import workbook_mark
from reports.workbook.reader import WorkbookRefused, workbook_read
from reports.workbook.selectors import round_workbook_agencies
from reports.workbook.services import ChoiceMissing, workbook_apply, workbook_changes
from tests.reports.factories import COMPLETE_GENERAL, open_round, reporter_of

from .helpers import fill, input_cells, read_cell

LE_DUAN = "Trường Chính trị Lê Duẩn"


@pytest.fixture
def setting(coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, LE_DUAN, "bc_leduan")
    return reporting_round, reporter.agency, reporter


def lead_tasks(report):
    return list(report.entries.filter(role=EntryRole.LEAD).select_related("task"))


def test_workbook_is_protected_prefilled_and_prints_on_a4_landscape(setting, coordinator):
    reporting_round, agency, reporter = setting
    report = services.report_start(reporting_round=reporting_round, agency=agency, user=reporter)
    entry = lead_tasks(report)[0]
    services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        general={"delegations_out": 3},
        entries={entry.pk: {"status": "in_progress", "result": "Đã mở lớp."}},
    )
    data = agency_workbook(reporting_round, agency).content
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == [*layout.DATA_SHEETS, layout.IDENTITY]
    assert book[layout.IDENTITY].sheet_state == "hidden"
    assert book.security.lockStructure
    cover = [c for row in book[layout.COVER].iter_rows(values_only=True) for c in row if c]
    assert reporting_round.request_number in " ".join(cover)
    assert agency.name in cover
    cells = input_cells(data)
    lead = book[layout.LEAD]
    assert lead.protection.sheet and not lead.protection.password
    assert lead.page_setup.orientation == "landscape" and str(lead.page_setup.paperSize) == "9"
    status = lead[cells[f"e:{entry.task_id}:status"][1]]
    assert status.value == "Đang triển khai" and status.protection.locked is False
    assert lead[cells[f"e:{entry.task_id}:result"][1]].value == "Đã mở lớp."
    assert lead["B" + status.row.__str__()].protection.locked  # the task's content: read-only
    assert book[layout.GENERAL][cells["g:delegations_out"][1]].value == 3
    validations = {dv.type: dv for dv in lead.data_validations.dataValidation}
    assert "Hoàn thành" in validations["list"].formula1
    assert "danh sách" in validations["list"].error
    assert cells[f"e:{entry.task_id}:status"][1] in str(validations["list"].sqref)


def test_last_rounds_report_prefills_marked_as_such(setting, coordinator):
    reporting_round, agency, reporter = setting
    earlier = open_round(coordinator, number="98/UBND-ĐN")
    before = services.report_start(reporting_round=earlier, agency=agency, user=reporter)
    entries = {
        e.pk: {"status": "done", "result": f"Xong {e.task.number}", "remarks": "Vượt kế hoạch."}
        for e in lead_tasks(before)
    }
    before = services.report_save(
        report=before,
        user=reporter,
        version=before.version,
        general=COMPLETE_GENERAL,
        entries=entries,
    )
    services.report_submit(report=before, user=reporter, version=before.version)
    data = agency_workbook(reporting_round, agency).content
    cells = input_cells(data)
    task = lead_tasks(before)[0].task
    sheet, cell = cells[f"e:{task.pk}:result"]
    result = read_cell(data, sheet, cell)
    assert result.value == f"Xong {task.number}"
    assert result.fill.fgColor.rgb.endswith(layout.PREVIOUS_FILL)
    note = read_cell(data, sheet, f"{layout.SOURCE_COLUMN}{result.row}").value
    assert "98/UBND-ĐN" in note
    remarks = read_cell(data, *cells[f"e:{task.pk}:remarks"])
    assert remarks.value == "Vượt kế hoạch."
    assert remarks.fill.fgColor.rgb.endswith(layout.PREVIOUS_FILL)
    # Counts belong to one period: not carried over.
    assert read_cell(data, *cells["g:delegations_out"]).value is None
    # Nothing in the app yet: the file's pre-filled values are changes against it.
    reading = workbook_read(data)
    changes = {c.key for c in workbook_changes(reading=reading, report=None)}
    assert f"e:{task.pk}:result" in changes


def test_a_wrong_number_and_a_hand_typed_status_are_named_and_marked(setting):
    reporting_round, agency, _reporter = setting
    data = agency_workbook(reporting_round, agency).content
    cells = input_cells(data)
    task_id = next(k for k in cells if k.startswith("e:")).split(":")[1]
    filled = fill(
        data,
        {
            "g:delegations_out": "khoảng 5",
            f"e:{task_id}:status": "Đã xong",
            f"e:{task_id}:funds_spent": -200,
            "g:delegations_in": "2",
            f"e:{task_id}:result": "Đã tổ chức 2 lớp.",
        },
    )
    reading = workbook_read(filled)
    where = {(p.sheet, p.first_cell): str(p) for p in reading.problems}
    assert set(where) == {
        cells["g:delegations_out"],
        cells[f"e:{task_id}:status"],
        cells[f"e:{task_id}:funds_spent"],
    }
    status_problem = where[cells[f"e:{task_id}:status"]]
    assert status_problem.startswith(f"Trang «{layout.LEAD}», ô {cells[f'e:{task_id}:status'][1]}")
    assert "«Đã xong»" in status_problem and "Hoàn thành" in status_problem
    assert "khoảng 5" in where[cells["g:delegations_out"]]
    marked = workbook_mark(filled, reading.problems)
    bad = read_cell(marked, *cells[f"e:{task_id}:status"])
    assert bad.fill.fgColor.rgb.endswith(layout.MARK_FILL)
    assert "Hoàn thành" in bad.comment.text
    assert bad.value == "Đã xong"  # the user's entry stays as typed
    good = read_cell(marked, *cells["g:delegations_in"])
    assert good.comment is None and good.value == "2"


def test_status_typed_without_accents_and_numbers_typed_as_text_are_read(setting):
    reporting_round, agency, _reporter = setting
    data = agency_workbook(reporting_round, agency).content
    cells = input_cells(data)
    task_id = next(k for k in cells if k.startswith("e:")).split(":")[1]
    filled = fill(
        data,
        {
            f"e:{task_id}:status": "hoan thanh",
            "g:funds_state_budget": "1.500.000",
            f"e:{task_id}:funds_spent": 2500000.0,
        },
    )
    reading = workbook_read(filled)
    assert reading.problems == []
    assert reading.values[f"e:{task_id}:status"] == "done"
    assert reading.values["g:funds_state_budget"] == Decimal(1_500_000)
    assert reading.values[f"e:{task_id}:funds_spent"] == Decimal(2_500_000)


def test_read_only_cells_changed_are_named(setting):
    reporting_round, agency, _reporter = setting
    data = agency_workbook(reporting_round, agency).content
    cells = input_cells(data)
    sheet, cell = next(v for k, v in cells.items() if k.startswith("e:"))
    row = re.sub(r"\D", "", cell)
    reading = workbook_read(fill(data, {(sheet, f"B{row}"): "Nội dung khác"}))
    assert [(p.sheet, p.first_cell) for p in reading.problems] == [(sheet, f"A{row}")]
    assert "chỉ đọc" in reading.problems[0].message


def test_a_forged_identity_or_a_foreign_file_is_refused(setting):
    reporting_round, agency, _reporter = setting
    data = agency_workbook(reporting_round, agency).content
    forged = fill(data, {(layout.IDENTITY, "B4"): "999"})
    with pytest.raises(WorkbookRefused, match="không phải sổ báo cáo"):
        workbook_read(forged)
    with pytest.raises(WorkbookRefused, match="không phải tệp Excel"):
        workbook_read(b"%PDF-1.4 not a workbook")


def _with_formula(data: bytes, sheet_title: str, cell: str, cached: str | None) -> bytes:
    """The workbook with a formula typed in ``cell``, saved with or without its value."""
    filled = fill(data, {(sheet_title, cell): "=1+1"})
    source = zipfile.ZipFile(io.BytesIO(filled))
    index = load_workbook(io.BytesIO(filled), read_only=True).sheetnames.index(sheet_title) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part and cached is not None:
                content = content.replace(
                    b"<f>1+1</f><v></v>", f"<f>1+1</f><v>{cached}</v>".encode()
                )
                content = content.replace(b"<f>1+1</f><v />", f"<f>1+1</f><v>{cached}</v>".encode())
            target.writestr(item, content)
    return out.getvalue()


def test_formulas_are_never_evaluated_cached_values_taken_or_refused(setting):
    reporting_round, agency, _reporter = setting
    data = agency_workbook(reporting_round, agency).content
    sheet, cell = input_cells(data)["g:delegations_in"]
    refused = workbook_read(_with_formula(data, sheet, cell, None))
    assert [(p.sheet, p.first_cell) for p in refused.problems] == [(sheet, cell)]
    assert "công thức" in refused.problems[0].message
    taken = workbook_read(_with_formula(data, sheet, cell, "2"))
    assert taken.problems == []
    assert taken.values["g:delegations_in"] == 2
    assert any("công thức" in note for note in taken.notes)


def test_apply_saves_then_submits_through_the_report_services(setting):
    reporting_round, agency, reporter = setting
    data = agency_workbook(reporting_round, agency).content
    cells = input_cells(data)
    values = dict(COMPLETE_GENERAL)
    typed = {f"g:{name}": value for name, value in values.items()}
    for key in cells:
        if key.startswith("e:") and key.endswith(":status"):
            typed[key] = "Hoàn thành"
        elif key.startswith("e:") and key.endswith(":result"):
            typed[key] = "Đã hoàn thành đào tạo."
        elif key.startswith("t:"):
            typed[key] = 25
    reading = workbook_read(fill(data, typed))
    assert reading.problems == []
    report = workbook_apply(
        reporting_round=reporting_round,
        agency=agency,
        user=reporter,
        reading=reading,
        seen_version=None,
        choices={},
        submit=True,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.delegations_out == 2 and report.funds_state_budget == 150_000_000
    entry = lead_tasks(report)[0]
    assert entry.status == "done" and entry.result == "Đã hoàn thành đào tạo."
    target = entry.task.targets.first()
    assert entry.actuals == {str(target.pk): 25.0}


def test_an_incomplete_submission_saves_nothing(setting):
    reporting_round, agency, reporter = setting
    data = agency_workbook(reporting_round, agency).content
    reading = workbook_read(fill(data, {"g:delegations_out": 4}))
    with pytest.raises(services.ReportIncomplete):
        workbook_apply(
            reporting_round=reporting_round,
            agency=agency,
            user=reporter,
            reading=reading,
            seen_version=None,
            choices={},
            submit=True,
        )
    assert not Report.objects.filter(reporting_round=reporting_round, agency=agency).exists()


def test_a_field_changed_in_the_app_since_download_is_a_conflict_chosen_per_field(setting):
    reporting_round, agency, reporter = setting
    report = services.report_start(reporting_round=reporting_round, agency=agency, user=reporter)
    data = agency_workbook(reporting_round, agency).content
    # After the download, someone saves in the browser: two fields.
    report = services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        general={"delegations_out": 7, "difficulties": "Thiếu kinh phí."},
    )
    reading = workbook_read(
        fill(data, {"g:delegations_out": 5, "g:delegations_in": 1, "g:difficulties": None})
    )
    changes = {c.key: c for c in workbook_changes(reading=reading, report=report)}
    # The file left "difficulties" as it was: the app's value stays, not a change.
    assert set(changes) == {"g:delegations_out", "g:delegations_in"}
    assert changes["g:delegations_out"].conflict and not changes["g:delegations_in"].conflict
    assert changes["g:delegations_out"].app_display == "7"
    kwargs = dict(
        reporting_round=reporting_round,
        agency=agency,
        user=reporter,
        reading=reading,
        seen_version=report.version,
        submit=False,
    )
    with pytest.raises(ChoiceMissing, match="Số đoàn đi Lào"):
        workbook_apply(choices={}, **kwargs)
    workbook_apply(choices={"g:delegations_out": "app"}, **kwargs)
    report.refresh_from_db()
    assert (report.delegations_out, report.delegations_in) == (7, 1)
    assert report.difficulties == "Thiếu kinh phí."
    # The version seen on the preview is stale now: refused, nothing overwritten.
    with pytest.raises(services.ReportConflict):
        workbook_apply(choices={"g:delegations_out": "file"}, **kwargs)


def test_round_zip_holds_one_workbook_per_owing_agency(setting):
    reporting_round, _agency, _reporter = setting
    agencies = list(round_workbook_agencies(reporting_round))
    export = round_workbooks_zip(reporting_round, agencies)
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    assert len(names) == len(set(names)) == len(agencies) > 1
    first = zipfile.ZipFile(io.BytesIO(export.content)).read(names[0])
    assert workbook_read(first).agency_id in {a.pk for a in agencies}


def test_coordinated_tasks_take_a_remark(coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    agency = (
        Agency.objects.filter(
            province=quang_tri, coordinated_tasks__plan__in=reporting_round.plans.all()
        )
        .exclude(leads__task__plan__in=reporting_round.plans.all())
        .first()
    )
    user = reporter_of(quang_tri, agency.name, "bc_phoihop")
    data = agency_workbook(reporting_round, agency).content
    remarks = [k for k in input_cells(data) if k.startswith("c:")]
    assert remarks and all(input_cells(data)[k][0] == layout.COORDINATED for k in remarks)
    reading = workbook_read(fill(data, {remarks[0]: "Đã cử cán bộ phối hợp."}))
    report = workbook_apply(
        reporting_round=reporting_round,
        agency=agency,
        user=user,
        reading=reading,
        seen_version=None,
        choices={},
        submit=False,
    )
    task_id = int(remarks[0].split(":")[1])
    assert report.entries.get(task_id=task_id).result == "Đã cử cán bộ phối hợp."


def test_a_lead_tasks_remarks_go_out_prefilled_and_come_back_checked(setting):
    reporting_round, agency, reporter = setting
    report = services.report_start(reporting_round=reporting_round, agency=agency, user=reporter)
    entry = lead_tasks(report)[0]
    report = services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        general={},
        entries={entry.pk: {"remarks": "Chờ kinh phí năm sau."}},
    )
    data = agency_workbook(reporting_round, agency).content
    key = f"e:{entry.task_id}:remarks"
    sheet, cell = input_cells(data)[key]
    assert (sheet, cell[0]) == (layout.LEAD, layout.REMARKS_COLUMN)
    remarks = read_cell(data, sheet, cell)
    assert remarks.value == "Chờ kinh phí năm sau."
    assert remarks.protection.locked is False
    assert remarks.fill.fgColor.rgb.endswith(layout.INPUT_FILL)
    lead = load_workbook(io.BytesIO(data))[layout.LEAD]
    lengths = [dv for dv in lead.data_validations.dataValidation if dv.type == "textLength"]
    assert any(cell in str(dv.sqref) and dv.formula1 == "1000" for dv in lengths)

    too_long = workbook_read(fill(data, {key: "x" * 1001}))
    assert [(p.sheet, p.first_cell) for p in too_long.problems] == [(sheet, cell)]
    assert str(too_long.problems[0]).startswith(f"Trang «{layout.LEAD}», ô {cell}:")
    assert "1000" in too_long.problems[0].message
    marked = read_cell(workbook_mark(fill(data, {key: "x" * 1001}), too_long.problems), sheet, cell)
    assert marked.fill.fgColor.rgb.endswith(layout.MARK_FILL) and "1000" in marked.comment.text

    reading = workbook_read(fill(data, {key: "Đã có kinh phí."}))
    [change] = workbook_changes(reading=reading, report=report)
    assert change.key == key and not change.conflict
    assert change.label.endswith("ghi chú") and change.app_display == "Chờ kinh phí năm sau."
    workbook_apply(
        reporting_round=reporting_round,
        agency=agency,
        user=reporter,
        reading=reading,
        seen_version=report.version,
        choices={},
        submit=False,
    )
    entry.refresh_from_db()
    assert entry.remarks == "Đã có kinh phí."
    assert [h.remarks for h in entry.history.order_by("history_id")][-2:] == [
        "Chờ kinh phí năm sau.",
        "Đã có kinh phí.",
    ]


def test_remarks_changed_in_the_app_since_download_are_a_conflict(setting):
    reporting_round, agency, reporter = setting
    report = services.report_start(reporting_round=reporting_round, agency=agency, user=reporter)
    entry = lead_tasks(report)[0]
    data = agency_workbook(reporting_round, agency).content
    report = services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        general={},
        entries={entry.pk: {"remarks": "Gõ trên trình duyệt."}},
    )
    key = f"e:{entry.task_id}:remarks"
    reading = workbook_read(fill(data, {key: "Gõ trong tệp."}))
    [change] = workbook_changes(reading=reading, report=report)
    assert change.conflict and change.file_display == "Gõ trong tệp."
    workbook_apply(
        reporting_round=reporting_round,
        agency=agency,
        user=reporter,
        reading=reading,
        seen_version=report.version,
        choices={key: "file"},
        submit=False,
    )
    entry.refresh_from_db()
    assert entry.remarks == "Gõ trong tệp."
