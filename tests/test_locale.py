"""No English where Django's own Vietnamese catalog has none: the admin, form errors, pages.

locale/vi/LC_MESSAGES/django.po fills those gaps; the compiled .mo must say what the .po says
(`make messages` after an edit), and the admin a province administrator opens is Vietnamese.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _string(lines: list[str]) -> str:
    joined = "".join(re.findall(r'"(.*)"', "\n".join(lines)))
    return joined.replace('\\"', '"').replace("\\n", "\n")


def po_entries() -> list[tuple[str, str, str, str]]:
    """(context, msgid, msgid_plural, msgstr) of every entry but the header."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?) (.*)$", line)
            if match:
                key = match.group(1).replace("[0]", "")
                fields[key] = [match.group(2)]
            elif key:
                fields[key].append(line)
        if fields.get("msgid") and _string(fields["msgid"]):
            entries.append(
                (
                    _string(fields.get("msgctxt", [])),
                    _string(fields["msgid"]),
                    _string(fields.get("msgid_plural", [])),
                    _string(fields["msgstr"]),
                )
            )
    return entries


def test_compiled_catalog_says_what_the_po_says():
    entries = po_entries()
    assert len(entries) > 100
    with translation.override("vi"):
        for context, msgid, plural, msgstr in entries:
            if plural:
                got = (
                    translation.npgettext(context, msgid, plural, 1)
                    if context
                    else (translation.ngettext(msgid, plural, 1))
                )
            elif context:
                got = translation.pgettext(context, msgid)
            else:
                got = translation.gettext(msgid)
            assert got == msgstr, msgid


@pytest.mark.django_db
def test_admin_pages_have_no_english_left(administrator_client):
    for path in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        body = administrator_client.get(path).content.decode()
        assert "Chuyển đến nội dung chính" in body, path
        for english in ("Skip to main content", "Toggle theme", "Breadcrumbs", "Sidebar"):
            assert english not in body, (path, english)
