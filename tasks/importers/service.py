"""Create a plan from a parsed table: all sections, tasks and agencies, or nothing at all."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date as Date
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from agreements.documents import document_touch, plan_scope
from agreements.history import REQUEST_USER, history_note
from agreements.models import Agency, AgencyKind, Country, Locality, Plan, PlanKind, PlanStatus
from agreements.services import AgencyIndex, agency_upsert, plan_issue
from agreements.text import fold, normalize
from agreements.timeframes import parse_timeframe
from tasks.models import Section, Task
from tasks.services import DraftError, TaskDraft, sections_create_bulk, tasks_create_bulk

from .parser import ParsedPlan, ParsedSection, ParsedTask, lead_agency_names, split_names
from .reader import PlanImportError

if TYPE_CHECKING:
    from accounts.models import User


def plan_kind_for(number: str) -> str:
    folded = fold(number)
    if "/qd" in folded:
        return PlanKind.DECISION
    if "/kh" in folded:
        return PlanKind.PLAN
    if "/" in folded:
        return PlanKind.DIRECTIVE
    return PlanKind.PLAN


def locality_find(name: str, *, country: str | None = None) -> Locality | None:
    key = fold(name)
    localities = Locality.objects.all()
    if country:
        localities = localities.filter(country=country)
    for locality in localities:
        if key in {fold(locality.name), *(fold(alias) for alias in locality.aliases or [])}:
            return locality
    return None


def _position(text: str, names: list[str]) -> int | None:
    """Where in ``text`` one of ``names`` (folded) is written as whole words, if anywhere."""
    folded = fold(text)
    found = [
        match.start()
        for name in names
        if name and (match := re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", folded))
    ]
    return min(found) if found else None


def partners_detect(parsed: ParsedPlan, province: Locality) -> list[Locality]:
    """Partners named by the file: each top section (an appendix, a sheet) whose heading or sheet
    title names exactly one known foreign locality (by name or alias) gets it as its partner;
    returns every partner found, in order, for the plan (sheet titles heading no section too)."""
    localities = [
        (locality, [fold(name) for name in (locality.name, *(locality.aliases or []))])
        for locality in Locality.objects.exclude(country=Country.VN).exclude(pk=province.pk)
    ]

    def named(texts: list[str]) -> list[Locality]:
        """The localities the texts name, in the order they are written."""
        text = "\n".join(texts)
        hits = [(_position(text, names), loc.name, loc) for loc, names in localities]
        return [loc for at, _name, loc in sorted(h for h in hits if h[0] is not None)]

    found: list[Locality] = []
    for section in parsed.sections:
        if section.parent is not None:
            continue
        hits = named([section.number, section.title, section.subtitle, *section.hints])
        if len(hits) == 1:
            section.partner = hits[0]
        found += [hit for hit in hits if hit not in found]
    found += [hit for hit in named(parsed.hints) if hit not in found]
    return found


def _years(parsed: ParsedPlan, date: Date | None) -> tuple[int, int]:
    years = []
    for task in parsed.tasks:
        timeframe = parse_timeframe(task.timeframe)
        years += [d.year for d in (timeframe.start, timeframe.end) if d is not None]
    if years:
        return min(years), max(years)
    year = (date or timezone.localdate()).year
    return year, year


def _messages(error: ValidationError, model: type[Model] = Plan) -> str:
    """The error's messages, each after the Vietnamese name of its field ("nội dung công việc:
    …"), not the field's name in the code."""
    if not hasattr(error, "message_dict"):
        return "; ".join(error.messages)
    names = {f.name: str(getattr(f, "verbose_name", f.name)) for f in model._meta.get_fields()}
    return "; ".join(
        f"{names.get(k, k) if k != NON_FIELD_ERRORS else ''}: {' '.join(v)}".lstrip(": ")
        for k, v in error.message_dict.items()
    )


