"""The two long tables of a round's overview (its agencies, a page of its tasks), written in
Python as the plan page's rows are (``tasks/templatetags/plan_page.py``): labels, URL patterns
and the CSRF field made once per page, each row pasting its own escaped values. The HTML is the
one ``reports/round_detail.html`` printed with template loops, byte for byte."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext as _

from agreements.html import UrlPattern, escape_text, truncate_chars
from reports.selectors import AgencyRow
from tasks.models import Task

register = template.Library()


@register.simple_tag(takes_context=True)
def round_agency_rows(context: template.Context, rows: Sequence[AgencyRow]) -> SafeString:
    """The rows of the agencies' table (context: ``round``, ``is_coordinator``)."""
    if not rows:
        return mark_safe(  # noqa: S308 - escaped
            f'<tr><td colspan="4">{escape_text(_("Không có cơ quan nào ở trạng thái này."))}'
            "</td></tr>"
        )
    round_pk = context["round"].pk
    is_coordinator = bool(context.get("is_coordinator"))
    coordinating = escape_text(_("phối hợp"))
    label_state = escape_text(_("Trạng thái"))
    overdue = escape_text(_("Quá hạn"))
    on_behalf = escape_text(_("(Sở Ngoại vụ nhập thay)"))
    label_submitted = escape_text(_("Nộp lúc"))
    view = escape_text(_("Xem"))
    enter = escape_text(_("Nhập thay"))
    workbook = escape_text(_("Sổ Excel"))
    detail_url = UrlPattern("reports:report_detail")
    csrf = behalf_url = workbook_url = None
    if is_coordinator:
        csrf = str(CsrfTokenNode().render(context))
        behalf_url = UrlPattern("reports:report_behalf", round_pk)
        workbook_url = UrlPattern("reports:workbook_download", round_pk)
    out = []
    for row in rows:
        report = row.report
        agency_pk = row.agency.pk
        name = escape_text(row.agency.name)
        if not row.owes:
            name += f' <span class="muted">({coordinating})</span>'
        state = (
            f'<span class="badge {escape_text(row.state)}">{escape_text(row.state_label)}</span>'
        )
        if row.overdue:
            state += f' <span class="badge overdue">{overdue}</span>'
        if report is not None and report.on_behalf:
            state += f' <span class="muted">{on_behalf}</span>'
        submitted = ""
        if report is not None and report.submitted_at:
            shown = date_filter(template_localtime(report.submitted_at), "d/m/Y H:i")
            submitted = escape_text(shown or "")
        actions = f'<a href="{detail_url(report.pk)}">{view}</a>' if report is not None else ""
        actions += "\n        "
        if behalf_url and (report is None or report.editable):
            actions += (
                f'\n        <form method="post" action="{behalf_url(agency_pk)}" class="inline">'
                f'{csrf}<button type="submit" class="link">{enter}</button></form>'
            )
        actions += "\n        "
        if workbook_url:
            actions += (
                f'<a data-download class="workbook-row" href="{workbook_url(agency_pk)}">'
                f"{workbook}</a>"
            )
        out.append(
            f'\n    <tr>\n      <td class="title">{name}</td>\n'
            f'      <td data-label="{label_state}">{state}</td>\n'
            f'      <td data-label="{label_submitted}">{submitted}</td>\n'
            f"      <td>{actions}</td>\n    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def round_task_rows(tasks: Sequence[Task]) -> SafeString:
    """The rows of the tasks' table: each task with its latest handed-in lead entry."""
    label_plan = escape_text(_("Kế hoạch"))
    label_content = escape_text(_("Nội dung công việc"))
    label_lead = escape_text(_("Đơn vị chủ trì"))
    label_status = escape_text(_("Tình hình"))
    label_result = escape_text(_("Kết quả"))
    no_report = escape_text(_("Chưa có báo cáo"))
    out = []
    for task in tasks:
        entry = getattr(task, "latest_entry", None)
        leads = "; ".join(escape_text(lead.agency.display_name) for lead in task.leads.all())
        if entry:
            status = escape_text(entry.get_status_display())
            result = escape_text(truncate_chars(entry.result or "", 200))
        else:
            status = f'<span class="muted">{no_report}</span>'
            result = ""
        out.append(
            f'\n    <tr><td data-label="{label_plan}">{escape_text(task.plan.number)}</td>'
            f'<td data-label="STT">{escape_text(task.number)}</td>'
            f'<td data-label="{label_content}">{escape_text(truncate_chars(task.content, 160))}'
            f"</td>\n"
            f'      <td data-label="{label_lead}">{leads}</td>\n'
            f'      <td data-label="{label_status}">{status}</td>\n'
            f'      <td data-label="{label_result}">{result}</td></tr>\n  '
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
