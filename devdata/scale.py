"""Realistic data at national scale: provinces, agencies, plans, tasks, rounds, reports, history.

``scale_generate(spec)`` fills the database for ``python manage.py generate_scale_data`` and for
``make bench``: the 34 provinces of Vietnam after the 2025 merger, in a fixed order, each with
its departments (after the 2025 reorganisation, with the merged ones kept inactive and pointing
to their successor), accounts, agreements with partner provinces of Laos and Cambodia, plans of
several appendices and sections whose tasks read like the printed tables (lead and coordinating
agencies, timeframes in the forms the parser knows and a few it does not, notes, budget lines,
targets), then reporting rounds in which agencies draft, submit, get returned and accepted.
The names and phrases live in devdata/scale_vocabulary.py.

Deterministic: every choice comes from ``random.Random`` seeded with the seed and the province
(and round), never from the clock or from primary keys, so the same seed yields the same data in
a fresh database, and one province's data does not depend on how many others are generated.
Dates are counted from ``REFERENCE_DATE``, not from today, for the same reason.

Fast enough for 10,000 tasks: plans, agreements, localities and agencies go through ``save()``
and the services; sections, tasks and their rows are written with simple-history's
``bulk_create_with_history`` (the history rows are there, in bulk); reporting goes through the
workflow services (``round_open``, ``report_start``, ``report_save``, ``report_submit``,
``report_return``, ``report_accept``), with the entries filled by ``bulk_update_with_history``.
Not recorded: the history of the many-to-many rows written in bulk (coordinating agencies and
partners of a task), which ``task_create`` would have recorded one by one.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Role, User
from accounts.roles import GROUP_NAMES
from agreements.history import history_note
from agreements.models import (
    Agency,
    AgencyKind,
    Agreement,
    Country,
    Locality,
    Plan,
    PlanKind,
    PlanStatus,
    ReportDeadline,
)
from agreements.services import agency_upsert
from agreements.text import fold
from reports.models import (
    EntryRole,
    Report,
    ReportEntry,
    ReportingRound,
    ReportStatus,
    RoundStatus,
)
from reports.selectors import round_owing_agencies
from reports.services import (
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
    round_open,
)
from tasks.exporters.base import slugify_vi
from tasks.models import (
    BlockKind,
    BlockPart,
    BudgetLine,
    BudgetStage,
    FundingSource,
    PlanBlock,
    Section,
    SectionKind,
    Target,
    TargetPer,
    Task,
    TaskLead,
    TaskStatus,
)

from .scale_vocabulary import (
    AGENCIES,
    CLOSED_ROUND_STATES,
    DEFAULT_COLUMNS,
    DIFFICULTIES,
    FAMILY,
    FIELD_COLUMNS,
    FIELDS,
    GIVEN,
    GROUP_AGENCY,
    MERGED_AGENCIES,
    MERGED_SINCE,
    MIDDLE,
    NOTES,
    OPEN_ROUND_STATES,
    OUTLINE,
    PARTNERS,
    PROPOSALS,
    PROVINCES,
    QUALIFIERS,
    REASONS,
    RETURN_COMMENTS,
    ROMAN,
    UNPARSED_TIMEFRAMES,
    FieldSpec,
    ProvinceSpec,
    agency_text,
    country_label,
    partner_label,
)

REFERENCE_DATE = date(2026, 11, 15)
CHANGE_REASON = "Dữ liệu quy mô lớn (generate_scale_data)"
MAX_PLANS_PER_PROVINCE = 200
MAX_TASKS_PER_PLAN = 1000
MAX_ROUNDS = 8

# -- the run ----------------------------------------------------------------------------------


class ScaleError(Exception):
    """The request cannot be honoured as asked; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class ScaleSpec:
    provinces: int
    plans_per_province: int
    tasks_per_plan: int
    rounds: int
    seed: int
    append: bool = False
    as_of: date = REFERENCE_DATE

    def validate(self) -> None:
        limits = (
            ("--provinces", self.provinces, len(PROVINCES)),
            ("--plans-per-province", self.plans_per_province, MAX_PLANS_PER_PROVINCE),
            ("--tasks-per-plan", self.tasks_per_plan, MAX_TASKS_PER_PLAN),
            ("--rounds", self.rounds, MAX_ROUNDS),
        )
        for name, value, most in limits:
            if value < 1:
                raise ScaleError(
                    _("%(name)s phải là số nguyên dương (ít nhất 1), không phải %(value)s.")
                    % {"name": name, "value": value}
                )
            if value > most:
                raise ScaleError(
                    _("%(name)s tối đa là %(most)s, không phải %(value)s.")
                    % {"name": name, "most": most, "value": value}
                )

    @property
    def province_specs(self) -> tuple[ProvinceSpec, ...]:
        return PROVINCES[: self.provinces]


