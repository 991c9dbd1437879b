"""A service's refusal reaches the user on the form, whatever shape its ValidationError has."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from agreements.forms import form_add_errors


class _Form(forms.Form):
    number = forms.CharField()


def _bound() -> _Form:
    form = _Form(data={"number": "05/KH-UBND"})
    assert form.is_valid()
    return form


def test_a_message_naming_a_field_stands_beside_that_field():
    form = _bound()
    form_add_errors(form, ValidationError({"number": "Tỉnh đã có văn bản số này."}))
    assert form.errors["number"] == ["Tỉnh đã có văn bản số này."]
    assert not form.non_field_errors()


def test_a_field_the_form_does_not_have_and_a_plain_message_stand_above_the_form():
    form = _bound()
    form_add_errors(form, ValidationError({"section": "Mục phải thuộc cùng kế hoạch."}))
    form_add_errors(form, ValidationError("Kế hoạch đã ban hành, không sửa được."))
    assert form.non_field_errors() == [
        "Mục phải thuộc cùng kế hoạch.",
        "Kế hoạch đã ban hành, không sửa được.",
    ]
