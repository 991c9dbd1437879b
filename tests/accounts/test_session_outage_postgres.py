"""The database connection dies right after the view's commit, on PostgreSQL for real.

What a PostgreSQL restart does to a request in flight: the work is committed, then the server
closes the connection (``pg_terminate_backend`` from a second connection, the moment the commit
returns). The user must get the page the view answered, not Django's bare 400.
"""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import Client

from accounts.models import Role, User
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load
from tests.factories import make_user
from tests.tasks.test_import_views import plan_docx, upload

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server"),
]


def terminate_this_connection() -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])


@contextmanager
def connection_dies_after_commit_of(model):
    killed = []

    def on_save(sender, **kwargs):
        def kill():
            terminate_this_connection()
            killed.append(sender.__name__)

        transaction.on_commit(kill)

    post_save.connect(on_save, sender=model, weak=False)
    try:
        yield killed
    finally:
        post_save.disconnect(on_save, sender=model)
        connection.close()  # the test's own queries go on a fresh connection


@pytest.fixture
def coordinator():
    seed_load()
    province = Locality.objects.get(name="Quảng Trị", country="VN")
    agency = Agency.objects.get(province=province, name="Sở Ngoại vụ")
    return make_user("coord_restart", Role.COORDINATOR, province, agency)


def test_a_committed_save_gets_its_page_when_the_connection_dies_after_the_commit(coordinator):
    client = Client()
    client.force_login(coordinator)
    old_token = coordinator.calendar_token_rotate()

    with connection_dies_after_commit_of(User) as killed:
        response = client.post("/calendar/")

    assert killed == ["User"]
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert User.objects.get(pk=coordinator.pk).calendar_token != old_token
    assert "Đã tạo địa chỉ lịch mới" in client.get("/calendar/").content.decode()


def test_a_session_change_after_the_commit_is_written_on_a_fresh_connection(coordinator):
    client = Client()
    client.force_login(coordinator)
    assert upload(client, plan_docx(), number="40/KH-UBND").status_code == 302
    sport = Agency.objects.get(
        province=coordinator.province, name="Sở Văn hóa, Thể thao và Du lịch"
    )

    with connection_dies_after_commit_of(Plan) as killed:
        done = client.post("/plans/import/preview/", {"map-0": sport.pk})

    assert killed == ["Plan"]
    plan = Plan.objects.get(province=coordinator.province, number="40/KH-UBND")
    assert done.status_code == 302 and done["Location"] == f"/plans/{plan.pk}/"
    assert "plan_import" not in client.session  # the session change was saved
