"""The workbook round trip through an office suite: filled, then opened and saved once in
LibreOffice Calc, it still imports; its protection, validation and identity sheet survive.

LibreOffice missing: skipped with a loud reason, or failed when COOPPLAN_REQUIRE_OFFICE=1.
Marked ``office`` with the other office-suite tests (tests/office/).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import warnings

import pytest
from openpyxl import load_workbook

from reports.models import ReportStatus
from reports.workbook import layout
from reports.workbook.builder import agency_workbook
from reports.workbook.reader import workbook_read
from reports.workbook.services import workbook_apply
from tests.reports.factories import COMPLETE_GENERAL, open_round, reporter_of

from .helpers import fill, input_cells

pytestmark = pytest.mark.office

MISSING = (
    "LIBREOFFICE MISSING: the office round trip of the report workbook did not run — "
    "apt-get install -y libreoffice-calc-nogui (no soffice on PATH)"
)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("COOPPLAN_REQUIRE_OFFICE") == "1":
        pytest.fail(f"{MISSING}; COOPPLAN_REQUIRE_OFFICE=1", pytrace=False)
    pytest.skip(MISSING)


def office_save(data: bytes, tmp_path) -> bytes:
    """Open the file in LibreOffice Calc and save it as .xlsx, as a person would."""
    program = soffice()
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    out.mkdir()
    (source / "so-bao-cao.xlsx").write_bytes(data)
    subprocess.run(  # noqa: S603 - our own arguments, no shell
        [
            program,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source / "so-bao-cao.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = (out / "so-bao-cao.xlsx").read_bytes()
    assert saved != data
    return saved


def test_a_workbook_saved_by_libreoffice_still_imports(coordinator, quang_tri, tmp_path):
    soffice()
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "bc_leduan")
    data = agency_workbook(reporting_round, reporter.agency).content
    cells = input_cells(data)
    typed: dict = {f"g:{name}": value for name, value in COMPLETE_GENERAL.items()}
    typed["g:delegations_in"] = "=2+3"  # a formula: Calc saves its value, we take that
    for key in cells:
        if key.endswith(":status"):
            typed[key] = "Hoàn thành"
        elif key.startswith("e:") and key.endswith(":result"):
            typed[key] = "- Đã tổ chức lớp học\n- 25 học viên tốt nghiệp"
        elif key.endswith(":remarks"):
            typed[key] = "Đề nghị bố trí kinh phí năm sau."
        elif key.startswith("t:"):
            typed[key] = 25
    saved = office_save(fill(data, typed), tmp_path)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(saved))
    assert book[layout.IDENTITY].sheet_state == "hidden"
    lead = book[layout.LEAD]
    assert lead.protection.sheet
    status_key = next(k for k in cells if k.endswith(":status"))
    status_cell = cells[status_key][1]
    assert lead[status_cell].protection.locked is False
    lists = [dv for dv in lead.data_validations.dataValidation if dv.type == "list"]
    assert lists and status_cell in str(lists[0].sqref) and "Hoàn thành" in lists[0].formula1

    reading = workbook_read(saved)
    assert reading.problems == []
    assert reading.agency_id == reporter.agency_id and reading.round_id == reporting_round.pk
    assert reading.values["g:delegations_in"] == 5
    assert reading.values[status_key] == "done"
    assert reading.values["g:funds_state_budget"] == COMPLETE_GENERAL["funds_state_budget"]
    report = workbook_apply(
        reporting_round=reporting_round,
        agency=reporter.agency,
        user=reporter,
        reading=reading,
        seen_version=None,
        choices={},
        submit=True,
    )
    assert report.status == ReportStatus.SUBMITTED
    entry = report.entries.get(task_id=int(status_key.split(":")[1]))
    assert entry.result == "- Đã tổ chức lớp học\n- 25 học viên tốt nghiệp"
    assert entry.remarks == "Đề nghị bố trí kinh phí năm sau."


def test_mistakes_in_a_libreoffice_file_are_marked_in_it(coordinator, quang_tri, tmp_path):
    from reports.workbook.marker import workbook_mark

    soffice()
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, "Trường Chính trị Lê Duẩn", "bc_leduan")
    data = agency_workbook(reporting_round, reporter.agency).content
    cells = input_cells(data)
    saved = office_save(fill(data, {"g:delegations_out": "hai"}), tmp_path)
    reading = workbook_read(saved)
    assert [(p.sheet, p.first_cell) for p in reading.problems] == [cells["g:delegations_out"]]
    marked = load_workbook(io.BytesIO(workbook_mark(saved, reading.problems)))
    sheet, cell = cells["g:delegations_out"]
    assert "«hai»" in marked[sheet][cell].comment.text
