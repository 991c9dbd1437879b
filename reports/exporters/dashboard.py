"""The dashboard as documents: a PDF summary to bring to a meeting, and its data as XLSX.

Both take what :func:`reports.dashboard.dashboard_data` (with ``details=True``) returns, whole or
one panel of it, so the file always says what the screen says.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agreements.official import date_text
from reports.dashboard import PANELS
from tasks.exporters.base import CONTENT_TYPES, Export
from tasks.models import TaskStatus

from .charts import breakdown_chart
from .round_xlsx import BOLD, ITALIC, NUMBER, TITLE, WRAP, Sheet, new_workbook

# A PDF to bring to a meeting lists at most this many tasks per panel (soonest first), after a
# count by lead agency of them all; the XLSX has every task. 60 rows is about six pages, and
# keeps the PDF of a 3,000-task province to a few seconds (bench/dashboard_scale.py).
PDF_TASK_LIMIT = 60
PDF_AGENCY_LIMIT = 15


def panel_titles() -> dict[str, str]:
    return {
        "plans": _("Kế hoạch đang thực hiện"),
        "overdue": _("Nhiệm vụ quá hạn"),
        "due_soon": _("Nhiệm vụ đến hạn trong 90 ngày"),
        "round": _("Đợt báo cáo đang mở"),
        "upcoming": _("Sắp tới"),
    }


def dashboard_filename(data, panel: str, fmt: str) -> str:
    suffix = f"-{panel.replace('_', '-')}" if panel else ""
    return f"tong-quan{suffix}-{data['today']:%Y-%m-%d}.{fmt}"


def _status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in TaskStatus.choices}


def _leads(task) -> str:
    names = [lead.agency.name for lead in task.leads.all()]
    return "; ".join(names) or task.lead_text


def _task_cells(task, labels) -> list:
    return [
        task.plan.number,
        task.number,
        task.content,
        _leads(task),
        task.timeframe_text,
        task.end_date,
        labels.get(task.status, task.status),
    ]


def by_lead_agency(tasks) -> list[tuple[str, int]]:
    """How many of ``tasks`` each lead agency has, most first (a task with two leads counts for
    both); tasks without a lead agency are counted under their printed lead text."""
    counts: dict[str, int] = {}
    for task in tasks:
        names = [lead.agency.name for lead in task.leads.all()] or [
            task.lead_text or _("(chưa có đơn vị chủ trì)")
        ]
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# --- XLSX --------------------------------------------------------------------------------------


def dashboard_xlsx(data, *, panel: str = "") -> Export:
    wb = new_workbook()
    for name in [panel] if panel else PANELS:
        _SHEETS[name](wb, data)
    buffer = io.BytesIO()
    wb.save(buffer)
    return Export(
        filename=dashboard_filename(data, panel, "xlsx"),
        content_type=CONTENT_TYPES["xlsx"],
        content=buffer.getvalue(),
    )


def _intro(sheet: Sheet, data, title: str) -> None:
    sheet.title(title, font=TITLE)
    sheet.title(_("Số liệu ngày %(date)s") % {"date": date_text(data["today"])}, font=ITALIC)
    for line in data["filters"].describe():
        sheet.title(line, font=ITALIC)
    sheet.append([])


def _plans_sheet(wb, data) -> None:
    statuses = list(TaskStatus.choices)
    widths = [18, 50, 10] + [12] * len(statuses) + [10, 12, 18, 18]
    sheet = Sheet(wb, _("Kế hoạch"), widths, landscape=True)
    _intro(sheet, data, panel_titles()["plans"])
    sheet.header(
        [_("Số, ký hiệu"), _("Tên kế hoạch"), _("Số nhiệm vụ")]
        + [str(label) for _value, label in statuses]
        + [
            _("Quá hạn"),
            _("Đến hạn trong %(days)s ngày") % {"days": data["soon_days"]},
            _("Kinh phí kế hoạch (đồng)"),
            _("Đã chi theo báo cáo đã duyệt (đồng)"),
        ]
    )
    for panel in data["panels"]:
        values = [
            sheet.cell(panel.plan.number, border=True, align=WRAP),
            sheet.cell(panel.plan.title, border=True, align=WRAP),
            sheet.cell(panel.total, border=True, number=NUMBER),
        ]
        values += [
            sheet.cell(panel.counts.get(value, 0), border=True, number=NUMBER)
            for value, _label in statuses
        ]
        values += [
            sheet.cell(panel.overdue, border=True, number=NUMBER),
            sheet.cell(panel.due_soon, border=True, number=NUMBER),
            sheet.cell(int(panel.funds_planned), border=True, number=NUMBER),
            sheet.cell(int(panel.funds_spent), border=True, number=NUMBER),
        ]
        sheet.append(values)
    totals = data["totals"]
    row = [
        sheet.cell(_("Tổng cộng"), border=True, font=BOLD),
        sheet.cell("", border=True),
        sheet.cell(totals["tasks"], border=True, number=NUMBER, font=BOLD),
    ]
    row += [
        sheet.cell(totals["counts"][value], border=True, number=NUMBER, font=BOLD)
        for value, _label in statuses
    ]
    row += [
        sheet.cell(totals["overdue"], border=True, number=NUMBER, font=BOLD),
        sheet.cell(totals["due_soon"], border=True, number=NUMBER, font=BOLD),
        sheet.cell(int(totals["funds_planned"]), border=True, number=NUMBER, font=BOLD),
        sheet.cell(int(totals["funds_spent"]), border=True, number=NUMBER, font=BOLD),
    ]
    sheet.append(row)


TASK_HEADERS = (
    gettext_noop("Kế hoạch"),
    gettext_noop("STT"),
    gettext_noop("Nội dung công việc"),
    gettext_noop("Đơn vị chủ trì"),
    gettext_noop("Thời gian"),
    gettext_noop("Hạn"),
    gettext_noop("Tình hình"),
)


def _task_sheet(wb, data, key: str, name: str, title: str) -> None:
    sheet = Sheet(wb, name, [16, 7, 60, 30, 18, 12, 18], landscape=True)
    _intro(sheet, data, title)
    sheet.header([_(label) for label in TASK_HEADERS])
    labels = _status_labels()
    for task in data[key]:
        cells = _task_cells(task, labels)
        sheet.append(
            [
                sheet.cell(value, border=True, align=WRAP, number="DD/MM/YYYY" if i == 5 else None)
                for i, value in enumerate(cells)
            ]
        )


def _overdue_sheet(wb, data) -> None:
    _task_sheet(wb, data, "overdue_tasks", _("Quá hạn"), panel_titles()["overdue"])


def _due_soon_sheet(wb, data) -> None:
    _task_sheet(wb, data, "due_soon_tasks", _("Đến hạn"), panel_titles()["due_soon"])


def _round_sheet(wb, data) -> None:
    sheet = Sheet(wb, _("Đợt báo cáo"), [50, 18, 18, 12])
    reporting_round = data["current_round"]
    _intro(sheet, data, panel_titles()["round"])
    if reporting_round is None:
        sheet.append([sheet.cell(_("Không có đợt báo cáo nào đang mở."), font=ITALIC)])
        return
    sheet.title(
        _("Đợt %(number)s, hạn nộp %(deadline)s")
        % {
            "number": reporting_round.request_number,
            "deadline": date_text(reporting_round.deadline),
        },
        font=BOLD,
    )
    sheet.header([_("Đơn vị"), _("Tình trạng"), _("Ngày nộp"), _("Quá hạn")])
    for row in data["round_state"]["rows"]:
        submitted = row.report.submitted_at if row.report else None
        sheet.append(
            [
                sheet.cell(row.agency.name, border=True, align=WRAP),
                sheet.cell(row.state_label, border=True),
                sheet.cell(date_format(submitted, "d/m/Y") if submitted else "", border=True),
                sheet.cell(_("Có") if row.overdue else "", border=True),
            ]
        )


def _upcoming_sheet(wb, data) -> None:
    sheet = Sheet(wb, _("Sắp tới"), [14, 70, 30])
    _intro(sheet, data, panel_titles()["upcoming"])
    sheet.header([_("Ngày"), _("Sự kiện"), _("Địa điểm")])
    for event in data["upcoming"]:
        sheet.append(
            [
                sheet.cell(event.day, border=True, number="DD/MM/YYYY"),
                sheet.cell(event.label, border=True, align=WRAP),
                sheet.cell(event.place, border=True, align=WRAP),
            ]
        )


_SHEETS = {
    "plans": _plans_sheet,
    "overdue": _overdue_sheet,
    "due_soon": _due_soon_sheet,
    "round": _round_sheet,
    "upcoming": _upcoming_sheet,
}


# --- PDF ---------------------------------------------------------------------------------------


def dashboard_html(data, *, panel: str = "") -> str:
    labels = _status_labels()
    shown = [panel] if panel else list(PANELS)

    def task_table(key: str) -> dict:
        tasks = data[key]
        rows = [
            [
                task.plan.number,
                task.number,
                Truncator(task.content).chars(300),
                _leads(task),
                task.timeframe_text,
                date_text(task.end_date) if task.end_date else "",
                labels.get(task.status, task.status),
            ]
            for task in tasks[:PDF_TASK_LIMIT]
        ]
        return {
            "rows": rows,
            "more": max(0, len(tasks) - PDF_TASK_LIMIT),
            "total": len(tasks),
            "by_agency": by_lead_agency(tasks)[:PDF_AGENCY_LIMIT],
        }

    titles = panel_titles()
    chart = ""
    if "plans" in shown and data["breakdowns"]:
        chart = breakdown_chart(data["breakdowns"], _("Nhiệm vụ theo kế hoạch và tình hình"))
    return render_to_string(
        "reports/pdf/dashboard.html",
        {
            **data,
            "shown": shown,
            "titles": titles,
            "chart": chart,
            "statuses": list(TaskStatus.choices),
            "task_headers": [_(label) for label in TASK_HEADERS],
            "single_title": titles[panel] if panel else "",
            "task_tables": [
                (titles[key], task_table(f"{key}_tasks"))
                for key in ("overdue", "due_soon")
                if key in shown
            ],
            "limit": PDF_TASK_LIMIT,
        },
    )


def dashboard_pdf(data, *, panel: str = "") -> Export:
    from tasks.exporters.pdf import render_pdf

    return Export(
        filename=dashboard_filename(data, panel, "pdf"),
        content_type=CONTENT_TYPES["pdf"],
        content=render_pdf(dashboard_html(data, panel=panel)),
    )


RENDERERS = {"pdf": dashboard_pdf, "xlsx": dashboard_xlsx}
