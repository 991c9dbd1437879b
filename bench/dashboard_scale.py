"""The leaders' dashboard over 30 plans and 3,000 tasks: time and SQL queries. Asserts nothing.

    .venv/bin/python bench/dashboard_scale.py            # SQLite file var/bench-dashboard.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coopplan_bench_dashboard \
        .venv/bin/python bench/dashboard_scale.py

One province holds 30 plans × 100 tasks with 4 reporting rounds (``generate_scale_data``, seed
2026); a second, small province (3 plans × 10 tasks) answers the question "is the number of
queries the same whatever the size": the same pages are measured for a leader of each.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Scale, client_for, export_measure, ms, page_measure, setup, table  # noqa: E402

SEED = 2026
BIG = Scale(1, 30, 100, 4, 0, 0, 15, 3, "", "var/bench-dashboard.sqlite3")


def data_ensure() -> tuple[object, object]:
    """(large province, small province): 30 × 100 tasks and 3 × 10 tasks, made once."""
    from agreements.models import Locality, Plan
    from devdata.scale import PROVINCES, ScaleSpec, scale_generate

    large, small = PROVINCES[0].name, PROVINCES[1].name
    if not Plan.objects.exists():
        print("Tạo dữ liệu (một lần) …", flush=True)
        scale_generate(
            ScaleSpec(provinces=1, plans_per_province=30, tasks_per_plan=100, rounds=4, seed=SEED)
        )
        # The second province (and three more plans for the first): the small one.
        scale_generate(
            ScaleSpec(
                provinces=2,
                plans_per_province=3,
                tasks_per_plan=10,
                rounds=2,
                seed=SEED + 1,
                append=True,
            )
        )
    return (
        Locality.objects.get(country="VN", name=large),
        Locality.objects.get(country="VN", name=small),
    )


def leader_of(province):
    from accounts.models import Role, User

    user, _created = User.objects.get_or_create(
        username=f"bench-leader-{province.pk}",
        defaults={"role": Role.LEADER, "province": province, "email": "bench@example.org"},
    )
    return user


def main() -> None:
    where = setup(BIG)
    large, small = data_ensure()
    from reports.dashboard import dashboard_data
    from reports.exporters.dashboard import dashboard_pdf, dashboard_xlsx
    from tasks.models import Task

    print(f"Cơ sở dữ liệu: {where}")
    rows = []
    figures = {}
    for province in (large, small):
        tasks = Task.objects.filter(plan__province=province).count()
        plans = province.plans.count()
        client = client_for(leader_of(province))
        partner = province.plans.first().partners.first()
        for label, url in (
            ("/dashboard/", "/dashboard/"),
            ("/dashboard/?partner=…", f"/dashboard/?partner={partner.pk}"),
            ("/tasks/?overdue=true&partner=…", f"/tasks/?overdue=true&partner={partner.pk}"),
            ("/calendar/", "/calendar/"),
        ):
            figure = page_measure(client, label, url, BIG.repeats)
            figures[(province.pk, label)] = figure
            rows.append(
                [
                    f"{province.name} ({plans} kế hoạch, {tasks} nhiệm vụ)",
                    label,
                    str(figure.status),
                    ms(figure.median),
                    ms(figure.p95),
                    str(figure.queries),
                ]
            )
    table(["tỉnh", "trang", "mã", "trung vị", "p95", "truy vấn"], rows)

    user = leader_of(large)
    data = dashboard_data(user, details=True)
    runs = BIG.export_runs
    exports = [
        export_measure("Tổng quan XLSX (mọi khối)", lambda: dashboard_xlsx(data).content, runs),
        export_measure("Tổng quan PDF (mọi khối)", lambda: dashboard_pdf(data).content, runs),
        export_measure(
            "dashboard_data(details)", lambda: (dashboard_data(user, details=True), b"")[1], runs
        ),
    ]
    table(
        ["tải về (tỉnh lớn)", "trung vị", "bộ nhớ đỉnh", "kích thước"],
        [
            [e.label, ms(e.median), f"{e.peak_mib:.1f} MiB", f"{e.size_kib:.0f} KiB"]
            for e in exports
        ],
    )
    same = all(
        figures[(large.pk, label)].queries == figures[(small.pk, label)].queries
        for (_pk, label) in figures
    )
    print("Số truy vấn như nhau ở tỉnh lớn và tỉnh nhỏ:", "có" if same else "KHÔNG")


if __name__ == "__main__":
    main()
