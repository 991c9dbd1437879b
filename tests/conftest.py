"""Shared fixtures: the five seed documents are loaded once per test database."""

from __future__ import annotations

import os

import pytest

from accounts.models import Role, User
from agreements.models import Agency, Locality
from tests.factories import make_user


def pytest_collection_modifyitems(config, items):
    """The tests marked ``long`` first, in their files' order: pytest-xdist hands tests (or, with
    ``--dist loadfile``, files) out in this order, so the long ones start at once and the short
    ones fill the gaps, instead of one worker running a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Each test starts with an empty cache: its database is rolled back after it, so versions
    (agreements.documents) repeat from one test to the next while the data differs."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_use_migrations() -> bool:
    """Test databases are made from the models, not by replaying the migrations: replaying 70 of
    them took 7 of a worker's 8 seconds of setup, paid by each worker of each run. The two agree:
    `make test` first checks that no model change lacks its migration, and tests/test_backup.py
    migrates an empty database for real before restoring into it. COOPPLAN_TEST_MIGRATE=1 replays
    them instead."""
    return os.environ.get("COOPPLAN_TEST_MIGRATE") == "1"


# The seed's commit queues the worker's builds of the issued plans' documents
# (reports.jobs.documents_rebuild); each test starts with an empty store instead, as if the worker
# had not run yet: the queue is dropped.
SEED_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_use_migrations):
    from django.test import override_settings

    from devdata.seed import seed_load

    with django_db_blocker.unblock():
        if not django_db_use_migrations:
            _migrations_record_applied()
        with override_settings(TASKS=SEED_TASKS):
            seed_load()


def _migrations_record_applied() -> None:
    """What `migrate` would have left in django_migrations, so that the database reads as migrated
    (a backup names the migrations its data belongs to); the migration modules are found again
    for the tests that read them."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    settings.MIGRATION_MODULES = {}
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    recorder.migration_qs.bulk_create(
        recorder.Migration(app=app, name=name) for app, name in sorted(loader.disk_migrations)
    )


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
