"""Reads for agreements, meetings and plan headers: lists, history field by field, the chain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from .filters import AgreementFilter, MeetingFilter
from .models import Agency, Agreement, Meeting, Plan, PlanKind
from .numbers import plain_id
from .permissions import (
    AnyUser,
    agencies_visible_to,
    agreements_visible_to,
    meetings_visible_to,
    plans_visible_to,
)
from .services import plan_status_choices
from .text import fold, search_terms

# -- lists ------------------------------------------------------------------------------------


def agreement_list(*, user: AnyUser, params: Any) -> tuple[AgreementFilter, QuerySet[Agreement]]:
    base = agreements_visible_to(user).order_by("-signed_date", "title")
    agreement_filter = AgreementFilter(params or None, queryset=base, user=user)
    queryset = agreement_filter.qs if agreement_filter.is_bound else base
    return agreement_filter, queryset.prefetch_related("partners", "plans")


def meeting_list(*, user: AnyUser, params: Any) -> tuple[MeetingFilter, QuerySet[Meeting]]:
    base = meetings_visible_to(user).order_by("-start_date", "-date", "title")
    meeting_filter = MeetingFilter(params or None, queryset=base, user=user)
    queryset = meeting_filter.qs if meeting_filter.is_bound else base
    return meeting_filter, queryset.prefetch_related("partners", "directives")


def meeting_followups(meeting: Meeting) -> QuerySet[Plan]:
    """The directives that followed the meeting, newest last (their tasks are read by the page)."""
    return meeting.directives.order_by("date", "number")


def meeting_parent_plan(meeting: Meeting) -> Plan | None:
    """The plan a directive from ``meeting`` likely follows: the latest for its agreements."""
    return (
        Plan.objects.filter(
            province_id=meeting.province_id, agreements__in=meeting.agreements.all()
        )
        .exclude(kind=PlanKind.DIRECTIVE)
        .order_by("-date", "-pk")
        .first()
    )


def plan_header_context(
    plan: Plan, *, may_change: bool, below: list[ChainStep] | None = None
) -> dict:
    """What ``agreements/_plan_header.html`` needs on the plan page (tasks:plan_detail)."""
    return {
        "chain": plan_chain(plan, below=below),
        "transitions": plan_status_choices(plan) if may_change else [],
        "may_change": may_change,
        "partners": plan.partners.order_by("name"),
        "recipients": [line for line in plan.recipients.splitlines() if line.strip()],
    }


# -- history: who changed what and when, field by field ------------------------------------------


@dataclass
class HistoryEntry:
    record: Any
    who: str
    reason: str
    lines: list[tuple[str, str, str]]


def _display(model: type[models.Model], name: str, value: Any, names: dict) -> str:
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 — a field removed since: show the raw value
        return "" if value is None else str(value)
    if value is None or value == "":
        return ""
    if model_field.many_to_many:
        return "; ".join(names.get((model_field.related_model, pk), str(pk)) for pk in value)
    if isinstance(model_field, models.Field) and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return names.get((model_field.related_model, value), str(value))
    if isinstance(value, datetime):
        return date_format(value, "d/m/Y H:i")
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    if isinstance(value, bool):
        return _("có") if value else _("không")
    return str(value)


def _m2m_ids(model: type[models.Model], name: str, rows: list[dict]) -> list[Any]:
    key = get_m2m_reverse_field_name(model._meta.get_field(name))
    return [row.get(key) for row in rows]


def history_changes(obj: models.Model, *, created: str | None = None) -> list[HistoryEntry]:
    """The object's history, newest first; each entry lists the fields that changed.

    Related rows are named in a fixed number of queries (one per related model), whatever the
    length of the history; records that changed nothing a person reads are left out.
    """
    model = type(obj)
    # simple-history adds ``history`` to each model it records; mypy sees a plain Model here.
    history = obj.history  # type: ignore[attr-defined]
    records = list(history.select_related("history_user").order_by("-history_date", "-pk"))
    deltas: list[tuple[Any, list[tuple[Any, Any, Any]] | None]] = []
    wanted: dict[type[models.Model], set] = {}
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if older is None:
            deltas.append((newer, None))
            continue
        changes: list[tuple[Any, Any, Any]] = []
        for change in newer.diff_against(older).changes:
            if change.field == "search_text":
                continue
            model_field = model._meta.get_field(change.field)
            old, new = change.old, change.new
            if isinstance(model_field, models.ManyToManyField):
                old = _m2m_ids(model, change.field, old)
                new = _m2m_ids(model, change.field, new)
                wanted.setdefault(model_field.related_model, set()).update([*old, *new])
            elif isinstance(model_field, models.ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(
                    v for v in (old, new) if v is not None
                )
            changes.append((model_field, old, new))
        deltas.append((newer, changes))
    names = {
        (related, row.pk): str(row)
        for related, pks in wanted.items()
        for row in related._default_manager.filter(pk__in=pks)
    }
    entries = []
    for record, record_changes in deltas:
        if record_changes is None:
            lines = [(created or _("Tạo mới"), "", "")]
        else:
            lines = [
                (
                    str(model_field.verbose_name),
                    _display(model, model_field.name, old, names) or "—",
                    _display(model, model_field.name, new, names) or "—",
                )
                for model_field, old, new in record_changes
            ]
        reason = record.history_change_reason or ""
        if not lines and not reason:
            continue
        who = record.history_user
        entries.append(
            HistoryEntry(
                record=record,
                who=(who.get_full_name() or who.username) if who else _("hệ thống"),
                reason=reason,
                lines=lines,
            )
        )
    return entries


# -- the chain: agreement → plan → appendix → task → reports -------------------------------------


@dataclass
class ChainLink:
    text: str
    url: str = ""
    current: bool = False


@dataclass
class ChainStep:
    label: str
    links: list[ChainLink] = field(default_factory=list)


def _plan_link(plan: Plan, current: Plan | None = None) -> ChainLink:
    return ChainLink(
        f"{plan.get_kind_display()} {plan.number}",
        reverse("tasks:plan_detail", args=[plan.pk]),
        current=current is not None and plan.pk == current.pk,
    )


def _agreement_link(agreement: Agreement, current: Agreement | None = None) -> ChainLink:
    return ChainLink(
        agreement.title,
        reverse("agreements:agreement_detail", args=[agreement.pk]),
        current=current is not None and agreement.pk == current.pk,
    )


def _meeting_link(meeting: Meeting, current: Meeting | None = None) -> ChainLink:
    return ChainLink(
        meeting.title,
        reverse("agreements:meeting_detail", args=[meeting.pk]),
        current=current is not None and meeting.pk == current.pk,
    )


def _steps(*steps: ChainStep) -> list[ChainStep]:
    return [step for step in steps if step.links]


def agreement_chain(agreement: Agreement) -> list[ChainStep]:
    plans = list(agreement.plans.order_by("date", "number"))
    directives = list(
        Plan.objects.filter(parent__in=plans)
        .exclude(pk__in=[p.pk for p in plans])
        .order_by("date", "number")
    )
    return _steps(
        ChainStep(_("Văn bản thỏa thuận"), [_agreement_link(agreement, agreement)]),
        ChainStep(_("Kế hoạch thực hiện"), [_plan_link(p) for p in plans]),
        ChainStep(_("Văn bản chỉ đạo"), [_plan_link(p) for p in directives]),
    )


def meeting_chain(meeting: Meeting) -> list[ChainStep]:
    directives = list(meeting_followups(meeting).select_related("parent"))
    parents = {d.parent_id: d.parent for d in directives if d.parent is not None}
    return _steps(
        ChainStep(_("Văn bản thỏa thuận"), [_agreement_link(a) for a in meeting.agreements.all()]),
        ChainStep(_("Kế hoạch gốc"), [_plan_link(p) for p in parents.values()]),
        ChainStep(_("Hội đàm, hội nghị"), [_meeting_link(meeting, meeting)]),
        ChainStep(_("Văn bản chỉ đạo"), [_plan_link(d) for d in directives]),
    )


# What the chain prints of a plan's own relations; ``plan_get_for_user`` reads them with the plan.
CHAIN_RELATIONS = ("parent", "predecessor", "meeting")


def plan_chain(
    plan: Plan, *, below: list[ChainStep] | None = None, current: bool = True
) -> list[ChainStep]:
    """Up to the agreements, meeting and parent; down to ``below``, directives, next period.

    Two queries: the agreements (the plan's, or its parent's when it has none) and the plans
    that follow it (its directives and next period); one more when ``plan`` was read without
    its ``CHAIN_RELATIONS``.
    """
    if not all(
        getattr(plan, f"{name}_id") is None or getattr(Plan, name).is_cached(plan)
        for name in CHAIN_RELATIONS
    ):
        plan = Plan.objects.select_related(*CHAIN_RELATIONS).get(pk=plan.pk)
    owners = [pk for pk in (plan.pk, plan.parent_id) if pk is not None]
    links = (
        Plan.agreements.through.objects.filter(plan_id__in=owners)
        .select_related("agreement")
        .order_by("-agreement__signed_date", "agreement__title", "agreement_id")
    )
    by_owner: dict[int, list[Agreement]] = {}
    for link in links:
        by_owner.setdefault(link.plan_id, []).append(link.agreement)
    agreements = by_owner.get(plan.pk) or by_owner.get(plan.parent_id or 0, [])
    following = list(
        Plan.objects.filter(
            models.Q(parent_id=plan.pk) | models.Q(predecessor_id=plan.pk)
        ).order_by("date", "number")
    )
    directives = [p for p in following if p.parent_id == plan.pk]
    successors = [p for p in following if p.predecessor_id == plan.pk]
    return _steps(
        ChainStep(_("Văn bản thỏa thuận"), [_agreement_link(a) for a in agreements]),
        ChainStep(_("Giai đoạn trước"), [_plan_link(plan.predecessor)] if plan.predecessor else []),
        ChainStep(_("Kế hoạch gốc"), [_plan_link(plan.parent)] if plan.parent else []),
        ChainStep(_("Hội đàm, hội nghị"), [_meeting_link(plan.meeting)] if plan.meeting else []),
        ChainStep(plan.get_kind_display(), [_plan_link(plan, plan if current else None)]),
        *(below or []),
        ChainStep(_("Văn bản chỉ đạo"), [_plan_link(p) for p in directives]),
        ChainStep(_("Giai đoạn sau"), [_plan_link(p) for p in successors]),
    )


# -- suggestions as the user types (agencies, plans) ------------------------------------------

# At most this many suggestions, read from at most this much of what was typed (a few words).
SUGGEST_LIMIT = 12
SUGGEST_QUERY_MAX = 80
SUGGEST_WORDS_MAX = 8


def _suggest_words(query: str) -> list[str]:
    return search_terms(query[:SUGGEST_QUERY_MAX])[:SUGGEST_WORDS_MAX]


def _best_first(queryset: QuerySet, query: str, *order: str) -> QuerySet:
    """What starts with the typed text first ("so cong" → "Sở Công thương" before "Sở Khoa
    học và Công nghệ"), then by ``order``."""
    typed = " ".join(_suggest_words(query))
    return queryset.annotate(
        starts=models.Case(
            models.When(search_text__startswith=typed, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
    ).order_by("starts", *order)


def agency_suggestions(*, user: AnyUser, query: str, active_only: bool = False) -> list[Agency]:
    """Agencies the user may see whose full name, short name or alias holds every typed word,
    accents and case aside ("so cong" finds "Sở Công thương"); none for an empty query."""
    words = _suggest_words(query)
    if not words:
        return []
    queryset = agencies_visible_to(user).select_related("province")
    if active_only:
        queryset = queryset.filter(active=True)
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return list(_best_first(queryset, query, "name", "province__name")[:SUGGEST_LIMIT])


def plan_suggestions(*, user: AnyUser, query: str) -> list[Plan]:
    """Plans the user may see whose number or title holds every typed word (newest first)."""
    words = _suggest_words(query)
    if not words:
        return []
    queryset = plans_visible_to(user).select_related("province")
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return list(_best_first(queryset, query, "-date", "number")[:SUGGEST_LIMIT])


def suggestion_label(item: Agency | Plan, *, with_province: bool) -> str:
    """What a suggestion puts in the field, read back by ``choice_from_text``: the name (or a
    plan's number), with its province in brackets for someone who sees several provinces."""
    text = item.name if isinstance(item, Agency) else item.number
    return f"{text} ({item.province.name})" if with_province else text


_PROVINCE_SUFFIX = re.compile(r"^(?P<text>.*?)\s*\((?P<province>[^()]*)\)\s*$")


def choice_from_text(queryset: QuerySet, text: str) -> Any:
    """The one agency or plan of ``queryset`` that typed ``text`` names, or None.

    An id (a link from the dashboard), a spelling of the name (accent-free; an agency's short
    name and aliases too, a plan's number), maybe followed by "(province)" as a suggestion
    writes it for someone who sees several provinces. A text that names several, or none, is
    None: the form then asks to pick from the suggestions.
    """
    text = (text or "").strip()[:SUGGEST_QUERY_MAX]
    if plain_id(text):
        found = queryset.select_related("province").filter(pk=int(text)).first()
        if found is not None:
            return found
    province = ""
    match = _PROVINCE_SUFFIX.match(text)
    if match:
        text, province = match["text"], fold(match["province"])
    words = _suggest_words(text)
    if not words:
        return None
    matching = queryset.select_related("province")
    for word in words:
        matching = matching.filter(search_text__contains=word)
    candidates = [
        item
        for item in matching[: SUGGEST_LIMIT * 4]
        if not province or fold(item.province.name) == province
    ]
    key = fold(text)
    exact = [item for item in candidates if key in _name_keys(item)]
    if len(exact) == 1:
        return exact[0]
    return candidates[0] if len(candidates) == 1 and not exact else None


def _name_keys(item: Any) -> set[str]:
    if isinstance(item, Agency):
        return item.name_keys()
    return {fold(item.number)}
