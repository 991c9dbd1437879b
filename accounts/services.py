"""Writes on a province's people: one set of rules for the admin and the /people/ pages.

A province administrator manages the users of its own province only: it never grants superuser,
staff, groups or permissions (the role decides groups and staff), never moves anybody (itself
included) to another province, picks agencies of its province only, and never touches a
superuser. A superuser may do all of that. Each write is atomic, validated with ``full_clean``
and recorded in the user's history with the actor's name.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.history import history_note
from agreements.models import Agency, Locality

from .models import Role, User
from .permissions import ASSIGNABLE_ROLES, may_manage_people, may_manage_user
from .roles import user_apply_role


def temporary_password() -> str:
    """A password to hand over once: twelve characters from an unambiguous alphabet."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def _require_manager(actor: User) -> None:
    if not may_manage_people(actor):
        raise PermissionDenied


def user_scope_check(*, actor: User, user: User, before: User | None = None) -> None:
    """Refuse what ``actor`` may not set on ``user`` (``before``: the row as stored, if any).

    Raises ``ValidationError`` with Vietnamese messages; the caller shows them.
    """
    if actor.is_superuser:
        return
    errors: dict[str, str] = {}
    if user.is_superuser or (before is not None and before.is_superuser):
        errors["is_superuser"] = _(
            "Chỉ quản trị viên cấp cao mới cấp hoặc sửa quyền quản trị cấp cao."
        )
    if user.province_id != actor.province_id or (
        before is not None and before.province_id != actor.province_id
    ):
        errors["province"] = _("Không thể chuyển người dùng sang tỉnh khác.")
    if (
        user.agency_id is not None
        and not Agency.objects.filter(pk=user.agency_id, province_id=actor.province_id).exists()
    ):
        errors["agency"] = _("Chỉ chọn được cơ quan, đơn vị thuộc tỉnh của mình.")
    if user.role not in ASSIGNABLE_ROLES:
        errors["role"] = _("Vai trò không hợp lệ.")
    if before is not None and before.pk == actor.pk:
        if user.role != before.role:
            errors["role"] = _("Không thể tự đổi vai trò của chính mình.")
        if not user.is_active:
            errors["is_active"] = _("Không thể tự khóa tài khoản của chính mình.")
    if errors:
        raise ValidationError(errors)


def _save(*, actor: User, user: User, reason: str) -> User:
    if not actor.is_superuser:
        # The role decides groups and staff; nothing else grants them here.
        user.is_superuser = False
    user.full_clean()
    history_note(user, user=actor, reason=reason)
    user.save()
    if not actor.is_superuser:
        user.user_permissions.clear()
    user_apply_role(user)
    return user


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    email: str,
    role: str,
    agency: Agency | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    province: Locality | None = None,
) -> tuple[User, str | None]:
    """A new user of the actor's province; answers the user and the temporary password made
    (``None`` when ``password`` was given)."""
    _require_manager(actor)
    if not actor.is_superuser or province is None:
        province = actor.province
    temporary = None
    if not password:
        password = temporary = temporary_password()
    user = User(
        username=username.strip(),
        email=email.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        province=province,
        agency=agency,
    )
    user_scope_check(actor=actor, user=user)
    user.set_password(password)
    _save(actor=actor, user=user, reason=_("Tạo người dùng"))
    return user, temporary


def _stored(actor: User, user: User) -> User:
    if not may_manage_user(actor, user):
        raise PermissionDenied
    return User.objects.select_for_update(no_key=True).get(pk=user.pk)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role: str,
    agency: Agency | None,
    first_name: str,
    last_name: str,
    email: str,
) -> User:
    """Change role, agency, name and address; never the province, the staff or superuser flags."""
    before = _stored(actor, user)
    user = User.objects.get(pk=before.pk)
    user.role, user.agency = role, agency
    user.first_name, user.last_name, user.email = (
        first_name.strip(),
        last_name.strip(),
        email.strip(),
    )
    user_scope_check(actor=actor, user=user, before=before)
    return _save(actor=actor, user=user, reason=_("Sửa thông tin người dùng"))


@transaction.atomic
def user_deactivate(*, actor: User, user: User, active: bool = False) -> User:
    """Lock (or, with ``active=True``, unlock) an account; nobody locks themselves out."""
    before = _stored(actor, user)
    user = User.objects.get(pk=before.pk)
    if user.pk == actor.pk and not active:
        raise ValidationError(_("Không thể tự khóa tài khoản của chính mình."))
    user.is_active = active
    user_scope_check(actor=actor, user=user, before=before)
    reason = _("Mở lại tài khoản") if active else _("Khóa tài khoản")
    return _save(actor=actor, user=user, reason=reason)


@transaction.atomic
def user_password_reset(*, actor: User, user: User, password: str | None = None) -> str | None:
    """Set ``password``, or a new temporary one that is answered to be shown once."""
    before = _stored(actor, user)
    user = User.objects.get(pk=before.pk)
    temporary = None
    if not password:
        password = temporary = temporary_password()
    user.set_password(password)
    history_note(user, user=actor, reason=_("Đặt lại mật khẩu"))
    user.save()
    return temporary


__all__ = [
    "Role",
    "temporary_password",
    "user_create",
    "user_deactivate",
    "user_password_reset",
    "user_scope_check",
    "user_update",
]
