"""How an empty choice reads: "— Tất cả —" where a list is filtered, "— Chọn —" where a record is
edited, never Django's "---------" or "Chưa xác định" (a civil servant takes those for a value)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

FILTER_EMPTY_LABEL = _("— Tất cả —")
EDIT_EMPTY_LABEL = _("— Chọn —")
DJANGO_DASH = BLANK_CHOICE_DASH[0][1]  # "---------"


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter ("Quá hạn", "Đến hạn trong 90 ngày"): empty means every record."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", FILTER_EMPTY_LABEL), ("true", _("Có")), ("false", _("Không"))]


def blank_choice_relabel(field: forms.Field | None, label=EDIT_EMPTY_LABEL) -> forms.Field | None:
    """The field with its "---------" choice (if any) read as ``label``."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_DASH:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices = list(cast(Iterable[tuple[Any, Any]], field.choices))
        if choices and choices[0][0] == "" and choices[0][1] == DJANGO_DASH:
            field.choices = [("", label), *choices[1:]]
    return field
