"""The official-format pieces both round documents share (Nghị định 30/2020/NĐ-CP).

The heading of a document issued by the provincial People's Committee, how the round's request
is cited ("Công văn số 6452/UBND-ĐN ngày 31/12/2021"), numbers in Vietnamese ("1.234", "12,5%"),
document numbers kept on one line in HTML, and the files' names. Both documents are drafts: the
number is left blank for the clerk ("Số:      /BC-UBND"), the date is the day of export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from agreements.official import date_line, date_text, province_title
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


def summary_readers(user, reporting_round) -> bool:
    """Round documents show every agency's figures: those who see summaries
    (``reports.permissions.may_see_summaries``) of a round they may open."""
    from reports.permissions import may_see_summaries, rounds_visible_to

    return (
        may_see_summaries(user) and rounds_visible_to(user).filter(pk=reporting_round.pk).exists()
    )


SUMMARY_READERS = (
    "điều phối, lãnh đạo, quản trị của tỉnh có đợt báo cáo (không phải cơ quan báo cáo)"
)


def pdf_heading_context(head: Heading, subject="") -> dict:
    """What the one PDF header and signature partials (``templates/tasks/pdf/``) read."""
    return {
        "issuer_lines": list(head.issuer_lines),
        "number_line": head.number_line,
        "blank_number": True,
        "date_line": head.date_line,
        "subject": subject,
    }


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
        f"{kind} số {reporting_round.request_number} ngày {date_text(reporting_round.request_date)}"
    )


def request_subject(reporting_round) -> str:
    """The request's summary without its "V/v" and final full stop (to follow "về việc")."""
    text = " ".join((reporting_round.summary or "").split())
    text = re.sub(r"^(v/v|về việc)\s*:?\s*", "", text, flags=re.IGNORECASE)
    return text.rstrip(" .;")


def period_text(reporting_round) -> str:
    return (
        f"từ ngày {date_text(reporting_round.period_start)} "
        f"đến ngày {date_text(reporting_round.period_end)}"
    )


def round_filename(prefix: str, reporting_round, fmt: str) -> str:
    """ "bao-cao-tong-hop-6452-UBND-DN.pdf"."""
    return f"{prefix}-{slugify_vi(reporting_round.request_number)}.{fmt}"


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
