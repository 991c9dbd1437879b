"""The summary report (báo cáo tổng hợp) of a round as a format-free document model.

:func:`summary_document` turns a ``reports.summary.RoundSummary`` into blocks (paragraphs,
charts, tables) and the task-by-task appendix, so that the PDF, the Word draft and the workbook
say the same thing in the same words; each format lays the blocks out in its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, printable
from agreements.official import PAGE_MARGINS_MM, date_line, date_text, money
from reports.selectors import round_report_statuses
from tasks.exporters.fonts import text_width

from .official import (
    NUMBER_BLANK,
    REPORT_SYMBOL,
    SIGNER_NAME_BLANK,
    Heading,
    heading,
    period_text,
    request_reference,
    request_subject,
    vn_int,
    vn_percent,
)

if TYPE_CHECKING:
    from .charts import Chart

_REPORT_STATES = {
    "draft": "Đang soạn, chưa nộp",
    "returned": "Bị trả lại, chưa nộp lại",
}
NOT_STARTED_REPORT = "Chưa gửi báo cáo"


def missing_states(reporting_round, agencies) -> dict[int, str]:
    """Where each agency that has not reported stands: no report yet, a draft, returned."""
    states = round_report_statuses(reporting_round, agencies)
    return {
        agency.pk: _REPORT_STATES.get(states.get(agency.pk, ""), NOT_STARTED_REPORT)
        for agency in agencies
    }


@dataclass
class Para:
    """A paragraph. ``style``: heading (I., II.), subheading (1., 2.), body, item ("- …"), note."""

    text: str
    style: str = "body"


@dataclass
class Figure:
    chart: Chart


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # per cent of the text width
    align: list[str]  # left | center | right, per column
    total: list[str] | None = None  # a bold last row


@dataclass
class SummaryDocument:
    heading: Heading
    # The summary (trích yếu) in two lines: the Word file breaks the line before "theo Công văn
    # số …" so the number starts a line and never wraps at its "-" (it is plain, searchable
    # text: tasks/exporters/word.py); the PDF joins them and keeps the number whole itself.
    title_lines: tuple[str, str]
    blocks: list
    recipients: list[str]
    signer_lines: list[str]
    signer_name: str
    appendix_number: str
    appendix_title: str
    appendix_attached: str
    task_headers: list[str]
    task_widths: list[float]
    tasks: list  # summary.TaskRow

    @property
    def title(self) -> str:
        return " ".join(self.title_lines)


TASK_HEADERS = ["Kế hoạch", "STT", "Nội dung", "Đơn vị chủ trì", "Tình hình", "Kết quả"]
TASK_WIDTHS = [12.5, 5.0, 32.0, 15.0, 10.0, 25.5]  # per cent of a landscape page's text width
# A4 landscape less the official margins, in cm; a cell's padding and borders, with room to spare.
_LANDSCAPE_TEXT_CM = 29.7 - (PAGE_MARGINS_MM.left + PAGE_MARGINS_MM.right) / 10
_CELL_PADDING_CM = 0.45


def task_widths(plan_numbers: set[str], size: float = 12) -> list[float]:
    """TASK_WIDTHS with the "Kế hoạch" column as wide as the longest plan number needs on one
    line ("6452/UBND-ĐN" broke after its "-" in 12.5 %), taken from the content column. The
    number is plain, searchable text in every format (tasks/exporters/word.py): the column's
    width is what keeps it whole, in the PDF and the Word file alike."""
    longest = max((text_width(number, size) for number in plan_numbers), default=0.0)
    need = (longest * 2.54 / 72 + _CELL_PADDING_CM) / _LANDSCAPE_TEXT_CM * 100
    widths = list(TASK_WIDTHS)
    if need > widths[0]:
        widths[2] -= need - widths[0]
        widths[0] = need
    return widths


SUMMARY_RECIPIENTS = [
    "- Thường trực Tỉnh ủy (b/c);",
    "- Thường trực HĐND tỉnh;",
    "- Chủ tịch, các PCT UBND tỉnh;",
    "- Sở Ngoại vụ;",
    "- Lưu: VT, ĐN.",
]
SUMMARY_SIGNER = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
CHART_LIMIT = 15
NO_REPORTS_OWED = "Đợt báo cáo này không có cơ quan, đơn vị nào phải báo cáo."
NO_REPORTS_YET = (
    "Đợt báo cáo chưa có báo cáo nào: các số liệu dưới đây chưa phản ánh kết quả thực hiện."
)


def task_cells(row) -> list[str]:
    """One line of the task-by-task table, in TASK_HEADERS order."""
    return [row.plan_number, row.number, row.content, row.lead, row.status_label, row.result]


def _texts(items, empty: str) -> list[Para]:
    if not items:
        return [Para(empty, "note")]
    return [
        Para(f"- {item.agency}: {printable(item.text, TEXT_PARAGRAPH)}", "item") for item in items
    ]


def _items(lines: list[str]) -> list[Para]:
    """ "- …;" lines, the last one closed with a full stop."""
    out = [Para(f"- {line};", "item") for line in lines]
    if out:
        out[-1].text = out[-1].text[:-1] + "."
    return out


def summary_document(summary, today: date) -> SummaryDocument:
    """The text of the summary report (báo cáo tổng hợp) of a round, format-free."""
    from .charts import round_charts

    rr = summary.reporting_round
    head = heading(rr, REPORT_SYMBOL, today)
    reference = request_reference(rr)
    subject = request_subject(rr)
    about = f" về việc {subject}" if subject else ""
    total = len(summary.tasks)
    owing = summary.owing_count
    missing = len(summary.missing_agencies)
    handed = owing - missing
    status_chart, field_chart, agency_chart, partner_chart = round_charts(
        summary, limit=CHART_LIMIT
    )

    blocks: list = [
        Para(
            f"Thực hiện {reference} của {head.issuer_short}{about}; trên cơ sở báo cáo của các "
            f"cơ quan, đơn vị, {head.issuer_short} tổng hợp kết quả thực hiện trong kỳ báo cáo "
            f"({period_text(rr)}) như sau:"
        ),
        Para("I. TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ", "heading"),
    ]
    if owing == 0:
        reported = NO_REPORTS_OWED
    else:
        reported = (
            f"Có {vn_int(owing)} cơ quan, đơn vị chủ trì nhiệm vụ phải báo cáo; đến ngày "
            f"{date_text(today)} đã có {vn_int(handed)}/{vn_int(owing)} cơ quan, đơn vị gửi báo "
            f"cáo, {vn_int(missing)} cơ quan, đơn vị chưa báo cáo"
            + (" (danh sách tại mục V)." if missing else ".")
            + f" Hạn gửi báo cáo: ngày {date_text(rr.deadline)}."
        )
    extra = summary.reports_handed_in - handed
    if extra > 0:
        reported += f" Ngoài ra có {vn_int(extra)} báo cáo của cơ quan, đơn vị phối hợp."
    if summary.reports_handed_in == 0:
        reported += " " + NO_REPORTS_YET
    blocks.append(Para(reported))

    blocks += [
        Para("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "heading"),
        Para("1. Tình hình thực hiện chung", "subheading"),
        Para(f"Tổng số nhiệm vụ thuộc phạm vi báo cáo: {vn_int(total)} nhiệm vụ, trong đó:"),
        *_items(
            [
                f"{label}: {vn_int(count)} nhiệm vụ ({vn_percent(count, total)})"
                for _, label, count in summary.by_status
                if count
            ]
        ),
        Figure(status_chart),
        Para("2. Theo lĩnh vực", "subheading"),
        Figure(field_chart),
        Para("3. Theo đơn vị chủ trì", "subheading"),
        Figure(agency_chart),
    ]
    if len(summary.by_agency) > CHART_LIMIT:
        blocks.append(
            Para(
                f"Biểu đồ thể hiện {CHART_LIMIT} đơn vị chủ trì nhiều nhiệm vụ nhất; "
                f"{vn_int(len(summary.by_agency) - CHART_LIMIT)} đơn vị còn lại được cộng chung "
                "ở dòng cuối. Nhiệm vụ có nhiều đơn vị chủ trì được tính cho từng đơn vị.",
                "note",
            )
        )
    blocks += [
        Para("4. Theo địa phương đối tác", "subheading"),
        Figure(partner_chart),
        Para("5. Hoạt động trao đổi đoàn và kinh phí thực hiện", "subheading"),
        *_items(
            [
                f"Số đoàn đi công tác tại Lào: {vn_int(summary.delegations_out)} đoàn với "
                f"{vn_int(summary.delegations_out_officials)} lượt cán bộ, công chức",
                f"Số đoàn Lào đến thăm và làm việc: {vn_int(summary.delegations_in)} đoàn",
                f"Tổng kinh phí thực hiện: {money(summary.funds_total)} đồng, trong đó ngân sách "
                f"nhà nước {money(summary.funds_state_budget)} đồng, các nguồn khác "
                f"{money(summary.funds_other)} đồng",
            ]
        ),
        Para(
            f"(Số liệu cộng từ {vn_int(summary.reports_handed_in)} báo cáo đã gửi.)",
            "note",
        ),
        Para("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", "heading"),
        Para("1. Khó khăn, vướng mắc", "subheading"),
        *_texts(summary.difficulties, "Các báo cáo đã gửi không nêu khó khăn, vướng mắc."),
        Para("2. Đề xuất, kiến nghị", "subheading"),
        *_texts(summary.proposals, "Các báo cáo đã gửi không có đề xuất, kiến nghị."),
        Para("3. Đề xuất cho giai đoạn tới", "subheading"),
        *_texts(
            summary.next_period_proposals, "Các báo cáo đã gửi không có đề xuất cho giai đoạn tới."
        ),
        Para("IV. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ", "heading"),
        Para(
            f"Kết quả thực hiện từng nhiệm vụ ({vn_int(total)} nhiệm vụ) tại Phụ lục kèm theo "
            "Báo cáo này."
        ),
        Para("V. CÁC CƠ QUAN, ĐƠN VỊ CHƯA BÁO CÁO", "heading"),
    ]
    if summary.missing_agencies:
        states = missing_states(rr, summary.missing_agencies)
        blocks += [
            Para(
                f"Đến ngày {date_text(today)}, còn {vn_int(missing)} cơ quan, đơn vị chưa gửi "
                "báo cáo:"
            ),
            Table(
                headers=["STT", "Cơ quan, đơn vị", "Tình trạng"],
                rows=[
                    [str(i), agency.name, states[agency.pk]]
                    for i, agency in enumerate(summary.missing_agencies, 1)
                ],
                widths=[9.0, 58.0, 33.0],
                align=["center", "left", "left"],
            ),
        ]
    elif owing == 0:
        blocks.append(Para(NO_REPORTS_OWED))
    else:
        blocks.append(Para("Tất cả các cơ quan, đơn vị chủ trì nhiệm vụ đã gửi báo cáo."))
    blocks.append(
        Para(
            f"Trên đây là báo cáo tổng hợp kết quả thực hiện nhiệm vụ hợp tác theo {reference} "
            f"của {head.issuer_short}./."
        )
    )
    return SummaryDocument(
        heading=head,
        title_lines=(
            "Tổng hợp kết quả thực hiện nhiệm vụ hợp tác",
            f"theo {reference} của {head.issuer_short}",
        ),
        blocks=blocks,
        recipients=SUMMARY_RECIPIENTS,
        signer_lines=SUMMARY_SIGNER,
        signer_name=SIGNER_NAME_BLANK,
        appendix_number="Phụ lục",
        appendix_title="KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ",
        appendix_attached=(
            f"(Kèm theo Báo cáo số{NUMBER_BLANK}/{REPORT_SYMBOL} {date_line('', today)} "
            f"của {head.issuer_short})"
        ),
        task_headers=TASK_HEADERS,
        task_widths=task_widths({row.plan_number for row in summary.tasks}),
        # A printed table cell holds at most what the form lets a reporter type.
        tasks=[
            replace(
                row,
                content=printable(row.content, TEXT_CELL),
                result=printable(row.result, TEXT_CELL),
            )
            for row in summary.tasks
        ],
    )
