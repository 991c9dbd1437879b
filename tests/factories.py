"""factory_boy factories shared by the test suites.

Most tests read the five seed documents (tests/conftest.py loads them once per test database);
a test that needs only a province, a few agencies and a plan of its own builds them here, so
that what it asserts follows from the rows it made, not from the whole seed.
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory, Password

from accounts.models import Role, User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality, Plan, PlanStatus
from tasks.services import task_create

PASSWORD = "pw-for-tests-1"


class LocalityFactory(DjangoModelFactory):
    """A Vietnamese province unless told otherwise."""

    class Meta:
        model = Locality
        django_get_or_create = ("country", "name")

    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    country = "VN"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    province = factory.SubFactory(LocalityFactory)
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")


class UserFactory(DjangoModelFactory):
    """A user whose staff flag and group follow the role, as the people pages make them."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = Password(PASSWORD)
    role = Role.REPORTER
    province = factory.SubFactory(LocalityFactory)
    agency = None

    @factory.post_generation
    def apply_role(user, create, extracted, **kwargs):
        if create:
            user_apply_role(user)


def make_user(username: str, role: str, province: Locality, agency: Agency | None) -> User:
    return UserFactory(username=username, role=role, province=province, agency=agency)


class PlanFactory(DjangoModelFactory):
    """An issued plan of a province (a plan in force, as the dashboard and rounds want it)."""

    class Meta:
        model = Plan

    province = factory.SubFactory(LocalityFactory)
    kind = "plan"
    number = factory.Sequence(lambda n: f"{n + 1}/KH-UBND")
    title = factory.Sequence(lambda n: f"Kế hoạch thử số {n + 1}")
    start_year = 2024
    end_year = 2026
    status = PlanStatus.ISSUED


class TaskFactory(DjangoModelFactory):
    """A task made through ``task_create`` (leads in order, partners from the plan)."""

    class Meta:
        model = "tasks.Task"

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: f"{n + 1}.")
    content = factory.Sequence(lambda n: f"Nhiệm vụ thử số {n + 1}")
    timeframe_text = "2024 - 2026"
    lead_agencies = ()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return task_create(**kwargs)
