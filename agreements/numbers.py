"""The one way a form reads a number: counts, years, amounts in đồng, target quantities.

Django's own fields hand the text to ``int()``/``Decimal()``, which take ``NaN``, ``sNaN``,
``Infinity``, ``1e40`` or thirty digits; those then break a comparison (``InvalidOperation``) or
the model's limits in a service, and the user sees a 500. Here a number is only what a person
types: digits, the Vietnamese thousands dot or a space, at most one decimal comma; anything else
is refused next to its field with a Vietnamese message, before any arithmetic, and a value is
never larger than the database column holds.

Every form of the project takes numbers through these fields; ModelForms get them for their
model's number fields by ``Meta.formfield_callback = number_formfield``.
``tests/test_form_numbers.py`` fails when a form declares any other number field.
"""

from __future__ import annotations

import argparse
import re
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import EDIT_EMPTY_LABEL, blank_choice_relabel

# What fits every database the project runs on (PostgreSQL's signed columns).
SMALL_MAX = 32767
INTEGER_MAX = 2147483647
BIG_MAX = 9223372036854775807
# No person types more than this into one box; longer text is refused before it is parsed.
MAX_INPUT = 40

_SEPARATORS = re.compile(r"[\s\u00a0\u202f]")
_WHOLE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")  # 1500000 or 1.500.000
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+")
_DECIMAL = re.compile(r"(?P<whole>\d+)(?:[.,](?P<fraction>\d+))?")


def _squeeze(value: str) -> str:
    return _SEPARATORS.sub("", value)


class WholeNumberField(forms.IntegerField):
    """A count or a year: digits only (a thousands dot allowed), never more than ``max_value``."""

    default_error_messages = {
        "invalid": _("«%(value)s» không phải số nguyên (chỉ gồm chữ số, ví dụ 12)."),
        "max_value": _("Số quá lớn: tối đa %(limit_value)s."),
        "min_value": _("Số phải từ %(limit_value)s trở lên."),
    }
    # Always a number here, never the callable Django also accepts.
    min_value: int | None

    def __init__(self, *, max_value=None, min_value=0, **kwargs):
        kwargs.pop("step_size", None)
        super().__init__(
            max_value=INTEGER_MAX if max_value is None else max_value,
            min_value=min_value,
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _squeeze(str(value))
        if text in self.empty_values:
            return None
        negative = text.startswith("-") and (self.min_value or 0) < 0
        digits = text[1:] if negative else text
        if len(text) > MAX_INPUT or not _WHOLE.fullmatch(digits):
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value)[:40]}
            )
        number = int(digits.replace(".", ""))
        return -number if negative else number


class DecimalNumberField(forms.DecimalField):
    """A quantity: digits with at most one decimal comma (or point), within the column's size."""

    default_error_messages = {
        "invalid": _("«%(value)s» không phải số (ví dụ 12 hoặc 12,5)."),
        "max_value": _("Số quá lớn: tối đa %(limit_value)s."),
        "min_value": _("Số phải từ %(limit_value)s trở lên."),
        "max_digits": _("Số quá lớn: tối đa %(max)s chữ số."),
        "max_decimal_places": _("Tối đa %(max)s chữ số sau dấu phẩy."),
        "max_whole_digits": _("Số quá lớn: tối đa %(max)s chữ số trước dấu phẩy."),
    }

    def __init__(self, *, max_digits=12, decimal_places=2, min_value=0, **kwargs):
        kwargs.pop("step_size", None)
        super().__init__(
            max_digits=max_digits, decimal_places=decimal_places, min_value=min_value, **kwargs
        )
        self.widget.attrs.pop("step", None)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal) and value.is_finite():
            return value
        text = _squeeze(str(value))
        if text in self.empty_values:
            return None
        match = _DECIMAL.fullmatch(text) if len(text) <= MAX_INPUT else None
        if match is None:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value)[:40]}
            )
        return Decimal(f"{match['whole']}.{match['fraction'] or 0}")


