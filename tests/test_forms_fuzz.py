"""Random text posted to every form of the app, as every role that may post there: never a 5xx.

The forms are not listed by hand: every page of the permission matrix (tests/test_permissions.py)
that the role may open is fetched, and every ``<form method="post">`` on it is collected with its
fields (inputs, textareas, selects and their options, the buttons' values). A new page or a new
field is fuzzed without touching this file. A row's buttons (move this task up …) repeat on every
row: those of the first and the last row are fuzzed. Each post runs in a savepoint rolled back
after it, so one example never changes what the next one sees.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import test_permissions as matrix
from tests.test_permissions import EXPECTED, PEOPLE_EXPECTED, PEOPLE_ROLES, ROLES, people_urls, urls

world = matrix.world  # the permission matrix's objects: every page has something to show

pytestmark = [pytest.mark.django_db, pytest.mark.long]

# One value of each kind a number parser may trip on (signs and lengths of the same kind go to
# the same code path: one of each keeps the run short).
NUMBERISH = [
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e40",
    "9" * 30,
    "0x1F",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: int() takes them
    "1.5e3",
    "-0",
    "0",
    "",
    " ",
    "\x00",
    "'; DROP TABLE x; --",
    "<script>x</script>",
    "=1+1",
    "9999-99-99",
    "31/02/2026",
    "a" * 5000,
]
# Alone in a field, a value matters when the field's own cleaning may let it through to the
# service: one of each kind (a non-finite number, a huge one in each notation, a negative, an
# overflowing text). The other non-finite spellings go in with the all-at-once posts above.
ONE_AT_A_TIME = ["NaN", "1e40", "9" * 30, "-1", "a" * 5000]
# A free text field (no numeric input mode) takes any character; alone, it is only tried with
# what may overflow the database column. Every value above goes into it in the all-at-once post.
ONE_AT_A_TIME_TEXT = ["a" * 5000]
TEXT_INPUTS = ("text", "search", "email", "url", "tel", "password")
SKIP_ACTIONS = ("/accounts/logout", "/accounts/login", "/admin/")


class _Forms(HTMLParser):
    """Every POST form of a page: its action and, per field name, the values it offers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {"action": attrs.get("action") or "", "fields": {}, "text": set()}
                self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                return
            form["fields"].setdefault(name, []).append(attrs.get("value") or "")
            if kind in TEXT_INPUTS and attrs.get("inputmode") not in ("numeric", "decimal"):
                form["text"].add(name)
        elif tag == "textarea" and name:
            form["fields"].setdefault(name, []).append("")
            form["text"].add(name)
        elif tag == "button" and name:
            form["fields"].setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            form["fields"].setdefault(name, [])
        elif tag == "option" and self._select:
            form["fields"][self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _close(response) -> None:
    """Close a streamed download as Django's test client does: closing fires request_finished,
    whose close_old_connections would close the test's PostgreSQL connection mid-transaction
    (SQLite's in-memory database ignores the close, which hid this)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _same_form(action: str, fields: dict) -> tuple:
    """Per-row buttons (move this block, this task …) are one view and one form whatever the
    row: the same action but for the row's id, the same field names."""
    return (re.sub(r"\d+", "#", action), tuple(sorted(fields)))


Collected = tuple[str, dict[str, list[str]], set[str]]  # action, fields and offered values, text


def _forms_for(client, pages: list[str]) -> list[Collected]:
    found: dict[tuple, Collected] = {}
    for page in pages:
        response = client.get(page)
        _close(response)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urljoin(page, form["action"]) if form["action"] else page
            action = action.split("#")[0]
            if action.startswith(SKIP_ACTIONS) or not form["fields"]:
                continue
            key = (action, tuple(sorted(form["fields"])))
            found.setdefault(key, (action, form["fields"], form["text"]))
    # Of the forms that differ only by a row's id, the first and the last row's: the rows at
    # either end are the ones a move refuses.
    rows: dict[tuple, list[Collected]] = {}
    for action, fields, text in found.values():
        rows.setdefault(_same_form(action, fields), []).append((action, fields, text))
    kept = {form[0]: form for group in rows.values() for form in (group[0], group[-1])}
    return sorted(kept.values(), key=lambda item: item[0])


def _pages(world, role: str) -> list[str]:
    index = ROLES.index(role)
    return [
        url
        for name, (method, url) in urls(world).items()
        if method == "get" and EXPECTED[name][index] == 200
    ]


def _users(world, administrator, superuser):
    return {**world["users"], "administrator": administrator, "superuser": superuser}


def _people_pages(world, role: str) -> list[str]:
    index = PEOPLE_ROLES.index(role)
    return [
        url
        for name, (method, url) in people_urls(world).items()
        if method == "get" and PEOPLE_EXPECTED[name][index] == 200
    ]


def _post(client, action: str, data: dict) -> int:
    with transaction.atomic():
        response = client.post(action, data)
        status = response.status_code
        transaction.set_rollback(True)
    return status


FUZZ_ROLES = (*ROLES, "administrator")


# Forms found per role: both tests fuzz the same forms of the module's world (each post is
# rolled back, so the pages read the same for the second test).
_COLLECTED: dict[tuple[int, str], list[Collected]] = {}


def _collect(client, world, role):
    key = (id(world), role)
    if key not in _COLLECTED:
        pages = _pages(world, role) if role in ROLES else []
        pages += _people_pages(world, role)
        _COLLECTED[key] = _forms_for(client, pages)
    return _COLLECTED[key]


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_every_form_takes_nonsense_numbers_without_a_5xx(
    client, world, administrator, superuser, role
):
    """Each odd value in every field of every form at once, then one field at a time."""
    client.force_login(_users(world, administrator, superuser)[role])
    collected = _collect(client, world, role)
    if role in ("coordinator", "administrator"):
        assert len(collected) >= 3, collected  # the collector really finds the forms
        # ... and tells free text from fields holding numbers, dates, choices and ids.
        assert any(text for _, _, text in collected)
        assert any(set(fields) - text for _, fields, text in collected)
    for action, fields, text in collected:
        for value in NUMBERISH:
            assert _post(client, action, dict.fromkeys(fields, value)) < 500, (action, value)
        # One field at a time, the others as the page offered them: the form is then often
        # valid, so what the service refuses is reached too.
        data = {name: (offered[0] if offered else "") for name, offered in fields.items()}
        for name in fields:
            for value in ONE_AT_A_TIME_TEXT if name in text else ONE_AT_A_TIME:
                single = {**data, name: value}
                assert _post(client, action, single) < 500, (action, name, value)


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_every_form_takes_random_text_without_a_5xx(client, world, administrator, superuser, role):
    client.force_login(_users(world, administrator, superuser)[role])
    collected = _collect(client, world, role)
    if not collected:
        return  # this role may post nowhere: nothing to fuzz (asserted for the others above)

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def fuzz(data):
        action, fields, _ = data.draw(st.sampled_from(collected), label="form")
        posted = {}
        for name, offered in fields.items():
            choices = [st.text(max_size=40), st.sampled_from(NUMBERISH)]
            if offered:
                choices.append(st.sampled_from(offered))
            posted[name] = data.draw(st.one_of(choices), label=name)
        assert _post(client, action, posted) < 500, (action, posted)
        posts.append(action)

    posts: list[str] = []
    fuzz()
    assert len(posts) >= 30  # the examples really ran