@transaction.atomic
def plan_import(
    *,
    parsed: ParsedPlan,
    province: Locality,
    number: str,
    title: str,
    partner: Locality | None = None,
    partners: Sequence[Locality] = (),
    date: Date | None = None,
    create_agencies: bool = False,
    agency_mapping: Mapping[str, Agency] | None = None,
    status: str = PlanStatus.DRAFT,
    user: User | None = None,
    details: Mapping[str, str] | None = None,
) -> Plan:
    """The plan with every parsed section and task. Raises PlanImportError, saving nothing.

    Its partners are ``partner``, ``partners`` and those of its sections (``ParsedSection.
    partner``, which the tasks under them inherit). ``details``: place, signer,
    signing_authority, signing_title as printed. ``status`` ISSUED issues it (which needs a
    number and a date) in the same transaction.
    """
    number, title = normalize(number), normalize(title)
    if not number or not title:
        raise PlanImportError("Cần số, ký hiệu và tên kế hoạch.")
    if Plan.objects.filter(province=province, number=number).exists():
        raise PlanImportError(f"Tỉnh {province.name} đã có văn bản số {number}.")
    index = AgencyIndex.for_province(province)
    mapping = {fold(name): agency for name, agency in (agency_mapping or {}).items()}
    for agency in mapping.values():
        if agency.province_id != province.pk:
            raise PlanImportError(f"Cơ quan “{agency.name}” không thuộc tỉnh {province.name}.")
    resolver = _Resolver(province, index, mapping, create_agencies)
    missing = parsed.unmatched_agencies(resolver)
    if missing and not create_agencies:
        shown = list(missing.items())[:10]
        listing = "; ".join(f"“{name}” ({places[0]})" for name, places in shown)
        if len(missing) > len(shown):
            listing += f"; và {len(missing) - len(shown)} tên khác"
        raise PlanImportError(f"Chưa có trong danh mục cơ quan: {listing}.")

    start_year, end_year = _years(parsed, date)
    plan = Plan(
        province=province,
        kind=plan_kind_for(number),
        number=number,
        title=title,
        date=date,
        start_year=start_year,
        end_year=end_year,
        status=PlanStatus.DRAFT,
        **{
            name: normalize(str(value))
            for name, value in (details or {}).items()
            if name in {"place", "signer", "signing_authority", "signing_title"}
        },
    )
    if status not in {PlanStatus.DRAFT, PlanStatus.ISSUED}:
        raise PlanImportError("Kế hoạch nhập từ tệp chỉ có thể là dự thảo hoặc đã ban hành.")
    everyone: list[Locality] = []
    for locality in [partner, *partners, *(s.partner for s in parsed.sections)]:
        if locality is not None and locality not in everyone:
            everyone.append(locality)
    try:
        history_note(plan, user=user)
        plan.full_clean()
        plan.save()
        document_touch(plan_scope(plan.pk))
        if everyone:
            plan.partners.add(*everyone)
        sections: dict[int, Section] = {}
        items: list[ParsedTask] = []
        drafts: list[TaskDraft] = []
        position = 0
        for item in parsed.items:
            position += 10
            if isinstance(item, ParsedSection):
                sections[id(item)] = Section(
                    number=item.number[:40],
                    title=item.title,
                    kind=item.kind,
                    subtitle=item.subtitle[:200],
                    parent=sections.get(id(item.parent)) if item.parent is not None else None,
                    partner=item.partner,
                    position=position,
                )
                continue
            items.append(item)
            drafts.append(_task_draft(item, sections, resolver, position))
        parsed_sections = parsed.sections
        try:
            sections_create_bulk(plan=plan, sections=list(sections.values()))
        except DraftError as error:
            where = parsed_sections[error.index].location
            raise PlanImportError(f"{where}: {_messages(error, Section)}") from error
        try:
            tasks_create_bulk(plan=plan, drafts=drafts, user=REQUEST_USER if user is None else user)
        except DraftError as error:
            where = items[error.index].location
            raise PlanImportError(f"{where}: {_messages(error, Task)}") from error
        if status == PlanStatus.ISSUED:
            plan_issue(plan=plan, user=user)
    except ValidationError as error:
        raise PlanImportError(f"Dữ liệu không hợp lệ: {_messages(error)}") from error
    return plan


class _Resolver:
    """Printed names → agencies: the user's mapping first, then the index, then (maybe) new."""

    def __init__(
        self, province: Locality, index: AgencyIndex, mapping: dict[str, Agency], create: bool
    ) -> None:
        self.province, self.index, self.mapping, self.create = province, index, mapping, create
        # A plan prints the same few names on hundreds of rows: each is folded and looked up once.
        self.known: dict[str, Agency | None] = {}

    def resolve(self, name: str) -> Agency | None:
        """Known agencies only (AgencyIndex's interface, for ``lead_agency_names``)."""
        if name not in self.known:
            self.known[name] = self.mapping.get(fold(name)) or self.index.resolve(name)
        return self.known[name]

    def lead(self, name: str) -> Agency | None:
        agency = self.resolve(name)
        if agency is None and self.create:
            agency = agency_upsert(province=self.province, name=name, kind=AgencyKind.OTHER)
            self.index.add(agency)
            self.known.clear()  # a new name may answer (or make ambiguous) another spelling
        return agency


def _task_draft(
    item: ParsedTask, sections: dict[int, Section], resolver: _Resolver, position: int
) -> TaskDraft:
    names = lead_agency_names(item.lead_text, resolver)
    leads = [agency for agency in (resolver.lead(name) for name in names) if agency]
    coordinating = []
    # Coordinating cells are free text ("các đơn vị liên quan"): link only known agencies.
    for name in [" ".join(item.coordinating_text.split()), *split_names(item.coordinating_text)]:
        agency = resolver.resolve(name) if name else None
        if agency is not None and agency not in coordinating:
            coordinating.append(agency)
    return TaskDraft(
        section=sections.get(id(item.section)) if item.section is not None else None,
        number=item.number,
        content=item.content,
        lead_agencies=leads,
        lead_text=item.lead_text,
        coordinating_agencies=coordinating,
        coordinating_text=item.coordinating_text,
        timeframe_text=item.timeframe,
        note=item.note,
        field=item.field,
        position=position,
    )
