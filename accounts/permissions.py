"""Who may enter the back office and manage a province's people: the one place that decides.

Missing and forbidden answer the same 404 everywhere (``Http404``), so an id from another
province tells nothing about whether it exists.
"""

from __future__ import annotations

from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from .models import Role, User

# What ``request.user`` is: the rules below answer anonymous visitors too (with "no").
AnyUser: TypeAlias = User | AnonymousUser


def is_province_administrator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", None) == Role.ADMINISTRATOR)


def may_enter_admin(user: AnyUser) -> bool:
    """The admin is a back office for superusers and the province's IT, nobody else."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or is_province_administrator(user))


def may_manage_people(user: AnyUser) -> TypeGuard[User]:
    """Create, deactivate, reset and assign the users and agencies of one's own province."""
    return bool(user.is_authenticated and (user.is_superuser or is_province_administrator(user)))


def users_visible_to(user: AnyUser) -> QuerySet[User]:
    """Superusers see everyone; a province administrator the non-superusers of its province."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if not may_manage_people(user) or user.province_id is None:
        return User.objects.none()
    return User.objects.filter(province_id=user.province_id, is_superuser=False)


def user_get_for_user(user: AnyUser, pk: int | str) -> User:
    """A user the given administrator may manage, or 404."""
    try:
        return users_visible_to(user).select_related("province", "agency").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Roles a province administrator may hand out: every role of the province, never superuser.
ASSIGNABLE_ROLES = tuple(Role)


def may_manage_user(actor: AnyUser, user: User) -> bool:
    """``user`` is one of the people ``actor`` manages (never a superuser, for an administrator)."""
    if not may_manage_people(actor):
        return False
    if actor.is_superuser:
        return True
    return bool(
        not user.is_superuser
        and user.province_id is not None
        and user.province_id == actor.province_id
    )


# Model → the rows of it a user may see, for the admin (agreements/admin_base.py reads every
# app's table).
SCOPES = {User: users_visible_to}
