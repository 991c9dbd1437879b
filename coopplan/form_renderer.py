"""Django's form renderer with the few templates every form prints written in Python.

A report's form prints some 120 widgets, labels and (mostly empty) error lists; through the
template engine each cost a template render of its own, about half of the page's time. The
templates below are Django's own (``django/forms/templates``), rewritten here to give the same
HTML, byte for byte (``tests/test_form_renderer.py`` renders every form of the project both ways);
anything else, and the uncommon cases of these (a file input with a current file, a non-empty
error list, an option or a label with a template of its own), still goes through the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape as _escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData

# The context the templates are rendered in: autoescape on, the project's localisation.
_CONTEXT = Context()


def _text(value: Any) -> str:
    """``{{ value }}``: localised, escaped unless already safe."""
    if type(value) is str:
        return _escape(value, quote=True)
    return str(render_value_in_context(value, _CONTEXT))


def _format_s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if type(value) is str:
        return _escape(value, quote=True)
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, tuple):
        value = str(value)
    try:
        formatted = "%s" % value  # noqa: UP031 - exactly the filter's formatting
    except (ValueError, TypeError):
        formatted = ""
    return _escape(formatted, quote=True)


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    """``django/forms/widgets/attrs.html`` (and ``django/forms/attrs.html``, the same)."""
    if not attrs:
        return ""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}")
        if value is not True:
            out.append(f'="{_format_s(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{_format_s(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _input_template(context: Mapping[str, Any]) -> str:
    return _input(context["widget"])


def _textarea(context: Mapping[str, Any]) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _select(context: Mapping[str, Any]) -> str | None:
    widget = context["widget"]
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            out.append(
                f'\n  <option value="{_format_s(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _file_input(context: Mapping[str, Any]) -> str | None:
    widget = context["widget"]
    if widget.get("is_initial"):
        return None
    # The template's second input, which never prints a value.
    return _input({**widget, "value": None})


def _errors(context: Mapping[str, Any]) -> str | None:
    return "" if not context["errors"] else None


def _label(context: Mapping[str, Any]) -> str:
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


# The widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
# Template name → its Python version; None from one means "not this case: use the template".
_FAST: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
    "django/forms/label.html": _label,
    "django/forms/widgets/checkbox.html": _input_template,
    "django/forms/widgets/color.html": _input_template,
    "django/forms/widgets/date.html": _input_template,
    "django/forms/widgets/datetime.html": _input_template,
    "django/forms/widgets/email.html": _input_template,
    "django/forms/widgets/file.html": _input_template,
    "django/forms/widgets/hidden.html": _input_template,
    "django/forms/widgets/number.html": _input_template,
    "django/forms/widgets/password.html": _input_template,
    "django/forms/widgets/search.html": _input_template,
    "django/forms/widgets/tel.html": _input_template,
    "django/forms/widgets/text.html": _input_template,
    "django/forms/widgets/time.html": _input_template,
    "django/forms/widgets/url.html": _input_template,
    "django/forms/widgets/input.html": _input_template,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/clearable_file_input.html": _file_input,
}


class FastTemplates(DjangoTemplates):
    """``FORM_RENDERER``: Django's templates, the common ones in Python (same HTML)."""

    def render(self, template_name, context, request=None):
        fast = _FAST.get(template_name)
        if fast is not None:
            try:
                html = fast(context)
            except (
                AttributeError,
                KeyError,
                TypeError,
            ):  # a context of its own: what the template makes of it
                html = None
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
