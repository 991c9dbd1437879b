from .models import Role
from .permissions import may_enter_admin, may_manage_people


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    return {
        "is_coordinator": role == Role.COORDINATOR or bool(user and user.is_superuser),
        "is_reporter": role == Role.REPORTER,
        "is_leader": role == Role.LEADER,
        "may_enter_admin": bool(user and may_enter_admin(user)),
        "may_manage_people": bool(user and may_manage_people(user)),
    }
