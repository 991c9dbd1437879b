"""`make bench`: figures on national-scale data. Prints tables; asserts nothing.

    make bench                                   # SQLite file var/bench.sqlite3
    make bench BENCH_SCALE=small                 # a quick run, var/bench-small.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopplan_bench make bench

The database is the bench's own: created and migrated if missing, then filled once with the
national data of ``generate_scale_data`` (34 provinces × 5 plans × 60 tasks × 4 rounds, seed
2026) and one large round of Hà Nội over about 2,000 tasks, and reused by later runs.

Measured, in one process, with DEBUG off (settings: coopplan.settings.dev, DEBUG=0):

- pages through Django's test ``Client`` (``force_login``): median and p95 wall time of
  repeated requests after two warm-ups, and the SQL queries of one more request
  (counted through ``connection.execute_wrapper``, no cap; kept out of the timed requests);
  the process's loaded heap frozen out of the garbage collector first, as gunicorn.conf.py's
  ``post_worker_init`` does in each production worker;
- the repeat download of an unchanged plan PDF (served from the document store), and the
  same with the browser's ``If-None-Match`` (304);
- exports (a 60-task plan as PDF/XLSX/DOCX; the large round's summary and reminder letter):
  median time, then one more run under ``tracemalloc`` for the peak of Python allocations
  (tracemalloc slows a run down, so that run is not timed);
- the import of a 1,000-row XLSX through /plans/import/ (upload, preview, confirm), rolled back;
  its target is for the three steps together;
- three baselines in the same run: the Django admin changelist of the same tasks with the same
  filter (ratio of our task list to it), a bare WeasyPrint render of the same appendix HTML
  (ratio of our plan PDF to it, see bench/pdf_vs_bare.py), and raw openpyxl write-only writing
  the same cells as our workbook of a plan of many tasks (bench/xlsx_vs_bare.py, run as its
  own process on its own temporary SQLite database; CPU time).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

SEED = 2026
BIG_ROUND_NUMBER = "2000/UBND-ĐN"
BIG_ROUND_SUMMARY = (
    "V/v báo cáo tổng kết thực hiện các kế hoạch hợp tác với các địa phương nước ngoài"
)


@dataclass(frozen=True)
class Scale:
    provinces: int
    plans: int
    tasks: int
    rounds: int
    big_round_plans: int  # plans added to Hà Nội for the large round
    import_rows: int
    xlsx_tasks: int  # tasks of the plan workbook measured against raw openpyxl
    repeats: int  # timed requests per page
    export_runs: int  # timed runs per export
    subject: str  # the province whose pages are measured
    database: str  # SQLite file when DATABASE_URL is not set


SCALES = {
    "national": Scale(34, 5, 60, 4, 34, 1000, 10_000, 15, 3, "Nghệ An", "var/bench.sqlite3"),
    "small": Scale(3, 3, 20, 2, 10, 200, 1_000, 5, 1, "Lai Châu", "var/bench-small.sqlite3"),
}


def setup(scale: Scale) -> str:
    """Point Django at the bench database (made if missing) and return a description of it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = BASE_DIR / scale.database
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
        os.environ["DATABASE_URL"] = url
    elif url.startswith(("postgres://", "postgresql://")):
        postgres_database_ensure(url)
    # Figures for the real thing: no debug pages, no query log.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopplan.settings.dev"
    # Tasks queued in the database as in production (a worker's work is not a page's time).
    os.environ["DEV_TASK_WORKER"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url.split("@")[-1] if "@" in url else url


def postgres_database_ensure(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    params = {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    try:
        psycopg.connect(dbname=config["NAME"], **params).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        print(f"Đã tạo cơ sở dữ liệu {config['NAME']}.")


# -- data ---------------------------------------------------------------------------------------


def data_ensure(scale: Scale) -> str:
    """Generate the data once; later runs reuse it. Returns a line saying which."""
    from agreements.models import Plan
    from devdata.scale import PROVINCES, ScaleSpec, scale_generate, statistics_refresh
    from reports.models import ReportingRound

    hanoi = PROVINCES[0].name
    national = scale.provinces * scale.plans
    expected = national + scale.big_round_plans
    plans = Plan.objects.count()
    has_big = ReportingRound.objects.filter(request_number=BIG_ROUND_NUMBER).exists()
    if plans == expected and has_big:
        # A database made before scale_generate analysed its tables (autovacuum may be off).
        statistics_refresh()
        return f"Dữ liệu có sẵn: {plans} kế hoạch (seed {SEED}), dùng lại."
    if plans not in (0, national):
        raise SystemExit(
            f"Cơ sở dữ liệu đang có {plans} kế hoạch, không phải dữ liệu của bench "
            f"({national} hoặc {expected}). Hãy dùng một cơ sở dữ liệu riêng cho bench "
            "(xóa tệp SQLite của bench, hoặc đặt DATABASE_URL tới một cơ sở dữ liệu trống)."
        )
    lines = []
    if plans == 0:
        print("Tạo dữ liệu quy mô toàn quốc (một lần) …", flush=True)
        stats = scale_generate(
            ScaleSpec(
                provinces=scale.provinces,
                plans_per_province=scale.plans,
                tasks_per_plan=scale.tasks,
                rounds=scale.rounds,
                seed=SEED,
            )
        )
        lines.append(
            f"Tạo dữ liệu: {stats.tasks} nhiệm vụ, {stats.rounds} đợt, "
            f"{sum(stats.reports.values())} báo cáo, {stats.entries} dòng báo cáo "
            f"trong {stats.seconds:.0f} s."
        )
    print("Thêm đợt báo cáo lớn của Hà Nội …", flush=True)
    started = time.perf_counter()
    big = big_round_create(scale, hanoi)
    statistics_refresh()  # the large round's reports, written after scale_generate's ANALYZE
    lines.append(
        f"Đợt lớn {BIG_ROUND_NUMBER} ({hanoi}): {big} nhiệm vụ, "
        f"{time.perf_counter() - started:.0f} s."
    )
    return " ".join(lines)


def big_round_create(scale: Scale, province_name: str) -> int:
    from django.db import transaction

    from agreements.models import Locality, Plan, PlanStatus
    from devdata.scale import REFERENCE_DATE, ScaleSpec, round_generate, scale_generate
    from reports.selectors import round_tasks

    with transaction.atomic():
        scale_generate(
            ScaleSpec(
                provinces=1,
                plans_per_province=scale.big_round_plans,
                tasks_per_plan=scale.tasks,
                rounds=1,
                seed=SEED + 1,
                append=True,
            )
        )
        province = Locality.objects.get(country="VN", name=province_name)
        reporting_round = round_generate(
            province=province,
            plans=Plan.objects.filter(province=province)
            .exclude(status=PlanStatus.DRAFT)
            .order_by("pk"),
            year=REFERENCE_DATE.year,
            current=True,
            rng=random.Random(SEED),  # noqa: S311 - reproducible data
            request_number=BIG_ROUND_NUMBER,
            summary=BIG_ROUND_SUMMARY,
        )
        return round_tasks(reporting_round).count()


# -- measuring ----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@dataclass
class PageFigure:
    label: str
    status: int
    median: float
    p95: float
    queries: int


class QueryCounter:
    """Counts every SQL statement run on the connection (``connection.execute_wrapper``).

    Django's own query log (``CaptureQueriesContext``) keeps at most 9,000 queries, so a long
    import read "9,000"; this has no cap and costs nothing to the timed code around it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def queries_counted():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def page_measure(
    client, label: str, url: str, repeats: int, *, before=None, **headers
) -> PageFigure:
    """``before()``, when given, runs (untimed) before each request."""
    for _warm in range(2):
        client.get(url)
    times = []
    status = 0
    for _run in range(repeats):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append(time.perf_counter() - started)
        status = response.status_code
    if before is not None:
        before()
    with queries_counted() as queries:
        client.get(url, **headers)
    return PageFigure(label, status, statistics.median(times), p95(times), queries.count)


@dataclass
class ExportFigure:
    label: str
    median: float
    peak_mib: float
    size_kib: float


def export_measure(label: str, render, runs: int, *, warm: bool = True) -> ExportFigure:
    """``render()`` returns the document's bytes. Without ``warm`` the first timed run gives the
    size (for long documents, once WeasyPrint and the fonts are warm from other exports)."""
    content = render() if warm else b""
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        content = render() or content
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    tracemalloc.reset_peak()
    render()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ExportFigure(label, statistics.median(times), peak / 2**20, len(content) / 1024)


def client_for(user):
    from django.test import Client

    # "localhost" is an allowed host; no setup_test_environment(), whose template
    # instrumentation would slow every render down.
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def import_workbook(province, rows: int, rng: random.Random) -> bytes:
    """A plan table as a province types it, built from the province's own tasks."""
    from openpyxl import Workbook

    from tasks.models import Task

    tasks = list(
        Task.objects.filter(plan__province=province)
        .select_related("plan")
        .prefetch_related("leads__agency")
        .order_by("plan__number", "position")
    )
    tasks.sort(key=lambda task: task.field)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục I"
    sheet.append(["PHỤ LỤC I"])
    sheet.append([f"KẾ HOẠCH HỢP TÁC CỦA TỈNH {province.name.upper()} NĂM 2027"])
    sheet.append(["(Kèm theo Kế hoạch số     /KH-UBND của UBND tỉnh)"])
    sheet.append(["STT", "NỘI DUNG CÔNG VIỆC", "ĐƠN VỊ CHỦ TRÌ", "ĐƠN VỊ PHỐI HỢP", "THỜI GIAN"])
    field, section = None, 0
    for number in range(1, rows + 1):
        task = tasks[(number - 1) % len(tasks)] if number <= len(tasks) else rng.choice(tasks)
        if task.field != field:
            field, section = task.field, section + 1
            sheet.append([["I", "II", "III", "IV", "V", "VI"][min(section, 6) - 1], field])
        lead = task.lead_text or "; ".join(lead.agency.name for lead in task.leads.all())
        sheet.append(
            [f"{number}.", task.content, lead, task.coordinating_text, task.timeframe_text]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class ImportFigure:
    rows: int
    tasks: int
    upload: float
    preview: float
    confirm: float
    queries: dict[str, int]
    peak_mib: float
    size_kib: float
    landing: float  # the plan page the confirmation leads to, not counted in the target

    @property
    def total(self) -> float:
        """What the coordinator waits through: upload, preview and confirmation together."""
        return self.upload + self.preview + self.confirm


def import_measure(client, province, rows: int) -> ImportFigure:
    """The import through its three pages, rolled back (``import_rows.import_through_pages``)."""
    from import_rows import import_through_pages

    from tasks.importers.parser import parse_grids
    from tasks.importers.reader import read_document

    data = import_workbook(province, rows, random.Random(SEED))  # noqa: S311
    run = import_through_pages(
        client, data, number="9999/KH-UBND", filename="ke-hoach-1000-dong.xlsx"
    )
    # Peak memory of reading and parsing the workbook (openpyxl's normal mode, which merged
    # cells need): what grows with the file.
    tracemalloc.start()
    tracemalloc.reset_peak()
    parse_grids(read_document(data))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ImportFigure(
        rows=rows,
        tasks=run.tasks,
        upload=run.wall["upload"],
        preview=run.wall["preview"],
        confirm=run.wall["confirm"],
        queries=run.queries,
        peak_mib=peak / 2**20,
        size_kib=len(data) / 1024,
        landing=run.landing,
    )


# -- report -------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 2**20:.0f} GiB RAM"
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} lõi{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}".replace(",", ".")


# The project's own targets (issue 14), printed beside each figure.
PAGE_P95_MS = 50
PAGE_QUERIES = 12
REPEAT_DOWNLOAD_MS = 50
PDF_VS_BARE = 1.1
XLSX_VS_BARE = 1.1
LIST_VS_ADMIN = 0.5
IMPORT_SECONDS = 2.0

# What was printed, for --markdown / --readme: (title, headers, rows), and lines of text.
PRINTED: list[tuple[str, list[str], list[list[str]]] | str] = []


TARGETS: list[tuple[str, bool]] = []


def page_ok(figure: PageFigure) -> bool:
    return figure.p95 * 1000 <= PAGE_P95_MS and figure.queries <= PAGE_QUERIES


FIRST_VIEW_LABEL = "  Lần xem đầu sau khi dữ liệu đổi (không giữ)"


def _counted(figure: PageFigure) -> bool:
    """Pages the target counts: all but the admin's (a yardstick). The dashboard's first view
    after a change counts as well as its kept repeat view: neither figure hides the other."""
    return not figure.label.lstrip().startswith("Admin")


def page_verdict(figure: PageFigure) -> str:
    return mark(page_ok(figure))


def markdown() -> str:
    """What was printed, as Markdown: lines as paragraphs, tables as tables (README)."""
    out: list[str] = []
    for item in PRINTED:
        if isinstance(item, str):
            out.append(f"{item}\n" if item else "")
            continue
        title, headers, rows = item
        if title:
            out.extend([f"**{title}**", ""])
        out.append("| " + " | ".join(headers) + " |")
        out.append("|---|" + "---:|" * (len(headers) - 1))
        out.extend("| " + " | ".join(cell.strip() or " " for cell in row) + " |" for row in rows)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


README_START = "<!-- make bench --readme: start -->"
README_END = "<!-- make bench --readme: end -->"


def readme_update(path: Path, text: str) -> None:
    """Replace the figures between the two markers of the README by this run's."""
    readme = path.read_text()
    head, start, rest = readme.partition(README_START)
    _old, end, tail = rest.partition(README_END)
    if not start or not end:
        raise SystemExit(f"{path}: thiếu hai dòng đánh dấu {README_START} … {README_END}.")
    path.write_text(f"{head}{README_START}\n\n{text}\n{README_END}{tail}")


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def say(line: str = "") -> None:
    print(line)
    PRINTED.append(line)


def table(headers: list[str], rows: list[list[str]], title: str = "") -> None:
    if title:
        print(title)
    PRINTED.append((title, headers, rows))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print()


def xlsx_vs_bare(tasks: int, runs: int) -> dict:
    """bench/xlsx_vs_bare.py in its own process (its own temporary SQLite database, so the
    bench's data is untouched): median CPU seconds of ours, bare and bare without styles."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(BASE_DIR / "bench" / "xlsx_vs_bare.py"), str(tasks), str(runs)]
        + ["--json"],
        capture_output=True,
        text=True,
        check=True,
        env={key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="national")
    parser.add_argument("--repeats", type=int, help="timed requests per page")
    parser.add_argument("--markdown", help="also write the figures as Markdown to this file")
    parser.add_argument(
        "--readme", action="store_true", help="put the figures into README.md (Hiệu năng)"
    )
    args = parser.parse_args()
    scale = SCALES[args.scale]
    repeats = args.repeats or scale.repeats
    started = time.perf_counter()
    where = setup(scale)

    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.roles import user_apply_role
    from agreements.models import Locality, Plan
    from devdata.scale import PROVINCES, province_users, scale_fingerprint
    from reports.models import Report, ReportingRound, ReportStatus, RoundStatus
    from tasks.exporters.base import exporter_for
    from tasks.models import Task

    say(f"coopplan bench ({args.scale}), {timezone.localtime():%d/%m/%Y %H:%M}")
    say(f"Máy: {machine()}")
    vendor = connection.vendor
    if vendor == "sqlite":
        version = ".".join(str(p) for p in connection.Database.sqlite_version_info)
    else:
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    say(f"Cơ sở dữ liệu: {vendor} {version} ({where})")
    say(f"Tải máy lúc bắt đầu (1/5/15 phút): {load()}")
    say(data_ensure(scale))
    names = [p.name for p in PROVINCES[: scale.provinces]]
    say(f"Dấu vân tay dữ liệu (devdata.scale.scale_fingerprint): {scale_fingerprint(names)[:16]}")
    say(
        f"Dữ liệu: {Locality.objects.filter(country='VN').count()} tỉnh, "
        f"{Plan.objects.count()} kế hoạch, {Task.objects.count()} nhiệm vụ, "
        f"{ReportingRound.objects.count()} đợt, {Report.objects.count()} báo cáo"
    )
    say()

    subject = Locality.objects.get(country="VN", name=scale.subject)
    hanoi = Locality.objects.get(country="VN", name=PROVINCES[0].name)
    coordinator, reporters = province_users(subject)
    leader = User.objects.filter(province=subject, role=Role.LEADER).order_by("pk").first()
    hanoi_coordinator, _hanoi_reporters = province_users(hanoi)
    admin, _created = User.objects.get_or_create(
        username="bench-admin",
        defaults={"is_superuser": True, "is_staff": True, "email": "bench@localhost"},
    )
    # Coordinators work in the app; the admin baseline is read by the province's administrator.
    province_admin, _created = User.objects.get_or_create(
        username="bench-quantri",
        defaults={
            "role": Role.ADMINISTRATOR,
            "province": subject,
            "is_staff": True,
            "email": "quantri@localhost",
        },
    )
    # The role's group carries the admin's view permissions (as for every user made in the app).
    user_apply_role(province_admin)
    plans_of_subject = Plan.objects.filter(province=subject)
    plan = max(plans_of_subject.order_by("number"), key=lambda p: p.tasks.count())
    current_round = (
        ReportingRound.objects.filter(province=subject, status=RoundStatus.OPEN)
        .order_by("-deadline")
        .first()
    )
    big_round = ReportingRound.objects.get(province=hanoi, request_number=BIG_ROUND_NUMBER)
    editable = [
        report
        for report in Report.objects.filter(
            reporting_round=current_round,
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
        )
        if report.agency_id in reporters
    ]
    report = max(editable, key=lambda r: (r.entries.count(), -r.pk))
    reporter = reporters[report.agency_id]

    as_coordinator = client_for(coordinator)
    as_admin = client_for(admin)
    as_province_admin = client_for(province_admin)
    plan_count = plans_of_subject.count()
    pages = [
        (as_coordinator, f"Danh sách kế hoạch ({plan_count} KH của tỉnh)", "/plans/"),
        (as_admin, f"Danh sách kế hoạch (toàn quốc, {Plan.objects.count()} KH)", "/plans/"),
        (as_coordinator, f"Trang kế hoạch ({plan.tasks.count()} nhiệm vụ)", f"/plans/{plan.pk}/"),
        (as_coordinator, "Nhiệm vụ, lọc đang triển khai (tỉnh)", "/tasks/?status=in_progress"),
        (
            as_province_admin,
            "  Admin: cùng nhiệm vụ, cùng bộ lọc",
            "/admin/tasks/task/?status__exact=in_progress",
        ),
        (as_admin, "Nhiệm vụ, lọc đang triển khai (toàn quốc)", "/tasks/?status=in_progress"),
        (
            as_admin,
            "  Admin: cùng nhiệm vụ, cùng bộ lọc",
            "/admin/tasks/task/?status__exact=in_progress",
        ),
        (
            as_coordinator,
            f"Tổng quan đợt báo cáo ({current_round.reports.count()} báo cáo)",
            f"/rounds/{current_round.pk}/",
        ),
        (
            client_for(hanoi_coordinator),
            f"Tổng quan đợt lớn ({big_round.reports.count()} báo cáo)",
            f"/rounds/{big_round.pk}/",
        ),
        (
            client_for(reporter),
            f"Biểu mẫu báo cáo ({report.entries.count()} dòng)",
            f"/reports/{report.pk}/edit/",
        ),
        (client_for(leader), "Bảng điều hành (lãnh đạo tỉnh)", "/dashboard/"),
        (as_admin, "Bảng điều hành (toàn quốc)", "/dashboard/"),
    ]
    figures = []
    # As in a gunicorn worker after post_worker_init (gunicorn.conf.py): what is loaded by now is
    # kept out of the garbage collector's full collections; what the requests make is collected.
    gc.collect()
    gc.freeze()
    try:
        for client, label, url in pages:
            print(f"  … {label}", file=sys.stderr, flush=True)
            figures.append(page_measure(client, label, url, repeats))
        # The dashboard is kept between views while nothing changes (reports.dashboard): the
        # first view after a write anywhere reads everything, as every view did before.
        from django.core.cache import cache

        print("  … bảng điều hành toàn quốc, lần xem đầu", file=sys.stderr, flush=True)
        figures.append(
            page_measure(as_admin, FIRST_VIEW_LABEL, "/dashboard/", repeats, before=cache.clear)
        )
    finally:
        gc.unfreeze()
    table(
        [
            "Trang",
            "HTTP",
            "trung vị",
            f"p95 (≤ {PAGE_P95_MS})",
            f"truy vấn (≤ {PAGE_QUERIES})",
            "đạt",
        ],
        [
            [
                f.label,
                str(f.status),
                ms(f.median),
                ms(f.p95),
                str(f.queries),
                "—" if not _counted(f) else page_verdict(f),
            ]
            for f in figures
        ],
        f"Trang ({repeats} lần đo mỗi trang, sau 2 lần chạy nóng; thời gian máy chủ, ms)",
    )

    print("  … tải lại PDF kế hoạch", file=sys.stderr, flush=True)
    plan_pdf = f"/plans/{plan.pk}/export/pdf/"
    repeat = page_measure(as_coordinator, "Tải lại PDF kế hoạch không đổi", plan_pdf, repeats)
    etag = as_coordinator.get(plan_pdf)["ETag"]
    not_modified = page_measure(
        as_coordinator,
        "  cùng tệp, trình duyệt đã có (If-None-Match → 304)",
        plan_pdf,
        repeats,
        HTTP_IF_NONE_MATCH=etag,
    )
    table(
        ["Tải văn bản", "HTTP", "trung vị", f"p95 (≤ {REPEAT_DOWNLOAD_MS})", "truy vấn", "đạt"],
        [
            [
                f.label,
                str(f.status),
                ms(f.median),
                ms(f.p95),
                str(f.queries),
                mark(f.p95 * 1000 <= REPEAT_DOWNLOAD_MS),
            ]
            for f in (repeat, not_modified)
        ],
        f"Tải lại văn bản đã tạo ({plan.number}, {plan.tasks.count()} nhiệm vụ; ms)",
    )
    TARGETS.extend(
        [
            (
                f"Trang: p95 ≤ {PAGE_P95_MS} ms và ≤ {PAGE_QUERIES} truy vấn",
                all(page_ok(f) for f in figures if _counted(f)),
            ),
            (
                f"Tải lại PDF không đổi ≤ {REPEAT_DOWNLOAD_MS} ms",
                repeat.p95 * 1000 <= REPEAT_DOWNLOAD_MS,
            ),
        ]
    )

    exports = []
    for fmt in ("pdf", "xlsx", "docx"):
        print(f"  … xuất kế hoạch {fmt}", file=sys.stderr, flush=True)
        render = exporter_for("plan", fmt)
        exports.append(
            export_measure(
                f"Kế hoạch {plan.number} ({plan.tasks.count()} nhiệm vụ), {fmt.upper()}",
                lambda render=render: render(plan).content,
                scale.export_runs,
            )
        )
    from reports.selectors import round_tasks

    big_tasks = round_tasks(big_round).count()
    # The reminder letter lists every agency that owes the large round a report.
    big_documents = [("round", "Báo cáo tổng hợp"), ("reminder", "Công văn đôn đốc")]
    for kind, title in big_documents:
        for fmt in ("pdf", "xlsx", "docx") if kind == "round" else ("pdf", "docx"):
            print(f"  … {title.lower()} {fmt}", file=sys.stderr, flush=True)
            render = exporter_for(kind, fmt)
            exports.append(
                export_measure(
                    f"{title} đợt lớn ({big_tasks} nhiệm vụ), {fmt.upper()}",
                    lambda render=render: render(big_round).content,
                    1,
                    warm=False,
                )
            )
    table(
        ["Văn bản", "trung vị ms", "bộ nhớ MiB", "cỡ tệp KiB"],
        [[e.label, ms(e.median), f"{e.peak_mib:.1f}", f"{e.size_kib:.0f}"] for e in exports],
        "Dựng văn bản lần đầu (trung vị thời gian; bộ nhớ Python cao nhất theo tracemalloc)",
    )

    print(f"  … nhập {scale.import_rows} dòng", file=sys.stderr, flush=True)
    imported = import_measure(as_coordinator, subject, scale.import_rows)
    # The target is the whole import, as the coordinator waits through it (issue 14).
    import_ok = imported.total < IMPORT_SECONDS
    table(
        ["Bước", "ms", "truy vấn SQL", "mục tiêu", "đạt"],
        [
            ["Tải lên (đọc, kiểm tra tệp)", ms(imported.upload), str(imported.queries["upload"])]
            + ["", ""],
            [
                "Xem trước (đối chiếu cơ quan)",
                ms(imported.preview),
                str(imported.queries["preview"]),
                "",
                "",
            ],
            ["Xác nhận (tạo kế hoạch)", ms(imported.confirm), str(imported.queries["confirm"])]
            + ["", ""],
            [
                "Cả ba bước",
                ms(imported.total),
                str(sum(imported.queries.values())),
                f"< {ms(IMPORT_SECONDS)}",
                mark(import_ok),
            ],
            ["Rồi trang kế hoạch vừa nhập (không tính)", ms(imported.landing), "", "", ""],
        ],
        f"Nhập kế hoạch từ XLSX ({imported.rows} dòng, {imported.size_kib:.0f} KiB, "
        f"{imported.tasks} nhiệm vụ tạo ra, rồi hoàn tác)",
    )
    say(f"Bộ nhớ Python cao nhất khi đọc và phân tích tệp: {imported.peak_mib:.1f} MiB")
    say()
    TARGETS.append((f"Nhập {imported.rows} dòng < {IMPORT_SECONDS:g} s", import_ok))

    print("  … WeasyPrint trần", file=sys.stderr, flush=True)
    from pdf_vs_bare import bare_html
    from weasyprint import HTML

    html = bare_html(plan)
    bare = export_measure(
        "WeasyPrint trần", lambda: HTML(string=html).write_pdf(), scale.export_runs
    )
    task_rows = [f for f in figures if f.label.startswith("Nhiệm vụ, lọc")]
    admin_rows = [figures[figures.index(f) + 1] for f in task_rows]
    rows = []
    for ours, theirs in zip(task_rows, admin_rows, strict=True):
        ratio = ours.median / theirs.median
        rows.append(
            [
                f"{ours.label} / admin",
                f"{ms(ours.median)} / {ms(theirs.median)}",
                f"{ratio:.2f}",
                f"≤ {LIST_VS_ADMIN}",
                mark(ratio <= LIST_VS_ADMIN),
            ]
        )
        TARGETS.append((f"{ours.label} / admin ≤ {LIST_VS_ADMIN}", ratio <= LIST_VS_ADMIN))
    ours_pdf = exports[0]
    ratio = ours_pdf.median / bare.median
    rows.append(
        [
            "PDF kế hoạch / WeasyPrint trần cùng bảng",
            f"{ms(ours_pdf.median)} / {ms(bare.median)}",
            f"{ratio:.2f}",
            f"≤ {PDF_VS_BARE}",
            mark(ratio <= PDF_VS_BARE),
        ]
    )
    TARGETS.append((f"PDF kế hoạch / WeasyPrint trần ≤ {PDF_VS_BARE}", ratio <= PDF_VS_BARE))
    print("  … XLSX / openpyxl trần", file=sys.stderr, flush=True)
    xlsx = xlsx_vs_bare(scale.xlsx_tasks, scale.export_runs)
    ratio = xlsx["ours"] / xlsx["bare"]
    label = f"XLSX {xlsx['tasks']:,} nhiệm vụ / openpyxl trần cùng ô".replace(",", ".")
    rows.append(
        [
            label,
            f"{ms(xlsx['ours'])} / {ms(xlsx['bare'])}",
            f"{ratio:.2f}",
            f"≤ {XLSX_VS_BARE}",
            mark(ratio <= XLSX_VS_BARE),
        ]
    )
    rows.append(
        [
            "  (openpyxl trần chỉ giá trị, không định dạng, chiều cao, gộp ô)",
            f"{ms(xlsx['ours'])} / {ms(xlsx['unstyled'])}",
            f"{xlsx['ours'] / xlsx['unstyled']:.2f}",
            "",
            "",
        ]
    )
    rows.append(
        [
            "  (openpyxl trần dùng hai lối tắt nội bộ như bộ ghi của ta)",
            f"{ms(xlsx['ours'])} / {ms(xlsx['shortcuts'])}",
            f"{xlsx['ours'] / xlsx['shortcuts']:.2f}",
            "",
            "",
        ]
    )
    TARGETS.append((f"{label} ≤ {XLSX_VS_BARE}", ratio <= XLSX_VS_BARE))
    table(["So sánh (trung vị)", "ms", "tỉ số", "mục tiêu", "đạt"], rows, "Đối chứng")
    table(
        ["Mục tiêu", "đạt"],
        [[name, mark(ok)] for name, ok in TARGETS],
        f"Mục tiêu: đạt {sum(ok for _name, ok in TARGETS)}/{len(TARGETS)}",
    )
    say(f"Tải máy lúc kết thúc (1/5/15 phút): {load()}")
    say(f"Tổng thời gian chạy: {time.perf_counter() - started:.0f} s")
    if args.markdown:
        Path(args.markdown).write_text(markdown())
    if args.readme:
        readme_update(BASE_DIR / "README.md", markdown())


if __name__ == "__main__":
    main()
