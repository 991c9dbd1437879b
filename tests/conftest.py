"""Shared fixtures: the five seed documents are loaded once per test database."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from agreements.models import Agency, Locality
from tests.factories import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from devdata.seed import seed_load

    with django_db_blocker.unblock():
        seed_load()


@pytest.fixture
def quang_tri(db) -> Locality:
    return Locality.objects.get(name="Quảng Trị", country="VN")


@pytest.fixture
def khanh_hoa(db) -> Locality:
    return Locality.objects.get(name="Khánh Hòa", country="VN")


@pytest.fixture
def coordinator(quang_tri) -> User:
    agency = Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ")
    return make_user("coordinator", Role.COORDINATOR, quang_tri, agency)


@pytest.fixture
def coordinator_kh(khanh_hoa) -> User:
    agency = Agency.objects.get(province=khanh_hoa, name="Sở Ngoại vụ")
    return make_user("coordinator_kh", Role.COORDINATOR, khanh_hoa, agency)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def administrator(quang_tri) -> User:
    """Quảng Trị's IT: enters the admin and manages the province's people."""
    user = make_user("quantri_test", Role.ADMINISTRATOR, quang_tri, None)
    user.email = "quantri_test@example.gov.vn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def administrator_kh(khanh_hoa) -> User:
    user = make_user("quantri_kh", Role.ADMINISTRATOR, khanh_hoa, None)
    user.email = "quantri_kh@example.gov.vn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root_test", "root@example.gov.vn", "pw-for-tests-1")


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client
