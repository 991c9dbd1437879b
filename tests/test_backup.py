"""backup_data → restore_data into an empty database finds every row and every file again.

The restore runs as another installation would: `manage.py migrate` and `restore_data` in a
subprocess, on a new database of the same kind as the one the suite runs on (a new SQLite file,
or a new PostgreSQL database next to the test database), with its own media folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from backup.archive import backed_up_models
from reports.models import Report
from reports.services import attachment_add
from tasks.models import Task

pytestmark = [pytest.mark.django_db, pytest.mark.long]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "coopplan-demo-2026"  # the demo accounts' password
EVIDENCE = b"%PDF-1.4\n% bien ban ky ket\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# Django's JSON serializer writes times to the millisecond, and leaves ".000" out when the
# microseconds are zero: a time saved at 10:00:59.000412 reads back as 10:00:59.000 and is then
# written "10:00:59Z". The backup keeps times to the millisecond; compare them at that precision.
_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{3})?(Z|[+-]\d\d:\d\d)?$")


def _time_ms(value):
    if isinstance(value, str) and (match := _TIME.match(value)):
        return f"{match[1]}{match[2] or '.000'}{match[3] or ''}"
    return value


def normalised(fields: dict) -> dict:
    """Many-to-many lists come back in any order; times compare to the millisecond."""
    return {
        name: sorted(value, key=json.dumps) if isinstance(value, list) else _time_ms(value)
        for name, value in fields.items()
    }


def snapshot(objects: list[list]) -> dict:
    """Row counts of every table in the archive and chosen rows field by field.

    Foreign keys to users, groups and permissions by natural key: permission ids differ
    between databases, the rest keeps its primary keys."""
    counts = {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}
    rows = {}
    for label, pk in objects:
        row = apps.get_model(label)._base_manager.get(pk=pk)
        fields = json.loads(serializers.serialize("json", [row], use_natural_foreign_keys=True))
        rows[f"{label}:{pk}"] = normalised(fields[0]["fields"])
    return {"counts": counts, "rows": rows}


INSPECT = """
import hashlib, json, sys
import django
django.setup()
from django.test import Client
from reports.models import Attachment
from tests.test_backup import snapshot
objects, attachment_pk, username, password = json.loads(sys.argv[1])
restored = snapshot(objects)  # before the login, which writes a history row
login = Client().post("/accounts/login/", {"username": username, "password": password})
with Attachment.objects.get(pk=attachment_pk).file.open("rb") as handle:
    content = handle.read()
print(json.dumps({
    **restored,
    "login": [login.status_code, login.get("Location")],
    "attachment_sha256": hashlib.sha256(content).hexdigest(),
}))
"""

# `migrate`, then content types and permissions numbered differently, as in any other database.
MIGRATE = """
import django
django.setup()
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
ContentType.objects.all().delete()
call_command("migrate", "--noinput", verbosity=0)
"""

REPLACE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from accounts.models import User
from tests.test_backup import snapshot
User.objects.create_user("written-after-the-backup", password="x")
call_command("restore_data", sys.argv[1], "--force")
print(json.dumps({
    "stray": User.objects.filter(username="written-after-the-backup").exists(),
    **snapshot([]),
}))
"""


@pytest.fixture
def empty_database(tmp_path):
    """DATABASE_URL of a new, empty database of the kind the suite runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"coopplan_restore_{uuid.uuid4().hex[:10]}"
    server = {
        "host": params["HOST"] or "localhost",
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(server["user"] or "", safe="")
    if server["password"]:
        credentials += ":" + quote(server["password"], safe="")
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def other_installation(database_url: str, media_root: Path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coopplan.settings.test",
        "DATABASE_URL": database_url,
        "TEST_MEDIA_ROOT": str(media_root),
        "ALLOWED_HOSTS": "testserver",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter, our own code
            [sys.executable, *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    return run


@pytest.fixture
def demo_installation(settings, tmp_path):
    """Seed (conftest), demo accounts and reports, and one uploaded file in its own media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("create_demo_users", stdout=io.StringIO())
    call_command("load_demo_reports", stdout=io.StringIO())
    reporter = User.objects.get(username="leduan")
    report = Report.objects.get(agency=reporter.agency, status="draft")
    attachment = attachment_add(
        report=report,
        user=reporter,
        upload=SimpleUploadedFile("bien-ban.pdf", EVIDENCE),
        kind="evidence",
    )
    return attachment


