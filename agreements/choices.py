"""How an empty choice reads: "— Tất cả —" where a list is filtered, "— Chọn —" where a record is
edited, never Django's "---------" or "Chưa xác định" (a civil servant takes those for a value)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
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


# Labels of a model field's choices, per field and language, translated once.
_LABELS: dict[tuple[int, str], dict[Any, Any]] = {}


def choice_label(field: Any, value: Any) -> Any:
    """What ``get_FOO_display()`` shows for ``value`` of ``field``: its label, or the value."""
    key = (id(field), get_language() or "")
    labels = _LABELS.get(key)
    if labels is None:
        labels = {make_hashable(choice): force_str(label) for choice, label in field.flatchoices}
        _LABELS[key] = labels
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


class ChoiceLabels:
    """Models' ``get_FOO_display()`` at a dictionary lookup.

    Django's own rebuilds the dictionary of the field's choices on every call, translating and
    hashing each lazy label: a page of a hundred rows paid that a hundred times over. The labels
    are the same for every row, so they are kept per field and language (``choice_label``).
    """

    def _get_FIELD_display(self, field):
        return choice_label(field, getattr(self, field.attname))
