"""How much our plan workbook costs against raw openpyxl write-only, on a plan of many tasks.

    .venv/bin/python bench/xlsx_vs_bare.py [tasks] [runs] [--json]   # coopplan.settings.dev

A temporary SQLite database is migrated and filled with one plan of ``tasks`` tasks (10,000 by
default) in two appendices, each with a lead agency, a coordinating text, a timeframe and a
note of realistic length; it is removed afterwards.

"Ours" is ``render_plan_xlsx(plan)`` end to end: database reads, the printable appendix sheets
(styles, merged section rows, row heights measured with the shipped font), the "Dữ liệu" sheet
and the task × agency sheet. "Bare" is what an openpyxl expert would write by hand for the same
document, with no database and no measuring: our workbook is read back once before timing, and
bare writes, in write-only mode, the same cells (value and style), the same row heights, merged
ranges and column widths. Its styles are built once (one ``NamedStyle`` per distinct cell style,
registered once per workbook) and each cell is a ``WriteOnlyCell`` given its style by name. The
issue asks for ours ≤ 1.1 × bare. Printed too: the old baseline (the same values with no style,
no height and no merge), and bare taking the two openpyxl shortcuts our writer takes (shared
style arrays, cells placed directly: private API), which shows how much of the ratio they make.
Prints figures (``--json``: one JSON object, for bench/run.py), asserts nothing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

TARGET = 1.1  # ours / bare, issue 14

CONTENT = (
    "Phối hợp tổ chức các hoạt động giao lưu, trao đổi đoàn, hội thảo chuyên đề về hợp tác "
    "phát triển kinh tế, thương mại, đầu tư giữa hai tỉnh; nhiệm vụ số {n}"
)


def fill(count: int):
    from agreements.models import Agency, Locality, Plan
    from tasks.models import Section, Task, TaskLead

    province = Locality.objects.create(name="Tỉnh Thử", country="VN")
    agency = Agency.objects.create(province=province, name="Sở Ngoại vụ")
    plan = Plan.objects.create(
        province=province, kind="plan", number="1/KH-UBND", title="Thử", start_year=2025,
        end_year=2026,
    )  # fmt: skip
    sections = [
        Section.objects.create(
            plan=plan, kind="appendix", number=f"PHỤ LỤC {n}", title="Nhiệm vụ", position=n
        )
        for n in (1, 2)
    ]
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            section=sections[n % 2],
            number=f"{n}.",
            content=CONTENT.format(n=n),
            coordinating_text="Sở Công thương, Sở Kế hoạch và Đầu tư, UBND các huyện",
            timeframe_text="Năm 2025",
            note="Hằng năm",
            position=n,
        )
        for n in range(1, count + 1)
    )
    TaskLead.objects.bulk_create(TaskLead(task=task, agency=agency, order=0) for task in tasks)
    return plan


@dataclass
class BareSheet:
    """One sheet of our workbook as bare writes it: every cell as (value, style name, quoted)."""

    title: str
    widths: dict[str, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    rows: list[list[tuple | None]] = field(default_factory=list)


@dataclass
class BareDocument:
    sheets: list[BareSheet]
    styles: list  # NamedStyle, built once


def bare_document(content: bytes) -> BareDocument:
    """Our workbook read back once (before timing): values, styles, heights, merges, widths."""
    from openpyxl import load_workbook
    from openpyxl.styles import NamedStyle

    book = load_workbook(io.BytesIO(content))
    styles: dict[int, NamedStyle] = {}
    sheets = []
    for ws in book.worksheets:
        sheet = BareSheet(title=ws.title)
        sheet.widths = {
            letter: dim.width for letter, dim in ws.column_dimensions.items() if dim.customWidth
        }
        sheet.heights = {
            index: dim.height for index, dim in ws.row_dimensions.items() if dim.height
        }
        sheet.merged = [str(merged) for merged in ws.merged_cells.ranges]
        for row in ws.iter_rows():
            cells: list[tuple | None] = []
            for cell in row:
                style_id = cell.style_id
                if cell.value is None and not style_id:
                    cells.append(None)
                    continue
                if style_id not in styles:
                    styles[style_id] = NamedStyle(
                        name=f"bare {len(styles)}",
                        font=copy(cell.font),
                        fill=copy(cell.fill),
                        border=copy(cell.border),
                        alignment=copy(cell.alignment),
                        number_format=cell.number_format,
                        protection=copy(cell.protection),
                    )
                cells.append((cell.value, styles[style_id].name, bool(cell.quotePrefix)))
            while cells and cells[-1] is None:
                cells.pop()
            sheet.rows.append(cells)
        sheets.append(sheet)
    return BareDocument(sheets=sheets, styles=list(styles.values()))


def bare(document: BareDocument) -> bytes:
    """The same cells, styles, heights and merges with openpyxl write-only, no database."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for style in document.styles:
        workbook.add_named_style(style)
    for sheet in document.sheets:
        ws = workbook.create_sheet(sheet.title)
        for letter, width in sheet.widths.items():
            ws.column_dimensions[letter].width = width
        for ref in sheet.merged:
            ws.merged_cells.add(ref)
        heights = sheet.heights
        for index, values in enumerate(sheet.rows, start=1):
            if index in heights:
                ws.row_dimensions[index].height = heights[index]
            row = []
            for item in values:
                if item is None:
                    row.append(None)
                    continue
                value, style, quoted = item
                cell = WriteOnlyCell(ws, value=value)
                cell.style = style
                if quoted:
                    cell.data_type = "s"
                    cell.quotePrefix = True
                row.append(cell)
            ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_shortcuts(document: BareDocument) -> bytes:
    """:func:`bare` with the two openpyxl shortcuts our writer (agreements/xlsx.py) takes: cells
    of one style share its style array, and rows of cells are placed without openpyxl's
    try-as-a-value first. Not what the target is measured against (private API); printed so
    that the share of the ratio owed to those shortcuts is visible."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    def place(cells, row_idx):
        for column, cell in enumerate(cells, 1):
            cell.column = column
            cell.row = row_idx
            yield cell

    workbook = Workbook(write_only=True)
    for style in document.styles:
        workbook.add_named_style(style)
    for sheet in document.sheets:
        ws = workbook.create_sheet(sheet.title)
        ws._values_to_row = place
        arrays = {}
        for style in document.styles:
            probe = WriteOnlyCell(ws)
            probe.style = style.name
            arrays[style.name] = probe._style
        for letter, width in sheet.widths.items():
            ws.column_dimensions[letter].width = width
        for ref in sheet.merged:
            ws.merged_cells.add(ref)
        heights = sheet.heights
        for index, values in enumerate(sheet.rows, start=1):
            if index in heights:
                ws.row_dimensions[index].height = heights[index]
            row = []
            for item in values:
                cell = WriteOnlyCell(ws)
                if item is not None:
                    value, style, quoted = item
                    if value is not None:
                        cell.value = value
                    cell._style = copy(arrays[style]) if quoted else arrays[style]
                    if quoted:
                        cell.data_type = "s"
                        cell.quotePrefix = True
                row.append(cell)
            ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_values(document: BareDocument) -> list[tuple[str, list[list]]]:
    return [
        (sheet.title, [[None if item is None else item[0] for item in row] for row in sheet.rows])
        for sheet in document.sheets
    ]


def bare_unstyled(sheets: list[tuple[str, list[list]]]) -> bytes:
    """The old baseline: the same values only (no style, no height, no merge)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def median_seconds(func, runs: int) -> float:
    """Median CPU time of the process (the machine is shared: wall time says more about the
    neighbours than about us)."""
    func()
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def compare(count: int, runs: int) -> dict:
    """Ours, bare (same cells) and bare without styles, median CPU seconds."""
    from django.core.management import call_command

    from tasks.exporters.plan_xlsx import render_plan_xlsx

    call_command("migrate", verbosity=0, interactive=False)
    plan = fill(count)
    document = bare_document(render_plan_xlsx(plan).content)
    values = bare_values(document)
    return {
        "tasks": count,
        "runs": runs,
        "rows": sum(len(sheet.rows) for sheet in document.sheets),
        "styles": len(document.styles),
        "ours": median_seconds(lambda: render_plan_xlsx(plan), runs),
        "bare": median_seconds(lambda: bare(document), runs),
        "unstyled": median_seconds(lambda: bare_unstyled(values), runs),
        "shortcuts": median_seconds(lambda: bare_shortcuts(document), runs),
    }


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    count = int(args[0]) if args else 10_000
    runs = int(args[1]) if len(args) > 1 else 3
    figures = compare(count, runs)
    if "--json" in sys.argv:
        print(json.dumps(figures))
        return
    ours, raw, unstyled = figures["ours"], figures["bare"], figures["unstyled"]
    print(f"{count} tasks, median CPU time of {runs} runs after one warm-up")
    print(f"ours (render_plan_xlsx): {ours:.2f} s")
    print(
        f"bare openpyxl write-only, same cells ({figures['rows']} rows, values, "
        f"{figures['styles']} named styles, heights, merges): {raw:.2f} s"
    )
    print(f"ratio ours / bare: {ours / raw:.2f}  (target ≤ {TARGET:.2f})")
    print(
        f"(old baseline, same values without style, height or merge: {unstyled:.2f} s, "
        f"ratio {ours / unstyled:.2f})"
    )
    shortcuts = figures["shortcuts"]
    print(
        f"(bare with our writer's two openpyxl shortcuts, private API: {shortcuts:.2f} s, "
        f"ratio {ours / shortcuts:.2f})"
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopplan.settings.dev")
    temp_dir = tempfile.mkdtemp(prefix="coopplan-xlsx-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{temp_dir}/bench.sqlite3"
    import django

    django.setup()
    try:
        main()
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
