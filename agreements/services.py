"""Writes for agreements, agencies and plans: validated, atomic, with history."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from .documents import document_touch, plan_scope, province_scope
from .history import history_note
from .models import (
    Agency,
    AgencyKind,
    Agreement,
    Locality,
    Meeting,
    MeetingKind,
    Plan,
    PlanKind,
    PlanStatus,
)
from .text import fold, normalize
from .uploads import DOCUMENT_KINDS, upload_validate

if TYPE_CHECKING:
    # The user model is accounts' (above this app): here, Django's abstract user.
    from django.contrib.auth.models import AbstractUser


class AgencyIndex:
    """Resolves any printed spelling of an agency (full name, short name, alias) to one record."""

    def __init__(self, agencies: Iterable[Agency]):
        self._by_key: dict[str, Agency] = {}
        self.ambiguous: set[str] = set()
        for agency in agencies:
            self.add(agency)

    @classmethod
    def for_province(cls, province: Locality) -> AgencyIndex:
        return cls(Agency.objects.filter(province=province))

    def add(self, agency: Agency) -> None:
        for key in agency.name_keys():
            other = self._by_key.get(key)
            if other is not None and other.pk != agency.pk:
                self.ambiguous.add(key)
            self._by_key[key] = agency

    def resolve(self, name: str) -> Agency | None:
        key = fold(name)
        if key in self.ambiguous:
            return None
        return self._by_key.get(key)

    def find(self, text: str) -> list[tuple[int, int, Agency]]:
        """Where ``text`` names known agencies: (start, end, agency), in the order written.

        The text is cut at commas, semicolons, full stops, new lines and "và"; the longest run
        of pieces that names an agency wins, so "Sở Văn hóa, Thể thao và Du lịch" is one name
        and "Sở Ngoại vụ, Cục Hải quan tỉnh và các đơn vị liên quan" two and some words.
        """
        pieces = _name_pieces(text or "")
        found: list[tuple[int, int, Agency]] = []
        i = 0
        while i < len(pieces):
            for j in range(min(len(pieces), i + _MAX_PIECES), i, -1):
                start, end = pieces[i][0], pieces[j - 1][1]
                agency = self.resolve(text[start:end])
                if agency is not None:
                    found.append((start, end, agency))
                    i = j
                    break
            else:
                i += 1
        return found

    def respell(self, text: str) -> str:
        """``text`` with each agency it names written as printed (``Agency.printed_spelling``):
        "so cong thuong; BCH BĐBP tỉnh" → "Sở Công Thương; BCH BĐBP tỉnh"; the rest unchanged."""
        out, last = [], 0
        for start, end, agency in self.find(text):
            out += [text[last:start], agency.printed_spelling(text[start:end])]
            last = end
        return "".join([*out, text[last:]]) if out else text


# What separates the names of a printed list of agencies (see AgencyIndex.find).
_NAME_SEPARATOR = re.compile(r"[,;.\n]|\b(?:và|va)\b", re.IGNORECASE)
# "Sở Văn hóa, Thể thao và Du lịch" is three pieces; no agency name runs to more than this.
_MAX_PIECES = 6


def _name_pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the words between separators, spaces around them left out."""
    pieces, last = [], 0
    for match in [*_NAME_SEPARATOR.finditer(text), None]:
        stop = match.start() if match is not None else len(text)
        chunk = text[last:stop]
        if chunk.strip():
            start = last + len(chunk) - len(chunk.lstrip())
            pieces.append((start, start + len(chunk.strip())))
        if match is not None:
            last = match.end()
    return pieces


