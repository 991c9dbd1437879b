"""The plan workbook, reopened with openpyxl: printed tables, print setup, the data sheet."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from agreements.models import Plan
from agreements.text import fold
from tasks.exporters.base import CONTENT_TYPES
from tasks.exporters.columns import column_key, columns_for, task_cell
from tasks.exporters.plan_xlsx import DATA_SHEET, ROLES_SHEET, render_plan_xlsx
from tasks.models import BudgetLine, Section
from tasks.selectors import plan_get_by_number, plan_rows
from tasks.services import section_create, task_create

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    ("165/QĐ-UBND", "Quảng Trị"),
    ("3289/QĐ-UBND", "Quảng Trị"),
    ("6452/UBND-ĐN", "Quảng Trị"),
    ("110/KH-UBND", "Tuyên Quang"),
    ("592/KH-UBND", "Khánh Hòa"),
]
DATA_HEADERS = [
    "Kế hoạch",
    "Phụ lục",
    "Mục",
    "STT",
    "Thứ tự",
    "Nội dung",
    "Đơn vị chủ trì",
    "Chủ trì thứ nhất",
    "Đơn vị phối hợp",
    "Thời gian",
    "Bắt đầu",
    "Kết thúc",
    "Thường xuyên",
    "Lĩnh vực",
    "Đối tác",
    "Ghi chú",
    "Kinh phí",
    "Trạng thái",
]


def seed_plan(number: str, province: str) -> Plan:
    plan = plan_get_by_number(number=number, province=province)
    assert plan is not None, number
    return plan


def workbook_of(plan: Plan):
    return load_workbook(BytesIO(render_plan_xlsx(plan).content))


def printed_tasks(plan: Plan):
    return [row.task for row in plan_rows(plan) if row.kind == "task"]


def expected_lead(task) -> str:
    return task.lead_text or "; ".join(lead.agency.name for lead in task.leads.all())


def header_row_of(ws) -> int:
    """The row of column headers: the first one whose first cell reads "STT"."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        if fold(str(row[0].value or "")) == "stt":
            return row[0].row
    raise AssertionError(f"no header row in {ws.title}")


def table_sheets(wb):
    return [wb[name] for name in wb.sheetnames if name not in (DATA_SHEET, ROLES_SHEET)]


def column_of(ws, header_row: int, key: str) -> int:
    for cell in ws[header_row]:
        if column_key(str(cell.value or "")) == key:
            return cell.column
    raise AssertionError(f"no {key} column in {ws.title}")


@pytest.mark.parametrize(("number", "province"), SEED_PLANS)
def test_every_task_is_printed_in_order_with_its_lead(number, province):
    plan = seed_plan(number, province)
    wb = workbook_of(plan)
    printed = []  # (content, lead) of every task row, sheet after sheet
    for ws in table_sheets(wb):
        header = header_row_of(ws)
        content_col = column_of(ws, header, "content")
        lead_col = column_of(ws, header, "lead")
        for row in ws.iter_rows(min_row=header + 1):
            if row[content_col - 1].value:  # section rows hold their label in column A only
                printed.append((row[content_col - 1].value, row[lead_col - 1].value or ""))
    expected = [(task.content, expected_lead(task)) for task in printed_tasks(plan)]
    assert printed == expected


@pytest.mark.parametrize(("number", "province"), SEED_PLANS)
def test_every_table_sheet_prints_like_the_appendix(number, province):
    plan = seed_plan(number, province)
    wb = workbook_of(plan)
    assert wb.sheetnames[-2:] == [DATA_SHEET, ROLES_SHEET]
    for ws in table_sheets(wb):
        header = header_row_of(ws)
        last = get_column_letter(ws.max_column)
        # Headings above the table are merged across its width and centred.
        merged = {str(r) for r in ws.merged_cells.ranges}
        for row in range(1, header - 1):
            assert f"A{row}:{last}{row}" in merged
            assert ws.cell(row, 1).alignment.horizontal == "center"
        assert ws.cell(header, 1).font.name == "Times New Roman"
        assert ws.cell(header, 1).font.bold and ws.cell(header, 1).font.sz == 12
        assert ws.cell(header, 2).border.left.style == "thin"
        # Frozen below the header row, which is repeated on every printed page.
        assert ws.freeze_panes == f"A{header + 1}"
        assert ws.print_title_rows == f"${header}:${header}"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.page_margins.left == pytest.approx(3 / 2.54)
        assert ws.oddHeader.center.text == "&P"
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[header]]
        content_col = column_of(ws, header, "content")
        assert max(widths) == widths[content_col - 1]


