"""Import of plan tables from .xlsx/.docx files: reader, parser, service and the CLI."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from agreements.models import Agency, Locality, Plan
from agreements.text import fold
from tasks.exporters.columns import clean_text, section_label
from tasks.exporters.plan_docx import render_plan_docx
from tasks.exporters.plan_xlsx import render_plan_xlsx
from tasks.importers import reader as reader_module
from tasks.importers.parser import ParsedSection, parse_grids, split_label
from tasks.importers.reader import Grid, PlanImportError, read_document
from tasks.importers.service import plan_import
from tasks.models import Section, Task

# -- building files -----------------------------------------------------------------------

HEADER = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Ghi chú"]


def xlsx_bytes(rows, merges=(), sheets=None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, sheet_rows, sheet_merges in sheets or [("Phụ lục", rows, merges)]:
        ws = workbook.create_sheet(title)
        for row in sheet_rows:
            ws.append([value if value != "" else None for value in row])
        for merged in sheet_merges:
            ws.merge_cells(merged)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes(rows, merged_rows=(), before=(), after=()) -> bytes:
    document = Document()
    for line in before:
        document.add_paragraph(line)
    width = max(len(row) for row in rows)
    table = document.add_table(rows=0, cols=width)
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        if index in merged_rows:
            cells[0].merge(cells[-1]).text = row[0]
            continue
        for cell, value in zip(cells, row, strict=False):
            lines = str(value).split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for line in after:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parse(data: bytes):
    return parse_grids(read_document(data))


def counts():
    return Plan.objects.count(), Section.objects.count(), Task.objects.count()


# A table as a province types it: title rows, shuffled columns, header variants, merged and
# unmerged section rows, several leads in one cell, multi-line cells, notes below.
SHUFFLED_HEADER = [
    "Thời gian thực hiện",
    "Cơ quan/ đơn vị chủ trì",
    "STT",
    "Lĩnh vực",
    "Nội dung",
    "Cơ quan/đơn vị phối hợp thực hiện",
]
SHUFFLED_ROWS = [
    ["ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", "", "", "", "", ""],
    ["KẾ HOẠCH HỢP TÁC NĂM 2024", "", "", "", "", ""],
    ["", "", "", "", "", ""],
    SHUFFLED_HEADER,
    ["(5)", "(4)", "(1)", "(6)", "(2)", "(3)"],
    ["I. Hợp tác về chính trị, đối ngoại"] * 6,
    ["Năm 2024", "SỞ NGOẠI VỤ", "1.", "Đối ngoại", "Tổ chức đoàn công tác", "Văn phòng UBND tỉnh"],
    [
        "Quý I/2024\nQuý III/2024",
        "Sở Ngoại vụ;\nBCH BĐBP tỉnh",
        "2.",
        "",
        "Khảo sát biên giới\n- điểm 1\n- điểm 2",
        "Các sở, ngành liên quan",
    ],
    ["", "", "II", "", "Hợp tác về kinh tế", ""],
    ["2024 - 2025", "so cong thuong", "3.", "Kinh tế", "Xúc tiến thương mại", ""],
    ["", "", "", "", "", ""],
    ["Ghi chú: các đơn vị báo cáo trước ngày 15/12.", "", "", "", "", ""],
    ["GIÁM ĐỐC", "", "", "", "", ""],
]


def check_shuffled(parsed):
    sections = parsed.sections
    assert [(s.number, s.title) for s in sections] == [
        ("I.", "Hợp tác về chính trị, đối ngoại"),
        ("II", "Hợp tác về kinh tế"),
    ]
    tasks = parsed.tasks
    assert [t.number for t in tasks] == ["1.", "2.", "3."]
    assert tasks[0].lead_text == "SỞ NGOẠI VỤ"
    assert tasks[0].field == "Đối ngoại"
    assert tasks[0].timeframe == "Năm 2024"
    assert tasks[0].section is sections[0]
    assert tasks[1].content == "Khảo sát biên giới\n- điểm 1\n- điểm 2"
    assert tasks[1].lead_names == ["Sở Ngoại vụ", "BCH BĐBP tỉnh"]
    assert tasks[1].timeframe == "Quý I/2024\nQuý III/2024"
    assert tasks[2].section is sections[1]
    assert tasks[2].coordinating_text == ""


def test_xlsx_shuffled_columns_variants_titles_notes():
    data = xlsx_bytes(SHUFFLED_ROWS, merges=["A1:F1", "A2:F2", "A6:F6", "A12:F12"])
    check_shuffled(parse(data))


def test_docx_shuffled_columns_variants_titles_notes():
    rows = [row for row in SHUFFLED_ROWS[3:] if any(row)][:-2]  # the table only
    data = docx_bytes(
        rows,
        merged_rows={2},
        before=["ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", "KẾ HOẠCH HỢP TÁC NĂM 2024"],
        after=["Ghi chú: các đơn vị báo cáo trước ngày 15/12."],
    )
    check_shuffled(parse(data))


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_import_creates_plan_with_leads_in_order(quang_tri, fmt):
    rows = [row for row in SHUFFLED_ROWS[3:] if any(row)][:-2]
    if fmt == "xlsx":
        data = xlsx_bytes(rows, merges=["A3:F3"])
    else:
        data = docx_bytes(rows, merged_rows={2})
    savannakhet = Locality.objects.get(name="Savannakhet")
    plan = plan_import(
        parsed=parse(data),
        province=quang_tri,
        number="99/KH-UBND",
        title="Kế hoạch thử",
        partner=savannakhet,
        date=date(2024, 1, 5),
    )
    assert plan.kind == "plan" and (plan.start_year, plan.end_year) == (2024, 2025)
    assert list(plan.partners.all()) == [savannakhet]
    tasks = list(plan.tasks.order_by("position"))
    assert [list(t.lead_agencies.order_by("leads__order")) for t in tasks] == [
        [Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")],
        [
            Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
            Agency.objects.get(province=quang_tri, name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
        ],
        [Agency.objects.get(province=quang_tri, name="Sở Công thương")],
    ]
    assert list(tasks[0].coordinating_agencies.all()) == [
        Agency.objects.get(province=quang_tri, name="Văn phòng Ủy ban nhân dân tỉnh")
    ]
    assert tasks[1].section.number == "I." and tasks[2].section.number == "II"
    assert tasks[0].start_date == date(2024, 1, 1)
    assert list(tasks[0].partners.all()) == [savannakhet]


def test_nested_numbered_sections_and_unmerged_section_rows():
    rows = [
        HEADER,
        ["I", "Văn hóa", "", "", "", ""],
        ["1.", "Du lịch", "", "", "", ""],
        ["1.1", "Quảng bá", "Sở Ngoại vụ", "", "2024", ""],
        ["1.2", "Hội chợ", "Sở Ngoại vụ", "", "2024", ""],
        ["2.", "Trao đổi đoàn", "Sở Ngoại vụ", "", "2025", ""],
        ["", "Nhiệm vụ không số", "", "", "", ""],
    ]
    parsed = parse(xlsx_bytes(rows))
    assert [(s.number, s.parent.number if s.parent else None) for s in parsed.sections] == [
        ("I", None),
        ("1.", "I"),
    ]
    tasks = parsed.tasks
    assert [(t.number, t.section.number) for t in tasks] == [
        ("1.1", "1."),
        ("1.2", "1."),
        ("2.", "1."),
        ("", "1."),
    ]


def test_vertically_merged_cells_and_section_merged_after_number():
    rows = [
        HEADER,
        ["1.", "Văn hóa (các cột sau gộp)", "", "", "", ""],
        ["1.1", "Quảng bá", "Sở Ngoại vụ", "", "2024", ""],
        ["1.2", "Hội chợ", "", "", "", ""],
        ["2.", "Trao đổi đoàn", "Sở Công thương", "", "2025", ""],
    ]
    parsed = parse(xlsx_bytes(rows, merges=["B2:F2", "C3:C4", "E3:E4"]))
    assert [s.title for s in parsed.sections] == ["Văn hóa (các cột sau gộp)"]
    assert [(t.number, t.lead_text, t.timeframe) for t in parsed.tasks] == [
        ("1.1", "Sở Ngoại vụ", "2024"),
        ("1.2", "Sở Ngoại vụ", "2024"),
        ("2.", "Sở Công thương", "2025"),
    ]
    document = Document()
    table = document.add_table(rows=0, cols=6)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    table.cell(2, 2).merge(table.cell(3, 2))
    table.cell(2, 4).merge(table.cell(3, 4))
    buffer = io.BytesIO()
    document.save(buffer)
    tasks = parse(buffer.getvalue()).tasks
    assert [(t.lead_text, t.timeframe) for t in tasks[:2]] == [("Sở Ngoại vụ", "2024")] * 2


def test_header_repeated_and_numbering_row_are_skipped():
    rows = [HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]]
    rows += [["1.", "Việc một", "Sở Ngoại vụ", "", "2024", ""], HEADER]
    rows += [["2.", "Việc hai", "Sở Ngoại vụ", "", "2024", ""]]
    assert [t.number for t in parse(xlsx_bytes(rows)).tasks] == ["1.", "2."]


def test_several_leads_without_separators_are_cut_into_known_names(quang_tri):
    from agreements.services import AgencyIndex
    from tasks.importers.parser import lead_agency_names

    index = AgencyIndex.for_province(quang_tri)
    assert lead_agency_names("BCH Quân sự tỉnh Đội quy tập 584", index) == [
        "BCH Quân sự tỉnh",
        "Đội quy tập 584",
    ]
    assert lead_agency_names("Sở Ngoại vụ, Sở Công thương và các sở liên quan", index) == [
        "Sở Ngoại vụ",
        "Sở Công thương",
    ]
    assert lead_agency_names("Sở Ngoại vụ và Sở Mới Lập", index) == ["Sở Ngoại vụ và Sở Mới Lập"]


def test_split_label():
    assert split_label("II. Hợp tác về Kinh tế") == ("II.", "Hợp tác về Kinh tế")
    assert split_label("1 Hợp tác") == ("1", "Hợp tác")
    assert split_label("7.1. Sở Ngoại vụ") == ("7.1.", "Sở Ngoại vụ")
    assert split_label("Danh mục") == ("", "Danh mục")


# -- unmatched agencies -------------------------------------------------------------------

UNKNOWN_ROWS = [
    HEADER,
    ["1.", "Việc một", "Sở Ngoại vụ; Ban Quản lý Khu kinh tế mới lập", "", "2024", ""],
    ["2.", "Việc hai", "Hội Hữu nghị Việt - Lào tỉnh", "", "2024", ""],
]


def test_unmatched_agencies_are_an_error_and_nothing_is_saved(quang_tri):
    parsed = parse(xlsx_bytes(UNKNOWN_ROWS))
    before = counts()
    with pytest.raises(PlanImportError) as error:
        plan_import(parsed=parsed, province=quang_tri, number="98/KH-UBND", title="Thử")
    assert "Ban Quản lý Khu kinh tế mới lập" in str(error.value)
    assert "dòng 2" in str(error.value)
    assert counts() == before


def test_unmatched_agencies_mapped_or_created(quang_tri):
    parsed = parse(xlsx_bytes(UNKNOWN_ROWS))
    known = Agency.objects.get(province=quang_tri, name="Sở Công thương")
    missing = parsed.unmatched_agencies(
        __import__("agreements.services", fromlist=["AgencyIndex"]).AgencyIndex.for_province(
            quang_tri
        )
    )
    mapping = {name: known for name in missing if "Khu kinh tế" in name}
    with pytest.raises(PlanImportError, match="Hội Hữu nghị"):
        plan_import(
            parsed=parsed,
            province=quang_tri,
            number="97/KH-UBND",
            title="Thử",
            agency_mapping=mapping,
        )
    plan = plan_import(
        parsed=parsed,
        province=quang_tri,
        number="97/KH-UBND",
        title="Thử",
        agency_mapping=mapping,
        create_agencies=True,
    )
    first, second = plan.tasks.order_by("position")
    assert [a.name for a in first.lead_agencies.order_by("leads__order")] == [
        "Sở Ngoại vụ",
        "Sở Công thương",
    ]
    assert [a.name for a in second.lead_agencies.all()] == ["Hội Hữu nghị Việt - Lào tỉnh"]
    assert first.lead_text == "Sở Ngoại vụ; Ban Quản lý Khu kinh tế mới lập"


def test_duplicate_number_and_failure_midway_save_nothing(quang_tri, monkeypatch):
    parsed = parse(xlsx_bytes(SHUFFLED_ROWS, merges=["A6:F6"]))
    before = counts()
    with pytest.raises(PlanImportError, match="đã có"):
        plan_import(parsed=parsed, province=quang_tri, number="165/QĐ-UBND", title="Trùng")
    from tasks.importers import service

    real = service.tasks_create_bulk

    def failing(**kwargs):
        # The tasks are written, then something fails before the import ends.
        real(**kwargs)
        from django.core.exceptions import ValidationError

        raise ValidationError({"content": "hỏng"})

    monkeypatch.setattr(service, "tasks_create_bulk", failing)
    with pytest.raises(PlanImportError):
        plan_import(parsed=parsed, province=quang_tri, number="96/KH-UBND", title="Thử")
    assert counts() == before


# -- bad files ----------------------------------------------------------------------------


def test_renamed_text_file_is_refused():
    with pytest.raises(PlanImportError, match="không phải là tệp Word"):
        read_document("STT;Nội dung\n1;Việc".encode())


def test_encrypted_file_is_refused():
    from pathlib import Path

    data = (Path(__file__).parent / "import_files" / "mat-khau.xlsx").read_bytes()
    with pytest.raises(PlanImportError, match="đặt mật khẩu"):
        read_document(data)


def test_zip_that_is_not_office_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(PlanImportError, match="không phải là tệp Word"):
        read_document(buffer.getvalue())


def test_damaged_zip_is_refused():
    data = xlsx_bytes([HEADER])
    with pytest.raises(PlanImportError):
        read_document(data[: len(data) // 2])


def test_oversize_file_is_refused(monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_FILE_SIZE", 1000)
    with pytest.raises(PlanImportError, match="quá lớn"):
        read_document(xlsx_bytes([HEADER]))


def test_zip_bomb_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_UNCOMPRESSED_SIZE", 2000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("xl/big.xml", "0" * 100_000)
    assert len(buffer.getvalue()) < 2000
    with pytest.raises(PlanImportError, match="giải nén quá lớn"):
        read_document(buffer.getvalue())


def test_no_plan_table_says_which_sheets_were_read():
    data = xlsx_bytes(None, sheets=[("Tổng hợp", [["Tên", "Tuổi"], ["A", 3]], [])])
    with pytest.raises(PlanImportError, match="Không tìm thấy bảng kế hoạch.*Tổng hợp"):
        parse(data)
    with pytest.raises(PlanImportError, match="Không tìm thấy bảng kế hoạch"):
        parse(docx_bytes([["a", "b"], ["c", "d"]]))


def test_row_without_content_says_sheet_row_column():
    rows = [["Tiêu đề"], HEADER, ["1.", "", "Sở Ngoại vụ", "", "2024", ""]]
    with pytest.raises(PlanImportError) as error:
        parse(xlsx_bytes(rows))
    message = str(error.value)
    assert "“Phụ lục”" in message and "dòng 3" in message and "cột B" in message


def test_too_long_number_says_where():
    rows = [HEADER, ["1." * 20, "Việc", "Sở Ngoại vụ", "", "2024", ""]]
    with pytest.raises(PlanImportError, match="dòng 2, cột 1: số thứ tự dài quá 20"):
        parse(docx_bytes(rows))


# -- property: random cells never crash and never half-save -------------------------------

_WORDS = st.sampled_from(
    [
        "",
        "STT",
        "Nội dung",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời gian",
        "Ghi chú",
        "I",
        "II.",
        "1.",
        "1.1",
        "a)",
        "Sở Ngoại vụ",
        "Ghi chú: x",
        "2024",
        "Quý I/2024",
        "PHỤ LỤC I",
        "(Kèm theo)",
    ]
)
_CELL = st.one_of(_WORDS, st.text(max_size=30), st.text(max_size=300))
_GRID = st.lists(st.lists(_CELL, min_size=1, max_size=7), min_size=0, max_size=12)


def _padded(rows):
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=_GRID, header_at=st.integers(0, 3), create=st.booleans())
def test_random_cells_never_crash_nor_half_save(quang_tri, rows, header_at, create):
    rows = _padded([[c.strip() for c in row] for row in rows])
    if rows:
        rows.insert(min(header_at, len(rows)), list(HEADER))
    grid = Grid(name="bảng 1", kind="docx", rows=_padded(rows), row_numbers=[])
    grid.row_numbers = list(range(1, len(grid.rows) + 1))
    try:
        parsed = parse_grids([grid])
    except PlanImportError:
        return
    before = counts()
    try:
        plan = plan_import(
            parsed=parsed,
            province=quang_tri,
            number="1/KH-PROP",
            title="Thử",
            create_agencies=create,
        )
    except PlanImportError:
        assert counts() == before
        return
    assert plan.tasks.count() == len(parsed.tasks)
    plan.delete()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_GRID, docx=st.booleans())
def test_random_cells_in_real_files_never_crash(rows, docx):
    rows = _padded([[clean_text(c) for c in row] for row in rows])
    rows = [list(HEADER), *rows] if rows else [list(HEADER)]
    rows = _padded(rows)
    try:
        data = docx_bytes(rows) if docx else xlsx_bytes(rows)
    except ValueError:
        return  # text python-docx/openpyxl will not write
    try:
        parse(data)
    except PlanImportError:
        pass


# -- round trip: our own exports import back to the same tasks ----------------------------

SEED_PLANS = [
    ("Quảng Trị", "165/QĐ-UBND"),
    ("Quảng Trị", "6452/UBND-ĐN"),
    ("Tuyên Quang", "110/KH-UBND"),
    ("Khánh Hòa", "592/KH-UBND"),
]


def _original_section(task: Task) -> tuple[str, str]:
    section = task.section
    if section is None or (not section.number and not section.title):
        return ("", "")
    if section.parent_id is None:  # a top-level section heads its table
        if section.kind == "appendix":
            return (fold(section.number), fold(section.title))
        return split_label(section_label(section))
    return split_label(section_label(section))


def _parsed_section(section: ParsedSection | None) -> tuple[str, str]:
    if section is None:
        return ("", "")
    if section.kind == "appendix":
        return (fold(section.number), fold(section.title))
    return (section.number, section.title)


@pytest.mark.parametrize("render", [render_plan_xlsx, render_plan_docx], ids=["xlsx", "docx"])
@pytest.mark.parametrize("province, number", SEED_PLANS)
def test_round_trip_of_seed_plans(db, province, number, render):
    plan = Plan.objects.get(province__name=province, number=number)
    originals = list(Task.objects.filter(plan=plan).order_by("position", "pk"))
    assert originals
    parsed = parse(render(plan).content)
    assert len(parsed.tasks) == len(originals)
    for original, task in zip(originals, parsed.tasks, strict=True):
        lead = original.lead_text or "; ".join(
            lead.agency.name for lead in original.leads.order_by("order")
        )
        coordinating = original.coordinating_text or "; ".join(
            agency.name for agency in original.coordinating_in_printed_order()
        )
        assert (
            task.number,
            task.content,
            task.lead_text,
            task.coordinating_text,
            task.timeframe,
            task.note,
        ) == (
            clean_text(original.number),
            clean_text(original.content),
            clean_text(lead),
            clean_text(coordinating),
            clean_text(original.timeframe_text),
            clean_text(original.note),
        ), task.location
        assert _parsed_section(task.section) == _original_section(original), task.location

    # Created again under a new number, every task leads with the same agencies.
    copy = plan_import(
        parsed=parsed, province=plan.province, number=f"{number}-copy", title=plan.title
    )
    copies = list(copy.tasks.order_by("position"))
    for original, task in zip(originals, copies, strict=True):
        assert [lead.agency_id for lead in task.leads.order_by("order")] == [
            lead.agency_id for lead in original.leads.order_by("order")
        ], task.number


def test_round_trip_keeps_appendix_headings(db):
    plan = Plan.objects.get(number="165/QĐ-UBND")
    for render in (render_plan_xlsx, render_plan_docx):
        tops = [s for s in parse(render(plan).content).sections if s.kind == "appendix"]
        assert [(s.number, s.subtitle) for s in tops] == [
            ("PHỤ LỤC I", "(Giai đoạn 2020 - 2022)"),
            ("PHỤ LỤC II", "(Giai đoạn 2020 - 2022)"),
        ]


# -- the command --------------------------------------------------------------------------


def _write(tmp_path, rows, name="ke-hoach.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    return str(path)


def test_command_creates_plan(tmp_path, quang_tri, capsys):
    path = _write(tmp_path, [row for row in SHUFFLED_ROWS if any(row)])
    call_command(
        "import_plan",
        path,
        "--province",
        "quang tri",
        "--number",
        "95/KH-UBND",
        "--title",
        "Kế hoạch thử",
        "--partner",
        "Savannakhet",
        "--date",
        "2024-01-05",
    )
    out = capsys.readouterr().out
    assert "3 nhiệm vụ" in out and "Đã tạo 95/KH-UBND" in out
    plan = Plan.objects.get(province=quang_tri, number="95/KH-UBND")
    assert plan.tasks.count() == 3 and plan.date == date(2024, 1, 5)


def test_command_dry_run_saves_nothing(tmp_path, quang_tri, capsys):
    path = _write(tmp_path, [row for row in SHUFFLED_ROWS if any(row)])
    before = counts()
    call_command(
        "import_plan", path, "--province", "Quảng Trị", "--number", "94/KH", "--title", "T",
        "--dry-run",
    )  # fmt: skip
    assert "Chạy thử" in capsys.readouterr().out
    assert counts() == before


def test_command_unmatched_agencies(tmp_path, quang_tri, capsys):
    path = _write(tmp_path, UNKNOWN_ROWS)
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_plan", path, "--province", "Quảng Trị", "--number", "93/KH", "--title", "T"
        )
    # As the import page refuses: the file, then each name with its sheet, row and column.
    assert str(refused.value) == (
        "ke-hoach.xlsx: Chưa có trong danh mục cơ quan: "
        "“Ban Quản lý Khu kinh tế mới lập” (trang tính “Phụ lục”, dòng 2, cột C); "
        "“Hội Hữu nghị Việt - Lào tỉnh” (trang tính “Phụ lục”, dòng 3, cột C)."
    )
    assert "Hội Hữu nghị Việt - Lào tỉnh (trang tính “Phụ lục”, dòng 3, cột C)" in (
        capsys.readouterr().out
    )
    assert counts() == before
    call_command(
        "import_plan", path, "--province", "Quảng Trị", "--number", "93/KH", "--title", "T",
        "--create-agencies",
    )  # fmt: skip
    assert Agency.objects.filter(province=quang_tri, name="Hội Hữu nghị Việt - Lào tỉnh").exists()


def test_command_bad_file(tmp_path, quang_tri):
    path = tmp_path / "ke-hoach.docx"
    path.write_text("không phải tệp Word")
    with pytest.raises(CommandError, match="ke-hoach.docx: Tệp không phải là tệp Word"):
        call_command(
            "import_plan", str(path), "--province", "Quảng Trị", "--number", "9", "--title", "T"
        )
    with pytest.raises(CommandError, match="Không tìm thấy tỉnh"):
        call_command(
            "import_plan", str(path), "--province", "Atlantis", "--number", "9", "--title", "T"
        )


def test_command_imports_our_own_docx_export(tmp_path, khanh_hoa, capsys):
    plan = Plan.objects.get(province=khanh_hoa, number="592/KH-UBND")
    path = tmp_path / "592.docx"
    path.write_bytes(render_plan_docx(plan).content)
    call_command(
        "import_plan", str(path), "--province", "Khánh Hòa", "--number", "592/KH-UBND-b",
        "--title", plan.title,
    )  # fmt: skip
    copy = Plan.objects.get(province=khanh_hoa, number="592/KH-UBND-b")
    assert copy.tasks.count() == plan.tasks.count() == 26
    assert "[III. NHIỆM VỤ CỤ THỂ]" in capsys.readouterr().out
