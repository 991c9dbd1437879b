"""Round documents: the summary report (báo cáo tổng hợp) and the reminder (công văn đôn đốc).

Importing this package registers ``("round", "pdf"|"xlsx"|"docx")`` and
``("reminder", "pdf"|"docx")`` with ``tasks.exporters.base``. The helpers below hold the text the
formats share, so that the PDF, the Word draft and the workbook say the same thing in the same
words. Both documents are drafts for the provincial People's Committee: the number is left blank
for the clerk ("Số:      /BC-UBND"), the date is the day of export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from agreements.limits import TEXT_CELL, TEXT_PARAGRAPH, printable
from agreements.official import date_line, date_short, money, province_title
from tasks.exporters.base import slugify_vi

ISSUER = "ỦY BAN NHÂN DÂN"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER_BLANK = " " * 6  # where the clerk writes the number when the document is issued
REPORT_SYMBOL = "BC-UBND"
LETTER_SYMBOL = "UBND-ĐN"
SIGNER_NAME_BLANK = "……………………………"

# Kinds of document told apart by the symbol after the number ("165/QĐ-UBND" → Quyết định).
_KINDS = [
    ("QĐ", "Quyết định"),
    ("KH", "Kế hoạch"),
    ("TB", "Thông báo"),
    ("BC", "Báo cáo"),
    ("CT", "Chỉ thị"),
    ("NQ", "Nghị quyết"),
    ("KL", "Kết luận"),
    ("CTr", "Chương trình"),
]
_REPORT_STATES = {
    "draft": "Đang soạn, chưa nộp",
    "returned": "Bị trả lại, chưa nộp lại",
}
NOT_STARTED_REPORT = "Chưa gửi báo cáo"


@dataclass(frozen=True)
class Heading:
    """The official header of a document issued by the provincial People's Committee."""

    issuer_lines: tuple[str, str]
    number_line: str
    date_line: str
    province: str

    @property
    def issuer_short(self) -> str:
        """ "UBND tỉnh Quảng Trị", as running text names the issuer."""
        return f"UBND tỉnh {self.province}"


def heading(reporting_round, symbol: str, today: date) -> Heading:
    province = reporting_round.province.name
    return Heading(
        issuer_lines=(ISSUER, province_title(province)),
        number_line=f"Số:{NUMBER_BLANK}/{symbol}",
        date_line=date_line(province, today),
        province=province,
    )


def document_kind(number: str) -> str:
    """ "6452/UBND-ĐN" → "Công văn"; "165/QĐ-UBND" → "Quyết định"."""
    symbol = number.split("/", 1)[1] if "/" in number else ""
    first = re.split(r"[-\s]", symbol.strip(), maxsplit=1)[0] if symbol else ""
    for code, label in _KINDS:
        if first.upper() == code.upper():
            return label
    return "Công văn"


def request_reference(reporting_round) -> str:
    """ "Công văn số 6452/UBND-ĐN ngày 31/12/2021"."""
    kind = document_kind(reporting_round.request_number)
    return (
        f"{kind} số {reporting_round.request_number} "
        f"ngày {date_short(reporting_round.request_date)}"
    )


def request_subject(reporting_round) -> str:
    """The request's summary without its "V/v" and final full stop (to follow "về việc")."""
    text = " ".join((reporting_round.summary or "").split())
    text = re.sub(r"^(v/v|về việc)\s*:?\s*", "", text, flags=re.IGNORECASE)
    return text.rstrip(" .;")


def period_text(reporting_round) -> str:
    return (
        f"từ ngày {date_short(reporting_round.period_start)} "
        f"đến ngày {date_short(reporting_round.period_end)}"
    )


def round_filename(prefix: str, reporting_round, fmt: str) -> str:
    """ "bao-cao-tong-hop-6452-UBND-DN.pdf"."""
    return f"{prefix}-{slugify_vi(reporting_round.request_number)}.{fmt}"


def missing_states(reporting_round, agencies) -> dict[int, str]:
    """Where each agency that has not reported stands: no report yet, a draft, returned."""
    from reports.models import Report

    states = dict(
        Report.objects.filter(
            reporting_round=reporting_round, agency__in=[a.pk for a in agencies]
        ).values_list("agency_id", "status")
    )
    return {
        agency.pk: _REPORT_STATES.get(states.get(agency.pk, ""), NOT_STARTED_REPORT)
        for agency in agencies
    }


_NUMBER = re.compile(r"\d+/[^\s,;()&<]*[^\s,;().&<]")


