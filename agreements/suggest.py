"""Fields that suggest agencies or plans as the user types, from the server.

The input is an ARIA combobox (``static/js/app.js`` fetches ``agreements:agency_suggest`` or
``agreements:plan_suggest`` as the user types and shows the answer as its listbox: ↓ ↑ move,
Enter picks, Escape closes). Nothing is loaded up front, so a page never lists thousands of
agencies or plans. Without JavaScript the field is a plain text box: what was typed is matched
on the server (``agreements.selectors.choice_from_text``) when the form is sent.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .numbers import IdChoiceField
from .selectors import SUGGEST_QUERY_MAX, choice_from_text, suggestion_label


class SuggestInput(forms.TextInput):
    """A text input with server suggestions. ``separators``: the field holds several names
    ("Sở Y tế; Sở Ngoại vụ"); a suggestion then completes the name being typed."""

    def __init__(
        self,
        url_name: str,
        *,
        separators: str = "",
        active_only: bool = False,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.url_name, self.separators, self.active_only = url_name, separators, active_only

    def render(self, name, value, attrs=None, renderer=None):  # noqa: ANN001, ANN201
        attrs = {**(attrs or {})}
        field_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = field_id
        listbox = f"{field_id}-suggestions"
        attrs.update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": listbox,
                "autocomplete": "off",
                "data-suggest": reverse(self.url_name) + ("?active=1" if self.active_only else ""),
            }
        )
        if self.separators:
            attrs["data-suggest-separators"] = self.separators
        field = super().render(name, value, attrs, renderer)
        # Spans: the field may sit inside a <label>, which holds phrasing content only.
        return format_html(
            '<span class="suggest">{}<span id="{}" role="listbox" class="suggest-list" '
            'aria-label="{}" hidden></span><span class="visually-hidden" aria-live="polite" '
            'data-suggest-status data-none="{}" data-some="{}"></span></span>',
            field,
            listbox,
            _("Gợi ý"),
            _("Không có gợi ý."),
            # %(n)s: the number of suggestions; read out by screen readers as they arrive.
            _("%(n)s gợi ý; dùng phím mũi tên để chọn, Enter để điền."),
        )


class SuggestChoiceField(IdChoiceField):
    """One agency or plan of the queryset, typed by name (accent-free) or picked from the
    suggestions; an id works too (links from other pages), read as ``IdChoiceField`` reads one
    (anything else is a name, never an overflowing number)."""

    default_error_messages = {
        "invalid_choice": gettext_lazy(
            "Không tìm thấy «%(value)s», hoặc có nhiều nơi trùng tên: hãy chọn từ gợi ý."
        ),
    }

    def __init__(self, *args: Any, with_province: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_province = with_province
        self.widget.attrs.setdefault("maxlength", str(SUGGEST_QUERY_MAX))

    def _rows(self) -> QuerySet:
        if self.queryset is None:  # set by the form or filter before use
            raise ImproperlyConfigured("SuggestChoiceField needs a queryset")
        return self.queryset

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        rows = self._rows()
        if isinstance(value, rows.model):
            return value
        found = choice_from_text(rows, str(value))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(value)[:SUGGEST_QUERY_MAX]},
            )
        # Shown next by ``prepare_value``: the form's own copy of the field, not read again.
        self._found = (str(value), found)
        return found

    def prepare_value(self, value: Any) -> Any:
        """The field shows a name, never an id: ``?lead=12`` reads "Sở Ngoại vụ"."""
        rows = self._rows()
        if isinstance(value, str) and value.isdigit():
            text, found = getattr(self, "_found", ("", None))
            if text != value:
                found = rows.filter(pk=int(value)).select_related("province").first()
            value = found or value
        if isinstance(value, rows.model):
            return suggestion_label(value, with_province=self.with_province)
        return value


class SuggestChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter typed with server suggestions instead of a <select> of every row."""

    field_class = SuggestChoiceField  # type: ignore[assignment]


def agency_widget(*, separators: str = "", active_only: bool = False) -> SuggestInput:
    return SuggestInput("agreements:agency_suggest", separators=separators, active_only=active_only)


def plan_widget() -> SuggestInput:
    return SuggestInput("agreements:plan_suggest")
