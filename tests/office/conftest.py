"""Tests marked ``office`` open our DOCX and XLSX in a real office suite: LibreOffice headless
converts them to PDF, and the PDF is read back (poppler's ``pdftotext``, ``pdftoppm``).

LibreOffice missing: those tests are skipped with a loud banner at the end of the run, or they
fail when COOPPLAN_REQUIRE_OFFICE=1 (``.ci/run`` sets it and installs LibreOffice). The same
pattern as the browser tests' Chromium.
"""

from __future__ import annotations

import os
import shutil

import pytest

MISSING = (
    "LIBREOFFICE MISSING: office tests (our DOCX/XLSX opened in LibreOffice) skipped — apt-get "
    "install -y libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 poppler-utils"
)
REQUIRED_MISSING = (
    "LIBREOFFICE MISSING and COOPPLAN_REQUIRE_OFFICE=1: office tests cannot run — apt-get "
    "install -y libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 poppler-utils"
)
_affected: list[str] = []


def office_present() -> bool:
    return all(shutil.which(program) for program in ("soffice", "pdftotext", "pdftoppm"))


def office_required() -> bool:
    return os.environ.get("COOPPLAN_REQUIRE_OFFICE") == "1"


@pytest.hookimpl(trylast=True)  # after `-m` deselection: count only the tests that would run
def pytest_collection_modifyitems(config, items):
    if office_present():
        return
    for item in items:
        if item.get_closest_marker("office") is None:
            continue
        _affected.append(item.nodeid)
        if not office_required():  # required: pytest_runtest_setup fails the test instead
            item.add_marker(pytest.mark.skip(reason=MISSING))


def pytest_runtest_setup(item):
    if item.get_closest_marker("office") is not None and office_required():
        if not office_present():
            pytest.fail(REQUIRED_MISSING, pytrace=False)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _affected:
        return
    line = "!" * 78
    message = REQUIRED_MISSING if office_required() else MISSING
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line(message, red=True, bold=True)
    terminalreporter.write_line(f"{len(_affected)} test(s) did not run:", red=True)
    for nodeid in _affected:
        terminalreporter.write_line(f"  {nodeid}", red=True)
    terminalreporter.write_line(line, red=True, bold=True)