@dataclass
class ScaleStats:
    provinces: int = 0
    agencies: int = 0
    users: int = 0
    agreements: int = 0
    plans: int = 0
    sections: int = 0
    tasks: int = 0
    budget_lines: int = 0
    targets: int = 0
    rounds: int = 0
    reports: dict[str, int] = field(default_factory=dict)
    entries: int = 0
    seconds: float = 0.0
    province_ids: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        labels = dict(ReportStatus.choices)
        by_state = ", ".join(
            f"{labels.get(state, state).lower()}: {n}" for state, n in sorted(self.reports.items())
        )
        return [
            _("Tỉnh, thành phố: %(n)s") % {"n": self.provinces},
            _("Cơ quan, đơn vị (mới): %(n)s") % {"n": self.agencies},
            _("Tài khoản (mới): %(n)s") % {"n": self.users},
            _("Văn bản thỏa thuận: %(n)s") % {"n": self.agreements},
            _("Kế hoạch: %(n)s") % {"n": self.plans},
            _("Phụ lục, mục: %(n)s") % {"n": self.sections},
            _("Nhiệm vụ: %(n)s") % {"n": self.tasks},
            _("Dòng kinh phí: %(n)s; chỉ tiêu: %(t)s")
            % {"n": self.budget_lines, "t": self.targets},
            _("Đợt báo cáo: %(n)s") % {"n": self.rounds},
            _("Báo cáo: %(n)s (%(states)s)")
            % {"n": sum(self.reports.values()), "states": by_state or "-"},
            _("Nội dung báo cáo theo nhiệm vụ: %(n)s") % {"n": self.entries},
            _("Thời gian: %(s).1f giây") % {"s": self.seconds},
        ]


def scale_generate(spec: ScaleSpec) -> ScaleStats:
    """Create the data ``spec`` asks for, all or nothing; raises ScaleError before writing."""
    spec.validate()
    names = [p.name for p in spec.province_specs]
    if not spec.append:
        holding = set(
            Plan.objects.filter(province__country=Country.VN, province__name__in=names).values_list(
                "province__name", flat=True
            )
        )
        taken = [name for name in names if name in holding]
        if taken:
            raise ScaleError(
                _(
                    "Đã có kế hoạch của: %(names)s. Dữ liệu quy mô lớn không trộn vào dữ liệu "
                    "đang có; dùng cơ sở dữ liệu trống, hoặc thêm --append để vẫn thêm vào."
                )
                % {"names": ", ".join(taken)}
            )
    started = time.perf_counter()
    stats = ScaleStats()
    with transaction.atomic():
        _groups_ensure()
        for province_spec in spec.province_specs:
            ProvinceBuilder(spec, province_spec, stats).build()
    statistics_refresh()
    stats.seconds = time.perf_counter() - started
    return stats


