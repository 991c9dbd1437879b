"""The reminder letter (công văn đôn đốc) of a round as a format-free model: who it is addressed
to and what it says. Addressed to the agencies that owe a report and have not handed one in
(``reports.selectors.round_missing_agencies``, the rule the reminder e-mails follow too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy

from agreements.official import date_text
from reports.selectors import round_missing_agencies
from tasks.exporters.base import ExportRefused

from .official import (
    LETTER_SYMBOL,
    SIGNER_NAME_BLANK,
    Heading,
    document_kind,
    heading,
    period_text,
    request_reference,
    request_subject,
)

LETTER_SIGNER = ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
LETTER_RECIPIENTS = ["- Như trên;", "- Chủ tịch, các PCT UBND tỉnh (b/c);", "- Sở Ngoại vụ;"]
LETTER_RECIPIENTS_LAST = "- Lưu: VT, ĐN."
DATE_BLANK = "……/……/………"  # the new time limit, for the clerk to fill in
NOBODY_OWES = gettext_lazy(
    "Không tạo công văn đôn đốc cho đợt %(number)s: không còn cơ quan, đơn vị nào phải báo "
    "cáo mà chưa gửi."
)


def addressee_lines(names: list[str]) -> list[str]:
    """ "- Sở …;" under "Kính gửi:", the last line closed with a full stop."""
    lines = [f"- {name};" for name in names]
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines


@dataclass
class Letter:
    heading: Heading
    subject: str  # "V/v …", printed under the number
    addressees: list[str]  # "- Sở …;" lines after "Kính gửi:"
    paragraphs: list[str]
    recipients: list[str]
    signer_lines: list[str]
    signer_name: str


def reminder_letter(reporting_round, today: date) -> Letter:
    """The letter as of ``today``, to every agency that has not reported.

    Nobody to remind: :class:`~tasks.exporters.base.ExportRefused` with a message that says so,
    never a letter addressed to a blank line.
    """
    rr = reporting_round
    head = heading(rr, LETTER_SYMBOL, today)
    reference = request_reference(rr)
    kind = document_kind(rr.request_number)
    subject = request_subject(rr)
    agencies = list(round_missing_agencies(rr))
    if not agencies:
        raise ExportRefused(str(NOBODY_OWES) % {"number": rr.request_number})
    late = (today - rr.deadline).days
    if late > 0:
        status = f" mặc dù đã quá hạn gửi báo cáo (ngày {date_text(rr.deadline)})"
    else:
        status = f" (hạn gửi báo cáo là ngày {date_text(rr.deadline)})"
    paragraphs = [
        f"Ngày {date_text(rr.request_date)}, {head.issuer_short} ban hành {kind} số "
        f"{rr.request_number}" + (f" về việc {subject}" if subject else "") + ", trong đó đề "
        "nghị các cơ quan, đơn vị báo cáo kết quả thực hiện các nhiệm vụ được giao trong kỳ "
        f"báo cáo {period_text(rr)} và gửi về UBND tỉnh (thông qua Sở Ngoại vụ để tổng hợp) "
        f"trước ngày {date_text(rr.deadline)}.",
        f"Đến ngày {date_text(today)}, UBND tỉnh chưa nhận được báo cáo của các cơ quan, đơn "
        f"vị nêu trên{status}, làm ảnh hưởng đến việc tổng hợp, báo cáo chung của tỉnh.",
        "Để kịp thời tổng hợp, báo cáo cấp có thẩm quyền, UBND tỉnh đề nghị Thủ trưởng các cơ "
        "quan, đơn vị khẩn trương hoàn thành báo cáo theo đúng nội dung yêu cầu tại "
        f"{reference}, gửi về UBND tỉnh (thông qua Sở Ngoại vụ để tổng hợp) chậm nhất trước "
        f"ngày {DATE_BLANK}./.",
    ]
    return Letter(
        heading=head,
        subject=f"V/v đôn đốc báo cáo kết quả thực hiện nhiệm vụ hợp tác theo {reference}",
        addressees=addressee_lines([agency.name for agency in agencies]),
        paragraphs=paragraphs,
        recipients=[*LETTER_RECIPIENTS, LETTER_RECIPIENTS_LAST],
        signer_lines=LETTER_SIGNER,
        signer_name=SIGNER_NAME_BLANK,
    )
