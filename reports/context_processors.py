"""What every page's header shows from this app: the number of unread notifications."""

from __future__ import annotations

from functools import cache

from .selectors import notification_unread_count


def notifications(request) -> dict:
    """``notifications_unread``: read with the person when the request loaded them
    (``coopplan.auth.UserBackend``); otherwise counted (one query) only when a page prints it,
    the template calling it on first use and the answer kept for the rest of the page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": 0}
    unread = getattr(user, "notifications_unread", None)
    if isinstance(unread, int):
        return {"notifications_unread": unread}
    return {"notifications_unread": cache(lambda: notification_unread_count(user))}
