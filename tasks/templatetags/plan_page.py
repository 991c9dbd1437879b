"""The rows of a plan's table, written in Python.

A plan page prints one row per task, each with its links and two small forms (move, delete):
through the template engine that was three quarters of the page's time (four URL reversals,
twelve translations, two CSRF tokens and some forty variable lookups a row). Here whatever
every row shares (labels, URL patterns, the CSRF field, the "confirm" box shown without
JavaScript) is made once for the page (:class:`RowParts`), and each row only pastes its own
escaped values in. The HTML is the one the templates ``tasks/_plan_rows.html`` and
``tasks/_task_row.html`` printed, byte for byte; those templates now call these tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import template
from django.template.defaultfilters import linebreaksbr
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.html import UrlPattern, truncate_chars
from agreements.html import escape_text as _escape_text
from tasks.models import Task, TaskStatus
from tasks.selectors import PlanRow

register = template.Library()


def _lines(value: str) -> str:
    return str(linebreaksbr(value, autoescape=True))


@dataclass(frozen=True, slots=True)
class RowParts:
    """What every row of one page shares, made once per page: translated labels (escaped as
    the template's ``{% translate %}`` did), URL patterns, the CSRF field, the confirm box."""

    label_content: str
    label_lead: str
    label_coordinating: str
    label_timeframe: str
    label_note: str
    label_status: str
    history: str
    edit: str
    up: str
    down: str
    delete: str
    partner: str
    edit_section: str
    delete_section: str
    delete_section_question: str
    add_task: str
    move_task_up: str
    move_task_down: str
    delete_task_question: str
    delete_task: str
    move_section_up: str
    move_section_down: str
    csrf: str
    confirm_nojs: str
    urls: dict[str, UrlPattern]
    statuses: dict[str, str]

    @classmethod
    def for_page(cls, *, csrf: str, can_edit: bool) -> RowParts:
        url_names = {"task_history": "tasks:task_history"}
        if can_edit:
            url_names |= {
                "task_edit": "tasks:task_edit",
                "task_move": "tasks:task_move",
                "task_delete": "tasks:task_delete",
                "section_edit": "tasks:section_edit",
                "section_move": "tasks:section_move",
                "section_delete": "tasks:section_delete",
            }
        confirm_label = mark_safe(_escape_text(_("Xác nhận xóa")))  # noqa: S308 - escaped
        return cls(
            label_content=_escape_text(_("Nội dung công việc")),
            label_lead=_escape_text(_("Đơn vị chủ trì")),
            label_coordinating=_escape_text(_("Đơn vị phối hợp")),
            label_timeframe=_escape_text(_("Thời gian")),
            label_note=_escape_text(_("Ghi chú")),
            label_status=_escape_text(_("Trạng thái")),
            history=_escape_text(_("Lịch sử")),
            edit=_escape_text(_("Sửa")),
            up=_escape_text(_("Lên")),
            down=_escape_text(_("Xuống")),
            delete=_escape_text(_("Xóa")),
            partner=_escape_text(_("Đối tác")),
            edit_section=_escape_text(_("Sửa mục")),
            delete_section=_escape_text(_("Xóa mục")),
            delete_section_question=_escape_text(
                _("Xóa mục này (chỉ khi mục không còn nhiệm vụ)?")
            ),
            add_task=_escape_text(_("Thêm nhiệm vụ")),
            # The template's {% blocktranslate %}: the message as it is, the values escaped.
            move_task_up=_("Chuyển nhiệm vụ %(number)s lên"),
            move_task_down=_("Chuyển nhiệm vụ %(number)s xuống"),
            delete_task_question=_("Xóa nhiệm vụ %(number)s «%(content)s»?"),
            delete_task=_("Xóa nhiệm vụ %(number)s"),
            move_section_up=_("Chuyển mục %(number)s lên"),
            move_section_down=_("Chuyển mục %(number)s xuống"),
            csrf=csrf,
            confirm_nojs=(
                render_to_string("_confirm_nojs.html", {"confirm_label": confirm_label})
                if can_edit
                else ""
            ),
            urls={key: UrlPattern(name) for key, name in url_names.items()},
            statuses={str(value): _escape_text(label) for value, label in TaskStatus.choices},
        )

    def status(self, task: Task) -> str:
        """``task.get_status_display()``, escaped, translated once per page."""
        shown = self.statuses.get(task.status)
        return shown if shown is not None else _escape_text(task.get_status_display())

    def url(self, key: str, pk: int) -> str:
        return self.urls[key](pk)


def _task_row(task: Task, parts: RowParts, *, can_edit: bool) -> str:
    pk = task.pk
    number = _escape_text(task.number)
    if task.lead_text:
        leads = _lines(task.lead_text)
    else:
        leads = "; ".join(_escape_text(lead.agency.display_name) for lead in task.leads.all())
    actions = ""
    if can_edit:
        edit_url = parts.url("task_edit", pk)
        move_url = parts.url("task_move", pk)
        delete_url = parts.url("task_delete", pk)
        content = _escape_text(truncate_chars(task.content, 80))
        move_up = parts.move_task_up % {"number": number}
        move_down = parts.move_task_down % {"number": number}
        question = parts.delete_task_question % {"number": number, "content": content}
        delete_label = parts.delete_task % {"number": number}
        actions = (
            f'<div class="row-actions">\n'
            f'    <a href="{edit_url}" hx-get="{edit_url}" hx-target="closest tr" '
            f'hx-swap="outerHTML">{parts.edit}</a>\n'
            f'    <form method="post" action="{move_url}" class="inline" hx-post="{move_url}" '
            f'hx-target="#plan-rows" hx-swap="innerHTML">{parts.csrf}'
            f'<button type="submit" name="direction" value="up" class="link" '
            f'title="{parts.up}" aria-label="{move_up}">↑</button>'
            f'<button type="submit" name="direction" value="down" class="link" '
            f'title="{parts.down}" aria-label="{move_down}">↓</button></form>\n'
            f'    <form method="post" action="{delete_url}" class="inline" '
            f'hx-post="{delete_url}" hx-target="closest tr" hx-swap="outerHTML" '
            f'hx-confirm="{question}">{parts.csrf}{parts.confirm_nojs}'
            f'<button type="submit" class="link" aria-label="{delete_label}">'
            f"{parts.delete}</button></form>\n"
            f"  </div>"
        )
    return (
        f'<tr id="task-{pk:d}">\n'
        f'  <td class="number" data-label="STT">{number}</td>'
        f'<td class="content" data-label="{parts.label_content}">{_lines(task.content)}</td>\n'
        f'  <td data-label="{parts.label_lead}">{leads}</td>\n'
        f'  <td data-label="{parts.label_coordinating}">{_lines(task.coordinating_text)}</td>'
        f'<td data-label="{parts.label_timeframe}">{_escape_text(task.timeframe_text)}</td>'
        f'<td data-label="{parts.label_note}">{_lines(task.note)}</td>\n'
        f'  <td data-label="{parts.label_status}">'
        f"{parts.status(task)}<br>"
        f'<a class="muted" href="{parts.url("task_history", pk)}">{parts.history}</a>\n'
        f"  {actions}</td>\n"
        f"</tr>\n"
    )


def _section_row(row: PlanRow, parts: RowParts, *, can_edit: bool, task_new_url: str) -> str:
    section = row.section
    assert section is not None  # noqa: S101 - a section row has its section
    pk = section.pk
    number = _escape_text(section.number)
    heading = f"{number} {_escape_text(section.title)}"
    if section.subtitle:
        heading += f" {_escape_text(section.subtitle)}"
    if section.partner:
        heading += (
            f' <small class="muted">· {parts.partner}: {_escape_text(section.partner)}</small>'
        )
    actions = ""
    if can_edit:
        edit_url = parts.url("section_edit", pk)
        move_url = parts.url("section_move", pk)
        delete_url = parts.url("section_delete", pk)
        move_up = parts.move_section_up % {"number": number}
        move_down = parts.move_section_down % {"number": number}
        new_url = f"{task_new_url}?section={pk:d}"
        actions = (
            f'<span class="row-actions">\n'
            f'        <a href="{edit_url}" hx-get="{edit_url}" hx-target="closest tr" '
            f'hx-swap="outerHTML">{parts.edit_section}</a>\n'
            f'        <form method="post" action="{move_url}" class="inline" '
            f'hx-post="{move_url}" hx-target="#plan-rows">{parts.csrf}'
            f'<button type="submit" name="direction" value="up" class="link" '
            f'title="{parts.up}" aria-label="{move_up}">↑</button>'
            f'<button type="submit" name="direction" value="down" class="link" '
            f'title="{parts.down}" aria-label="{move_down}">↓</button></form>\n'
            f'        <form method="post" action="{delete_url}" class="inline" '
            f'hx-post="{delete_url}" hx-target="#plan-rows" '
            f'hx-confirm="{parts.delete_section_question}">{parts.csrf}{parts.confirm_nojs}'
            f'<button type="submit" class="link">{parts.delete_section}</button></form>\n'
            f'      </span> <a class="add-task" href="{new_url}" hx-get="{new_url}" '
            f'hx-target="closest tr" hx-swap="afterend">+ {parts.add_task}</a>'
        )
    return (
        f'\n    <tr class="section depth-{row.depth:d}" id="section-{pk:d}">'
        f'<th colspan="7" scope="colgroup">{heading}\n'
        f"      {actions}</th></tr>\n  "
    )


def _can_edit(context: template.Context) -> bool:
    return bool(context.get("can_edit"))


def _csrf(context: template.Context) -> str:
    return str(CsrfTokenNode().render(context))


@register.simple_tag(takes_context=True)
def plan_rows(context: template.Context, rows: Sequence[PlanRow]) -> SafeString:
    """The body of a plan's table: ``rows`` of ``tasks.selectors.plan_rows``, with the actions
    of each row when ``can_edit`` (context: ``plan``, ``can_edit``, ``csrf_token``)."""
    can_edit = _can_edit(context)
    parts = RowParts.for_page(csrf=_csrf(context) if can_edit else "", can_edit=can_edit)
    task_new_url = ""
    if can_edit:
        task_new_url = _escape_text(reverse("tasks:task_new", args=[context["plan"].pk]))
    out = []
    for row in rows:
        if row.kind == "section":
            out.append("\n  ")
            out.append(_section_row(row, parts, can_edit=can_edit, task_new_url=task_new_url))
            out.append("\n")
        else:
            out.append("\n  ")
            out.append(_task_row(row.task, parts, can_edit=can_edit))
            out.append("\n")
    if not rows:
        add = ""
        if can_edit:
            add = (
                f'<a href="{task_new_url}" hx-get="{task_new_url}" hx-target="closest tr" '
                f'hx-swap="afterend">+ {parts.add_task}</a>'
            )
        out.append(
            f'<tr><td colspan="7">{_escape_text(_("Văn bản này chưa có nhiệm vụ."))}\n'
            f"  {add}</td></tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def task_row(context: template.Context, task: Task) -> SafeString:
    """One task's row of the plan's table (after an in-place edit)."""
    can_edit = _can_edit(context)
    parts = RowParts.for_page(csrf=_csrf(context) if can_edit else "", can_edit=can_edit)
    return mark_safe(_task_row(task, parts, can_edit=can_edit))  # noqa: S308 - escaped