@transaction.atomic
def agency_upsert(
    *,
    province: Locality,
    name: str,
    short_name: str = "",
    kind: str = AgencyKind.DEPARTMENT,
    aliases: Iterable[str] = (),
) -> Agency:
    """Create the agency, or add the given spellings to the existing one of the same name."""
    document_touch(province_scope(province.pk))
    name = normalize(name)
    agency = Agency.objects.filter(province=province, name=name).first()
    alias_list = [normalize(a) for a in aliases if normalize(a)]
    if agency is None:
        agency = Agency(
            province=province,
            name=name,
            short_name=normalize(short_name),
            kind=kind,
            aliases=alias_list,
        )
        history_note(agency, reason=_("Tạo cơ quan"))
        agency.full_clean()
        agency.save()
        return agency
    known = agency.name_keys()
    new_aliases = [a for a in alias_list if fold(a) not in known]
    changed = bool(new_aliases) or (short_name and not agency.short_name) or agency.kind != kind
    if changed:
        agency.aliases = [*agency.aliases, *new_aliases]
        agency.short_name = agency.short_name or normalize(short_name)
        agency.kind = kind
        agency.full_clean()
        agency.save()
    return agency


# -- agreements ------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "kind",
    "title",
    "start_year",
    "end_year",
    "signed_date",
    "signed_place",
    "signatories",
)


def _file_check(upload: Any) -> None:
    """A new upload is checked by its content; a file already stored was checked when it came."""
    if isinstance(upload, UploadedFile):
        try:
            upload_validate(upload, allowed=DOCUMENT_KINDS)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None


def _assign(instance: Any, fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def agreement_create(
    *,
    province: Locality,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] = (),
    file: Any = None,
) -> Agreement:
    """Record an agreement of ``province``; its attached file is checked by its content."""
    document_touch(province_scope(province.pk))
    agreement = Agreement(province=province)
    _assign(agreement, fields, AGREEMENT_FIELDS)
    if file:
        _file_check(file)
        agreement.file = file
    agreement.full_clean()
    history_note(agreement, user=user, reason=_("Tạo văn bản thỏa thuận"))
    agreement.save()
    history_note(agreement, user=user)  # the reason names the creation, not the links set after
    agreement.partners.set(list(partners))
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] | None = None,
    file: Any = None,
    file_clear: bool = False,
) -> Agreement:
    """Save the changed agreement; each change is kept in its history with who made it."""
    document_touch(province_scope(agreement.province_id))
    _assign(agreement, fields, AGREEMENT_FIELDS)
    if file:
        _file_check(file)
        agreement.file = file
    elif file_clear:
        agreement.file = ""
    agreement.full_clean()
    history_note(agreement, user=user)
    agreement.save()
    if partners is not None:
        _m2m_set(agreement, "partners", partners, user)
    return agreement


def _m2m_set(instance: Any, name: str, values: Iterable[Any], user: AbstractUser) -> None:
    """Set a many-to-many field only when it changes: each change is a history record."""
    wanted = {v.pk for v in values}
    manager = getattr(instance, name)
    if set(manager.values_list("pk", flat=True)) != wanted:
        history_note(instance, user=user)
        manager.set(wanted)


# -- meetings --------------------------------------------------------------------------------

MEETING_FIELDS = (
    "kind",
    "title",
    "date",
    "timeframe_text",
    "place",
    "conclusions",
    "notice_number",
    "notice_date",
)


def _meeting_check(meeting: Meeting) -> None:
    if not meeting.date and not meeting.timeframe_text:
        raise ValidationError(
            {"date": _("Cần ghi ngày họp hoặc thời gian dự kiến (ví dụ: Quý III/2022).")}
        )


