"""What an agency's report workbook holds, shared by the builder and the reader.

Each input cell carries a *key* that names what it fills in the report:

- ``g:<field>``: a field of the general part (``reports.services.GENERAL_FIELDS``);
- ``e:<task id>:<field>``: ``status``, ``result``, ``funds_spent`` or ``remarks`` of the entry
  on a task the agency leads; ``t:<task id>:<target id>``: the actual against one of its targets;
- ``c:<task id>:result``: the remark on a task the agency coordinates.

The identity sheet lists every input cell with its key and the value the app held when the
file was made (its *base*, to tell a change in the file from a change in the app since), the
digest of each read-only row, and one signature over all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMAT = "coopplan-report-workbook/1"

COVER = "Bìa"
GENERAL = "Phần chung"
LEAD = "Nhiệm vụ chủ trì"
COORDINATED = "Nhiệm vụ phối hợp"
IDENTITY = "_coopplan"
DATA_SHEETS = (COVER, GENERAL, LEAD, COORDINATED)

# Input cells: shaded; pre-filled from the last round: another shade and a note beside.
INPUT_FILL = "FFF7D6"
PREVIOUS_FILL = "DDEBF7"
HEADER_FILL = "D9D9D9"
MARK_FILL = "FFC7CE"

# Number kinds an input cell may hold.
TEXT = "text"
COUNT = "count"  # whole number of delegations, officials
MONEY = "money"  # whole đồng
QUANTITY = "quantity"  # an actual against a target: up to 2 decimals
STATUS = "status"


@dataclass(frozen=True)
class GeneralField:
    name: str
    number: str  # as the outline (1010/UBND-ĐN) numbers it
    label: StrOrPromise
    kind: str
    hint: StrOrPromise = ""


GENERAL_LAYOUT: tuple[GeneralField, ...] = (
    GeneralField("delegations_out", "1.1", _("Số đoàn đi Lào"), COUNT, _("đoàn")),
    GeneralField(
        "delegations_out_officials",
        "1.2",
        _("Số lượt cán bộ, công chức đi Lào"),
        COUNT,
        _("lượt người"),
    ),
    GeneralField("delegations_in", "1.3", _("Số đoàn Lào đến làm việc"), COUNT, _("đoàn")),
    GeneralField(
        "agreements_signed",
        "2",
        _("Thỏa thuận hợp tác đã ký"),
        TEXT,
        _("Mỗi dòng một văn bản: tên, ngày ký."),
    ),
    GeneralField(
        "trade_investment", "3", _("Xúc tiến đầu tư, thương mại, thương mại biên giới"), TEXT
    ),
    GeneralField("one_stop_border", "4", _("Mô hình một cửa, một lần dừng"), TEXT),
    GeneralField(
        "culture_education_health_science",
        "5",
        _("Văn hóa, đào tạo, y tế, khoa học công nghệ"),
        TEXT,
    ),
    GeneralField(
        "security_remains", "6", _("An ninh, quân sự, quy tập hài cốt liệt sỹ, biên giới"), TEXT
    ),
    GeneralField(
        "funds_state_budget", "7.1", _("Kinh phí từ ngân sách nhà nước"), MONEY, _("đồng")
    ),
    GeneralField("funds_other", "7.2", _("Kinh phí từ nguồn khác"), MONEY, _("đồng")),
    GeneralField("difficulties", "II", _("Khó khăn, vướng mắc và nguyên nhân"), TEXT),
    GeneralField("proposals", "III", _("Đề xuất, kiến nghị"), TEXT),
    GeneralField("next_period_proposals", "IV", _("Đề xuất cho giai đoạn tới"), TEXT),
)
GENERAL_KINDS = {f.name: f.kind for f in GENERAL_LAYOUT}

# Columns of the lead sheet (1-based letters) and of the coordinated one.
LEAD_COLUMNS = (
    ("A", _("STT"), 7),
    ("B", _("Nội dung công việc"), 48),
    ("C", _("Đối tác"), 16),
    ("D", _("Thời gian thực hiện"), 14),
    ("E", _("Tình hình (chọn)"), 20),
    ("F", _("Kết quả thực hiện"), 48),
    ("G", _("Chỉ tiêu"), 28),
    ("H", _("Số thực hiện"), 12),
    ("I", _("Kinh phí đã chi (đồng)"), 16),
    ("J", _("Ghi chú"), 28),
    ("K", _("Ghi chú về số liệu điền sẵn"), 24),
)
LEAD_READONLY = ("A", "B", "C", "D", "G")
STATUS_COLUMN, RESULT_COLUMN, ACTUAL_COLUMN, FUNDS_COLUMN = "E", "F", "H", "I"
REMARKS_COLUMN, SOURCE_COLUMN = "J", "K"

COORDINATED_COLUMNS = (
    ("A", _("STT"), 7),
    ("B", _("Nội dung công việc"), 52),
    ("C", _("Đơn vị chủ trì"), 24),
    ("D", _("Thời gian thực hiện"), 14),
    ("E", _("Ý kiến, kết quả phối hợp"), 52),
    ("F", _("Ghi chú về số liệu điền sẵn"), 24),
)
COORDINATED_READONLY = ("A", "B", "C", "D")
REMARK_COLUMN, COORDINATED_SOURCE_COLUMN = "E", "F"

GENERAL_COLUMNS = (
    ("A", _("Mục"), 7),
    ("B", _("Nội dung"), 44),
    ("C", _("Số liệu, nội dung báo cáo"), 60),
    ("D", _("Đơn vị tính, hướng dẫn"), 22),
    ("E", _("Ghi chú về số liệu điền sẵn"), 24),
)
GENERAL_INPUT, GENERAL_SOURCE_COLUMN = "C", "E"
HEADER_ROW = 3  # title, subtitle, then the header of every data sheet
FIRST_ROW = 4

# The identity sheet: "key, value" rows, then the cell map from MAP_ROW on, one JSON list
# [sheet, cells, key, base, kind] a row.
ID_FIELDS = (
    "format",
    "round",
    "round_number",
    "agency",
    "agency_name",
    "report_version",
    "made_at",
    "signature",
)
MAP_ROW = len(ID_FIELDS) + 2
INPUT = "input"
READONLY = "readonly"


def key_entry(task_id: int, field: str) -> str:
    return f"e:{task_id}:{field}"


def key_target(task_id: int, target_id: int) -> str:
    return f"t:{task_id}:{target_id}"


def key_remark(task_id: int) -> str:
    return f"c:{task_id}:result"


def key_general(name: str) -> str:
    return f"g:{name}"


def canonical(value: object) -> str:
    """A stored value as the identity sheet and the comparison keep it: text as is, numbers
    without trailing zeros (150000000, 12.5), nothing as ""."""
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def cell_text(value: object) -> str:
    """A read-only cell's text as written and as read back by any office suite."""
    return canonical(value).strip()


def row_digest(texts: list[str]) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:20]


def signature(identity: dict[str, str], rows: list[list[str]]) -> str:
    """Signed with the server's secret: a file's identity and cell map cannot be forged to
    point at another round, agency or cell."""
    import json

    from django.utils.crypto import salted_hmac

    payload = json.dumps(
        [[identity.get(name, "") for name in ID_FIELDS if name != "signature"], rows],
        ensure_ascii=False,
    )
    return salted_hmac("reports.workbook", payload, algorithm="sha256").hexdigest()
