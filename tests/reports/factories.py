"""Builders for reporting tests: rounds and reports through the services, in any state.

``open_round`` and ``reporter_of`` work on the seed's plans and agencies; ``ReportingRoundFactory``
and ``report_in_state`` work on whatever a test built with tests/factories.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from agreements.models import Agency, Plan
from reports.models import ReportingRound, ReportStatus
from reports.services import (
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
    round_open,
)
from tests.factories import make_user


class ReportingRoundFactory(DjangoModelFactory):
    """A round opened by ``user`` (a coordinator) over ``plans`` of the user's province."""

    class Meta:
        model = ReportingRound

    user = None
    plans = ()
    request_number = factory.Sequence(lambda n: f"{n + 1}/UBND-ĐN")
    request_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    period_start = date(2024, 1, 1)
    period_end = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    summary = "V/v báo cáo kết quả hợp tác"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return round_open(**kwargs)


def open_round(
    coordinator, *, numbers=("165/QĐ-UBND",), deadline: date | None = None, number="99/UBND-ĐN"
):
    """A round over seed plans of the coordinator's province."""
    plans = Plan.objects.filter(province=coordinator.province, number__in=numbers)
    extra = {"deadline": deadline} if deadline else {}
    return ReportingRoundFactory(user=coordinator, plans=plans, request_number=number, **extra)


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


def report_in_state(*, reporting_round, agency, status: str, coordinator):
    """The agency's report walked through the workflow to ``status`` by the coordinator (on the
    agency's behalf, then as reviewer)."""
    report = report_start(reporting_round=reporting_round, agency=agency, user=coordinator)
    report = report_save(
        report=report,
        user=coordinator,
        version=report.version,
        general=COMPLETE_GENERAL,
        entries=complete_entries(report),
    )
    if status == ReportStatus.DRAFT:
        return report
    report = report_submit(report=report, user=coordinator, version=report.version)
    if status == ReportStatus.RETURNED:
        return report_return(report=report, user=coordinator, comment="Bổ sung số liệu.")
    if status == ReportStatus.ACCEPTED:
        return report_accept(report=report, user=coordinator)
    assert status == ReportStatus.SUBMITTED, status
    return report


def document_download(client, url: str):
    """What a browser ends with when it clicks a round document: the answer itself, or, when the
    document is built in the background, the file behind the "being prepared" page's link (the
    test settings run the worker's tasks at once). The body is read whole."""
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/documents/"):
        page = client.get(response["Location"]).content.decode()
        link = re.search(r'href="(/documents/\d+/download/)"', page)
        assert link, page
        response = client.get(link[1])
    response.content  # noqa: B018 (read whole: closing later would close the test's connection)
    return response
