"""Every screen, for each role, on a desktop and narrowed to a phone (390 × 844): nothing scrolls
sideways on the phone, axe-core finds no serious or critical WCAG 2.1 AA violation at either size,
and no choice reads "---------" or "Chưa xác định".

The walk (tests/browser/screens.py) is the same one `make screenshots` saves: with
COOPPLAN_SCREENSHOTS=<directory> this test writes a full-page screenshot of every screen and an
index.html to look at them all, and leaves axe-core out (the slow part) unless
COOPPLAN_SCREENSHOTS_AXE=1.

A page the server sends the same to an earlier person of the walk, header aside, is checked once
(``screens_alike_earlier``): the leader reads many pages as the coordinator does, the province
administrator edits as the coordinator does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import User
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


_HEADER = re.compile(r'<header class="top">.*?</header>', re.DOTALL)
_TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": ?)"[^"]+"')


def _page_without_header(client: Client, path: str) -> tuple[int, str]:
    """A screen's page as the server sends it, but for the header (its menu and the person's
    name) and the CSRF tokens. Read in a rolled-back transaction: a page read here (the
    notifications, which it marks as seen) reads the same in the browser afterwards."""
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    return response.status_code, _TOKENS.sub(r"\1-", _HEADER.sub("", response.content.decode()))


def screens_alike_earlier(user: str, screens: list[Screen]) -> set[Screen]:
    """The screens of ``user`` that an earlier person of the walk has with the same page, header
    aside (the province administrator edits as the coordinator does): what axe-core and the
    phone's width check there is already checked. The header itself is checked on this person's
    other screens. A screen prepared in the browser is always walked."""
    users = list(ROLES)
    earlier = users[: users.index(user)]
    by_user = screens_by_user()
    paths = {
        screen.path for other in earlier for screen in by_user[other] if screen.prepare is None
    }
    candidates = [s for s in screens if s.prepare is None and s.path in paths]
    if not candidates:
        return set()

    def client_of(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    mine = client_of(user)
    others = [
        (client_of(other), {s.path for s in by_user[other] if s.prepare is None})
        for other in earlier
    ]
    alike = set()
    for screen in candidates:
        page = _page_without_header(mine, screen.path)
        if any(
            screen.path in walked and _page_without_header(client, screen.path) == page
            for client, walked in others
        ):
            alike.add(screen)
    return alike


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

    every = screens_by_user()[user]
    # Screenshots are of every screen of every person; the checks, of every different page.
    alike = screens_alike_earlier(user, every) if root is None else set()
    screens = [screen for screen in every if screen not in alike]
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
            missing = nav_paths(page) - {screen.path for screen in every}
            if missing:
                problems.append(f"{user} {size}: the walk misses menu entries {sorted(missing)}")
        for screen in screens:
            visit(page, user, screen)
    finally:
        ctx.close()

    if root is not None:
        print(f"\n{len(shots)} screenshots: {screenshot_index(root, shots)}")
    if alike:
        print(f"\n{user}: {len(alike)} screens as an earlier person has them, header aside")
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