def test_165_sheets_headings_and_merged_section_rows():
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
    wb = workbook_of(plan)
    assert wb.sheetnames == ["Phụ lục I", "Phụ lục II", DATA_SHEET, ROLES_SHEET]
    ws = wb["Phụ lục I"]
    assert [ws.cell(row, 1).value for row in range(1, 5)] == [
        "PHỤ LỤC I",
        "KẾ HOẠCH HỢP TÁC GIỮA TỈNH QUẢNG TRỊ VÀ TỈNH SAVANNAKHET",
        "(Giai đoạn 2020 - 2022)",
        "(Kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 của UBND tỉnh Quảng Trị)",
    ]
    assert ws["A1"].font.bold and ws["A4"].font.italic and not ws["A4"].font.bold
    header = header_row_of(ws)
    assert [c.value for c in ws[header]] == [
        "STT",
        "NỘI DUNG CÔNG VIỆC",
        "ĐƠN VỊ CHỦ TRÌ",
        "ĐƠN VỊ PHỐI HỢP",
        "THỜI GIAN",
        "GHI CHÚ",
    ]
    # Section rows: number and title as printed (the "1" is a misprint for "I." kept as is),
    # merged across all six columns, bold.
    sections = {
        c.value: c.row
        for c in ws["A"]
        if isinstance(c.value, str) and c.value.startswith(("1 Hợp tác", "II. Hợp tác"))
    }
    assert len(sections) == 2
    merged = {str(r) for r in ws.merged_cells.ranges}
    for row in sections.values():
        assert f"A{row}:F{row}" in merged
        assert ws.cell(row, 1).font.bold
        assert ws.cell(row, 2).value is None
    first = sections["1 Hợp tác về Chính trị, Đối ngoại, Quân sự, An ninh và biên giới"]
    assert [c.value for c in ws[first + 1]][:5] == [
        "1.",
        "Tổ chức Hội đàm cấp cao giữa tỉnh Quảng Trị và tỉnh Savannakhet để đánh giá việc thực "
        "hiện thỏa thuận giai đoạn 2020 - 2022 và ký Văn bản thỏa thuận hợp tác giai đoạn "
        "2023-2025 tại tỉnh Savannakhet.",
        "Sở Ngoại vụ",
        "Văn phòng Tỉnh ủy, Văn phòng UBND tỉnh và các cơ quan liên quan",
        "2022",
    ]
    # Task 26 names two leads on two printed lines; the cell keeps them.
    assert "Sở Ngoại vụ\nSở Nội vụ" in [c.value for c in ws["C"]]
    assert wb["Phụ lục II"]["A1"].value == "PHỤ LỤC II"


def test_592_prints_its_own_columns_with_the_field():
    plan = seed_plan("592/KH-UBND", "Khánh Hòa")
    wb = workbook_of(plan)
    assert wb.sheetnames == ["Kế hoạch", DATA_SHEET, ROLES_SHEET]
    ws = wb["Kế hoạch"]
    assert ws["A1"].value == "III. NHIỆM VỤ CỤ THỂ"
    header = header_row_of(ws)
    assert [c.value for c in ws[header]] == [
        "STT",
        "Nội dung",
        "Cơ quan/ đơn vị chủ trì",
        "Cơ quan/đơn vị phối hợp thực hiện",
        "Thời gian thực hiện",
        "Lĩnh vực",
    ]
    rows = {
        ws.cell(r, 1).value: [c.value for c in ws[r]] for r in range(header + 1, ws.max_row + 1)
    }
    assert rows["1."][4:] == ["Quý I năm 2022", "Ngoại vụ"]
    assert rows["19."][2] == "Sở Nội vụ; Sở Ngoại vụ"
    assert rows["12."][3] is None  # no coordinating agency printed


