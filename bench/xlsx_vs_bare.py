"""How much our plan workbook costs against raw openpyxl write-only, on a plan of many tasks.

    .venv/bin/python bench/xlsx_vs_bare.py [tasks] [runs]      # settings: coopplan.settings.dev

A temporary SQLite database is migrated and filled with one plan of ``tasks`` tasks (10,000 by
default) in two appendices, each with a lead agency, a coordinating text, a timeframe and a
note of realistic length; it is removed afterwards.

"Ours" is ``render_plan_xlsx(plan)`` end to end: database reads, the printable appendix sheets
(styles, merged section rows, row heights measured with the shipped font), the "Dữ liệu" sheet
and the task × agency sheet. "Bare" is openpyxl in write-only mode writing the same cell values
(every sheet of our workbook, read back once before timing) with no style and no height. The
issue asks for ours ≤ 1.1 × bare. Prints figures, asserts nothing.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

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


def bare_sheets(content: bytes) -> dict[str, list[tuple]]:
    """Every sheet's cell values of our workbook, read once before timing."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def bare(sheets: dict[str, list[tuple]]) -> bytes:
    """The same values with openpyxl write-only: no style, no height, no merge, no database."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
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


def main() -> None:
    from django.core.management import call_command

    from tasks.exporters.plan_xlsx import render_plan_xlsx

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    call_command("migrate", verbosity=0, interactive=False)
    plan = fill(count)
    sheets = bare_sheets(render_plan_xlsx(plan).content)
    rows = [row for sheet in sheets.values() for row in sheet]
    ours = median_seconds(lambda: render_plan_xlsx(plan), runs)
    raw = median_seconds(lambda: bare(sheets), runs)
    print(f"{count} tasks, median CPU time of {runs} runs after one warm-up")
    print(f"ours (render_plan_xlsx): {ours:.2f} s")
    print(f"bare openpyxl write-only, same values ({len(rows)} rows): {raw:.2f} s")
    print(f"ratio ours / bare: {ours / raw:.2f}  (target ≤ 1.10)")


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
