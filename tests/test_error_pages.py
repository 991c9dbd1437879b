"""Every error a user can meet is a Vietnamese page in the app's look, the database outage too."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

ENGLISH = ("Not Found", "Server Error", "Forbidden", "CSRF verification failed", "Bad Request")


def assert_vietnamese_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert heading in body
    assert "Về trang chủ" in body
    for english in ENGLISH:
        assert english not in body
    return body


@pytest.mark.django_db
def test_unknown_address_is_a_vietnamese_404(coordinator_client):
    response = coordinator_client.get("/khong-co-trang-nay/")
    assert_vietnamese_page(response, 404, "Không tìm thấy trang")


@pytest.mark.django_db
def test_foreign_id_is_the_same_vietnamese_404(coordinator_client):
    response = coordinator_client.get("/reports/999999999/")
    assert_vietnamese_page(response, 404, "Không tìm thấy trang")


@pytest.mark.django_db
def test_stale_form_is_explained_not_csrf_jargon(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post("/accounts/logout/")
    body = assert_vietnamese_page(response, 403, "Biểu mẫu đã cũ, chưa lưu gì")
    assert "tải lại trang" in body


def failing_database(error: Exception):
    """Every statement from now on fails as PostgreSQL does while it restarts."""

    def execute(self, *args, **kwargs):
        raise error

    return mock.patch.object(CursorWrapper, "_execute", execute)


@pytest.mark.django_db
def test_database_outage_answers_503_that_says_to_reload_and_check(coordinator_client):
    coordinator_client.raise_request_exception = False
    with failing_database(OperationalError("terminating connection due to administrator command")):
        response = coordinator_client.get("/rounds/")
    body = assert_vietnamese_page(response, 503, "Hệ thống tạm thời gián đoạn")
    assert "có thể chưa được lưu" in body
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_database_outage_on_a_save_answers_the_same_503(coordinator_client):
    coordinator_client.raise_request_exception = False
    with failing_database(OperationalError("server closed the connection unexpectedly")):
        response = coordinator_client.post("/people/", {"username": "x"})
    assert_vietnamese_page(response, 503, "Hệ thống tạm thời gián đoạn")


@pytest.mark.django_db
def test_a_bug_is_a_vietnamese_500_not_a_503(coordinator_client):
    coordinator_client.raise_request_exception = False
    with failing_database(IntegrityError("duplicate key value violates unique constraint")):
        response = coordinator_client.get("/rounds/")
    body = assert_vietnamese_page(response, 500, "Máy chủ gặp lỗi")
    assert "Retry-After" not in response
    assert "tải lại trang và kiểm tra" in body