def statistics_refresh() -> None:
    """What autovacuum does on a PostgreSQL server after a bulk load, at once: ANALYZE (the
    planner otherwise keeps the row counts of the empty tables, and picks nested loops that cost
    a dashboard tens of milliseconds per query: seen 34 ms instead of 1 ms) and VACUUM (the
    visibility map, without which an index-only scan reads every row anyway: the dashboard's
    counts by plan, ``tasks.Task`` index ``task_plan_counted``). Where autovacuum is off, as on
    the bench's server, nothing else would. VACUUM cannot run inside a transaction: within one
    (a test), ANALYZE alone."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def _groups_ensure() -> None:
    # Normally made by post_migrate (accounts.roles); a flushed test database may lack them.
    for name in GROUP_NAMES.values():
        Group.objects.get_or_create(name=name)


def _weighted(rng: random.Random, choices) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _bulk(objs: list, model, user=None) -> None:
    """bulk_create_with_history with our change reason; an empty list writes nothing."""
    if objs:
        bulk_create_with_history(
            objs, model, default_user=user, default_change_reason=CHANGE_REASON
        )


def _searchable(obj) -> None:
    """What SearchableModel.save() does, for rows written in bulk."""
    obj.search_text = fold(" ".join(part for part in obj.search_source() if part))


class ProvinceBuilder:
    """One province: reference data, plans with their tables, then the reporting rounds."""

    def __init__(self, spec: ScaleSpec, province_spec: ProvinceSpec, stats: ScaleStats):
        self.spec = spec
        self.p = province_spec
        self.stats = stats
        # Reproducible data, not secrets: the standard generator is what is wanted here.
        self.rng = random.Random(f"{spec.seed}:{province_spec.name}")  # noqa: S311
        self.year = spec.as_of.year
        self.slug = slugify_vi(province_spec.name).lower()

    def build(self) -> None:
        self.province = self.locality(self.p.name, Country.VN, [])
        self.stats.provinces += 1
        self.stats.province_ids.append(self.province.pk)
        self.partners = [self.locality(name, *PARTNERS[name]) for name in self.p.partners]
        self.agencies_create()
        self.users_create()
        self.agreements_create()
        plans = self.plans_create()
        for index in range(self.spec.rounds):
            year = self.year - (self.spec.rounds - 1 - index)
            in_force = [
                plan
                for plan in plans
                if plan.status != PlanStatus.DRAFT and plan.start_year <= year <= plan.end_year
            ]
            if not in_force:  # a year before every generated plan: report on the oldest
                in_force = [min(plans, key=lambda plan: (plan.start_year, plan.number))]
            is_current = year == self.year
            round_generate(
                province=self.province,
                plans=in_force,
                year=year,
                current=is_current,
                rng=random.Random(f"{self.spec.seed}:{self.p.name}:round:{year}"),  # noqa: S311
                as_of=self.spec.as_of,
                stats=self.stats,
            )

    # -- reference data ---------------------------------------------------------------------
    def locality(self, name: str, country: str, aliases: list[str]) -> Locality:
        locality = Locality.objects.filter(country=country, name=name).first()
        if locality is None:
            locality = Locality(country=country, name=name, aliases=list(aliases))
            history_note(locality, reason=CHANGE_REASON)
            locality.full_clean()
            locality.save()
        return locality

    def agencies_create(self) -> None:
        before = Agency.objects.filter(province=self.province).count()
        self.agencies: dict[str, Agency] = {}
        for agency_spec in AGENCIES:
            if agency_spec.border_only and not self.p.border:
                continue
            self.agencies[agency_spec.code] = agency_upsert(
                province=self.province,
                name=agency_text(agency_spec.name, self.p),
                short_name=agency_text(agency_spec.short_name, self.p),
                kind=agency_spec.kind,
            )
        self.group = agency_upsert(province=self.province, name=GROUP_AGENCY, kind=AgencyKind.GROUP)
        for name, code in MERGED_AGENCIES:
            merged = agency_upsert(province=self.province, name=name)
            if merged.active:
                merged.active = False
                merged.successor = self.agencies[code]
                merged.successor_since = MERGED_SINCE
                history_note(merged, reason=CHANGE_REASON)
                merged.full_clean()
                merged.save()
        self.stats.agencies += Agency.objects.filter(province=self.province).count() - before

    def users_create(self) -> None:
        wanted = [
            (f"snv.{self.slug}", Role.COORDINATOR, self.agencies["snv"]),
            (f"lanhdao.{self.slug}", Role.LEADER, None),
            *((f"{self.slug}.{code}", Role.REPORTER, a) for code, a in self.agencies.items()),
        ]
        existing = set(
            User.objects.filter(username__in=[w[0] for w in wanted]).values_list(
                "username", flat=True
            )
        )
        users = []
        for username, role, agency in wanted:
            if username in existing:
                continue
            family, middle, given = _person(self.rng).split()
            user = User(
                username=username,
                first_name=f"{family} {middle}",
                last_name=given,
                email=f"{username}@{self.slug}.gov.vn",
                role=role,
                province=self.province,
                agency=agency,
                is_staff=role in (Role.COORDINATOR, Role.LEADER),
            )
            user.set_unusable_password()
            users.append(user)
        _bulk(users, User)
        groups: dict[str, Group] = {
            role: Group.objects.get(name=name) for role, name in GROUP_NAMES.items()
        }
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=groups[u.role].pk) for u in users]
        )
        self.stats.users += len(users)
        self.coordinator = User.objects.get(username=f"snv.{self.slug}")

    def agreements_create(self) -> None:
        self.agreements: dict[int, Agreement] = {}
        for partner in self.partners:
            start = self.year - 5 + self.rng.randint(0, 1)
            signed = date(start - 1, self.rng.randint(6, 12), self.rng.randint(1, 28))
            kind = self.rng.choice(("agreement", "agreement", "minutes", "mou"))
            title = {
                "agreement": "Văn bản thỏa thuận hợp tác",
                "minutes": "Biên bản hợp tác",
                "mou": "Bản ghi nhớ hợp tác",
            }[kind]
            agreement = Agreement(
                province=self.province,
                kind=kind,
                title=f"{title} giữa {self.p.label}, nước CHXHCN Việt Nam và "
                f"{partner_label(partner.name)}, {country_label(partner.country)} "
                f"giai đoạn {start} - {start + 9}",
                start_year=start,
                end_year=start + 9,
                signed_date=signed,
                signed_place=self.rng.choice((self.p.label, partner_label(partner.name))),
            )
            history_note(agreement, user=self.coordinator, reason=CHANGE_REASON)
            agreement.full_clean()
            agreement.save()
            agreement.partners.set([partner])
            self.agreements[partner.pk] = agreement
            self.stats.agreements += 1

    # -- plans ------------------------------------------------------------------------------
    def plan_period(self, index: int) -> tuple[int, int, str]:
        """(start, end, status): the first plans cover the usual cases, the others vary."""
        y = self.year
        shapes = [
            (y, y + 4, PlanStatus.ISSUED),
            (y, y, PlanStatus.ISSUED),
            (y - 5, y - 1, PlanStatus.CLOSED),
            (y - 1, y - 1, PlanStatus.CLOSED),
            (y + 1, y + 1, PlanStatus.DRAFT),
            (y - 2, y, PlanStatus.ISSUED),
            (y - 1, y + 1, PlanStatus.ISSUED),
        ]
        if index < 5:
            return shapes[index]
        return self.rng.choices(shapes, weights=(3, 4, 2, 2, 1, 2, 2))[0]

    def plans_create(self) -> list[Plan]:
        used = set(Plan.objects.filter(province=self.province).values_list("number", flat=True))
        plans: list[Plan] = []
        appendices: list[Section] = []
        plan_rows = []
        for index in range(self.spec.plans_per_province):
            start, end, status = self.plan_period(index)
            count = min(len(self.partners), self.rng.choice((1, 1, 2, 2, 3)))
            partners = self.rng.sample(self.partners, count)
            plan = self.plan_create(start, end, status, partners, used)
            plans.append(plan)
            plan_rows.append((plan, partners))
        # Sections and tasks in bulk: appendices, then parts, then tasks and their rows.
        layouts = [self.plan_layout(plan, partners) for plan, partners in plan_rows]
        appendices = [a for layout in layouts for a, _parts in layout]
        _bulk(appendices, Section, self.coordinator)
        parts = []
        for layout in layouts:
            for appendix, part_list in layout:
                for part, _tasks in part_list:
                    part.parent = appendix
                    parts.append(part)
        _bulk(parts, Section, self.coordinator)
        self.stats.sections += len(appendices) + len(parts)
        tasks, leads, coordinating, task_partners, lines, targets = [], [], [], [], [], []
        for layout in layouts:
            for _appendix, part_list in layout:
                for part, drafts in part_list:
                    for draft in drafts:
                        draft.task.section = part
                        tasks.append(draft.task)
        _bulk(tasks, Task, self.coordinator)
        for layout in layouts:
            for _appendix, part_list in layout:
                for _part, drafts in part_list:
                    for draft in drafts:
                        task = draft.task
                        leads += [
                            TaskLead(task=task, agency=agency, order=order)
                            for order, agency in enumerate(draft.leads)
                        ]
                        coordinating += [
                            Task.coordinating_agencies.through(task_id=task.pk, agency_id=a.pk)
                            for a in draft.coordinating
                        ]
                        task_partners += [
                            Task.partners.through(task_id=task.pk, locality_id=p.pk)
                            for p in draft.partners
                        ]
                        for line in draft.budget:
                            line.task = task
                            lines.append(line)
                        for target in draft.targets:
                            target.task = task
                            targets.append(target)
        _bulk(leads, TaskLead, self.coordinator)
        Task.coordinating_agencies.through.objects.bulk_create(coordinating)
        Task.partners.through.objects.bulk_create(task_partners)
        _bulk(lines, BudgetLine, self.coordinator)
        _bulk(targets, Target, self.coordinator)
        self.stats.tasks += len(tasks)
        self.stats.budget_lines += len(lines)
        self.stats.targets += len(targets)
        return plans

    def plan_create(self, start, end, status, partners, used: set[str]) -> Plan:
        rng = self.rng
        kind = PlanKind.DECISION if rng.random() < 0.3 else PlanKind.PLAN
        symbol = "QĐ-UBND" if kind == PlanKind.DECISION else "KH-UBND"
        number = f"{rng.randint(12, 4800)}/{symbol}"
        while number in used:
            number = f"{int(number.split('/')[0]) + 1}/{symbol}"
        used.add(number)
        names = " và ".join(partner_label(p.name) for p in partners)
        countries = sorted({country_label(p.country) for p in partners})
        where = f"{names}, {' và '.join(countries)}"
        period = f"năm {start}" if start == end else f"giai đoạn {start} - {end}"
        title = (
            f"Kế hoạch hợp tác giữa {self.p.label} và {where} {period}"
            if start != end
            else f"Kế hoạch triển khai hoạt động hợp tác giữa {self.p.label} và {where} {period}"
        )
        issued = date(start - 1, 12, rng.randint(1, 28)) if rng.random() < 0.4 else None
        issued = issued or date(start, rng.randint(1, 6), rng.randint(1, 28))
        plan = Plan(
            province=self.province,
            kind=kind,
            number=number,
            date=None if status == PlanStatus.DRAFT else issued,
            place=self.p.name,
            issuing_body=f"ỦY BAN NHÂN DÂN\n{self.p.unit.upper()} {self.p.name.upper()}",
            signing_authority="TM. ỦY BAN NHÂN DÂN",
            signing_title=rng.choice(("CHỦ TỊCH", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")),
            signer=_person(rng),
            summary=(
                f"Về việc ban hành {title[0].lower()}{title[1:]}" if kind == "decision" else ""
            ),
            title=title,
            start_year=start,
            end_year=end,
            recipients="\n".join(
                (
                    "Bộ Ngoại giao;",
                    f"TT {self.p.unit.capitalize()} ủy, TT HĐND {self.p.unit};",
                    "CT, các PCT UBND;",
                    "Các sở, ban, ngành, đoàn thể;",
                    "Lưu: VT, NC.",
                )
            ),
            status=status,
        )
        history_note(plan, user=self.coordinator, reason=CHANGE_REASON)
        plan.full_clean()
        plan.save()
        plan.partners.set(partners)
        plan.agreements.set([self.agreements[p.pk] for p in partners])
        part = BlockPart.ATTACHED if kind == "decision" else BlockPart.MAIN
        text = (
            ("I.", "MỤC TIÊU, YÊU CẦU"),
            (
                "",
                "Cụ thể hóa chủ trương của Đảng và Nhà nước về quan hệ hữu nghị truyền thống, "
                f"hợp tác toàn diện giữa Việt Nam và các địa phương của {' và '.join(countries)}; "
                f"nâng cao hiệu quả hợp tác giữa {self.p.label} và {names}.",
            ),
            ("II.", "TỔ CHỨC THỰC HIỆN"),
            (
                "",
                "Giao Sở Ngoại vụ chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị triển khai Kế "
                "hoạch; định kỳ tổng hợp, báo cáo UBND tỉnh trước ngày 15 tháng 11 hằng năm.",
            ),
            ("III.", "KINH PHÍ THỰC HIỆN"),
            (
                "",
                "Kinh phí thực hiện từ ngân sách tỉnh giao trong dự toán hằng năm của các cơ "
                "quan, đơn vị và các nguồn hợp pháp khác.",
            ),
        )
        bulk_create_with_history(
            [
                PlanBlock(
                    plan=plan,
                    part=part,
                    position=10 * (index + 1),
                    kind=BlockKind.HEADING if number else BlockKind.PARAGRAPH,
                    number=number,
                    text=line,
                    bold=bool(number),
                )
                for index, (number, line) in enumerate(text)
            ],
            PlanBlock,
            default_user=self.coordinator,
        )
        bulk_create_with_history(
            [
                ReportDeadline(
                    plan=plan,
                    date=date(year, 11, 15),
                    text=f"Báo cáo kết quả thực hiện năm {year} gửi Sở Ngoại vụ",
                )
                for year in range(start, end + 1)
            ],
            ReportDeadline,
            default_user=self.coordinator,
            default_change_reason=CHANGE_REASON,
        )
        self.stats.plans += 1
        return plan

    def plan_layout(self, plan: Plan, partners: list[Locality]):
        """[(appendix, [(part, [task drafts])])], unsaved, in printed order."""
        rng = self.rng
        per_partner = len(partners) > 1 and rng.random() < 0.6
        groups = [[p] for p in partners] if per_partner else [partners]
        total = self.spec.tasks_per_plan
        shares = [
            total // len(groups) + (1 if i < total % len(groups) else 0) for i in range(len(groups))
        ]
        period = plan.period_label
        layout = []
        position = 0
        for number, (group, share) in enumerate(zip(groups, shares, strict=True)):
            if share == 0:
                continue
            position += 10
            partner = group[0] if len(group) == 1 else None
            whom = " VÀ ".join(partner_label(p.name).upper() for p in group)
            appendix = Section(
                plan=plan,
                kind=SectionKind.APPENDIX,
                number=f"PHỤ LỤC {ROMAN[number % len(ROMAN)]}",
                title=f"KẾ HOẠCH HỢP TÁC GIỮA {self.p.label.upper()} VÀ {whom}",
                subtitle=f"(Giai đoạn {period})" if "-" in period else f"(Năm {period})",
                partner=partner,
                columns=DEFAULT_COLUMNS if per_partner or len(group) == 1 else FIELD_COLUMNS,
                position=position,
            )
            _searchable(appendix)
            counts = self.field_counts(share)
            parts = []
            task_number = 0
            for part_index, (field_spec, count) in enumerate(
                item for item in zip(FIELDS, counts, strict=True) if item[1]
            ):
                position += 10
                part = Section(
                    plan=plan,
                    kind=SectionKind.PART,
                    number=ROMAN[part_index % len(ROMAN)],
                    title=field_spec.title,
                    partner=partner,
                    position=position,
                )
                _searchable(part)
                drafts = []
                for _index in range(count):
                    position += 10
                    task_number += 1
                    drafts.append(
                        self.task_draft(plan, field_spec, group, f"{task_number}.", position)
                    )
                parts.append((part, drafts))
            layout.append((appendix, parts))
        return layout

    def field_counts(self, total: int) -> list[int]:
        counts = [0] * len(FIELDS)
        weights = [f.weight for f in FIELDS]
        for _index in range(total):
            counts[self.rng.choices(range(len(FIELDS)), weights=weights)[0]] += 1
        return counts

    def task_draft(self, plan, field_spec: FieldSpec, partners, number: str, position: int):
        rng = self.rng
        usable = [t for t in field_spec.templates if any(c in self.agencies for c in t.leads)]
        template = rng.choice(usable)
        partner = rng.choice(partners)
        language = "Lào" if partner.country == Country.LA else "Khmer"
        content = template.text.format(
            province=self.p.label,
            partner=partner_label(partner.name),
            year=rng.randint(plan.start_year, plan.end_year),
            country_short="Lào" if partner.country == Country.LA else "Campuchia",
            anniversary="05/9/1962" if partner.country == Country.LA else "24/6/1967",
            new_year="Bunpimay" if partner.country == Country.LA else "Chol Chnam Thmay",
            language=language,
            unit_pair="tỉnh" if not self.p.city else "địa phương",
        )
        content = content + rng.choice(QUALIFIERS) + "."
        # Leads: the template's agency, sometimes two; now and then a printed collective.
        candidates = [self.agencies[c] for c in template.leads if c in self.agencies]
        roll = rng.random()
        if roll < 0.03:
            leads, lead_text = [self.group], GROUP_AGENCY
        elif roll < 0.13 and len(candidates) > 1:
            leads = candidates[:2]
            lead_text = "; ".join(a.name for a in leads)
        else:
            leads = candidates[:1]
            lead_text = leads[0].display_name
        others = [a for code, a in self.agencies.items() if a not in leads]
        coordinating = rng.sample(others, rng.randint(0, 3)) if rng.random() < 0.9 else []
        if coordinating:
            names = [a.display_name for a in coordinating]
            coordinating_text = ", ".join(names) + rng.choice(
                ("", " và các cơ quan liên quan", "; các sở, ngành, địa phương liên quan")
            )
        else:
            coordinating_text = rng.choice(("", "Các sở, ban, ngành, địa phương liên quan"))
        funding = rng.choice(
            (FundingSource.PROVINCE, FundingSource.PROVINCE, FundingSource.SELF, "", "")
        )
        task = Task(
            plan=plan,
            position=position,
            number=number,
            content=content,
            lead_text=lead_text,
            coordinating_text=coordinating_text,
            field=field_spec.label,
            timeframe_text=self.timeframe(plan, template.when),
            note=rng.choice(NOTES),
            funding_source=funding,
        )
        task.apply_timeframe()
        _searchable(task)
        draft = TaskDraft(task=task, leads=leads, coordinating=coordinating, partners=partners)
        if template.target:
            indicator, unit, low, high = template.target
            draft.targets.append(
                Target(
                    indicator=indicator,
                    unit=unit,
                    quantity=Decimal(rng.randint(low, high)),
                    per=TargetPer.YEAR,
                )
            )
        if rng.random() < template.budget:
            first = (task.start_date.year if task.start_date else plan.start_year) or self.year
            last = (task.end_date.year if task.end_date else plan.end_year) or first
            years = list(range(max(first, plan.start_year), min(last, plan.end_year) + 1))[:3]
            for year in years or [plan.start_year]:
                stage = (
                    BudgetStage.DISBURSED
                    if year < self.year
                    else BudgetStage.APPROVED
                    if year == self.year
                    else BudgetStage.ESTIMATE
                )
                draft.budget.append(
                    BudgetLine(
                        year=year,
                        amount=Decimal(rng.choice((50, 80, 100, 150, 200, 300, 500, 800, 1500)))
                        * 1_000_000,
                        source=funding or FundingSource.PROVINCE,
                        stage=stage,
                    )
                )
        return draft

    def timeframe(self, plan: Plan, when: str) -> str:
        rng = self.rng
        start, end = plan.start_year, plan.end_year
        year = rng.randint(start, end)
        if rng.random() < 0.06:
            return rng.choice(UNPARSED_TIMEFRAMES).format(year=year)
        if when == "ongoing" and rng.random() < 0.5:
            return rng.choice(("Thường xuyên", "Thường xuyên", "Hằng năm", "Định kỳ hằng quý"))
        if when == "ongoing":
            when = "period"
        if when == "period" and start != end:
            low = rng.randint(start, end - 1)
            high = rng.randint(low + 1, end)
            return rng.choice((f"{start} - {end}", f"Giai đoạn {start} - {end}", f"{low} - {high}"))
        quarter = rng.randint(1, 4)
        forms = (
            f"Năm {year}",
            f"{year}",
            f"Quý {ROMAN[quarter - 1]}/{year}",
            f"Quý {ROMAN[quarter - 1]} năm {year}",
            f"Quý {ROMAN[min(quarter, 3) - 1]} hoặc {ROMAN[min(quarter, 3)]} năm {year}",
            f"Tháng {rng.randint(1, 12)}/{year}",
            f"6 tháng {rng.choice(('đầu', 'cuối'))} năm {year}",
        )
        return rng.choice(forms)


@dataclass
class TaskDraft:
    task: Task
    leads: list[Agency]
    coordinating: list[Agency]
    partners: list[Locality]
    budget: list[BudgetLine] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


# -- rounds and reports -----------------------------------------------------------------------


def province_users(province: Locality) -> tuple[User, dict[int, User]]:
    """The province's coordinator (Sở Ngoại vụ) and one reporter per agency, oldest first."""
    coordinator = (
        User.objects.filter(province=province, role=Role.COORDINATOR, is_active=True)
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        raise ScaleError(_("Tỉnh %(name)s chưa có cán bộ điều phối.") % {"name": province.name})
    reporters: dict[int, User] = {}
    for user in User.objects.filter(province=province, role=Role.REPORTER, is_active=True).order_by(
        "-pk"
    ):
        if user.agency_id is not None:  # a reporter always has one (User.clean)
            reporters[user.agency_id] = user
    return coordinator, reporters


def round_generate(
    *,
    province: Locality,
    plans: Iterable[Plan],
    year: int,
    current: bool,
    rng: random.Random,
    as_of: date = REFERENCE_DATE,
    stats: ScaleStats | None = None,
    request_number: str = "",
    summary: str = "",
) -> ReportingRound:
    """A round over ``plans`` and the reports agencies made in it, through the workflow services.

    The round of the current year stays open, with reports in every state; earlier rounds are
    closed, nearly every report accepted (which sets the tasks' status, with history).
    """
    stats = stats if stats is not None else ScaleStats()
    coordinator, reporters = province_users(province)
    plans = list(plans)
    used = set(
        ReportingRound.objects.filter(province=province).values_list("request_number", flat=True)
    )
    number = request_number or f"{rng.randint(100, 4500)}/UBND-ĐN"
    while number in used:
        number = f"{int(number.split('/')[0]) + 1}/UBND-ĐN"
    if current:
        request_date = as_of - timedelta(days=25)
        deadline = as_of + timedelta(days=rng.randint(5, 20))
    else:
        request_date = date(year, 11, rng.randint(1, 10))
        deadline = request_date + timedelta(days=30)
    reporting_round = round_open(
        user=coordinator,
        request_number=number,
        request_date=request_date,
        plans=plans,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        deadline=deadline,
        summary=summary
        or f"V/v báo cáo kết quả thực hiện các kế hoạch hợp tác với địa phương nước ngoài "
        f"năm {year}",
        outline=OUTLINE,
    )
    stats.rounds += 1
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task__plan__in=plans).order_by("pk"):
        targets.setdefault(target.task_id, []).append(target)
    states = OPEN_ROUND_STATES if current else CLOSED_ROUND_STATES
    # Sorted here, not by the database: PostgreSQL's collation and SQLite's byte order disagree,
    # and the order decides which random draw each agency gets.
    for agency in sorted(round_owing_agencies(reporting_round), key=lambda a: (a.name, a.pk)):
        state = _weighted(rng, states)
        if state == "none":
            continue
        author = reporters.get(agency.pk, coordinator)
        report = report_start(reporting_round=reporting_round, agency=agency, user=author)
        entries = list(report.entries.select_related("task").order_by("task_id"))
        filled = []
        for entry in entries:
            if entry.role == EntryRole.LEAD and (state != "draft" or rng.random() < 0.6):
                _entry_fill(entry, rng, year, targets.get(entry.task_id, ()))
                filled.append(entry)
            elif entry.role == EntryRole.COORDINATING and rng.random() < 0.3:
                entry.result = rng.choice(
                    (
                        "Đã cử cán bộ phối hợp với đơn vị chủ trì.",
                        "Phối hợp cung cấp thông tin, tài liệu theo đề nghị của đơn vị chủ trì.",
                        "Chưa nhận được đề nghị phối hợp.",
                    )
                )
                filled.append(entry)
        bulk_update_with_history(
            filled,
            ReportEntry,
            ["status", "result", "funds_spent", "actuals"],
            default_user=author,
            default_change_reason=CHANGE_REASON,
        )
        report = report_save(
            report=report, user=author, version=report.version, general=_general(rng, state)
        )
        if state != "draft":
            report = report_submit(report=report, user=author, version=report.version)
        if state == "returned" or (state == "accepted" and rng.random() < 0.15):
            report = report_return(
                report=report, user=coordinator, comment=rng.choice(RETURN_COMMENTS)
            )
            if state == "accepted":  # corrected and handed in again
                report = report_save(
                    report=report,
                    user=author,
                    version=report.version,
                    general={"funds_other": Decimal(rng.randint(0, 20) * 5_000_000)},
                )
                report = report_submit(report=report, user=author, version=report.version)
        if state == "accepted":
            report = report_accept(report=report, user=coordinator)
        stats.reports[report.status] = stats.reports.get(report.status, 0) + 1
        stats.entries += len(entries)
    if not current:
        reporting_round.status = RoundStatus.CLOSED
        history_note(reporting_round, user=coordinator, reason=CHANGE_REASON)
        reporting_round.save()
    return reporting_round


