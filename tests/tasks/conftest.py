"""Tests that need LibreOffice (``soffice``) to convert .doc/.xls take the ``office`` fixture.

LibreOffice missing: those tests are skipped with a loud banner, or they fail when
COOPPLAN_REQUIRE_OFFICE=1 (CI installs it). The same pattern as the browser tests' Chromium.
"""

from __future__ import annotations

import os

import pytest

MISSING = (
    "LIBREOFFICE MISSING: .doc/.xls conversion tests skipped — "
    "apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui (no soffice on PATH)"
)
REQUIRED_MISSING = (
    "LIBREOFFICE MISSING and COOPPLAN_REQUIRE_OFFICE=1: .doc/.xls conversion tests cannot run — "
    "apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui"
)
_affected: list[str] = []


@pytest.fixture
def office(request, settings) -> str:
    """The LibreOffice program (the project's own lookup, not an override)."""
    from tasks.importers.office import soffice

    settings.PLAN_IMPORT_SOFFICE = None
    program = soffice()
    if program is None:
        _affected.append(request.node.nodeid)
        if os.environ.get("COOPPLAN_REQUIRE_OFFICE") == "1":
            pytest.fail(REQUIRED_MISSING, pytrace=False)
        pytest.skip(MISSING)
    return program


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _affected:
        return
    line = "!" * 78
    message = REQUIRED_MISSING if os.environ.get("COOPPLAN_REQUIRE_OFFICE") == "1" else MISSING
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line(message, red=True, bold=True)
    terminalreporter.write_line(f"{len(_affected)} test(s) did not run:", red=True)
    for nodeid in _affected:
        terminalreporter.write_line(f"  {nodeid}", red=True)
    terminalreporter.write_line(line, red=True, bold=True)
