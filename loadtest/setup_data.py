"""Accounts and rounds for the load test, in a database that already holds the seed.

Run by loadtest/run.py with the project's settings (``python loadtest/setup_data.py OUT.json
--users 50``). Writes the manifest the virtual users read: who logs in, with which password,
which rounds each reporter reports in, which rounds and plans leaders download.

Reporters: one account per (agency, share of the rounds). Every agency that owes a report in
the seed's open round (6452/UBND-ĐN, Quảng Trị, 25 agencies) gets accounts; when there are more
reporters than agencies, the rounds are split between an agency's accounts so that no two
virtual users ever edit the same report (each report has exactly one writer, which makes "the
last acknowledged save" well defined).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED_ROUND = "6452/UBND-ĐN"
EXTRA_ROUNDS = 15
# Leaders are few, and each PDF they download costs seconds of CPU (WeasyPrint).
ROLE_SHARES = {"reporter": 0.7, "coordinator": 0.2, "leader": 0.1}


def role_counts(users: int) -> dict[str, int]:
    """50 → 35 reporters, 10 coordinators, 5 leaders; at least one of each."""
    coordinators = max(1, round(users * ROLE_SHARES["coordinator"]))
    leaders = max(1, round(users * ROLE_SHARES["leader"]))
    reporters = max(1, users - coordinators - leaders)
    return {"reporter": reporters, "coordinator": coordinators, "leader": leaders}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopplan.settings.production")
    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.roles import user_apply_role
    from agreements.models import Agency
    from reports.models import ReportingRound
    from reports.selectors import round_owing_agencies
    from reports.services import round_open

    counts = role_counts(args.users)
    password = secrets.token_urlsafe(16)
    # One hash for every account: hashing 50 passwords would take longer than the rest.
    hashed = make_password(password)
    seed_round = ReportingRound.objects.get(request_number=SEED_ROUND)
    province = seed_round.province
    agencies = list(round_owing_agencies(seed_round))
    sfv = Agency.objects.get(province=province, name="Sở Ngoại vụ")
    users: list[dict] = []

    def account(username: str, role: str, agency: Agency | None) -> User:
        user = User(
            username=username,
            password=hashed,
            role=role,
            province=province,
            agency=agency,
            first_name="Tải",
            last_name=username,
            email=f"{username}@example.gov.vn",
        )
        user.full_clean(exclude=["password"])
        user.save()
        user_apply_role(user)
        return user

    with transaction.atomic():
        coordinators = [
            account(f"lt_dieuphoi{i:02d}", Role.COORDINATOR, sfv)
            for i in range(counts["coordinator"])
        ]
        today = timezone.localdate()
        rounds = [seed_round]
        for i in range(EXTRA_ROUNDS):
            rounds.append(
                round_open(
                    user=coordinators[0],
                    request_number=f"LT-{i + 1:02d}/UBND-ĐN",
                    request_date=today,
                    summary="Đợt báo cáo của phép thử tải",
                    plans=list(seed_round.plans.all()),
                    period_start=seed_round.period_start,
                    period_end=seed_round.period_end,
                    deadline=today + timedelta(days=30),
                    outline=seed_round.outline,
                )
            )
        # Reporter i belongs to agency i % A and takes the rounds of its share.
        per_agency = -(-counts["reporter"] // len(agencies))
        for i in range(counts["reporter"]):
            agency = agencies[i % len(agencies)]
            share = i // len(agencies)
            account(f"lt_baocao{i:02d}", Role.REPORTER, agency)
            users.append(
                {
                    "username": f"lt_baocao{i:02d}",
                    "role": "reporter",
                    "agency": agency.name,
                    "rounds": [r.pk for n, r in enumerate(rounds) if n % per_agency == share],
                }
            )
        for user in coordinators:
            users.append({"username": user.username, "role": "coordinator"})
        for i in range(counts["leader"]):
            account(f"lt_lanhdao{i:02d}", Role.LEADER, None)
            users.append({"username": f"lt_lanhdao{i:02d}", "role": "leader"})

    manifest = {
        "password": password,
        "rounds": [r.pk for r in rounds],
        "plans": [p.pk for p in seed_round.plans.all()],
        "users": users,
    }
    args.out.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"Đã tạo {counts['reporter']} cán bộ báo cáo ({len(agencies)} cơ quan), "
        f"{counts['coordinator']} điều phối, {counts['leader']} lãnh đạo; "
        f"{len(rounds)} đợt báo cáo đang mở."
    )


if __name__ == "__main__":
    main()
