"""The official format of Nghị định 30/2020/NĐ-CP: date lines, numbers, headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PageMargins:
    """Page margins in millimetres."""

    top: float
    right: float
    bottom: float
    left: float


# Nghị định 30/2020/NĐ-CP, Phụ lục I: top and bottom 20–25 mm, the binding side (left) 30–35 mm,
# the other side 15–20 mm, on portrait and landscape pages alike. The one rule for every page we
# write: the DOCX sections (tasks.exporters.word.official_margins), the workbooks' print setup,
# and the PDFs' "@page" in static/css/pdf.css (which cannot read Python: tests/tasks/
# test_export_official_format.py checks it says the same, and that no template sets its own).
PAGE_MARGINS_MM = PageMargins(top=20, right=15, bottom=20, left=30)


def date_line(place: str, day: date | None) -> str:
    """ "Quảng Trị, ngày 15 tháng 01 năm 2020": days under 10 and months 1–2 take a zero."""
    if day is None:
        return f"{place}, ngày … tháng … năm …" if place else "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text


def date_short(day: date | None) -> str:
    """ "15/01/2020" (in running text: "ngày 15/01/2020")."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def date_text(day: date | None) -> str:
    """ "15/9/2022": a date inside running text, as the provinces write it (no leading zeros)."""
    return f"{day.day}/{day.month}/{day.year}" if day else ""


_NUMBER_HEAD = re.compile(r"^(\d+)(?=/)")


def document_number(number: str) -> str:
    """ "5/KH-UBND" → "05/KH-UBND": numbers under 10 take a leading zero (Nghị định 30)."""
    number = (number or "").strip()
    return _NUMBER_HEAD.sub(lambda match: f"{int(match.group(1)):02d}", number, count=1)


def money(amount) -> str:
    """1500000 → "1.500.000"."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".")


def province_title(name: str) -> str:
    """ "Quảng Trị" → "TỈNH QUẢNG TRỊ" (the line under "ỦY BAN NHÂN DÂN")."""
    return f"TỈNH {name.upper()}"


def document_kind_label(kind: str) -> str:
    return {"decision": "QUYẾT ĐỊNH", "plan": "KẾ HOẠCH", "directive": "CÔNG VĂN"}.get(kind, "")