class MoneyField(WholeNumberField):
    """Whole đồng: "1.500.000", "1 500 000", "1500000" or "1.500.000 đ"; never negative."""

    default_error_messages = {
        "invalid": _("«%(value)s» không phải số tiền (ví dụ 1.500.000)."),
        "max_value": _("Số tiền quá lớn: tối đa %(limit_value)s đồng."),
        "min_value": _("Số tiền phải là số đồng nguyên, không âm."),
    }

    def __init__(self, *, max_digits: int = 15, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(max_value=10**max_digits - 1, min_value=0, **kwargs)
        # No placeholder: a grey "0" in an empty box reads as a value already given.
        self.widget.attrs.update({"inputmode": "numeric"})

    def widget_attrs(self, widget):
        return {}  # a text box: "1.500.000" is not a valid <input type=number>

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("đồng").removesuffix("đ").strip()
            if _COMMA_GROUPS.fullmatch(_squeeze(value)):
                value = value.replace(",", ".")  # 1,500,000 written the English way
            elif re.fullmatch(r"-\s*[\d.,\s]+", value):
                raise forms.ValidationError(self.error_messages["min_value"], code="min_value")
        number = super().to_python(value)
        return None if number is None else Decimal(number)

    def prepare_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            return f"{int(value):,}".replace(",", ".")
        return value


def plain_id(value) -> bool:
    """A record's id as a form may post it: ASCII digits that fit the database's integer."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and len(text) <= 18


class IdChoiceField(forms.ModelChoiceField):
    """A choice among records, posted as an id: anything but a plain id is refused unread
    (thirty digits would overflow the database's integer and answer a 500)."""

    default_error_messages = {
        "invalid_choice": _("Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách."),
    }

    def __init__(self, queryset, *, empty_label=EDIT_EMPTY_LABEL, **kwargs):
        super().__init__(queryset, empty_label=empty_label, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and not isinstance(value, models.Model):
            if not plain_id(value):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several records, posted as ids: the same rule as ``IdChoiceField`` for each."""

    default_error_messages = {
        "invalid_choice": _("«%(value)s» không phải lựa chọn hợp lệ."),
        "invalid_pk_value": _("«%(pk)s» không phải lựa chọn hợp lệ."),
    }

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if not isinstance(pk, models.Model) and not plain_id(pk):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(pk)[:40]},
                    )
        # A private method of ModelMultipleChoiceField that django-stubs does not declare.
        return super()._check_values(value)  # type: ignore[misc]


def number_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``Meta.formfield_callback`` for ModelForms: the model's number fields as the ones above,
    and its links to other records as ``IdChoiceField``/``IdMultipleChoiceField``."""
    if isinstance(db_field, models.ForeignKey):
        return blank_choice_relabel(db_field.formfield(form_class=IdChoiceField, **kwargs))
    if isinstance(db_field, models.ManyToManyField):
        return db_field.formfield(form_class=IdMultipleChoiceField, **kwargs)
    if isinstance(db_field, models.DecimalField):
        defaults = {
            "max_digits": db_field.max_digits,
            "decimal_places": db_field.decimal_places,
            "required": not db_field.blank,
            "label": db_field.verbose_name[:1].upper() + db_field.verbose_name[1:],
            "help_text": db_field.help_text,
        }
        if db_field.decimal_places == 0:
            return MoneyField(max_digits=db_field.max_digits, **{**defaults, **_kept(kwargs)})
        return DecimalNumberField(**{**defaults, **_kept(kwargs)})
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        if isinstance(db_field, models.SmallIntegerField):
            top = SMALL_MAX
        elif isinstance(db_field, models.BigIntegerField):
            top = BIG_MAX
        else:
            top = INTEGER_MAX
        field = db_field.formfield(**kwargs)
        if field is None:
            return None
        floor = getattr(field, "min_value", None)  # an IntegerField's form field has one
        return WholeNumberField(
            required=field.required,
            label=field.label,
            help_text=field.help_text,
            initial=field.initial,
            widget=field.widget,
            max_value=top,
            min_value=0 if floor is not None and floor >= 0 else -top,
        )
    return blank_choice_relabel(db_field.formfield(**kwargs))


def _kept(kwargs: dict) -> dict:
    return {k: v for k, v in kwargs.items() if k in ("widget", "label", "help_text", "required")}


NUMBER_FIELDS = (WholeNumberField, DecimalNumberField)
ID_FIELDS = (IdChoiceField, IdMultipleChoiceField)


def positive_hours(value: str) -> float:
    """A command's ``--hours`` (a comma or a dot before decimals): a positive number, or the
    command stops with a Vietnamese message naming what was typed."""
    try:
        hours = float(value.replace(",", "."))
    except ValueError:
        hours = -1
    if not hours > 0 or hours == float("inf"):
        raise argparse.ArgumentTypeError(_("Số giờ phải là số dương: %(value)s") % {"value": value})
    return hours
