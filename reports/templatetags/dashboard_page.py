"""The plans table of the dashboard, written in Python as the plan page's rows are
(``tasks/templatetags/plan_page.py``): a national dashboard lists every plan in force, each row
with eight links, so labels and URL patterns are made once per page. The HTML is the one
``reports/dashboard.html`` printed with a template loop, byte for byte."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.html import UrlPattern, escape_text, truncate_chars
from reports.dashboard import PlanPanel
from tasks.models import TaskStatus

register = template.Library()


def _number(value: int) -> str:
    """``{{ value }}`` of an integer: localised (thousands separated)."""
    return escape_text(localize(value))


def _money_format() -> Callable[[Decimal], str]:
    """``{{ amount|floatformat:"0g" }}`` in the active language, for many amounts: a whole amount
    (the funds fields have no decimals) is grouped here with the language's separator, read
    once; any other goes through ``floatformat``."""
    separator = get_format("THOUSAND_SEPARATOR")
    grouped_by_three = get_format("NUMBER_GROUPING") == 3

    def money(amount: Decimal) -> str:
        if grouped_by_three and amount == int(amount):
            return f"{int(amount):,}".replace(",", separator)
        return floatformat(amount, "0g")

    return money


class _Formatted(dict):
    """``format(value)`` of each value once per page: the counts and sums of a national dashboard
    repeat (a few dozen distinct values over ~1,000 cells), and localising is most of a cell's
    cost."""

    def __init__(self, format: Callable[[Any], str]) -> None:
        super().__init__()
        self.format = format

    def __missing__(self, value: Any) -> str:
        text = self[value] = self.format(value)
        return text


@register.simple_tag
def dashboard_plan_rows(panels: Sequence[PlanPanel], soon_days: int) -> SafeString:
    if not panels:
        return mark_safe(  # noqa: S308 - escaped
            '<tr><td colspan="8">'
            f"{escape_text(_('Không có kế hoạch đang thực hiện khớp bộ lọc.'))}</td></tr>"
        )
    label_tasks = escape_text(_("Nhiệm vụ"))
    label_statuses = escape_text(_("Theo tình hình"))
    label_overdue = escape_text(_("Quá hạn"))
    # {% blocktranslate %}: the message as it is, the value escaped.
    label_soon = _("Đến hạn trong %(soon_days)s ngày") % {"soon_days": _number(soon_days)}
    label_planned = escape_text(_("Kinh phí kế hoạch"))
    label_spent = escape_text(_("Đã chi (báo cáo đã duyệt)"))
    label_links = escape_text(_("Xem, tải về"))
    timeline = escape_text(_("Trục thời gian"))
    task_list = escape_text(reverse("tasks:agency_tasks"))
    plan_url = UrlPattern("tasks:plan_detail")
    timeline_url = UrlPattern("tasks:plan_timeline")
    pdf_url = UrlPattern("tasks:plan_export", after=("pdf",))
    xlsx_url = UrlPattern("tasks:plan_export", after=("xlsx",))
    # Each status once: its parameter and label escaped (the labels are lazy translations).
    statuses_escaped = [
        (value, f'&amp;status={escape_text(value)}">{escape_text(label)}: ')
        for value, label in TaskStatus.choices
    ]
    number = _Formatted(_number)
    money = _Formatted(_money_format())
    out = []
    for panel in panels:
        pk = panel.plan.pk
        drill = escape_text(panel.drill())
        link = f'<a href="{task_list}?{drill}'
        counts = panel.counts
        statuses = "".join(
            f"{link}{status}{number[counts[value]]}</a><br>"
            for value, status in statuses_escaped
            if counts.get(value)
        )
        overdue = (
            f'<a class="overdue" href="{task_list}?{drill}&amp;overdue=true">'
            f"{number[panel.overdue]}</a>"
            if panel.overdue
            else "0"
        )
        due_soon = (
            f'{link}&amp;due_soon=true">{number[panel.due_soon]}</a>' if panel.due_soon else "0"
        )
        out.append(
            "\n      <tr>\n"
            f'        <td class="title"><a href="{plan_url(pk)}">'
            f"{escape_text(panel.plan.number)}</a><br>"
            f'<span class="muted">{escape_text(truncate_chars(panel.plan.title, 90))}</span>'
            "</td>\n"
            f'        <td class="num" data-label="{label_tasks}">{link}">'
            f"{number[panel.total]}</a></td>\n"
            f'        <td data-label="{label_statuses}">{statuses}</td>\n'
            f'        <td class="num" data-label="{label_overdue}">{overdue}</td>\n'
            f'        <td class="num" data-label="{label_soon}">{due_soon}</td>\n'
            f'        <td class="num" data-label="{label_planned}">'
            f"{money[panel.funds_planned]}</td>\n"
            f'        <td class="num" data-label="{label_spent}">'
            f"{money[panel.funds_spent]}</td>\n"
            f'        <td data-label="{label_links}">'
            f'<a href="{timeline_url(pk)}">{timeline}</a><br>'
            f'<a data-download href="{pdf_url(pk)}">PDF</a> · '
            f'<a data-download href="{xlsx_url(pk)}">XLSX</a></td>\n'
            "      </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