@transaction.atomic
def meeting_create(
    *,
    province: Locality,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] = (),
    agreements: Iterable[Agreement] = (),
) -> Meeting:
    """Record a meeting (hội đàm, hội nghị) of ``province`` and the notice that records it."""
    document_touch(province_scope(province.pk))
    meeting = Meeting(province=province, kind=MeetingKind.OTHER)
    _assign(meeting, fields, MEETING_FIELDS)
    _meeting_check(meeting)
    meeting.full_clean()
    _same_province(province, agreements=agreements)
    history_note(meeting, user=user, reason=_("Ghi nhận hội đàm, hội nghị"))
    meeting.save()
    history_note(meeting, user=user)  # the reason names the creation, not the links set after
    meeting.partners.set(list(partners))
    meeting.agreements.set(list(agreements))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] | None = None,
    agreements: Iterable[Agreement] | None = None,
) -> Meeting:
    document_touch(province_scope(meeting.province_id))
    _assign(meeting, fields, MEETING_FIELDS)
    _meeting_check(meeting)
    meeting.full_clean()
    if agreements is not None:
        _same_province(meeting.province, agreements=agreements)
    history_note(meeting, user=user)
    meeting.save()
    if partners is not None:
        _m2m_set(meeting, "partners", partners, user)
    if agreements is not None:
        _m2m_set(meeting, "agreements", agreements, user)
    return meeting


def _same_province(province: Locality, **related: Iterable[Any]) -> None:
    for name, objects in related.items():
        if any(obj.province_id != province.pk for obj in objects):
            raise ValidationError({name: _("Văn bản liên kết phải thuộc cùng tỉnh.")})


# -- plans: the issuing document's header and its status ----------------------------------------

PLAN_FIELDS = (
    "kind",
    "number",
    "date",
    "place",
    "issuing_body",
    "signing_authority",
    "signing_title",
    "signer",
    "summary",
    "title",
    "start_year",
    "end_year",
    "predecessor",
    "parent",
    "meeting",
    "recipients",
)


def _plan_check(plan: Plan) -> None:
    """Rules the model cannot see alone: the number is unique in the province, links stay home."""
    plan.number = normalize(plan.number)
    errors: dict[str, str] = {}
    # Compared folded: "165/QD-UBND" typed without accents is the same document as "165/QĐ-UBND".
    others = Plan.objects.filter(province_id=plan.province_id).exclude(pk=plan.pk)
    taken = {fold(number) for number in others.values_list("number", flat=True)}
    if plan.number and fold(plan.number) in taken:
        errors["number"] = _("Tỉnh đã có văn bản số «%(number)s».") % {"number": plan.number}
    if plan.meeting is not None and plan.meeting.province_id != plan.province_id:
        errors["meeting"] = _("Hội đàm, hội nghị phải thuộc cùng tỉnh.")
    if plan.pk and plan.parent is not None and _descends_from(plan.parent, plan):
        errors["parent"] = _("Văn bản gốc không thể là văn bản chỉ đạo của chính văn bản này.")
    if errors:
        raise ValidationError(errors)


def _descends_from(candidate: Plan, ancestor: Plan) -> bool:
    seen: set[int] = set()
    node: Plan | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == ancestor.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def plan_create(
    *,
    province: Locality,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] = (),
    agreements: Iterable[Agreement] = (),
) -> Plan:
    """A new plan or directive, as a draft: its tasks are added on its page, then it is issued."""
    plan = Plan(province=province, status=PlanStatus.DRAFT)
    _assign(plan, fields, PLAN_FIELDS)
    plan.full_clean(validate_constraints=False)
    _plan_check(plan)
    _same_province(province, agreements=agreements)
    history_note(plan, user=user, reason=_("Tạo dự thảo"))
    plan.save()
    document_touch(plan_scope(plan.pk))  # a reused id (SQLite) never finds an older plan's file
    history_note(plan, user=user)  # the reason names the creation, not the links set after
    plan.partners.set(list(partners))
    plan.agreements.set(list(agreements))
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] | None = None,
    agreements: Iterable[Agreement] | None = None,
) -> Plan:
    """Save the header of a draft or issued plan; a closed plan is reopened first."""
    document_touch(province_scope(plan.province_id))
    current = Plan.objects.select_for_update(no_key=True).get(pk=plan.pk)
    if current.status == PlanStatus.CLOSED:
        raise ValidationError(
            _("Kế hoạch %(number)s đã kết thúc; hãy mở lại (ghi rõ lý do) trước khi sửa.")
            % {"number": current.number}
        )
    # The header goes onto the row as locked now, never onto the caller's copy: a status
    # changed since that copy was read (issued, closed at the same moment) is kept.
    _assign(current, fields, PLAN_FIELDS)
    current.full_clean(validate_constraints=False)
    _plan_check(current)
    if agreements is not None:
        _same_province(current.province, agreements=agreements)
    history_note(current, user=user)
    current.save()
    if partners is not None:
        _m2m_set(current, "partners", partners, user)
    if agreements is not None:
        _m2m_set(current, "agreements", agreements, user)
    return current


