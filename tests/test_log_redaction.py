"""No secret of an address in any log line: Django's (text and JSON), gunicorn's, nginx's.

A calendar feed's address is the key to its user's calendar (no login); whoever reads the logs
must not be able to subscribe with it.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
import re
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from coopplan.observability import (
    RedactingFormatter,
    RedactingJsonFormatter,
    RequestIdFilter,
    redact,
)
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent


def production_logging() -> dict:
    # production.py reads the (already imported) base module's SECRET_KEY.
    with mock.patch("coopplan.settings.base.SECRET_KEY", "x" * 60):
        return runpy.run_module("coopplan.settings.production")["LOGGING"]


def capture(logging_config: dict):
    """A handler built like the configured console one, writing into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    formatter_name = logging_config["handlers"]["console"]["formatter"]
    formatter_config = copy.deepcopy(logging_config["formatters"][formatter_name])
    configurator = logging.config.DictConfigurator(copy.deepcopy(logging_config))
    if "()" in formatter_config:
        handler.setFormatter(configurator.configure_custom(formatter_config))
    else:
        handler.setFormatter(configurator.configure_formatter(formatter_config))
    handler.addFilter(RequestIdFilter())
    return buffer, handler


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["console (base)", "JSON (production)"])
def test_django_log_lines_never_show_a_calendar_token(which, quang_tri):
    logging_config = settings.LOGGING if which.startswith("console") else production_logging()
    buffer, handler = capture(logging_config)
    leader = make_user("ld-log", Role.LEADER, quang_tri, None)
    token = leader.calendar_token_rotate()
    old_token = token[::-1]
    client = Client(raise_request_exception=False)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        assert client.get(f"/calendar/{token}.ics").status_code == 200
        # A stale address (token rotated): django.request logs "Not Found: <path>".
        assert client.get(f"/calendar/{old_token}.ics").status_code == 404
        # A failure while building the feed: the path, the request and the traceback are logged.
        failure = RuntimeError(f"cannot build /calendar/{token}.ics")
        with mock.patch("reports.views.calendar_feed_ics", side_effect=failure):
            assert client.get(f"/calendar/{token}.ics").status_code == 500
        # A secret in a query string, on any page.
        assert client.get(f"/no-such-page/?token={token}&page=2").status_code == 404
    finally:
        root.removeHandler(handler)
    logged = buffer.getvalue()

    assert "Not Found: /calendar/[redacted].ics" in logged
    assert "Internal Server Error: /calendar/[redacted].ics" in logged
    assert "RuntimeError: cannot build /calendar/[redacted].ics" in logged
    assert token not in logged and old_token not in logged
    if which.startswith("JSON"):
        lines = [json.loads(line) for line in logged.splitlines()]  # still JSON, one a line
        # The request itself is a field: <WSGIRequest: GET '/no-such-page/?token=…&page=2'>
        assert any("token=[redacted]&page=2" in line.get("request", "") for line in lines)


GUNICORN_ACCESS = """
import sys
from datetime import timedelta
import runpy
from gunicorn.config import Config
from gunicorn.glogging import Logger

token = sys.argv[1]
cfg = Config()
for name, value in runpy.run_path("gunicorn.conf.py").items():
    if name in cfg.settings:
        cfg.set(name, value)
log = Logger(cfg)

class Response:
    status = "200 OK"
    sent = 512
    headers = [("Content-Type", "text/calendar"), ("X-Request-ID", "rid-7")]

class Request:
    headers = [("X-FORWARDED-FOR", "203.0.113.7"), ("X-REQUEST-ID", "rid-7")]

environ = {
    "REQUEST_METHOD": "GET",
    "RAW_URI": f"/calendar/{token}.ics?token={token}",
    "PATH_INFO": f"/calendar/{token}.ics",
    "QUERY_STRING": f"token={token}",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "127.0.0.1",
    "HTTP_REFERER": f"https://coopplan.example.gov.vn/calendar/{token}.ics",
    "HTTP_USER_AGENT": "Calendar/1.0",
}
log.access(Response(), Request(), environ, timedelta(milliseconds=12))
log.error("Invalid request from ip=%s: %s", "203.0.113.7", f"GET /calendar/{token}.ics")
"""


def test_gunicorn_access_and_error_lines_never_show_a_calendar_token():
    token = "Zq3-secret_Token_0123456789abcdefghijklmnopq"
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", GUNICORN_ACCESS, token],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    access = next(line for line in lines if line["logger"] == "gunicorn.access")
    assert access["path"] == "/calendar/[redacted].ics"
    assert access["query"] == "token=[redacted]"
    assert access["referer"] == "https://coopplan.example.gov.vn/calendar/[redacted].ics"
    assert access["status"] == 200 and access["request_id"] == "rid-7"
    assert access["message"] == "GET /calendar/[redacted].ics 200"
    error = next(line for line in lines if line["logger"] == "gunicorn.error")
    assert error["message"] == "Invalid request from ip=203.0.113.7: GET /calendar/[redacted].ics"
    assert token not in result.stdout + result.stderr


