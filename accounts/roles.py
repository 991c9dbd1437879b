"""Django groups that carry each role's model permissions (kept in step after every migrate)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .models import Role

# App labels whose models the role groups carry permissions on (the pages and the admin).
DOMAIN_APPS = ("agreements", "tasks", "reports")

GROUP_NAMES = {
    Role.COORDINATOR: "Điều phối (Sở Ngoại vụ)",
    Role.LEADER: "Lãnh đạo (chỉ xem)",
    Role.ADMINISTRATOR: "Quản trị hệ thống",
    Role.REPORTER: "Cơ quan báo cáo",
}


def roles_sync(**kwargs) -> None:
    """Create or refresh the role groups; safe to run any number of times."""
    # post_migrate reaches this app before the apps listed after it have their permissions.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    using = kwargs.get("using", "default")
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    domain = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).exclude(
        content_type__model__startswith="historical"
    )
    wanted = {
        Role.COORDINATOR: domain,
        Role.LEADER: domain.filter(codename__startswith="view_"),
        # Not "auth": groups and permissions are a superuser's business.
        Role.ADMINISTRATOR: Permission.objects.filter(
            content_type__app_label__in=(*DOMAIN_APPS, "accounts")
        ),
        Role.REPORTER: Permission.objects.none(),
    }
    for role, permissions in wanted.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.set(permissions)
    staff_sync()


def staff_sync() -> None:
    """Only superusers and administrators keep the staff flag (older rows had it by role)."""
    from .models import User

    User.objects.filter(is_staff=True, is_superuser=False).exclude(role=Role.ADMINISTRATOR).update(
        is_staff=False
    )


def user_apply_role(user) -> None:
    """Staff flag and group follow the role: only administrators and superusers enter the admin."""
    user.is_staff = user.is_superuser or user.role == Role.ADMINISTRATOR
    user.save(update_fields=["is_staff"])
    user.groups.set(Group.objects.filter(name=GROUP_NAMES[user.role]))