def test_data_sheet_has_one_row_per_task_with_real_dates():
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")
    tasks = printed_tasks(plan)
    ws = workbook_of(plan)[DATA_SHEET]
    assert [c.value for c in ws[1]] == DATA_HEADERS
    assert ws.max_row - 1 == len(tasks) == 49
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:R{len(tasks) + 1}"
    first = {h: c for h, c in zip(DATA_HEADERS, ws[2], strict=True)}
    assert first["Kế hoạch"].value == "165/QĐ-UBND"
    assert first["Phụ lục"].value == "Phụ lục I"
    assert first["Mục"].value.startswith("1 Hợp tác về Chính trị")
    assert first["Đơn vị chủ trì"].value == "Sở Ngoại vụ"
    assert first["Đối tác"].value == "Savannakhet"
    assert first["Thường xuyên"].value == "Không"
    assert first["Trạng thái"].value == "Chưa triển khai"
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(DATA_HEADERS, row, strict=True))
        for name in ("Bắt đầu", "Kết thúc"):
            assert isinstance(cells[name].value, datetime) and cells[name].is_date
            assert cells[name].number_format == "dd/mm/yyyy"
    # Excel dates carry no time zone: openpyxl reads them back as naive midnights.
    assert (first["Bắt đầu"].value.date(), first["Kết thúc"].value.date()) == (
        date(2022, 1, 1),
        date(2022, 12, 31),
    )
    # Full agency names, not the printed abbreviation ("BCH Quân sự tỉnh Đội quy tập 584").
    leads = [row[DATA_HEADERS.index("Đơn vị chủ trì")].value for row in ws.iter_rows(min_row=2)]
    assert "Bộ Chỉ huy Quân sự tỉnh; Đội quy tập 584" in leads
    # The 2 tỷ a year for the Savannakhet students: three budget lines, one number.
    money = DATA_HEADERS.index("Kinh phí")
    budgets = [row[money] for row in ws.iter_rows(min_row=2) if row[money].value is not None]
    funded = {t.pk for t in tasks if BudgetLine.objects.filter(task=t).exists()}
    assert len(budgets) == len(funded)
    assert budgets[0].value == 6_000_000_000
    assert budgets[0].number_format == "#,##0"


@pytest.mark.parametrize(("number", "province"), SEED_PLANS)
def test_data_sheet_counts_the_tasks_of_every_seed_plan(number, province):
    plan = seed_plan(number, province)
    ws = workbook_of(plan)[DATA_SHEET]
    tasks = printed_tasks(plan)
    assert ws.max_row - 1 == len(tasks)
    dated = [t for t in tasks if t.start_date]
    start = DATA_HEADERS.index("Bắt đầu")
    start_cells = [row[start] for row in ws.iter_rows(min_row=2) if row[start].value is not None]
    assert len(start_cells) == len(dated)
    assert all(isinstance(c.value, datetime) for c in start_cells)


def test_plan_without_tasks_still_has_its_header_rows():
    plan = seed_plan("3289/QĐ-UBND", "Quảng Trị")
    assert not printed_tasks(plan)
    wb = workbook_of(plan)
    assert wb.sheetnames == ["Kế hoạch", DATA_SHEET, ROLES_SHEET]
    ws = wb["Kế hoạch"]
    header = header_row_of(ws)
    assert [c.value for c in ws[header]][1] == "Nội dung công việc"
    assert ws.max_row == header
    assert ws.freeze_panes == f"A{header + 1}"
    assert wb[DATA_SHEET].max_row == 1


