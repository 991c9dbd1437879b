"""The reminder letter (công văn đôn đốc) of a round as a format-free model: who it is addressed
to and what it says. Addressed to the agencies that owe a report and have not handed one in
(``reports.selectors.round_missing_agencies``, the rule the reminder e-mails follow too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agreements.official import date_short
from reports.selectors import round_missing_agencies

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


def reminder_letter(reporting_round, today: date) -> Letter:
    """The letter as of ``today``, to every agency that has not reported (a blank line for the
    clerk when there is none)."""
    rr = reporting_round
    head = heading(rr, LETTER_SYMBOL, today)
    reference = request_reference(rr)
    kind = document_kind(rr.request_number)
    subject = request_subject(rr)
    agencies = list(round_missing_agencies(rr))
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
