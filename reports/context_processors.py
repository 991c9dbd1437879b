"""What every page's header shows from this app: the number of unread notifications."""

from __future__ import annotations

from functools import cache

from .selectors import notification_unread_count


def notifications(request) -> dict:
    """``notifications_unread``: counted (one query) only when a page prints it; a template
    calls it on first use and the answer is kept for the rest of the page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": 0}
    return {"notifications_unread": cache(lambda: notification_unread_count(user))}
