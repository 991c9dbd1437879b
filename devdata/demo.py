"""Demo submissions for `make run`: a living round with accepted, returned, draft and late reports.

Only for trying the app: the command that calls this refuses in production.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import Truncator

from accounts.models import Role, User
from agreements.models import Agency
from reports.models import Report, ReportingRound
from reports.services import (
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
)

ROUND = "6452/UBND-ĐN"

# agency full name → (final state, delegations out, officials, delegations in, budget, other)
PLANNED = {
    "Sở Ngoại vụ": ("accepted", 4, 18, 3, 850_000_000, 0),
    "Ban Quản lý các Khu kinh tế tỉnh": ("accepted", 2, 7, 1, 120_000_000, 30_000_000),
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh": ("submitted", 6, 40, 5, 300_000_000, 0),
    "Sở Công thương": ("returned", 1, 4, 1, 45_000_000, 0),
    "Trường Chính trị Lê Duẩn": ("draft", 1, 3, 2, None, None),
}
RETURN_COMMENT = (
    "Đề nghị bổ sung kết quả cụ thể (kim ngạch xuất nhập khẩu, số doanh nghiệp tham gia hội chợ) "
    "cho nhiệm vụ phát triển thương mại biên giới và ghi rõ kinh phí đã chi."
)


@transaction.atomic
def demo_reports_load() -> list[str]:
    """Create the demo reports once; returns one line per report created."""
    reporting_round = ReportingRound.objects.filter(request_number=ROUND).first()
    if reporting_round is None:
        return []
    coordinator = User.objects.filter(
        role=Role.COORDINATOR, province=reporting_round.province
    ).first()
    if coordinator is None:
        return []
    lines = []
    for name, (state, out, officials, incoming, budget, other) in PLANNED.items():
        agency = Agency.objects.filter(province=reporting_round.province, name=name).first()
        if (
            agency is None
            or Report.objects.filter(reporting_round=reporting_round, agency=agency).exists()
        ):
            continue
        author = (
            User.objects.filter(role=Role.REPORTER, agency=agency, is_active=True).first()
            or coordinator
        )
        report = report_start(reporting_round=reporting_round, agency=agency, user=author)
        entries: dict[int, dict[str, Any]] = {}
        for entry in report.entries.select_related("task"):
            done = entry.task.timeframe_text in ("2020", "2021")
            entries[entry.pk] = {
                "status": "" if state == "draft" else ("done" if done else "in_progress"),
                "result": ""
                if state == "draft"
                else f"{agency.name} đã triển khai: {_first_words(entry.task.content)}",
                "funds_spent": None,
                "actuals": {},
            }
        general = {
            "delegations_out": out,
            "delegations_out_officials": officials,
            "delegations_in": incoming,
            "funds_state_budget": Decimal(budget) if budget is not None else None,
            "funds_other": Decimal(other) if other is not None else None,
            "difficulties": "Dịch Covid-19 làm gián đoạn việc trao đổi đoàn năm 2020 - 2021.",
            "proposals": "Đề nghị UBND tỉnh bố trí kinh phí hợp tác sớm trong năm.",
        }
        report = report_save(
            report=report, user=author, version=report.version, general=general, entries=entries
        )
        if state != "draft":
            report = report_submit(report=report, user=author, version=report.version)
        if state == "accepted":
            report_accept(report=report, user=coordinator)
        elif state == "returned":
            report_return(report=report, user=coordinator, comment=RETURN_COMMENT)
        lines.append(f"{agency.name}: {state}")
    return lines


def _first_words(text: str, words: int = 20) -> str:
    """The start of a task's text for a demo result, cut between words ("…" where cut)."""
    return Truncator(text).words(words, truncate="…")
