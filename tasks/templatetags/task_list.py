"""The rows of a task list (``tasks/_agency_task_list.html``: the task list, the reporter's
home), written in Python as the plan page's rows are (``tasks/templatetags/plan_page.py``):
labels once per page, each row pasting its own escaped values; the same HTML, byte for byte."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.html import escape_text
from tasks.models import Task

register = template.Library()


def _lines(value: str) -> str:
    return str(linebreaksbr(value, autoescape=True))


@register.simple_tag
def task_list_rows(tasks: Sequence[Task]) -> SafeString:
    if not tasks:
        return mark_safe(  # noqa: S308 - escaped
            f'\n    <tr><td colspan="7">{escape_text(_("Không có nhiệm vụ nào khớp bộ lọc."))}'
            "</td></tr>\n  "
        )
    label_plan = escape_text(_("Kế hoạch"))
    label_content = escape_text(_("Nội dung công việc"))
    label_lead = escape_text(_("Đơn vị chủ trì"))
    label_coordinating = escape_text(_("Đơn vị phối hợp"))
    label_timeframe = escape_text(_("Thời gian"))
    label_status = escape_text(_("Trạng thái"))
    coordinating = escape_text(_("phối hợp"))
    until = escape_text(_("đến"))
    out = []
    for task in tasks:
        plan = escape_text(task.plan.number)
        if task.section:
            plan += f'<br><span class="muted">{escape_text(task.section.number)}</span>'
        content = _lines(task.content)
        if getattr(task, "my_role", None) == "coordinating":
            content += f' <span class="badge">{coordinating}</span>'
        if task.lead_text:
            leads = _lines(task.lead_text)
        else:
            leads = "; ".join(escape_text(lead.agency.display_name) for lead in task.leads.all())
        timeframe = escape_text(task.timeframe_text)
        if task.end_date:
            timeframe += (
                f'<br><span class="muted">{until} '
                f"{escape_text(date_filter(task.end_date, 'd/m/Y'))}</span>"
            )
        out.append(
            "\n    <tr>\n"
            f'      <td data-label="{label_plan}">{plan}</td>\n'
            f'      <td data-label="STT">{escape_text(task.number)}</td>\n'
            f'      <td data-label="{label_content}">{content}</td>\n'
            f'      <td data-label="{label_lead}">{leads}</td>\n'
            f'      <td data-label="{label_coordinating}">{_lines(task.coordinating_text)}</td>\n'
            f'      <td data-label="{label_timeframe}">{timeframe}</td>\n'
            f'      <td data-label="{label_status}">{escape_text(task.get_status_display())}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
