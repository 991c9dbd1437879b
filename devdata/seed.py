"""Loads the five seed documents of ``fixtures/seed`` (see fixtures/README.md for the format).

Idempotent: localities and agencies are upserted by name; an agreement, meeting, plan or round
that already exists is left as it is, so running the loader twice changes nothing and never
overwrites what users have edited since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from agreements.history import history_note
from agreements.models import Agreement, Locality, Meeting, Plan, ReportDeadline
from agreements.services import AgencyIndex, agency_upsert
from agreements.text import normalize
from reports.models import ReportingRound
from tasks.models import BudgetLine, Target
from tasks.services import (
    DraftError,
    TaskDraft,
    plan_blocks_replace,
    section_create,
    tasks_create_bulk,
)

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seed"
DOCUMENTS = [
    "165-QD-UBND.json",
    "1010-UBND-DN.json",
    "6452-UBND-DN.json",
    "110-KH-UBND.json",
    "592-KH-UBND.json",
]
CHANGE_REASON = "Nạp dữ liệu mẫu"


class SeedError(Exception):
    """The seed files contradict themselves (an unknown agency, a missing plan …)."""


@dataclass
class SeedStats:
    localities: int = 0
    agencies: int = 0
    agreements: int = 0
    meetings: int = 0
    plans: int = 0
    sections: int = 0
    tasks: int = 0
    blocks: int = 0
    rounds: int = 0
    skipped: list[str] = field(default_factory=list)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _date_required(data: Mapping[str, Any], key: str, where: str) -> date:
    day = _date(data.get(key))
    if day is None:
        raise SeedError(f"{where}: thiếu {key}")
    return day


class SeedLoader:
    def __init__(self, directory: Path = SEED_DIR):
        self.directory = directory
        self.stats = SeedStats()
        self.localities: dict[str, Locality] = {}
        self.agreements: dict[str, Agreement] = {}
        self.meetings: dict[str, Meeting] = {}

    def read(self, name: str):
        with open(self.directory / name, encoding="utf-8") as handle:
            return json.load(handle)

    @transaction.atomic
    def run(self) -> SeedStats:
        self.load_localities(self.read("localities.json"))
        self.load_agencies(self.read("agencies.json"))
        documents = [self.read(name) for name in DOCUMENTS]
        for document in documents:
            self.load_document(document)
        for document in documents:
            for data in document.get("rounds", []):
                self.load_round(self.province(document["province"]), data)
        return self.stats

    # -- reference data -------------------------------------------------------------------
    def load_localities(self, rows) -> None:
        for row in rows:
            locality, created = Locality.objects.get_or_create(
                country=row["country"],
                name=normalize(row["name"]),
                defaults={"aliases": [normalize(a) for a in row.get("aliases", [])]},
            )
            self.stats.localities += int(created)
        self.localities = {}
        for locality in Locality.objects.all():
            for key in locality.search_source():
                self.localities.setdefault(normalize(key).casefold(), locality)

    def locality(self, name: str) -> Locality:
        locality = self.localities.get(normalize(name).casefold())
        if locality is None:
            raise SeedError(f"Địa phương chưa khai báo trong localities.json: {name}")
        return locality

    def province(self, name: str) -> Locality:
        locality = self.locality(name)
        if locality.country != "VN":
            raise SeedError(f"{name} không phải tỉnh của Việt Nam")
        return locality

    def load_agencies(self, by_province) -> None:
        before = _count_agencies()
        for province_name, rows in by_province.items():
            province = self.province(province_name)
            for row in rows:
                agency_upsert(
                    province=province,
                    name=row["name"],
                    short_name=row.get("short_name", ""),
                    kind=row.get("kind", "department"),
                    aliases=row.get("aliases", []),
                )
        self.stats.agencies = _count_agencies() - before

    # -- documents --------------------------------------------------------------------------
    def load_document(self, document) -> None:
        province = self.province(document["province"])
        agencies = AgencyIndex.for_province(province)
        # Keys are global: a directive's meeting may cite an agreement of an earlier document.
        agreements, meetings = self.agreements, self.meetings
        for data in document.get("agreements", []):
            agreements[data["key"]] = self.load_agreement(province, data)
        for data in document.get("meetings", []):
            meetings[data["key"]] = self.load_meeting(province, data, agreements)
        for data in document.get("plans", []):
            self.load_plan(province, data, agreements, meetings, agencies)

    def load_agreement(self, province: Locality, data) -> Agreement:
        title = normalize(data["title"])
        signed = _date(data.get("signed_date"))
        agreement = Agreement.objects.filter(
            province=province, title=title, signed_date=signed
        ).first()
        if agreement is not None:
            return agreement
        start, end = data.get("period") or (None, None)
        agreement = Agreement(
            province=province,
            kind=data.get("kind", "agreement"),
            title=title,
            start_year=start,
            end_year=end,
            signed_date=signed,
            signed_place=data.get("signed_place", ""),
        )
        history_note(agreement, reason=CHANGE_REASON)
        agreement.full_clean()
        agreement.save()
        agreement.partners.set([self.locality(p) for p in data.get("partners", [])])
        self.stats.agreements += 1
        return agreement

    def load_meeting(self, province: Locality, data, agreements) -> Meeting:
        title = normalize(data["title"])
        meeting = Meeting.objects.filter(province=province, title=title).first()
        if meeting is not None:
            return meeting
        meeting = Meeting(
            province=province,
            kind=data.get("kind", "other"),
            title=title,
            date=_date(data.get("date")),
            timeframe_text=data.get("timeframe", ""),
            place=data.get("place", ""),
            conclusions=data.get("conclusions", ""),
            notice_number=data.get("notice_number", ""),
            notice_date=_date(data.get("notice_date")),
        )
        history_note(meeting, reason=CHANGE_REASON)
        meeting.full_clean()
        meeting.save()
        meeting.partners.set([self.locality(p) for p in data.get("partners", [])])
        meeting.agreements.set([agreements[k] for k in data.get("agreements", [])])
        self.stats.meetings += 1
        return meeting

    def load_plan(self, province, data, agreements, meetings, agencies: AgencyIndex) -> None:
        number = normalize(data["number"])
        if Plan.objects.filter(province=province, number=number).exists():
            self.stats.skipped.append(number)
            return
        start, end = data["period"]
        related = {}
        for key in ("predecessor", "parent"):
            if data.get(key):
                related[key] = Plan.objects.filter(province=province, number=data[key]).first()
                if related[key] is None:
                    raise SeedError(f"{number}: chưa có văn bản {data[key]} để liên kết")
        plan = Plan(
            province=province,
            kind=data["kind"],
            number=number,
            date=_date(data.get("date")),
            place=data.get("place", ""),
            issuing_body=data.get("issuing_body", ""),
            signing_authority=data.get("signing_authority", ""),
            signing_title=data.get("signing_title", ""),
            signer=data.get("signer", ""),
            summary=data.get("summary", ""),
            title=data["title"],
            start_year=start,
            end_year=end,
            meeting=meetings.get(data.get("meeting")) if data.get("meeting") else None,
            recipients="\n".join(data.get("recipients", [])),
            status=data.get("status", "issued"),
            **related,
        )
        history_note(plan, reason=CHANGE_REASON)
        plan.full_clean()
        plan.save()
        plan.partners.set([self.locality(p) for p in data.get("partners", [])])
        plan.agreements.set([agreements[k] for k in data.get("agreements", [])])
        for deadline in data.get("report_deadlines", []):
            ReportDeadline.objects.create(
                plan=plan,
                date=_date_required(deadline, "date", f"{plan.number}: hạn báo cáo"),
                text=deadline.get("text", ""),
            )
        self.stats.plans += 1
        self.position = 0
        # Every task of the plan in one bulk write (the rows and history task_create would
        # leave, in a fixed number of statements): loading the seed is most of a test run's setup.
        self.drafts: list[tuple[TaskDraft, str, Any]] = []
        for section in data.get("sections", []):
            self.load_section(plan, section, None, agencies)
        self.tasks_create(plan)
        try:
            blocks = plan_blocks_replace(plan=plan, blocks=data.get("blocks", []))
        except ValidationError as error:
            raise SeedError(f"{number}: {'; '.join(error.messages)}") from error
        self.stats.blocks += len(blocks)

    def next_position(self) -> int:
        self.position += 10
        return self.position

    def load_section(self, plan: Plan, data, parent, agencies: AgencyIndex) -> None:
        section = section_create(
            plan=plan,
            parent=parent,
            kind=data.get("kind", "part"),
            number=data.get("number", ""),
            title=data.get("title", ""),
            subtitle=data.get("subtitle", ""),
            partner=self.locality(data["partner"]) if data.get("partner") else None,
            columns=data.get("columns") or [],
            position=self.next_position(),
        )
        self.stats.sections += 1
        for task in data.get("tasks", []):
            self.load_task(plan, section, task, agencies)
        for child in data.get("children", []):
            self.load_section(plan, child, section, agencies)

    def resolve(self, agencies: AgencyIndex, names, where: str):
        resolved = []
        for name in names:
            agency = agencies.resolve(name)
            if agency is None:
                raise SeedError(f"{where}: không xác định được cơ quan «{name}»")
            resolved.append(agency)
        return resolved

    def load_task(self, plan: Plan, section, data, agencies: AgencyIndex) -> None:
        where = f"{plan.number}, mục {section}, nhiệm vụ {data.get('number', '')}"
        partners = data.get("partners") or None
        draft = TaskDraft(
            section=section,
            number=data.get("number", ""),
            content=data["content"],
            lead_text=data.get("lead_text", ""),
            lead_agencies=self.resolve(agencies, data.get("lead", []), where),
            coordinating_text=data.get("coordinating_text", ""),
            coordinating_agencies=self.resolve(agencies, data.get("coordinating", []), where),
            partners=[self.locality(p) for p in partners] if partners else None,
            timeframe_text=data.get("timeframe", ""),
            note=data.get("note", ""),
            field=data.get("field", ""),
            funding_source=data.get("funding_source", ""),
            position=self.next_position(),
        )
        self.drafts.append((draft, where, data))

    def tasks_create(self, plan: Plan) -> None:
        try:
            tasks = tasks_create_bulk(plan=plan, drafts=[draft for draft, _, _ in self.drafts])
        except DraftError as error:
            raise SeedError(
                f"{self.drafts[error.index][1]}: {'; '.join(error.messages)}"
            ) from error
        for task, (_, _, data) in zip(tasks, self.drafts, strict=True):
            for target in data.get("targets", []):
                Target.objects.create(
                    task=task,
                    indicator=target["indicator"],
                    unit=target["unit"],
                    quantity=Decimal(str(target["quantity"])),
                    per=target["per"],
                )
            for line in data.get("budget", []):
                BudgetLine.objects.create(
                    task=task,
                    year=line["year"],
                    amount=Decimal(str(line["amount"])),
                    source=line["source"],
                    stage=line.get("stage", "estimate"),
                )
        self.stats.tasks += len(tasks)
        self.drafts = []

    def load_round(self, province: Locality, data) -> None:
        number = normalize(data["request_number"])
        if ReportingRound.objects.filter(province=province, request_number=number).exists():
            self.stats.skipped.append(number)
            return
        plans = []
        for plan_number in data.get("plans", []):
            plan = Plan.objects.filter(province=province, number=plan_number).first()
            if plan is None:
                raise SeedError(f"Đợt báo cáo {number}: chưa có văn bản {plan_number}")
            plans.append(plan)
        where = f"Đợt báo cáo {number}"
        reporting_round = ReportingRound(
            province=province,
            request_number=number,
            request_date=_date_required(data, "request_date", where),
            summary=data.get("summary", ""),
            period_start=_date_required(data, "period_start", where),
            period_end=_date_required(data, "period_end", where),
            deadline=_date_required(data, "deadline", where),
            outline=data.get("outline", []),
            body=data.get("body", []),
            status=data.get("status", "closed"),
        )
        history_note(reporting_round, reason=CHANGE_REASON)
        reporting_round.full_clean()
        reporting_round.save()
        reporting_round.plans.set(plans)
        self.stats.rounds += 1


def _count_agencies() -> int:
    from agreements.models import Agency

    return Agency.objects.count()


def seed_load(directory: Path = SEED_DIR) -> SeedStats:
    """Load every seed document; raises SeedError and saves nothing if the files are wrong."""
    return SeedLoader(directory).run()
