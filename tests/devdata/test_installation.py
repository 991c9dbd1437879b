"""Development data is installed where people try and test the app, never silently in production.

Settings modules are read once per process, so production runs in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent.parent
DEVDATA_COMMANDS = ["create_demo_users", "generate_scale_data", "load_demo_reports", "load_seed"]
WHAT_IS_INSTALLED = (
    "import json, django; django.setup(); "
    "from django.conf import settings; from django.core.management import get_commands; "
    "print(json.dumps({'installed': 'devdata' in settings.INSTALLED_APPS, "
    f"'commands': sorted(set(get_commands()) & {set(DEVDATA_COMMANDS)!r})}}))"
)


def production(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "COOPPLAN_DEVDATA"}
    environment.update(
        {"DJANGO_SETTINGS_MODULE": "coopplan.settings.production", "SECRET_KEY": "x" * 50, **env}
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_has_no_development_data():
    result = production("-c", WHAT_IS_INSTALLED)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"installed": False, "commands": []}
    result = production("manage.py", "load_seed")
    assert result.returncode != 0
    assert "Unknown command: 'load_seed'" in result.stderr


def test_production_installs_development_data_on_request():
    result = production("-c", WHAT_IS_INSTALLED, COOPPLAN_DEVDATA="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"installed": True, "commands": DEVDATA_COMMANDS}


def test_the_test_settings_install_development_data():
    assert "devdata" in settings.INSTALLED_APPS
    assert {name: get_commands()[name] for name in DEVDATA_COMMANDS} == dict.fromkeys(
        DEVDATA_COMMANDS, "devdata"
    )