def _entry_fill(entry: ReportEntry, rng: random.Random, year: int, targets) -> None:
    task = entry.task
    choices: tuple[tuple[str, int], ...]
    if task.ongoing or task.recurrence:
        choices = ((TaskStatus.IN_PROGRESS, 80), (TaskStatus.DONE, 10), (TaskStatus.DELAYED, 10))
    elif task.end_date is None:
        choices = (
            (TaskStatus.IN_PROGRESS, 45),
            (TaskStatus.NOT_STARTED, 35),
            (TaskStatus.DONE, 20),
        )
    elif task.end_date.year <= year:
        choices = (
            (TaskStatus.DONE, 70),
            (TaskStatus.DELAYED, 12),
            (TaskStatus.IN_PROGRESS, 6),
            (TaskStatus.CANCELLED, 6),
            (TaskStatus.DEFERRED, 6),
        )
    elif task.start_date and task.start_date.year > year:
        choices = ((TaskStatus.NOT_STARTED, 90), (TaskStatus.IN_PROGRESS, 10))
    else:
        choices = (
            (TaskStatus.IN_PROGRESS, 70),
            (TaskStatus.DONE, 10),
            (TaskStatus.DELAYED, 10),
            (TaskStatus.NOT_STARTED, 10),
        )
    status = _weighted(rng, choices)
    # Progress does not go backwards: a task finished, dropped or deferred in an accepted report
    # stays so, and one under way is not reported as not started.
    if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.DEFERRED):
        status = task.status
    elif task.status != TaskStatus.NOT_STARTED and status == TaskStatus.NOT_STARTED:
        status = TaskStatus.IN_PROGRESS
    entry.status = status
    reason = rng.choice(REASONS)
    delegations = rng.randint(1, 4)
    results: dict[str, str] = {
        TaskStatus.DONE: f"Đã hoàn thành: tổ chức {delegations} đợt làm việc với phía bạn, "
        f"{rng.randint(5, 40)} lượt cán bộ tham gia; hai bên đã ký biên bản ghi nhận kết quả.",
        TaskStatus.IN_PROGRESS: f"Đang triển khai: đã tổ chức {delegations} đợt làm việc; "
        f"dự kiến hoàn thành trong quý {ROMAN[rng.randint(0, 3)]}/{year + 1}.",
        TaskStatus.DELAYED: f"Chậm tiến độ do {reason}; đơn vị đề xuất lùi sang năm {year + 1}.",
        TaskStatus.NOT_STARTED: f"Chưa triển khai do {reason}.",
        TaskStatus.CANCELLED: f"Không thực hiện do {reason}.",
        TaskStatus.DEFERRED: "Hai bên thống nhất chuyển sang giai đoạn sau.",
    }
    entry.result = results[status]
    if status in (TaskStatus.DONE, TaskStatus.IN_PROGRESS) and rng.random() < 0.5:
        entry.funds_spent = Decimal(rng.randint(2, 60) * 10_000_000)
    if targets and status in (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.DELAYED):
        entry.actuals = {
            str(target.pk): int(target.quantity * Decimal(rng.randint(40, 120)) / 100)
            for target in targets
        }


