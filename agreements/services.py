"""Writes for agreements, agencies and plans: validated, atomic, with history."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Agency, AgencyKind, Locality
from .text import fold, normalize


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
        agency._change_reason = _("Tạo cơ quan")
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


def _agency_fields(agency: Agency, *, name, short_name, kind, aliases, email) -> None:
    agency.name = normalize(name)
    agency.short_name = normalize(short_name)
    agency.kind = kind
    agency.aliases = [normalize(a) for a in aliases if normalize(a)]
    agency.email = (email or "").strip()


def _agency_check(user, province: Locality) -> None:
    from django.core.exceptions import PermissionDenied

    from .permissions import may_manage_agencies

    if not may_manage_agencies(user):
        raise PermissionDenied
    if not user.is_superuser and province.pk != user.province_id:
        raise PermissionDenied


@transaction.atomic
def agency_create(
    *,
    user,
    province: Locality,
    name: str,
    short_name: str = "",
    kind: str = AgencyKind.DEPARTMENT,
    aliases: Iterable[str] = (),
    email: str = "",
) -> Agency:
    """A new agency of ``province`` (the user's own, unless a superuser)."""
    _agency_check(user, province)
    agency = Agency(province=province)
    _agency_fields(
        agency, name=name, short_name=short_name, kind=kind, aliases=aliases, email=email
    )
    agency.full_clean()
    agency._history_user = user
    agency._change_reason = _("Tạo cơ quan")
    agency.save()
    return agency


@transaction.atomic
def agency_update(
    *,
    user,
    agency: Agency,
    name: str,
    short_name: str = "",
    kind: str = AgencyKind.DEPARTMENT,
    aliases: Iterable[str] = (),
    email: str = "",
    active: bool = True,
) -> Agency:
    """Rename, re-describe or (de)activate an agency; the province never changes here."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _agency_check(user, agency.province)
    _agency_fields(
        agency, name=name, short_name=short_name, kind=kind, aliases=aliases, email=email
    )
    agency.active = active
    if active and agency.successor_id is None:
        agency.successor_since = None
    agency.full_clean()
    agency._history_user = user
    agency._change_reason = _("Sửa cơ quan") if active else _("Ngừng hoạt động cơ quan")
    agency.save()
    return agency