# (from, to) → the word the history records for it. Anything else is refused.
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, PlanStatus.ISSUED): "issue",
    (PlanStatus.ISSUED, PlanStatus.CLOSED): "close",
    (PlanStatus.ISSUED, PlanStatus.DRAFT): "reopen",
    (PlanStatus.CLOSED, PlanStatus.ISSUED): "reopen",
    (PlanStatus.CLOSED, PlanStatus.DRAFT): "reopen",
}


def plan_status_choices(plan: Plan) -> list[tuple[str, str]]:
    """(action, target status) this plan may go through now, in the order a page offers them."""
    return [
        (action, target)
        for (source, target), action in PLAN_TRANSITIONS.items()
        if source == plan.status
    ]


def _plan_transition(
    *,
    plan: Plan,
    user: AbstractUser | None,
    target: str,
    action: str,
    reason: str,
    expected: str | None = None,
    check: Callable[[Plan], None] | None = None,
) -> Plan:
    """Every check runs on the row as locked now: of two steps posted at once, one is refused.

    ``expected`` is the status the user saw when choosing the step (the page posts it): if it
    changed meanwhile the step is refused even where the new status would allow it, so a close
    is never silently undone by a reopen chosen on the page from before it.
    """
    document_touch(plan_scope(plan.pk))
    current = Plan.objects.select_for_update(no_key=True).get(pk=plan.pk)
    if expected is not None and current.status != expected:
        raise ValidationError(
            _(
                "%(number)s vừa được chuyển sang «%(status)s» (có thể người khác vừa thao tác); "
                "thao tác của bạn chưa được thực hiện. Hãy xem lại trạng thái rồi chọn lại."
            )
            % {"number": current.number, "status": PlanStatus(current.status).label}
        )
    if PLAN_TRANSITIONS.get((current.status, target)) != action:
        raise ValidationError(
            _("Không thể chuyển %(number)s từ «%(source)s» sang «%(target)s».")
            % {
                "number": current.number,
                "source": PlanStatus(current.status).label,
                "target": PlanStatus(target).label,
            }
        )
    if check is not None:
        check(current)
    current.status = target
    history_note(current, user=user, reason=reason)
    current.save(update_fields=["status"])
    plan.status = target
    return current


def _plan_issuable(stored: Plan) -> None:
    missing = [
        label
        for label, value in ((_("số, ký hiệu"), stored.number), (_("ngày ban hành"), stored.date))
        if not value
    ]
    if missing:
        raise ValidationError(
            _("Chưa thể ban hành: cần ghi %(fields)s.") % {"fields": ", ".join(missing)}
        )


@transaction.atomic
def plan_issue(*, plan: Plan, user: AbstractUser | None, expected: str | None = None) -> Plan:
    """Dự thảo → ban hành: the document needs its number and date first."""
    return _plan_transition(
        plan=plan,
        user=user,
        target=PlanStatus.ISSUED,
        action="issue",
        reason=_("Ban hành"),
        expected=expected,
        check=_plan_issuable,
    )


@transaction.atomic
def plan_close(*, plan: Plan, user: AbstractUser, expected: str | None = None) -> Plan:
    """Ban hành → kết thúc: the period is over; the plan's tasks and reports stay as they are."""
    return _plan_transition(
        plan=plan,
        user=user,
        target=PlanStatus.CLOSED,
        action="close",
        reason=_("Kết thúc"),
        expected=expected,
    )