def _general(rng: random.Random, state: str) -> dict:
    complete = state != "draft" or rng.random() < 0.5
    return {
        "delegations_out": rng.randint(0, 6) if complete else None,
        "delegations_out_officials": rng.randint(0, 40) if complete else None,
        "delegations_in": rng.randint(0, 5) if complete else None,
        "funds_state_budget": Decimal(rng.randint(0, 90) * 10_000_000) if complete else None,
        "funds_other": Decimal(rng.randint(0, 10) * 5_000_000) if complete else None,
        "difficulties": rng.choice(DIFFICULTIES),
        "proposals": rng.choice(PROPOSALS),
    }


# -- fingerprint ------------------------------------------------------------------------------


def scale_fingerprint(province_names: Iterable[str]) -> str:
    """A digest of everything generated for these provinces, without keys, dates of saving or
    timestamps: equal for equal data whatever the database or the primary keys."""
    names = sorted(province_names)
    digest = hashlib.sha256()

    def feed(rows) -> None:
        # Sorted in Python: databases sort Vietnamese text differently.
        for line in sorted(repr(tuple(row)) for row in rows):
            digest.update(line.encode())
        digest.update(b"|")

    scope = {"province__country": Country.VN, "province__name__in": names}
    feed(
        Agency.objects.filter(**scope).values_list(
            "province__name", "name", "short_name", "kind", "active", "successor__name"
        )
    )
    feed(
        User.objects.filter(**scope).values_list(
            "username", "first_name", "last_name", "role", "agency__name"
        )
    )
    feed(
        Agreement.objects.filter(**scope).values_list(
            "province__name", "title", "kind", "signed_date", "signed_place"
        )
    )
    plans = Plan.objects.filter(**scope)
    feed(
        plans.values_list(
            "province__name", "number", "kind", "date", "title", "start_year", "end_year", "status"
        )
    )
    feed(
        Plan.partners.through.objects.filter(plan__in=plans).values_list(
            "plan__province__name", "plan__number", "locality__name"
        )
    )
    task_key = ("plan__province__name", "plan__number", "position")
    feed(
        Section.objects.filter(plan__in=plans).values_list(
            "plan__province__name",
            "plan__number",
            "position",
            "kind",
            "number",
            "title",
            "parent__position",
            "partner__name",
        )
    )
    tasks = Task.objects.filter(plan__in=plans)
    feed(
        tasks.values_list(
            *task_key,
            "section__position",
            "number",
            "content",
            "lead_text",
            "coordinating_text",
            "timeframe_text",
            "start_date",
            "end_date",
            "ongoing",
            "recurrence",
            "note",
            "field",
            "funding_source",
            "status",
        )
    )
    feed(
        TaskLead.objects.filter(task__in=tasks).values_list(
            *(f"task__{k}" for k in task_key), "order", "agency__name"
        )
    )
    for through, other in (
        (Task.coordinating_agencies.through, "agency__name"),
        (Task.partners.through, "locality__name"),
    ):
        feed(
            through.objects.filter(task__in=tasks).values_list(
                *(f"task__{k}" for k in task_key), other
            )
        )
    feed(
        BudgetLine.objects.filter(task__in=tasks).values_list(
            *(f"task__{k}" for k in task_key), "year", "amount", "source", "stage"
        )
    )
    target_names = dict(Target.objects.filter(task__in=tasks).values_list("pk", "indicator"))
    feed(
        Target.objects.filter(task__in=tasks).values_list(
            *(f"task__{k}" for k in task_key), "indicator", "unit", "quantity", "per"
        )
    )
    rounds = ReportingRound.objects.filter(**scope)
    feed(
        rounds.values_list(
            "province__name",
            "request_number",
            "request_date",
            "period_start",
            "period_end",
            "deadline",
            "status",
        )
    )
    report_key = ("reporting_round__province__name", "reporting_round__request_number")
    reports = Report.objects.filter(reporting_round__in=rounds)
    feed(
        reports.values_list(
            *report_key,
            "agency__name",
            "status",
            "version",
            "delegations_out",
            "delegations_out_officials",
            "delegations_in",
            "funds_state_budget",
            "funds_other",
            "difficulties",
            "proposals",
            "on_behalf",
            "entered_by__username",
        )
    )
    entry_key = (
        *(f"report__{k}" for k in report_key),
        "report__agency__name",
        "task__plan__number",
        "task__position",
    )
    feed(
        (*head, sorted((target_names.get(int(k), k), v) for k, v in actuals.items()))
        for *head, actuals in ReportEntry.objects.filter(report__in=reports).values_list(
            *entry_key, "role", "status", "result", "funds_spent", "actuals"
        )
    )
    from reports.models import ReportEvent

    feed(
        ReportEvent.objects.filter(report__in=reports).values_list(
            *(f"report__{k}" for k in report_key),
            "report__agency__name",
            "action",
            "user__username",
            "on_behalf",
            "comment",
        )
    )
    return digest.hexdigest()
