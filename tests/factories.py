"""Builders shared by the test suites."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality


def make_user(username: str, role: str, province: Locality, agency: Agency | None) -> User:
    user = User.objects.create_user(
        username=username, password="pw-for-tests-1", role=role, province=province, agency=agency
    )
    user_apply_role(user)
    return user
