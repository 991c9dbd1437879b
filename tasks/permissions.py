"""May this user see or change this section, task or its parts: decided here only.

A reporter sees the tasks its agency leads or coordinates; coordinators and leaders the whole
province; only coordinators change. Getters answer 404 for missing and forbidden alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet

from accounts.models import Role
from agreements.permissions import changeable, get_or_404, plans_visible_to

from .models import BudgetLine, PlanBlock, Section, Target, Task, TaskLead

if TYPE_CHECKING:
    from accounts.permissions import AnyUser


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    """Coordinators, leaders and administrators see their province; a reporter only the tasks its
    agency leads or coordinates."""
    if not user.is_authenticated:
        return Task.objects.none()
    if user.is_superuser:
        return Task.objects.all()
    province_id = getattr(user, "province_id", None)
    if province_id is None:
        return Task.objects.none()
    in_province = Task.objects.filter(plan__province_id=province_id)
    if getattr(user, "role", None) != Role.REPORTER:
        return in_province
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:  # a reporter without an agency (refused by User.clean) sees nothing
        return Task.objects.none()
    return in_province.filter(
        Q(pk__in=TaskLead.objects.filter(agency_id=agency_id).values("task_id"))
        | Q(
            pk__in=Task.coordinating_agencies.through.objects.filter(agency_id=agency_id).values(
                "task_id"
            )
        )
    )


def sections_visible_to(user: AnyUser) -> QuerySet[Section]:
    if not user.is_authenticated:
        return Section.objects.none()
    if user.is_superuser:
        return Section.objects.all()
    return Section.objects.filter(plan__in=plans_visible_to(user))


def blocks_visible_to(user: AnyUser) -> QuerySet[PlanBlock]:
    """A plan's text is read by whoever reads the plan."""
    if not user.is_authenticated:
        return PlanBlock.objects.none()
    if user.is_superuser:
        return PlanBlock.objects.all()
    return PlanBlock.objects.filter(plan__in=plans_visible_to(user))


def _task_parts(model: type[Model], user: AnyUser) -> QuerySet:
    return model._default_manager.filter(task__in=tasks_visible_to(user))


def task_leads_visible_to(user: AnyUser) -> QuerySet[TaskLead]:
    return _task_parts(TaskLead, user)


def budget_lines_visible_to(user: AnyUser) -> QuerySet[BudgetLine]:
    return _task_parts(BudgetLine, user)


def targets_visible_to(user: AnyUser) -> QuerySet[Target]:
    return _task_parts(Target, user)


def task_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> Task:
    queryset = tasks_visible_to(user).select_related("plan", "section")
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


def section_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> Section:
    queryset = sections_visible_to(user).select_related("plan")
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


def block_get_for_user(user: AnyUser, pk: Any, *, change: bool = False) -> PlanBlock:
    queryset = blocks_visible_to(user).select_related("plan", "section")
    return get_or_404(changeable(queryset, user) if change else queryset, pk)


SCOPES: dict[type[Model], Any] = {
    Section: sections_visible_to,
    PlanBlock: blocks_visible_to,
    Task: tasks_visible_to,
    TaskLead: task_leads_visible_to,
    BudgetLine: budget_lines_visible_to,
    Target: targets_visible_to,
}
