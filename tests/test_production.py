"""Production settings: check --deploy, /healthz, static files with hashed names, JSON logs, pool.

Settings modules are read once per process, so `coopplan.settings.production` itself runs in a
subprocess; static files and the PDF under production storage run here with those settings.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from pypdf import PdfReader

from agreements.models import Plan

ROOT = Path(__file__).resolve().parent.parent
# As in coopplan/settings/production.py.
PRODUCTION_STATIC = "whitenoise.storage.CompressedManifestStaticFilesStorage"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


# Knobs of the machine running the suite (the browser tests set the last), not of a server.
NOT_INHERITED = ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE")


def production(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "coopplan.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "coopplan.example.gov.vn,testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            **env,
        }
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_reports_no_issue(tmp_path):
    result = production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_catch_a_debug_server_with_a_weak_key(tmp_path):
    result = production(
        "manage.py", "check", "--deploy", tmp_path=tmp_path, DEBUG="1", SECRET_KEY="short"
    )
    assert "security.W018" in result.stderr  # DEBUG
    assert "security.W009" in result.stderr  # SECRET_KEY


def test_media_inside_the_static_root_is_refused(tmp_path):
    result = production(
        "manage.py",
        "check",
        tmp_path=tmp_path,
        MEDIA_ROOT=str(tmp_path / "static" / "media"),
    )
    assert result.returncode != 0
    assert "MEDIA_ROOT và STATIC_ROOT" in result.stderr


PROBE = """
import json
import django
django.setup()
from django.db import connection
from django.test import Client
client = Client()
health = client.get("/healthz")
page = client.get("/plans/")
missing = client.get("/no-such-page/", secure=True, HTTP_X_REQUEST_ID="probe-42")
print(json.dumps({
    "health": [health.status_code, health.json()],
    "page": [page.status_code, page.get("Location")],
    "missing": [missing.status_code, missing["X-Request-ID"]],
    "pooled": getattr(connection, "pool", None) is not None,
}))
"""


@pytest.mark.django_db
def test_production_server_answers_probes_over_http_and_logs_json_lines(tmp_path):
    env = {}
    if connection.vendor == "postgresql":
        # The suite's test database: /healthz runs only SELECT 1, through the pool.
        params = connection.settings_dict
        credentials = quote(params["USER"] or "", safe="")
        if params["PASSWORD"]:
            credentials += ":" + quote(params["PASSWORD"], safe="")
        host, port = params["HOST"] or "localhost", params["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{credentials}@{host}:{port}/{params['NAME']}"
    result = production("-c", PROBE, tmp_path=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    answer = json.loads(lines[-1])

    assert answer["health"] == [200, {"status": "ok", "database": "ok"}]
    # Everything else is sent to https; the load balancer's plain-http probe is not.
    assert answer["page"] == [301, "https://testserver/plans/"]
    assert answer["missing"] == [404, "probe-42"]
    assert answer["pooled"] is (connection.vendor == "postgresql")

    logged = [json.loads(line) for line in lines[:-1]]
    not_found = [entry for entry in logged if entry["logger"] == "django.request"]
    assert not_found, result.stdout
    assert not_found[0]["level"] == "WARNING"
    assert not_found[0]["request_id"] == "probe-42"
    assert "/no-such-page/" in not_found[0]["message"]
    assert "timestamp" in not_found[0]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, caplog):
    refused = OperationalError('connection to server at "db.internal" failed: password for coop')
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "OperationalError"}
    assert "db.internal" not in response.content.decode()  # no hosts or users to strangers
    assert "db.internal" in caplog.text  # but the operator sees why
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_request_id_comes_from_nginx_or_is_made(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def body(response) -> bytes:
    # Reading a streamed response to its end closes it, as a WSGI server would.
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def production_static(settings, tmp_path):
    """collectstatic into a fresh root with production's storage, WhiteNoise in front."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC}}
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], WHITENOISE, *settings.MIDDLEWARE[1:]]
    # The admin's files (most of the time) are not on the pages this file opens.
    call_command("collectstatic", "--noinput", "-i", "admin", verbosity=0, stdout=io.StringIO())
    return settings.STATIC_ROOT


def test_pages_and_plan_pdf_work_with_hashed_static_names(production_static, coordinator_client):
    plan = Plan.objects.get(province__name="Quảng Trị", number="165/QĐ-UBND")
    page = coordinator_client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.content.decode())
    assert stylesheet, "the page links the hashed stylesheet"

    css = coordinator_client.get(stylesheet.group(1))
    assert css.status_code == 200
    assert "immutable" in css["Cache-Control"]
    assert body(css).strip()

    export = coordinator_client.get(f"/plans/{plan.pk}/export/pdf/")
    assert export.status_code == 200
    reader = PdfReader(io.BytesIO(body(export)))
    fonts = set()
    for page_ in reader.pages:
        for font in page_["/Resources"]["/Font"].get_object().values():
            font = font.get_object()
            owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = owner["/FontDescriptor"].get_object()
            if any("FontFile" in key for key in descriptor):
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
    # pdf.css and the Tinos fonts it names were found: the text is set in embedded Tinos.
    assert fonts and all(name.startswith("Tinos") for name in fonts), fonts
    assert "165/QĐ-UBND" in reader.pages[0].extract_text()


def test_a_new_gunicorn_worker_loads_what_pages_need_before_its_first_request(monkeypatch):
    """gunicorn.conf.py's post_worker_init warms the worker (coopplan.warmup): every project
    template compiled into its cache, the fonts' metrics read, the documents' code version
    computed; a new worker's first page does not pay for them."""
    import gc
    import runpy

    from django.template import engines

    from agreements.documents import code_version
    from tasks.exporters import fonts

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    fonts._advances.cache_clear()
    code_version.cache_clear()
    monkeypatch.setattr(gc, "freeze", lambda: None)  # the test process keeps collecting
    conf["post_worker_init"](mock.Mock())
    project = ROOT / "templates"
    names = {path.relative_to(project).as_posix() for path in project.rglob("*.html")}
    assert {"reports/_dashboard_body.html", "base.html"} <= names
    assert names <= set(loader.get_template_cache)
    assert fonts._advances.cache_info().currsize == len(fonts.FACES)
    assert code_version.cache_info().currsize == 1


def test_make_run_builds_a_long_document_without_a_worker_process(tmp_path):
    """`make run` starts no `db_worker`: under the dev settings the tasks run in the request that
    queues them, so a round summary over the inline threshold is ready on its waiting page (the
    test settings do the same, and tests/reports/test_round_downloads.py walks that page);
    DEV_TASK_WORKER=1 keeps them queued for a worker, as in production."""
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TASKS['default']['BACKEND'], settings.DOCUMENTS_BUILD_AHEAD)"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "coopplan.settings.dev"}
    environment.pop("DEV_TASK_WORKER", None)
    environment.pop("DOCUMENTS_BUILD_AHEAD", None)

    def settings_in(env: dict) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", show],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout.strip()

    assert settings_in(environment) == "django_tasks.backends.immediate.ImmediateBackend False"
    queued = settings_in({**environment, "DEV_TASK_WORKER": "1"})
    assert queued == "django_tasks_db.DatabaseBackend True"
