"""Uploaded workbooks waiting for their preview to be confirmed do not pile up: those older
than PENDING_UPLOAD_MAX_AGE_HOURS are deleted when another file is stored and by cron."""

from __future__ import annotations

import os
import re
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from reports.models import Report
from reports.workbook.pending import FOLDER
from tests.reports.factories import open_round, reporter_of

from .helpers import fill
from .test_workbook_views import LE_DUAN, complete, download, xlsx

HOUR = 3600


@pytest.fixture
def setting(coordinator, quang_tri):
    reporting_round = open_round(coordinator)
    reporter = reporter_of(quang_tri, LE_DUAN, "bc_leduan")
    return reporting_round, reporter


@pytest.fixture
def stored():
    """Put a file in the pending folder as if stored ``hours`` ago; removed after the test."""
    names: list[str] = []

    def put(hours: float) -> str:
        name = default_storage.save(f"{FOLDER}/test-{len(names)}.xlsx", ContentFile(b"PK"))
        then = time.time() - hours * HOUR
        os.utime(default_storage.path(name), (then, then))
        names.append(name)
        return name

    yield put
    for name in names:
        default_storage.delete(name)


def test_a_new_upload_deletes_abandoned_ones_of_any_session(client, setting, stored, settings):
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    reporting_round, reporter = setting
    abandoned, recent = stored(25), stored(2)
    client.force_login(reporter)
    data = download(client, reporting_round, reporter.agency)
    response = client.post(
        f"/rounds/{reporting_round.pk}/workbook/upload/",
        {"files": [xlsx(fill(data, complete(data)))]},
    )
    assert "workbook/confirm/" in response.content.decode()
    assert not default_storage.exists(abandoned)
    assert default_storage.exists(recent)  # someone may still be looking at its preview
    token = re.search(r"/workbook/confirm/([^/\"]+)/", response.content.decode()).group(1)
    assert default_storage.exists(f"{FOLDER}/{token}.xlsx")


def test_the_command_deletes_what_is_older_than_the_setting(stored, settings):
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    old, fresh = stored(30), stored(23)
    out = StringIO()
    call_command("uploads_cleanup", stdout=out)
    assert not default_storage.exists(old) and default_storage.exists(fresh)
    assert "Đã xóa 1 tệp" in out.getvalue() and "24 giờ" in out.getvalue()
    call_command("uploads_cleanup", "--hours", "12", stdout=out)
    assert not default_storage.exists(fresh)
    with pytest.raises(CommandError, match="Số giờ phải là số dương"):
        call_command("uploads_cleanup", "--hours", "0")


def test_a_preview_confirmed_after_its_file_was_cleaned_up_says_so(client, setting, settings):
    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    reporting_round, reporter = setting
    client.force_login(reporter)
    data = download(client, reporting_round, reporter.agency)
    page = client.post(
        f"/rounds/{reporting_round.pk}/workbook/upload/",
        {"files": [xlsx(fill(data, complete(data)))]},
    ).content.decode()
    confirm = re.search(r'action="([^"]*/workbook/confirm/([^/"]+)/[^"]*)"', page)
    # The preview was left open overnight: its file is a day old when cron runs.
    then = time.time() - 25 * HOUR
    os.utime(default_storage.path(f"{FOLDER}/{confirm.group(2)}.xlsx"), (then, then))
    call_command("uploads_cleanup", stdout=StringIO())
    response = client.post(confirm.group(1), {"seen_version": "", "action": "draft"}, follow=True)
    assert response.redirect_chain == [(f"/rounds/{reporting_round.pk}/workbook/upload/", 302)]
    assert "đã được xóa khỏi máy chủ" in response.content.decode()
    assert not Report.objects.filter(reporting_round=reporting_round).exists()
