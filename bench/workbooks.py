"""Report workbooks for a round of 40 agencies: the coordinator's zip, and one agency's file.
Time (median) and SQL queries. Asserts nothing.

    .venv/bin/python bench/workbooks.py          # SQLite file var/bench-workbooks.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopplan_bench_workbooks \
        .venv/bin/python bench/workbooks.py

One province (``generate_scale_data``: 3 plans × 60 tasks, 2 earlier rounds with reports, seed
2026), plus a plan of 40 × 6 tasks led by 40 more agencies (one target on every other task), so
that the round owes 40 + the province's own agencies' reports; half the 40 have a draft already
(the workbook pre-fills it), and every agency's report of the last round pre-fills the rest.
Measured: the zip of the first 40 owing agencies' workbooks (``round_workbooks_zip``) and the
same through the round page's link (``/rounds/<id>/workbooks.zip``, a coordinator's request),
one agency's workbook, and reading one filled workbook back (``workbook_read``). The target
for the zip of 40 is under 5 s.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Scale, client_for, load, machine, ms, setup, table  # noqa: E402

SEED = 2026
SCALE = Scale(1, 3, 60, 2, 0, 0, 5, 5, "", "var/bench-workbooks.sqlite3")
ROUND_NUMBER = "4040/UBND-ĐN"
AGENCIES = 40
RUNS = 5


def data_ensure():
    """The round of 40 agencies, made once."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role, User
    from agreements.models import Agency, Locality, Plan, PlanStatus
    from agreements.services import agency_upsert
    from devdata.scale import PROVINCES, ScaleSpec, scale_generate
    from reports import services
    from reports.models import ReportingRound
    from tasks.models import Target
    from tasks.services import task_create

    existing = ReportingRound.objects.filter(request_number=ROUND_NUMBER).first()
    if existing is not None:
        return existing
    print("Tạo dữ liệu (một lần) …", flush=True)
    scale_generate(
        ScaleSpec(provinces=1, plans_per_province=3, tasks_per_plan=60, rounds=2, seed=SEED)
    )
    province = Locality.objects.get(country="VN", name=PROVINCES[0].name)
    coordinator = User.objects.filter(province=province, role=Role.COORDINATOR).first()
    plan = Plan.objects.create(
        province=province,
        kind="plan",
        number="40/KH-UBND",
        title="Kế hoạch hợp tác của 40 cơ quan (bench)",
        start_year=2025,
        end_year=2027,
        status=PlanStatus.ISSUED,
    )
    plan.partners.set(
        Plan.objects.filter(province=province).exclude(pk=plan.pk).first().partners.all()
    )
    agencies = [
        agency_upsert(province=province, name=f"Đơn vị thử nghiệm số {n + 1:02d}")
        for n in range(AGENCIES)
    ]
    others = list(Agency.objects.filter(province=province)[:5])
    for n, agency in enumerate(agencies):
        for k in range(6):
            task = task_create(
                plan=plan,
                number=f"{n * 6 + k + 1}.",
                content=f"Phối hợp tổ chức hoạt động hợp tác số {k + 1} của {agency.name} với "
                "các địa phương nước bạn: trao đổi đoàn, đào tạo, hội chợ, giao lưu văn hóa.",
                lead_agencies=[agency],
                coordinating_agencies=[others[(n + k) % len(others)]],
                timeframe_text="2025 - 2027",
            )
            if k % 2 == 0:
                Target.objects.create(
                    task=task,
                    indicator="Học viên được đào tạo",
                    unit="người",
                    quantity=25,
                    per="year",
                )
    today = timezone.localdate()
    reporting_round = services.round_open(
        user=coordinator,
        request_number=ROUND_NUMBER,
        request_date=today,
        plans=Plan.objects.filter(province=province),
        period_start=today.replace(month=1, day=1),
        period_end=today,
        deadline=today + timedelta(days=30),
        summary="Báo cáo kết quả hợp tác (bench sổ báo cáo)",
    )
    for agency in agencies[::2]:
        report = services.report_start(
            reporting_round=reporting_round, agency=agency, user=coordinator
        )
        services.report_save(
            report=report,
            user=coordinator,
            version=report.version,
            general={"delegations_out": 2, "difficulties": "Kinh phí cấp chậm."},
            entries={
                e.pk: {"status": "in_progress", "result": "Đang triển khai theo kế hoạch."}
                for e in report.entries.all()
            },
        )
    return reporting_round


CPU: list[float] = []  # the process's CPU time of each measure (median), beside the wall time


def timed(render, runs: int = RUNS) -> tuple[float, bytes]:
    """Median wall time of ``runs`` renders after one warm-up; the median CPU time goes to CPU
    (on a shared machine the wall time also counts the waits for a core)."""
    content = render()
    times, cpu = [], []
    for _run in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        content = render()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), content


def main() -> None:
    where = setup(SCALE)
    print(f"Máy: {machine()}; tải trước khi đo: {load()}")
    reporting_round = data_ensure()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from reports.workbook.builder import agency_workbook, round_workbooks_zip
    from reports.workbook.reader import workbook_read
    from reports.workbook.selectors import round_workbook_agencies

    print(f"Cơ sở dữ liệu: {where}")
    owing = list(round_workbook_agencies(reporting_round))
    agencies = owing[:AGENCIES]
    print(
        f"Đợt {reporting_round.request_number}: {len(owing)} cơ quan phải báo cáo; "
        f"đo {len(agencies)}."
    )
    coordinator = User.objects.filter(
        province_id=reporting_round.province_id, role=Role.COORDINATOR
    ).first()
    client = client_for(coordinator)
    url = f"/rounds/{reporting_round.pk}/workbooks.zip"
    rows = []
    seconds, content = timed(lambda: round_workbooks_zip(reporting_round, agencies).content)
    with CaptureQueriesContext(connection) as queries:
        round_workbooks_zip(reporting_round, agencies)
    rows.append(
        [
            f"zip {len(agencies)} sổ (round_workbooks_zip)",
            ms(seconds),
            ms(CPU[-1]),
            str(len(queries)),
            f"{len(content) / 1024:.0f}",
        ]
    )

    def page() -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return response.content

    seconds, content = timed(page)
    rows.append(
        [f"GET {url} ({len(owing)} sổ)", ms(seconds), ms(CPU[-1]), "", f"{len(content) / 1024:.0f}"]
    )
    one = agencies[0]
    seconds, content = timed(lambda: agency_workbook(reporting_round, one).content)
    with CaptureQueriesContext(connection) as queries:
        agency_workbook(reporting_round, one)
    rows.append(
        [
            "1 sổ (agency_workbook)",
            ms(seconds),
            ms(CPU[-1]),
            str(len(queries)),
            f"{len(content) / 1024:.0f}",
        ]
    )
    seconds, _reading = timed(lambda: workbook_read(content))
    rows.append(["đọc lại 1 sổ (workbook_read)", ms(seconds), ms(CPU[-1]), "0", ""])
    table(["việc", "trung vị (ms)", "CPU (ms)", "truy vấn", "KiB"], rows)
    print(f"Tải sau khi đo: {load()}")


if __name__ == "__main__":
    main()