def test_text_comes_out_literally(quang_tri):
    plan = Plan.objects.create(
        province=quang_tri, kind="plan", number="9/KH-UBND", title="Thử", start_year=2024,
        end_year=2024,
    )  # fmt: skip
    appendix = section_create(plan=plan, kind="appendix", number="PHỤ LỤC I", title="A & <B>")
    task_create(
        plan=plan,
        section=appendix,
        number="1.",
        content="<b>x</b> & 'y'",
        lead_text='Sở "A" & B',
        note="=SUM(A1:A9)",
        coordinating_text="dòng 1\x0bdòng 2",
    )
    ws = workbook_of(plan)["Phụ lục I"]
    header = header_row_of(ws)
    values = [c.value for c in ws[header + 1]]
    assert values[:3] == ["1.", "<b>x</b> & 'y'", 'Sở "A" & B']
    assert values[3] == "dòng 1dòng 2"  # a control character Excel would refuse is dropped
    assert values[5] == "=SUM(A1:A9)" and ws.cell(header + 1, 6).data_type == "s"
    assert ws["A2"].value == "A & <B>"


def test_sheet_names_are_short_unique_and_legal(quang_tri):
    plan = Plan.objects.create(
        province=quang_tri, kind="plan", number="10/KH-UBND", title="Thử", start_year=2024,
        end_year=2024,
    )  # fmt: skip
    names = ["PHỤ LỤC I", "PHỤ LỤC I", "Phụ lục [2]: một tên dài hơn giới hạn"]
    for position, number in enumerate(names):
        section = section_create(plan=plan, kind="appendix", number=number)
        task_create(plan=plan, section=section, content=f"Việc {position}")
    sheetnames = load_workbook(BytesIO(render_plan_xlsx(plan).content)).sheetnames
    assert sheetnames[:2] == ["Phụ lục I", "Phụ lục I (2)"]
    assert len(sheetnames[2]) <= 31 and not set("[]:*?/\\") & set(sheetnames[2])
    assert len({n.casefold() for n in sheetnames}) == 5


def test_filename_and_content_type():
    export = render_plan_xlsx(seed_plan("165/QĐ-UBND", "Quảng Trị"))
    assert export.filename == "ke-hoach-165-QD-UBND-2020.xlsx"
    assert export.content_type == CONTENT_TYPES["xlsx"]
    assert export.content[:2] == b"PK"


def test_queries_do_not_grow_with_the_tasks(django_assert_num_queries):
    plan = seed_plan("165/QĐ-UBND", "Quảng Trị")  # province fetched with the plan
    # sections; tasks (values); their lead agencies' names; coordinating agencies' names;
    # partners' names; budget totals.
    with django_assert_num_queries(6):
        render_plan_xlsx(plan)


def test_columns_map_printed_headers_by_meaning():
    assert [column_key(h) for h in Section(columns=[]).table_columns] == [
        "number",
        "content",
        "lead",
        "coordinating",
        "timeframe",
        "note",
    ]
    printed = [
        "STT",
        "Nội dung",
        "Cơ quan/ đơn vị chủ trì",
        "Cơ quan/đơn vị phối hợp thực hiện",
        "Thời gian thực hiện",
        "Lĩnh vực",
    ]
    columns = columns_for(Section(columns=printed))
    assert [c.key for c in columns] == [
        "number",
        "content",
        "lead",
        "coordinating",
        "timeframe",
        "field",
    ]
    assert [c.header for c in columns] == printed
    assert max(columns, key=lambda c: c.width).key == "content"
    assert column_key("ĐƠN VỊ CHỦ TRÌ") == column_key("don vi chu tri") == "lead"
    assert column_key("Ghi chú") == "note" and column_key("Mã số") == "other"


def test_task_cell_falls_back_to_the_lead_agencies():
    plan = seed_plan("592/KH-UBND", "Khánh Hòa")
    task = next(t for t in printed_tasks(plan) if t.number == "22.")
    assert task_cell(task, "lead") == task.lead_text
    task.lead_text = ""
    assert task_cell(task, "lead") == ("Đài Phát thanh và Truyền hình Khánh Hòa; Báo Khánh Hòa")
    assert task_cell(task, "field") == "Thông tin và truyền thông"
    assert task_cell(task, "other") == ""
