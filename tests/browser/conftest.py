"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live_server.

Chromium missing: the browser tests are skipped with a loud banner, or they fail when
COOPPLAN_REQUIRE_BROWSER=1 (CI). Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in the test thread; without this Django
# refuses ORM calls from that thread (SynchronousOnlyOperation). Set before any test runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("COOPPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = f"CHROMIUM MISSING: browser tests skipped — apt-get install -y chromium (no {CHROMIUM})"
REQUIRED_MISSING = (
    f"CHROMIUM MISSING and COOPPLAN_REQUIRE_BROWSER=1: browser tests cannot run — "
    f"apt-get install -y chromium (no {CHROMIUM})"
)
TIMEOUT_MS = 15_000

_affected: list[str] = []  # browser tests this run could not drive for want of Chromium


def chromium_present() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def browser_required() -> bool:
    return os.environ.get("COOPPLAN_REQUIRE_BROWSER") == "1"


@pytest.hookimpl(trylast=True)  # after `-m` deselection: count only the tests that would run
def pytest_collection_modifyitems(config, items):
    if chromium_present():
        return
    for item in items:
        if item.get_closest_marker("browser") is None:
            continue
        _affected.append(item.nodeid)
        if not browser_required():
            item.add_marker(pytest.mark.skip(reason=MISSING))


def pytest_runtest_setup(item):
    if (
        item.get_closest_marker("browser") is not None
        and browser_required()
        and not chromium_present()
    ):
        pytest.fail(REQUIRED_MISSING, pytrace=False)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _affected:
        return
    line = "!" * 78
    message = REQUIRED_MISSING if browser_required() else MISSING
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line(message, red=True, bold=True)
    terminalreporter.write_line(f"{len(_affected)} browser test(s) did not run:", red=True)
    for nodeid in _affected:
        terminalreporter.write_line(f"  {nodeid}", red=True)
    terminalreporter.write_line(line, red=True, bold=True)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _no_documents_built_ahead(settings):
    """The test settings run the worker's tasks at once, inside the request that committed: an
    issued plan's documents built ahead after each edit (reports.jobs.documents_rebuild) would
    hold every save of a plan a second or more. What is built ahead is tested without a browser
    (tests/tasks/test_plan_downloads.py)."""
    settings.DOCUMENTS_BUILD_AHEAD = False


@pytest.fixture
def new_page(chromium, live_server):
    """A factory of pages, one fresh browser context (own cookies) per call: one per user."""
    contexts = []

    def make():
        context = chromium.new_context(base_url=live_server.url, locale="vi-VN")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