# Parameters of the app's own URLs that are not secrets; any other text parameter must be
# redacted. A new route with a text parameter fails here until it is classified.
# "upload": an uploaded workbook's id, looked up in the session that uploaded it (useless
# without that session's cookie, reports/workbook/pending.py).
HARMLESS_PARAMETERS = {"fmt", "upload"}
SECRET_ROUTES = {"reports:calendar_feed": {"token": "Zq3-secret_Token_0123456789abcdefghijk"}}


def text_parameters(resolver: URLResolver, namespace: str = "") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: object ids and app labels
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(text_parameters(entry, inner))
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            names = {name for name, conv in converters.items() if conv.regex != "[0-9]+"}
            if names:
                found[f"{namespace}{entry.name}"] = names
    return found


def test_every_text_parameter_of_a_url_is_harmless_or_redacted():
    for route, names in text_parameters(get_resolver()).items():
        secret = SECRET_ROUTES.get(route, {})
        unknown = names - HARMLESS_PARAMETERS - set(secret)
        assert not unknown, f"{route}: is {unknown} a secret? add it to SECRET_ROUTES or HARMLESS"
        if secret:
            path = reverse(route, kwargs=secret)
            for value in secret.values():
                for line in (f"GET {path} 200", f"https://coopplan.example.gov.vn{path}?x=1"):
                    assert value not in redact(line), line
    assert "reports:calendar_feed" in text_parameters(get_resolver())


def test_redaction_keeps_everything_else():
    line = "GET /plans/12/export/xlsx/?page=2&q=keyboard 200 /calendar/"
    assert redact(line) == line


def test_every_handler_of_this_process_and_of_gunicorn_redacts():
    ours = (RedactingFormatter, RedactingJsonFormatter)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    checked = 0
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture
            if isinstance(handler, logging.NullHandler):
                continue  # a library's (WeasyPrint's): writes nothing
            assert isinstance(handler.formatter, ours), (logger.name, handler)
            checked += 1
    assert checked
    # Django's defaults (runserver's lines, DEBUG's console) write through ours only.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django.server").handlers == []

    for config in (production_logging(), runpy.run_path(str(ROOT / "gunicorn.conf.py"))):
        config = config.get("logconfig_dict", config)
        for name, handler in config["handlers"].items():
            formatter = config["formatters"][handler["formatter"]]
            factory = formatter.get("()") or formatter.get("class")
            assert factory in {
                "coopplan.observability.RedactingFormatter",
                "coopplan.observability.RedactingJsonFormatter",
            }, name


def nginx_maps() -> dict[str, list[tuple[str, str]]]:
    conf = (ROOT / "deploy" / "nginx.conf.example").read_text()
    maps = {}
    for variable, body in re.findall(r"map \$\S+ \$(\S+) \{(.*?)\n\}", conf, re.S):
        maps[variable] = re.findall(r'"(~\*?)([^"]+)"\s+"([^"]*)";', body)
    return maps


def nginx_map(entries, value: str, substitutions: dict[str, str]) -> str:
    for flag, pattern, result in entries:
        if re.search(pattern, value, re.I if flag == "~*" else 0):
            for name, substitute in substitutions.items():
                result = result.replace(name, substitute)
            return result
    return value


def test_nginx_access_log_format_leaves_out_the_secrets():
    conf = (ROOT / "deploy" / "nginx.conf.example").read_text()
    log_format = re.search(r"log_format coopplan (.*?);", conf, re.S).group(1)
    assert "$request " not in log_format and "$request_uri" not in log_format
    assert "$http_referer" not in log_format and "$args" not in log_format
    assert conf.count("access_log /var/log/nginx/coopplan.access.log coopplan;") == 2
    maps = nginx_maps()
    token = "Zq3-secret_Token_0123456789abcdefghijk"
    uri = nginx_map(maps["coopplan_log_uri"], f"/calendar/{token}.ics", {})
    assert uri == "/calendar/[redacted].ics"
    uri = nginx_map(maps["coopplan_log_uri"], f"/plans/?Token={token}", {"$uri": "/plans/"})
    assert uri == "/plans/?[redacted]"
    assert nginx_map(maps["coopplan_log_uri"], "/plans/3/?page=2", {}) == "/plans/3/?page=2"
    referer = f"https://coopplan.example.gov.vn/calendar/{token}.ics"
    assert nginx_map(maps["coopplan_log_referer"], referer, {}) == "[redacted]"
