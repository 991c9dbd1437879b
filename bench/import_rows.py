"""The import of a 1,000-row plan table, and carry-forward of its tasks: time and statements.

    .venv/bin/python bench/import_rows.py                       # SQLite, var/bench-import.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopplan_import .venv/bin/python \\
        bench/import_rows.py

The database is the script's own (migrated and seeded with the five documents once). Measured,
each run rolled back: the confirm step of the import (``plan_import``: plan, sections, tasks,
leads, links, history) of an XLSX of N rows built from the seed's agencies, then
``plan_carry_forward`` of those N tasks; for each, median wall time of three runs and the SQL
statements of one (``CaptureQueriesContext``, not capped). The CPU time of this process is
printed beside the wall time: on a shared machine the wall time is mostly waiting for a core.
``--per-row`` also times the old way, ``task_create`` once per row, for comparison.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup() -> str:
    if not os.environ.get("DATABASE_URL"):
        (BASE_DIR / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BASE_DIR / 'var' / 'bench-import.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopplan.settings.dev")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from agreements.models import Plan

    if not Plan.objects.exists():
        from devdata.seed import seed_load

        seed_load()
    return os.environ["DATABASE_URL"].split("@")[-1]


def _roman(value: int) -> str:
    letters = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for amount, letter in letters:
        while value >= amount:
            out, value = out + letter, value - amount
    return out


def workbook(rows: int) -> bytes:
    """Quảng Trị's plan table: sections of 50 rows, names as the seed prints them."""
    from openpyxl import Workbook

    from agreements.models import Agency

    names = list(
        Agency.objects.filter(province__name="Quảng Trị", active=True)
        .order_by("name")
        .values_list("name", flat=True)
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục I"
    sheet.append(["PHỤ LỤC I"])
    sheet.append(["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian"])
    for number in range(1, rows + 1):
        if number % 50 == 1:
            sheet.append([_roman(number // 50 + 1), f"Lĩnh vực {number // 50 + 1}"])
        lead = names[number % len(names)]
        if number % 3 == 0:
            lead += "; " + names[(number * 7) % len(names)]
        coordinating = "; ".join(names[(number * k) % len(names)] for k in (3, 5))
        sheet.append(
            [
                f"{number}.",
                f"Nhiệm vụ hợp tác số {number}: trao đổi đoàn, đào tạo, xúc tiến đầu tư",
                lead,
                coordinating,
                "6/2027 - 12/2028" if number % 2 else "Quý I/2027 - Quý IV/2028",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure(label: str, action, prepare=None, runs: int = 3) -> None:
    """Median time of ``action(prepared)`` and its statements, each run rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    times, cpu = [], []
    statements = 0
    for _run in range(runs):
        with transaction.atomic():
            prepared = prepare() if prepare else None
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                action(prepared)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            statements = len(queries)
            transaction.set_rollback(True)
    print(
        f"  {label:<50} {statistics.median(times):7.2f} s "
        f"(CPU Python {statistics.median(cpu):5.2f} s)  {statements:5d} câu SQL"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--per-row", action="store_true", help="also time task_create per row")
    args = parser.parse_args()
    where = setup()

    from accounts.models import User
    from agreements.models import Locality
    from agreements.services import AgencyIndex
    from tasks.importers.parser import lead_agency_names, parse_grids
    from tasks.importers.reader import read_document
    from tasks.importers.service import _Resolver, plan_import
    from tasks.services import plan_carry_forward, task_create

    province = Locality.objects.get(name="Quảng Trị", country="VN")
    partner = Locality.objects.get(name="Savannakhet")
    user = User.objects.filter(is_superuser=True).first()
    data = workbook(args.rows)
    started = time.perf_counter()
    parsed = parse_grids(read_document(data))
    parse_time = time.perf_counter() - started
    print(f"{args.rows} dòng, {len(data) / 1024:.0f} KiB, cơ sở dữ liệu {where}")
    print(f"  {'đọc và phân tích tệp (không ghi)':<44} {parse_time:7.2f} s")

    def run_import(_prepared=None):
        return plan_import(
            parsed=parsed,
            province=province,
            number="9999/KH-UBND",
            title="Kế hoạch thử 1.000 dòng",
            partner=partner,
            create_agencies=True,
            user=user,
        )

    measure(f"nhập (bước xác nhận): {len(parsed.tasks)} nhiệm vụ", run_import)

    def run_carry_forward(plan):
        plan_carry_forward(
            plan=plan,
            number="9998/KH-UBND",
            title="Kế hoạch tiếp theo",
            start_year=2029,
            end_year=2030,
            user=user,
        )

    measure(f"chuyển tiếp {len(parsed.tasks)} nhiệm vụ", run_carry_forward, run_import)

    if args.per_row:
        resolver = _Resolver(province, AgencyIndex.for_province(province), {}, False)

        def run_per_row(plan):
            for position, item in enumerate(parsed.tasks, start=1):
                names = lead_agency_names(item.lead_text, resolver)
                task_create(
                    plan=plan,
                    content=item.content,
                    number=item.number,
                    lead_agencies=[a for a in map(resolver.resolve, names) if a],
                    lead_text=item.lead_text,
                    coordinating_text=item.coordinating_text,
                    timeframe_text=item.timeframe,
                    position=100_000 + position,
                )

        measure("task_create từng dòng (cách cũ), không kể kế hoạch", run_per_row, run_import, 1)


if __name__ == "__main__":
    main()
