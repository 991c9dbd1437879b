"""Production refuses to start without a secret key and never creates demo accounts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_django(settings: str, code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment.update({"DJANGO_SETTINGS_MODULE": settings, **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_django("coopplan.settings.production", "print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_never_creates_demo_accounts():
    code = (
        "from django.core.management import call_command\ncall_command('create_demo_users')"
    ).replace("\n", "; ")
    # With the development data installed on request (as the load test does): still refused.
    # Without it the command does not exist at all (tests/devdata/test_installation.py).
    result = run_django(
        "coopplan.settings.production", code, SECRET_KEY="x" * 50, COOPPLAN_DEVDATA="1"
    )
    assert result.returncode != 0
    assert "production" in result.stderr


def test_locale_defaults():
    from django.conf import settings
    from django.utils import formats, translation

    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    import datetime

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2020, 1, 15), "SHORT_DATE_FORMAT") == "15/01/2020"
        assert formats.number_format(1234567, use_l10n=True, force_grouping=True) == "1.234.567"


@pytest.mark.django_db
def test_demo_accounts_are_created_and_can_log_in(client):
    from io import StringIO

    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert "dieuphoi" in out.getvalue() and "coopplan-demo-2026" in out.getvalue()
    assert "quantri" in out.getvalue()
    login = "/accounts/login/"
    response = client.post(login, {"username": "quantri", "password": "coopplan-demo-2026"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/people/").status_code == 200
    client.post("/accounts/logout/")
    # Coordinators and reporters work in the app: they do not enter the admin.
    for username in ("dieuphoi", "congthuong"):
        response = client.post(login, {"username": username, "password": "coopplan-demo-2026"})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 302
        client.post("/accounts/logout/")


def test_bad_database_url_is_refused():
    result = run_django(
        "coopplan.settings.dev", "print('ok')", DATABASE_URL="mysql://root@localhost/x"
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr
