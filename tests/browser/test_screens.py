"""Every screen, for each role, on a desktop and narrowed to a phone (390 × 844): nothing scrolls
sideways on the phone, axe-core finds no serious or critical WCAG 2.1 AA violation at either size,
and no choice reads "---------" or "Chưa xác định".

The walk (tests/browser/screens.py) is the same one `make screenshots` saves: with
COOPPLAN_SCREENSHOTS=<directory> this test writes a full-page screenshot of every screen and an
index.html to look at them all, and leaves axe-core out (the slow part) unless
COOPPLAN_SCREENSHOTS_AXE=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.screens import (
    AXE,
    ROLES,
    SIZES,
    Screen,
    axe_problems,
    demo_load,
    log_in,
    nav_paths,
    overflow,
    screens_by_user,
    screenshot_index,
    unclear_choices,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.long]

# The screenshots of every test of this run (`make screenshots`): the index shows them all.
_SHOTS: list[tuple[str, str, str, Path]] = []


# One test per person, so that pytest-xdist spreads the walk over its workers. Each screen is
# opened once, at the desktop's width, then looked at again at the phone's: the layout is CSS
# only (no script reads the window's width), so the narrowed page is the phone's page, and the
# server renders each screen once instead of twice.
@pytest.mark.parametrize("user", list(ROLES))
def test_every_screen_fits_a_phone_and_passes_axe(chromium, live_server, user):
    demo_load()
    shots_dir = os.environ.get("COOPPLAN_SCREENSHOTS")
    root = Path(shots_dir) if shots_dir else None
    with_axe = root is None or os.environ.get("COOPPLAN_SCREENSHOTS_AXE") == "1"
    shots = _SHOTS
    problems: list[str] = []
    walked = {size: 0 for size in SIZES}

    def look(page, user, size, screen):
        """The checks of one size, on the page as it is now."""
        walked[size] += 1
        if size == "phone" and (extra := overflow(page)) > 0:
            problems.append(f"{user} phone {screen.name} {screen.path}: {extra}px too wide")
        if with_axe:
            problems.extend(
                f"{user} {size} {screen.name} {screen.path}: {line}" for line in axe_problems(page)
            )
        if size == "phone" and (unclear := unclear_choices(page)):
            problems.append(f"{user} {screen.name} {screen.path}: choices {sorted(set(unclear))}")
        if root is not None:
            path = root / user / size / f"{len(shots):03d}-{screen.name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
            shots.append((user, size, screen.name, path))

    def visit(page, user, screen):
        page.set_viewport_size(SIZES["desktop"])
        response = page.goto(screen.path)
        expected = 404 if screen.name == "not-found" else 200
        if response is None or response.status != expected:
            problems.append(f"{user} {screen.path}: HTTP {response and response.status}")
            return
        if screen.prepare:
            screen.prepare(page)
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            look(page, user, size, screen)

    def context():
        ctx = chromium.new_context(
            base_url=live_server.url,
            viewport=SIZES["desktop"],
            locale="vi-VN",
            timezone_id="Asia/Bangkok",
        )
        if with_axe:
            # axe-core handed to the browser once, run in each page as it opens (by the
            # DevTools protocol, not as a <script>: the page's CSP stays as it is).
            ctx.add_init_script(path=str(AXE))
        return ctx

    screens = screens_by_user()[user]
    if user == next(iter(ROLES)):
        # Before logging in: the login page (walked once, with the first person).
        ctx = context()
        try:
            visit(ctx.new_page(), "anonymous", Screen("login", "/accounts/login/"))
        finally:
            ctx.close()
        expected = len(screens) + 1
    else:
        expected = len(screens)

    ctx = context()
    try:
        page = ctx.new_page()
        log_in(page, user)
        for size, viewport in SIZES.items():  # the menu differs by width: both must be covered
            page.set_viewport_size(viewport)
            missing = nav_paths(page) - {screen.path for screen in screens}
            if missing:
                problems.append(f"{user} {size}: the walk misses menu entries {sorted(missing)}")
        for screen in screens:
            visit(page, user, screen)
    finally:
        ctx.close()

    if root is not None:
        print(f"\n{len(shots)} screenshots: {screenshot_index(root, shots)}")
    assert walked == dict.fromkeys(SIZES, expected), f"{walked}: screens walked of {expected}"
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_axe_check_finds_a_violation_and_says_where(chromium):
    """The walk's check can fail: grey on white and an unnamed button are found and placed."""
    ctx = chromium.new_context()
    try:
        page = ctx.new_page()
        page.set_content(
            '<html lang="vi"><head><title>x</title></head><body><main><h1>Trang</h1>'
            '<p id="faint" style="color:#ccc;background:#fff">Nhạt quá</p>'
            '<button id="nameless"></button></main></body></html>'
        )
        problems = axe_problems(page)
    finally:
        ctx.close()
    assert any(p.startswith("color-contrast (serious)") and "#faint" in p for p in problems)
    assert any(p.startswith("button-name (critical)") and "#nameless" in p for p in problems)
