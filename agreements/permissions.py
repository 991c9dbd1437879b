"""May this user see or change this agreement, meeting, plan or agency: decided here only.

Every page, htmx partial, export, command acting for a user and admin page asks these functions.
Getters raise ``Http404`` whether the row is missing, in another province, or not the user's to
change, so a forged id never tells what exists.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Agency, Agreement, Locality, Meeting, Plan, ReportDeadline

# What ``request.user`` is, as far as this app knows: accounts (above it) defines the user
# model, whose province and role are read here by name only.
AnyUser: TypeAlias = AbstractUser | AnonymousUser


def _province_id(user: AnyUser) -> int | None:
    return getattr(user, "province_id", None)


def may_coordinate(user: AnyUser) -> bool:
    """Enter and change agreements, plans, meetings, rounds: Sở Ngoại vụ and the province's IT."""
    return bool(user.is_authenticated and getattr(user, "may_coordinate", False))


def require_coordinator(user: AnyUser) -> None:
    """Coordinator-only pages and actions answer every other role 404, as a missing page does
    (not 403): a reporter or a leader learns nothing there about what exists."""
    if not may_coordinate(user):
        raise Http404


def may_manage_agencies(user: AnyUser) -> bool:
    """Agencies are the province's people too: coordinators and administrators keep them."""
    return may_coordinate(user)


def localities_visible_to(user: AnyUser) -> QuerySet[Locality]:
    """Localities are shared reference data: every signed-in user reads them."""
    if not user.is_authenticated:
        return Locality.objects.none()
    return Locality.objects.all()


def may_change_localities(user: AnyUser) -> bool:
    """Shared by every province: only a superuser changes them."""
    return bool(user.is_authenticated and user.is_superuser)


def _scoped(queryset: QuerySet, user: AnyUser, path: str = "province_id") -> QuerySet:
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    province_id = _province_id(user)
    if province_id is None:
        return queryset.none()
    return queryset.filter(**{path: province_id})


def agencies_visible_to(user: AnyUser) -> QuerySet[Agency]:
    return _scoped(Agency.objects.all(), user)


def agreements_visible_to(user: AnyUser) -> QuerySet[Agreement]:
    """Agreements and meetings are not secret inside the province: every role reads them
    (a reporter follows the chain from its task up to the agreement); coordinators change them."""
    return _scoped(Agreement.objects.all(), user)


def meetings_visible_to(user: AnyUser) -> QuerySet[Meeting]:
    return _scoped(Meeting.objects.all(), user)


def plans_visible_to(user: AnyUser) -> QuerySet[Plan]:
    return _scoped(Plan.objects.all(), user)


def report_deadlines_visible_to(user: AnyUser) -> QuerySet[ReportDeadline]:
    return _scoped(ReportDeadline.objects.all(), user, "plan__province_id")


def visibility_key(user: Any) -> str:
    """What decides what ``user`` sees across the apps (role, province, agency, superuser), as
    text: part of the key of anything kept per reader (a dashboard file, a kept page)."""
    return f"{user.role}/{user.province_id}/{user.agency_id}/{user.is_superuser}"


def changeable(queryset: QuerySet, user: AnyUser) -> QuerySet:
    """The part of a visible queryset this user may change (coordinators of the province)."""
    return queryset if may_coordinate(user) else queryset.none()


def get_or_404(queryset: QuerySet, pk: Any) -> Any:
    """One row of ``queryset`` or 404; a malformed id is a missing one."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agency_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> Agency:
    queryset = agencies_visible_to(user)
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


def agreement_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> Agreement:
    queryset = agreements_visible_to(user).select_related("province")
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


def meeting_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> Meeting:
    queryset = meetings_visible_to(user).select_related("province")
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


def plan_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> Plan:
    queryset = plans_visible_to(user).select_related("province", "parent", "predecessor", "meeting")
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


# Model → (visible, may change): the admin and the permission-matrix guard read this table.
SCOPES: dict[type[Model], Any] = {
    Locality: localities_visible_to,
    Agency: agencies_visible_to,
    Agreement: agreements_visible_to,
    Meeting: meetings_visible_to,
    Plan: plans_visible_to,
    ReportDeadline: report_deadlines_visible_to,
}