def test_restore_into_an_empty_database_finds_every_object(
    demo_installation, empty_database, tmp_path
):
    attachment = demo_installation
    archive = tmp_path / "coopplan.tar.gz"
    out = io.StringIO()
    call_command("backup_data", str(archive), stdout=out)
    assert "Đã sao lưu" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: owner only

    task = (
        Task.objects.exclude(coordinating_agencies=None)
        .order_by("plan__number", "position", "pk")
        .first()
    )
    report = attachment.report
    objects = [
        ["accounts.user", User.objects.get(username="leduan").pk],
        ["auth.group", Group.objects.get(name="Điều phối (Sở Ngoại vụ)").pk],
        ["agreements.plan", task.plan_id],
        ["tasks.task", task.pk],
        ["reports.report", report.pk],
        ["reports.reportentry", report.entries.order_by("pk").first().pk],
        ["reports.attachment", attachment.pk],
        ["reports.historicalreport", report.history.order_by("-history_id").first().history_id],
    ]
    expected = snapshot(objects)
    assert expected["counts"]["reports.attachment"] >= 1
    assert expected["counts"]["tasks.historicaltask"] > 0
    assert expected["counts"]["tasks.task_coordinating_agencies"] > 0

    run = other_installation(empty_database, tmp_path / "restored-media")
    migrated = run("-c", MIGRATE)
    assert migrated.returncode == 0, migrated.stderr
    restored = run("manage.py", "restore_data", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "khớp với bản sao lưu" in restored.stdout

    inspected = run("-c", INSPECT, json.dumps([objects, attachment.pk, "leduan", PASSWORD]))
    assert inspected.returncode == 0, inspected.stderr
    found = json.loads(inspected.stdout)
    assert found["counts"] == expected["counts"]
    for key, fields in expected["rows"].items():
        assert found["rows"][key] == fields, key
    assert found["attachment_sha256"] == hashlib.sha256(EVIDENCE).hexdigest()
    assert found["login"] == [302, "/"]  # the password still works, the session table too

    again = run("manage.py", "restore_data", str(archive))
    assert again.returncode != 0
    assert "Cơ sở dữ liệu đang có" in again.stderr and "--force" in again.stderr

    replaced = run("-c", REPLACE, str(archive))
    assert replaced.returncode == 0, replaced.stderr
    after_force = json.loads(replaced.stdout.strip().splitlines()[-1])
    assert after_force["stray"] is False
    assert after_force["counts"] == expected["counts"]


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def restore_error(path: Path) -> str:
    with pytest.raises(CommandError) as error:
        call_command("restore_data", str(path), stdout=io.StringIO())
    return str(error.value)


def test_restore_explains_a_file_that_is_not_an_archive(tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"bien ban hop, khong phai ban sao luu")
    assert "không phải bản sao lưu coopplan đọc được" in restore_error(path)
    assert "Không tìm thấy tệp" in restore_error(tmp_path / "missing.tar.gz")


def test_restore_explains_an_archive_of_something_else(tmp_path):
    path = write_archive(tmp_path / "other.tar.gz", {"manifest.json": b'{"format": "other"}'})
    assert "không phải bản sao lưu của coopplan" in restore_error(path)
    path = write_archive(tmp_path / "photos.tar.gz", {"photo.jpg": b"\xff\xd8"})
    assert "không hợp lệ hoặc không an toàn: photo.jpg" in restore_error(path)


def test_restore_refuses_paths_that_leave_the_media_folder(tmp_path):
    path = write_archive(tmp_path / "evil.tar.gz", {"media/../../etc/cron.d/x": b"* * * * *"})
    assert "không an toàn" in restore_error(path)
    assert not (tmp_path / "etc").exists()


def test_restore_detects_a_damaged_archive_before_touching_the_database(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "good.tar.gz"
    call_command("backup_data", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as source:
        members = {m.name: source.extractfile(m).read() for m in source}
    members["data.json"] = members["data.json"].replace(b"Savannakhet", b"Savannakhex", 1)
    damaged = write_archive(tmp_path / "damaged.tar.gz", members)
    users = User.objects.count()

    assert "data.json không khớp mã kiểm tra" in restore_error(damaged)
    assert User.objects.count() == users
