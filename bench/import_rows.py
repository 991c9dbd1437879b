"""The import of a 1,000-row plan table as a coordinator does it, and carry-forward of its tasks.

    .venv/bin/python bench/import_rows.py                       # SQLite, var/bench-import.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopplan_import .venv/bin/python \\
        bench/import_rows.py

The database is the script's own (migrated and seeded with the five documents once). Measured,
each run rolled back: the import through its pages (``import_through_pages``, Django's test
client): the upload of an XLSX of N rows built from the seed's agencies (the file read and
checked), the preview (agencies matched, every row shown), the confirmation (the plan, sections,
tasks, leads, links, history); the target (issue 14: under 2 s for 1,000 rows) is for the three
together, what a coordinator waits through. The plan's page the confirmation leads to is timed
too and printed apart: it lists every task, and is the plan page's cost, not the import's. Then
``plan_carry_forward`` of those N tasks. For each, the median wall time of three runs, the CPU
time of this process (on a shared machine the wall time is mostly waiting for a core), and the
SQL statements of a run (counted through ``connection.execute_wrapper``: no cap). ``--per-row``
also times the old way, ``task_create`` once per row, for comparison.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup() -> str:
    if not os.environ.get("DATABASE_URL"):
        (BASE_DIR / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{BASE_DIR / 'var' / 'bench-import.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopplan.settings.dev")
    os.environ.setdefault("DEV_TASK_WORKER", "1")  # tasks queued, as in production
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
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


IMPORT_TARGET = 2.0  # seconds for 1,000 rows, upload to saved plan (issue 14)
STEPS = ("upload", "preview", "confirm")


@dataclass
class ImportRun:
    """One import through the pages: per step, wall and CPU seconds and SQL statements."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    tasks: int = 0
    # The plan's page the confirmation leads to: shown, not counted in the import's target
    # (it is the plan page's cost, whatever made the plan; the page lists every task).
    landing: float = 0.0

    @property
    def total(self) -> float:
        return sum(self.wall.values())


@contextmanager
def _step(run: ImportRun, name: str):
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started, started_cpu = time.perf_counter(), time.process_time()
        yield
        run.wall[name] = time.perf_counter() - started
        run.cpu[name] = time.process_time() - started_cpu
    run.queries[name] = count[0]


def import_through_pages(client, data: bytes, *, number: str, filename: str) -> ImportRun:
    """Upload ``data`` on /plans/import/, open the preview, confirm it (every printed name
    without a match created, as a coordinator would choose there), then roll everything back.
    ``client`` is logged in as a coordinator of the province."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from agreements.models import Plan

    run = ImportRun()
    with transaction.atomic():
        with _step(run, "upload"):
            response = client.post(
                "/plans/import/",
                {
                    "file": SimpleUploadedFile(filename, data),
                    "number": number,
                    "title": "Kế hoạch hợp tác năm 2027",
                },
            )
        if response.status_code != 302:
            raise SystemExit(f"Tải tệp nhập lên không thành công (HTTP {response.status_code}).")
        with _step(run, "preview"):
            response = client.get("/plans/import/preview/")
        if response.status_code != 200:
            raise SystemExit(f"Trang xem trước không mở được (HTTP {response.status_code}).")
        unmatched = re.findall(r'<select name="(map-[0-9]+)"', response.content.decode())
        with _step(run, "confirm"):
            response = client.post("/plans/import/preview/", dict.fromkeys(unmatched, "__create__"))
        plan = Plan.objects.filter(number=number).first()
        if response.status_code != 302 or plan is None:
            raise SystemExit("Nhập kế hoạch không thành công: không có kế hoạch mới.")
        run.tasks = plan.tasks.count()
        started = time.perf_counter()
        client.get(response["Location"])
        run.landing = time.perf_counter() - started
        transaction.set_rollback(True)
    return run


def _seconds(values) -> str:
    return f"{statistics.median(values):7.2f} s"


def import_report(runs: list[ImportRun], rows: int) -> bool | None:
    """Print the steps (medians) and the total beside the target; whether it is met (None: the
    target is for 1,000 rows, and this was another number)."""
    for name, label in zip(
        STEPS,
        ("tải lên (đọc, kiểm tra tệp)", "xem trước (đối chiếu cơ quan)", "xác nhận (lưu)"),
        strict=True,
    ):
        print(
            f"  {label:<50} {_seconds([r.wall[name] for r in runs])} "
            f"(CPU Python {statistics.median(r.cpu[name] for r in runs):5.2f} s)  "
            f"{runs[-1].queries[name]:5d} câu SQL"
        )
    total = statistics.median(r.total for r in runs)
    ok = total < IMPORT_TARGET if rows == 1000 else None
    verdict = "" if ok is None else " ✓" if ok else " ✗"
    print(
        f"  {'cả ba bước: ' + str(runs[-1].tasks) + ' nhiệm vụ':<50} {total:7.2f} s "
        f"(CPU Python {statistics.median(sum(r.cpu.values()) for r in runs):5.2f} s)  "
        f"{sum(runs[-1].queries.values()):5d} câu SQL   "
        f"mục tiêu (1.000 dòng) < {IMPORT_TARGET:g} s{verdict}"
    )
    print(
        f"  {'rồi trang kế hoạch vừa nhập (không tính)':<50} {_seconds([r.landing for r in runs])}"
    )
    return ok


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

    from django.test import Client

    from accounts.models import Role, User
    from agreements.models import Agency, Locality
    from agreements.services import AgencyIndex
    from tasks.importers.parser import lead_agency_names, parse_grids
    from tasks.importers.reader import read_document
    from tasks.importers.service import _Resolver, plan_import
    from tasks.services import plan_carry_forward, task_create

    province = Locality.objects.get(name="Quảng Trị", country="VN")
    partner = Locality.objects.get(name="Savannakhet")
    user = User.objects.filter(is_superuser=True).first()
    coordinator, _created = User.objects.get_or_create(
        username="bench-import",
        defaults={
            "role": Role.COORDINATOR,
            "province": province,
            "agency": Agency.objects.filter(province=province, name="Sở Ngoại vụ").first(),
            "email": "bench@localhost",
        },
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(coordinator)
    client.get("/plans/import/")  # the upload page, opened first: the process is warm
    data = workbook(args.rows)
    print(f"{args.rows} dòng, {len(data) / 1024:.0f} KiB, cơ sở dữ liệu {where}")
    print(f"  tải máy (1/5/15 phút): {' / '.join(f'{v:.1f}' for v in os.getloadavg())}")
    runs = [
        import_through_pages(client, data, number="9999/KH-UBND", filename="ke-hoach.xlsx")
        for _run in range(3)
    ]
    import_report(runs, args.rows)
    parsed = parse_grids(read_document(data))

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
