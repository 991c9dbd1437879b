"""Small builders for reporting tests (seed data supplies plans, tasks and agencies)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from agreements.models import Agency, Plan
from reports.services import round_open
from tests.factories import make_user


def open_round(
    coordinator, *, numbers=("165/QĐ-UBND",), deadline: date | None = None, number="99/UBND-ĐN"
):
    plans = Plan.objects.filter(province=coordinator.province, number__in=numbers)
    today = timezone.localdate()
    return round_open(
        user=coordinator,
        request_number=number,
        request_date=today - timedelta(days=10),
        plans=plans,
        period_start=date(2020, 1, 1),
        period_end=today,
        deadline=deadline or today + timedelta(days=20),
        summary="V/v báo cáo kết quả hợp tác",
    )


def reporter_of(province, agency_name: str, username: str | None = None):
    agency = Agency.objects.get(province=province, name=agency_name)
    return make_user(username or f"r{agency.pk}", "reporter", province, agency)


COMPLETE_GENERAL = {
    "delegations_out": 2,
    "delegations_out_officials": 9,
    "delegations_in": 1,
    "funds_state_budget": 150_000_000,
    "funds_other": 0,
    "difficulties": "Kinh phí cấp chậm.",
}


def complete_entries(report, status="in_progress") -> dict:
    return {
        entry.pk: {"status": status, "result": f"Đã thực hiện {entry.task.number}"}
        for entry in report.entries.filter(role="lead").select_related("task")
    }