@transaction.atomic
def plan_reopen(
    *,
    plan: Plan,
    user: AbstractUser,
    reason: str,
    to: str = PlanStatus.DRAFT,
    expected: str | None = None,
) -> Plan:
    """Back to draft (from issued or closed) or to issued (from closed), with the reason kept."""
    reason = normalize(reason)
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do mở lại văn bản.")})
    if to not in PlanStatus.values:
        raise ValidationError({"to": _("Trạng thái không hợp lệ.")})
    return _plan_transition(
        plan=plan,
        user=user,
        target=to,
        action="reopen",
        reason=_("Mở lại: %(reason)s") % {"reason": reason},
        expected=expected,
    )


@transaction.atomic
def directive_create(
    *,
    meeting: Meeting,
    user: AbstractUser,
    fields: Mapping[str, Any],
    partners: Iterable[Locality] | None = None,
    agreements: Iterable[Agreement] | None = None,
) -> Plan:
    """A directive (Công văn, like 6452/UBND-ĐN) following ``meeting``: its tasks come next.

    Partners and agreements default to the meeting's.
    """
    fields = {**fields, "kind": PlanKind.DIRECTIVE, "meeting": meeting}
    return plan_create(
        province=meeting.province,
        user=user,
        fields=fields,
        partners=list(partners if partners is not None else meeting.partners.all()),
        agreements=list(agreements if agreements is not None else meeting.agreements.all()),
    )


def _agency_fields(
    agency: Agency,
    *,
    name: str,
    short_name: str,
    kind: str,
    aliases: Iterable[str],
    email: str | None,
) -> None:
    agency.name = normalize(name)
    agency.short_name = normalize(short_name)
    agency.kind = kind
    agency.aliases = [normalize(a) for a in aliases if normalize(a)]
    agency.email = (email or "").strip()


def _agency_check(user: AbstractUser, province: Locality) -> None:
    from django.core.exceptions import PermissionDenied

    from .permissions import may_manage_agencies

    if not may_manage_agencies(user):
        raise PermissionDenied
    # The province is a field of accounts' user model, read by name as in .permissions.
    if not user.is_superuser and province.pk != getattr(user, "province_id", None):
        raise PermissionDenied


@transaction.atomic
def agency_create(
    *,
    user: AbstractUser,
    province: Locality,
    name: str,
    short_name: str = "",
    kind: str = AgencyKind.DEPARTMENT,
    aliases: Iterable[str] = (),
    email: str = "",
) -> Agency:
    """A new agency of ``province`` (the user's own, unless a superuser)."""
    document_touch(province_scope(province.pk))
    _agency_check(user, province)
    agency = Agency(province=province)
    _agency_fields(
        agency, name=name, short_name=short_name, kind=kind, aliases=aliases, email=email
    )
    agency.full_clean()
    history_note(agency, user=user, reason=_("Tạo cơ quan"))
    agency.save()
    return agency


@transaction.atomic
def agency_update(
    *,
    user: AbstractUser,
    agency: Agency,
    name: str,
    short_name: str = "",
    kind: str = AgencyKind.DEPARTMENT,
    aliases: Iterable[str] = (),
    email: str = "",
    active: bool = True,
) -> Agency:
    """Rename, re-describe or (de)activate an agency; the province never changes here."""
    document_touch(province_scope(agency.province_id))
    agency = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
    _agency_check(user, agency.province)
    _agency_fields(
        agency, name=name, short_name=short_name, kind=kind, aliases=aliases, email=email
    )
    agency.active = active
    if active and agency.successor_id is None:
        agency.successor_since = None
    agency.full_clean()
    history_note(
        agency, user=user, reason=_("Sửa cơ quan") if active else _("Ngừng hoạt động cơ quan")
    )
    agency.save()
    return agency
