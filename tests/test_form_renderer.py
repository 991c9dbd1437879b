"""The form renderer (``coopplan.form_renderer.FastTemplates``) prints what Django's templates
print: every page of the app and of the admin, each widget with awkward values, the same HTML."""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from coopplan.form_renderer import FastTemplates
from tests.test_permissions import EXPECTED, ROLES, urls, world  # noqa: F401 - the module's fixture

pytestmark = [pytest.mark.django_db, pytest.mark.long]

TEMPLATES = "django.forms.renderers.DjangoTemplates"
FAST = "coopplan.form_renderer.FastTemplates"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _html(client, settings, renderer: str, method: str, url: str, data=None) -> tuple[int, str]:
    settings.FORM_RENDERER = renderer
    get_default_renderer.cache_clear()
    response = getattr(client, method)(url, data() if callable(data) else data)
    # Downloads closed as tests/test_permissions.py closes them (its PostgreSQL connection).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    if "html" not in response.get("Content-Type", ""):
        return response.status_code, ""
    return response.status_code, CSRF.sub("csrf", response.content.decode())


def _same_both_ways(client, settings, method: str, url: str, data=None) -> None:
    status, expected = _html(client, settings, TEMPLATES, method, url, data)
    fast_status, fast = _html(client, settings, FAST, method, url, data)
    if method == "get" and (fast_status, fast) != (status, expected):
        # The messages a previous page left are shown once, by the first of the two: again.
        status, expected = _html(client, settings, TEMPLATES, method, url, data)
    difference = difflib.unified_diff(expected.splitlines(), fast.splitlines(), lineterm="")
    assert (fast_status, fast) == (status, expected), (url, "\n".join(difference))


def test_the_project_uses_it(settings):
    get_default_renderer.cache_clear()
    assert isinstance(get_default_renderer(), FastTemplates)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_app_reads_the_same(client, settings, world, role):  # noqa: F811
    """Every page the role may open; of those it may not, one (they are the same 404 page)."""
    client.force_login(world["users"][role])
    index = ROLES.index(role)
    refused = 0
    for name, (method, url) in urls(world).items():
        if method != "get":
            continue
        if EXPECTED[name][index] != 200:
            refused += 1
            if refused > 1:
                continue
        _same_both_ways(client, settings, "get", url)


def test_a_refused_report_form_reads_the_same(client, settings, world):  # noqa: F811
    """Bound values and error lists: a draft saved with wrong numbers and a wrong file."""
    draft = world["draft"]
    client.force_login(world["users"]["other"])

    def data() -> dict:  # new files for each post: a post reads its files to the end
        fields = {"version": draft.version, "delegations_out": "mười", "funds_other": "-5"}
        for entry in draft.entries.all():
            fields |= {
                f"e{entry.pk}-status": "in_progress",
                f"e{entry.pk}-result": "<b>\"Đã\" & 'xong'</b>\n  dòng hai",
                f"e{entry.pk}-funds_spent": "1.000,5x",
                f"e{entry.pk}-evidence": SimpleUploadedFile("x.exe", b"MZ"),
            }
        return fields

    _same_both_ways(client, settings, "post", f"/reports/{draft.pk}/edit/", data)
    _same_both_ways(client, settings, "get", f"/reports/{draft.pk}/edit/?incomplete=1")


def test_every_admin_form_reads_the_same(client, settings, superuser):
    client.force_login(superuser)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages = [f"admin:{info[0]}_{info[1]}_changelist", f"admin:{info[0]}_{info[1]}_add"]
        for name in pages:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            _same_both_ways(client, settings, "get", url)
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            url = reverse(f"admin:{info[0]}_{info[1]}_change", args=[first.pk])
            _same_both_ways(client, settings, "get", url)


class Awkward(forms.Form):
    text = forms.CharField(initial="a \"quoted\" <b>&</b> 'x'", help_text="h")
    safe = forms.CharField(initial=mark_safe("<i>safe</i>"))
    number = forms.IntegerField(initial=1234567)
    decimal = forms.DecimalField(initial=Decimal("1234.50"))
    day = forms.DateField(initial=date(2026, 12, 4))
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="p&w")
    hidden = forms.CharField(widget=forms.HiddenInput, initial=7)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial="\n<dòng>\n")
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    tick = forms.BooleanField(initial=True, required=False)
    untick = forms.BooleanField(initial=False, required=False)
    year = forms.TypedChoiceField(choices=[(2025, 2025), (2026, "2026 & <sau>")], initial=2026)
    grouped = forms.ChoiceField(
        choices=[("", "— Chọn —"), ("Nhóm <1>", [("a", "A"), ("b", "B")]), ("c", "C")],
        initial="b",
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["x", "y"])
    upload = forms.FileField(required=False)
    disabled = forms.CharField(disabled=True, initial="khóa", label="")
    flags = forms.CharField(
        widget=forms.TextInput(attrs={"required": True, "readonly": False, "data-x": 3}),
        initial="v",
        label=mark_safe("<em>Nhãn</em>"),
    )


@pytest.mark.parametrize("data", [None, {"number": "12x", "year": "2024", "many": ["z"]}])
def test_awkward_widgets_read_the_same(data):
    printed = []
    for renderer in (DjangoTemplates(), FastTemplates()):
        form = Awkward(data, renderer=renderer)
        if data:
            form.is_valid()
        printed.append(
            [
                (str(field), field.label_tag(), str(field.errors), field.legend_tag())
                for field in form
            ]
            + [str(form.non_field_errors()), form.as_div()]
        )
    assert printed[0] == printed[1]


def test_a_file_input_with_its_current_file_reads_the_same():
    class Current:
        url = "/files/1/"

        def __str__(self) -> str:
            return "bien-ban <1>.pdf"

    widget = forms.ClearableFileInput()
    assert widget.render("f", Current(), renderer=FastTemplates()) == widget.render(
        "f", Current(), renderer=DjangoTemplates()
    )
