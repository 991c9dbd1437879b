"""The signed-in person, read once per request with what every page's header prints.

Django's ``ModelBackend`` reads the user by id; the header then reads their agency (its name
beside theirs) and the number of their unread notifications: three queries on every page. Here
the agency comes in the same query (a join) and the unread number as a subquery
(``reports.selectors.notification_unread_annotation``, which the header's context processor
uses when present). Logging in is Django's, unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from reports.selectors import notification_unread_annotation


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        users = User._default_manager.select_related("agency").annotate(
            notifications_unread=notification_unread_annotation()
        )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
