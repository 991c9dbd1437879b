"""Who makes a change and why, for the record django-simple-history writes on each save."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final

from django.db.models import Model

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class _RequestUser(enum.Enum):
    REQUEST_USER = enum.auto()


# No user named: simple-history records the user of the request being served, if any.
REQUEST_USER: Final = _RequestUser.REQUEST_USER


def history_note(
    instance: Model,
    *,
    user: AbstractBaseUser | None | _RequestUser = REQUEST_USER,
    reason: str | None = None,
) -> None:
    """Say who makes the next saves (and deletes) of ``instance``, and why.

    simple-history reads both from private attributes of the instance when it writes a history
    record, one per save, delete or many-to-many change; this is the one place that sets them.
    A note replaces the one before: without a reason the next records carry none (a creation's
    reason is not repeated on the links set just after it), and without a user they name the
    request's user (``user=None`` names nobody, the request's user neither).
    """
    attributes = vars(instance)
    if user is REQUEST_USER:
        attributes.pop("_history_user", None)
    else:
        attributes["_history_user"] = user
    if reason is None:
        attributes.pop("_change_reason", None)
    else:
        attributes["_change_reason"] = reason