def html_nobreak(text: str) -> str:
    """HTML of ``text`` with document numbers ("6452/UBND-ĐN") kept on one line."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    escaped = str(escape(text))
    return mark_safe(  # noqa: S308 - escaped above; only our span is added
        _NUMBER.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escaped)
    )


def vn_int(value) -> str:
    """1234 → "1.234"."""
    return f"{int(value or 0):,}".replace(",", ".")


def vn_percent(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    value = round(100 * part / whole, 1)
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


# -- the summary report, as blocks every format lays out in its own way ------------------------


@dataclass
class Para:
    """A paragraph. ``style``: heading (I., II.), subheading (1., 2.), body, item ("- …"), note."""

    text: str
    style: str = "body"


@dataclass
class Figure:
    chart: object  # charts.Chart


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
    title: str
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


TASK_HEADERS = ["Kế hoạch", "STT", "Nội dung", "Đơn vị chủ trì", "Tình hình", "Kết quả"]
TASK_WIDTHS = [12.5, 5.0, 32.0, 15.0, 10.0, 25.5]
SUMMARY_RECIPIENTS = [
    "- Thường trực Tỉnh ủy (b/c);",
    "- Thường trực HĐND tỉnh;",
    "- Chủ tịch, các PCT UBND tỉnh;",
    "- Sở Ngoại vụ;",
    "- Lưu: VT, ĐN.",
]
SUMMARY_SIGNER = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
CHART_LIMIT = 15


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
    reported = (
        f"Có {vn_int(owing)} cơ quan, đơn vị chủ trì nhiệm vụ phải báo cáo; đến ngày "
        f"{date_short(today)} đã có {vn_int(handed)}/{vn_int(owing)} cơ quan, đơn vị gửi báo "
        f"cáo, {vn_int(missing)} cơ quan, đơn vị chưa báo cáo"
        + (" (danh sách tại mục V)." if missing else ".")
        + f" Hạn gửi báo cáo: ngày {date_short(rr.deadline)}."
    )
    extra = summary.reports_handed_in - handed
    if extra > 0:
        reported += f" Ngoài ra có {vn_int(extra)} báo cáo của cơ quan, đơn vị phối hợp."
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
                f"Đến ngày {date_short(today)}, còn {vn_int(missing)} cơ quan, đơn vị chưa gửi "
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
        title=f"Tổng hợp kết quả thực hiện nhiệm vụ hợp tác theo {reference} "
        f"của {head.issuer_short}",
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
        task_widths=TASK_WIDTHS,
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


# -- the reminder letter (công văn đôn đốc) -----------------------------------------------------

LETTER_SIGNER = ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
LETTER_RECIPIENTS = ["- Như trên;", "- Chủ tịch, các PCT UBND tỉnh (b/c);", "- Sở Ngoại vụ;"]
LETTER_RECIPIENTS_LAST = "- Lưu: VT, ĐN."
DATE_BLANK = "……/……/………"  # the new time limit, for the clerk to fill in
NO_ADDRESSEE = "- ……………………………;"


@dataclass
class Letter:
    heading: Heading
    subject: str  # "V/v …", printed under the number
    addressees: list[str]  # "- Sở …;" lines after "Kính gửi:"
    paragraphs: list[str]
    recipients: list[str]
    signer_lines: list[str]
    signer_name: str


def reminder_agencies(reporting_round) -> list:
    """Lead agencies that owe a report and have not handed one in (as the summary counts them)."""
    from reports.models import Report
    from reports.services import round_owing_agencies
    from reports.summary import HANDED_IN

    handed_in = Report.objects.filter(reporting_round=reporting_round, status__in=HANDED_IN).values(
        "agency_id"
    )
    return list(round_owing_agencies(reporting_round).exclude(pk__in=handed_in))


def reminder_letter(reporting_round, today: date) -> Letter:
    rr = reporting_round
    head = heading(rr, LETTER_SYMBOL, today)
    reference = request_reference(rr)
    kind = document_kind(rr.request_number)
    subject = request_subject(rr)
    agencies = reminder_agencies(rr)
    late = (today - rr.deadline).days
    if late > 0:
        status = f" mặc dù đã quá hạn gửi báo cáo (ngày {date_short(rr.deadline)})"
    else:
        status = f" (hạn gửi báo cáo là ngày {date_short(rr.deadline)})"
    paragraphs = [
        f"Ngày {date_short(rr.request_date)}, {head.issuer_short} ban hành {kind} số "
        f"{rr.request_number}" + (f" về việc {subject}" if subject else "") + ", trong đó đề "
        "nghị các cơ quan, đơn vị báo cáo kết quả thực hiện các nhiệm vụ được giao trong kỳ "
        f"báo cáo {period_text(rr)} và gửi về UBND tỉnh (thông qua Sở Ngoại vụ để tổng hợp) "
        f"trước ngày {date_short(rr.deadline)}.",
        f"Đến ngày {date_short(today)}, UBND tỉnh chưa nhận được báo cáo của các cơ quan, đơn "
        f"vị nêu trên{status}, làm ảnh hưởng đến việc tổng hợp, báo cáo chung của tỉnh.",
        "Để kịp thời tổng hợp, báo cáo cấp có thẩm quyền, UBND tỉnh đề nghị Thủ trưởng các cơ "
        "quan, đơn vị khẩn trương hoàn thành báo cáo theo đúng nội dung yêu cầu tại "
        f"{reference}, gửi về UBND tỉnh (thông qua Sở Ngoại vụ để tổng hợp) chậm nhất trước "
        f"ngày {DATE_BLANK}./.",
    ]
    return Letter(
        heading=head,
        subject=f"V/v đôn đốc báo cáo kết quả thực hiện nhiệm vụ hợp tác theo {reference}",
        addressees=[f"- {agency.name};" for agency in agencies] or [NO_ADDRESSEE],
        paragraphs=paragraphs,
        recipients=[*LETTER_RECIPIENTS, LETTER_RECIPIENTS_LAST],
        signer_lines=LETTER_SIGNER,
        signer_name=SIGNER_NAME_BLANK,
    )


# Importing the format modules registers them (they import the helpers above).
from . import reminder, round_docx, round_pdf, round_xlsx  # noqa: E402, F401
