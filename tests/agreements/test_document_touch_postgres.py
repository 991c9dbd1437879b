"""Two writes touching the same documents' scopes in opposite orders, on two real PostgreSQL
connections, both holding their transactions open: neither waits for the other, so neither can
deadlock (the load test's saves did, with one counter row per scope updated in place)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from agreements.documents import document_touch, document_versions

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_crossing_touches_neither_wait_nor_deadlock_and_both_count():
    scopes = ("round:990001", "province:990001")
    before = document_versions(scopes)
    both_touched_first = threading.Barrier(2, timeout=10)
    outcome: dict[str, object] = {}

    def write(name: str, order: tuple[str, str]) -> None:
        try:
            with transaction.atomic():
                document_touch(order[0])
                both_touched_first.wait()  # each holds its first scope, then takes the other's
                document_touch(order[1])
            outcome[name] = "committed"
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=("a", scopes)),
        threading.Thread(target=write, args=("b", scopes[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcome == {"a": "committed", "b": "committed"}
    after = document_versions(scopes)
    assert all(after[scope] == before[scope] + 2 for scope in scopes)
