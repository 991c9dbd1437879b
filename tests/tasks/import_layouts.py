"""Plan files in the layouts provinces send, built with python-docx and openpyxl from the seed
texts (the appendices of 165/QĐ-UBND, Quảng Trị – Savannakhet and Salavan).

Each builder takes the same appendices and lays them out differently: headers over two or three
rows, a time split into start and end (or one column per year), agencies under one parent, a
Word table broken at a page break, one sheet per partner, text in TCVN3 or VNI fonts, the
national header and the signature around the tables. ``expected`` says what every layout must
import to, word for word.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_BREAK
from openpyxl import Workbook
from openpyxl.styles import Font

from tasks.importers import legacy
from tasks.importers.parser import join_period


@dataclass(frozen=True)
class Task:
    number: str
    content: str
    lead: str
    coordinating: str
    start: str
    end: str
    note: str = ""

    @property
    def timeframe(self) -> str:
        return join_period(self.start, self.end)


@dataclass(frozen=True)
class Section:
    number: str
    title: str


@dataclass
class Appendix:
    heading: list[str]
    sheet: str
    partner: str
    rows: list[Task | Section] = field(default_factory=list)

    @property
    def tasks(self) -> list[Task]:
        return [row for row in self.rows if isinstance(row, Task)]


POLITICS = "Hợp tác về Chính trị, Đối ngoại, Quân sự, An ninh và biên giới"
ECONOMY = (
    "Hợp tác về Kinh tế, Thương mại - Đầu tư, Du lịch, Khoa học và Công nghệ, Giáo dục và Đào tạo"
)
BUDGET = "Kinh phí do ngân sách tỉnh cấp"

SAVANNAKHET = Appendix(
    heading=[
        "PHỤ LỤC I",
        "KẾ HOẠCH HỢP TÁC GIỮA TỈNH QUẢNG TRỊ VÀ TỈNH SAVANNAKHET",
        "(Giai đoạn 2020 - 2022)",
    ],
    sheet="Savannakhet",
    partner="Savannakhet",
    rows=[
        Section("I", POLITICS),
        Task(
            "1.",
            "Tổ chức Hội đàm cấp cao giữa tỉnh Quảng Trị và tỉnh Savannakhet để đánh giá việc "
            "thực hiện thỏa thuận giai đoạn 2020 - 2022 và ký Văn bản thỏa thuận hợp tác giai "
            "đoạn 2023-2025 tại tỉnh Savannakhet.",
            "Sở Ngoại vụ",
            "Văn phòng Tỉnh ủy, Văn phòng UBND tỉnh và các cơ quan liên quan",
            "2022",
            "2022",
            BUDGET,
        ),
        Task(
            "2.",
            "Hội đàm thường niên về công tác biên giới giữa hai tỉnh Quảng Trị - Savannakhet.",
            "BCĐ công tác biên giới tỉnh",
            "Sở Ngoại vụ, BCH Bộ đội Biên phòng tỉnh, UBND huyện Hướng Hóa và các ngành liên quan",
            "2020",
            "2022",
            "Kinh phí BCĐ công tác biên giới tỉnh",
        ),
        Task(
            "6.",
            "Nắm thông tin, khảo sát và quy tập hài cốt liệt sĩ quân tình nguyện và chuyên gia "
            "Việt Nam hi sinh tại địa bàn tỉnh Savannakhet.",
            "BCH Quân sự tỉnh\nĐội quy tập 584",
            "Sở LĐ, TB&XH",
            "Quý I/2021",
            "Quý IV/2022",
        ),
        Section("II.", ECONOMY),
        Task(
            "8.",
            "Triển khai các hoạt động phát triển thương mại biên giới giữa tỉnh Quảng Trị và "
            "tỉnh Savannakhet.",
            "Sở Công thương",
            "Cục Hải quan tỉnh. Các Doanh nghiệp, đơn vị liên quan",
            "2020",
            "2022",
        ),
        Task(
            "9.",
            "Thành lập Tổ công tác liên hợp nghiên cứu xây dựng đề án phát triển Khu kinh tế - "
            "Thương mại xuyên biên giới chung Lao Bảo - Đen Sa Vẳn.",
            "Ban Quản lý các Khu kinh tế tỉnh",
            "Sở Ngoại vụ, Sở, ban ngành và địa phương liên quan",
            "2020",
            "2022",
        ),
    ],
)
SALAVAN = Appendix(
    heading=[
        "PHỤ LỤC II",
        "KẾ HOẠCH HỢP TÁC GIỮA TỈNH QUẢNG TRỊ VÀ TỈNH SALAVAN",
        "(Giai đoạn 2020 - 2022)",
    ],
    sheet="Salavan",
    partner="Salavan",
    rows=[
        Section("I", POLITICS),
        Task(
            "1.",
            "Tổ chức Hội đàm cấp cao giữa 2 tỉnh Quảng Trị - Salavan nhằm đánh giá việc thực "
            "hiện và ký Văn bản thỏa thuận hợp tác giai đoạn 2023-2025 tại tỉnh Salavan.",
            "Sở Ngoại vụ",
            "Văn phòng Tỉnh ủy, Văn phòng UBND tỉnh và các cơ quan liên quan",
            "2022",
            "2022",
            BUDGET,
        ),
        Task(
            "7.",
            "Trao đổi kế hoạch, chương trình kết nghĩa giữa thành phố Đông Hà (Quảng Trị) và "
            "huyện Salavan (tỉnh Salavan).",
            "UBND thành phố Đông Hà",
            "Sở Ngoại vụ",
            "2020",
            "2022",
        ),
    ],
)
APPENDICES = [SAVANNAKHET, SALAVAN]

NATIONAL_HEADER = [
    "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n-------\nSố: 12/KH-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\n"
    "Quảng Trị, ngày 15 tháng 01 năm 2020",
]
TITLE_LINES = [
    "KẾ HOẠCH",
    "Hợp tác giữa tỉnh Quảng Trị với hai tỉnh Savannakhet và Salavan, giai đoạn 2020 - 2022",
]
PROSE = (
    "Căn cứ Văn bản thỏa thuận hợp tác giữa tỉnh Quảng Trị, nước CHXHCN Việt Nam và tỉnh "
    "Savannakhet, nước CHDCND Lào ký ngày 16/8/2019 tại Thành phố Đông Hà, tỉnh Quảng Trị;"
)
SIGNATURE = [
    "Nơi nhận:\n- Như trên;\n- Lưu: VT, ĐN.",
    "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nHà Sỹ Đồng",
]

# -- the header layouts: rows of labels (None: covered by a merge) and the merged ranges ---------


@dataclass(frozen=True)
class Header:
    rows: list[list[str | None]]
    merges: list[tuple[int, int, int, int]]  # (top, left, bottom, right), 0-based
    years: bool = False

    @property
    def width(self) -> int:
        return len(self.rows[0])


NUMBERS = ["STT", "NỘI DUNG CÔNG VIỆC"]
DOWN = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 6, 1, 6)]
TWO_ROWS = Header(
    [
        [*NUMBERS, "ĐƠN VỊ THỰC HIỆN", None, "THỜI GIAN THỰC HIỆN", None, "GHI CHÚ"],
        [None, None, "Chủ trì", "Phối hợp", "Bắt đầu", "Kết thúc", None],
    ],
    [*DOWN, (0, 2, 0, 3), (0, 4, 0, 5)],
)
THREE_ROWS = Header(
    [
        [*NUMBERS, "TỔ CHỨC THỰC HIỆN", None, None, None, "GHI CHÚ"],
        [None, None, "Đơn vị", None, "Thời gian", None, None],
        [None, None, "Chủ trì", "Phối hợp", "Từ", "Đến", None],
    ],
    [(0, 0, 2, 0), (0, 1, 2, 1), (0, 6, 2, 6), (0, 2, 0, 5), (1, 2, 1, 3), (1, 4, 1, 5)],
)
# The file that failed first: only the time is split, every other header merged down.
TIME_SPLIT = Header(
    [
        [*NUMBERS, "ĐƠN VỊ CHỦ TRÌ", "ĐƠN VỊ PHỐI HỢP", "THỜI GIAN THỰC HIỆN", None, "GHI CHÚ"],
        [None, None, None, None, "Bắt đầu", "Kết thúc", None],
    ],
    [*DOWN, (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 5)],
)
YEARS = ["2020", "2021", "2022"]
YEAR_COLUMNS = Header(
    [
        [
            *NUMBERS,
            "ĐƠN VỊ CHỦ TRÌ",
            "ĐƠN VỊ PHỐI HỢP",
            "THỜI GIAN THỰC HIỆN",
            None,
            None,
            "GHI CHÚ",
        ],
        [None, None, None, None, *YEARS, None],
    ],
    [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 6), (0, 7, 1, 7)],
    years=True,
)
ONE_ROW = Header(
    [["STT", "NỘI DUNG CÔNG VIỆC", "ĐƠN VỊ CHỦ TRÌ", "ĐƠN VỊ PHỐI HỢP", "THỜI GIAN", "GHI CHÚ"]],
    [],
)
LAYOUTS = {"two_rows": TWO_ROWS, "three_rows": THREE_ROWS, "time_split": TIME_SPLIT}


def task_cells(task: Task, header: Header) -> list[str]:
    if header.years:
        first, last = int(task.start[-4:]), int(task.end[-4:])
        ticks = ["x" if first <= int(year) <= last else "" for year in YEARS]
        return [task.number, task.content, task.lead, task.coordinating, *ticks, task.note]
    if header is ONE_ROW:
        return [task.number, task.content, task.lead, task.coordinating, task.timeframe, task.note]
    return [
        task.number,
        task.content,
        task.lead,
        task.coordinating,
        task.start,
        task.end,
        task.note,
    ]


def expected(appendices: list[Appendix], header=TWO_ROWS) -> list[dict]:
    rows = []
    for appendix in appendices:
        section = ""
        for row in appendix.rows:
            if isinstance(row, Section):
                section = row.number
                continue
            timeframe = row.timeframe
            if header.years:
                timeframe = join_period(row.start[-4:], row.end[-4:])
            rows.append(
                {
                    "number": row.number,
                    "content": row.content,
                    "lead": row.lead,
                    "coordinating": row.coordinating,
                    "timeframe": timeframe,
                    "note": row.note,
                    "section": section,
                    "appendix": appendix.heading[0],
                }
            )
    return rows


def parsed_rows(parsed) -> list[dict]:
    rows = []
    for task in parsed.tasks:
        node = task.section
        while node is not None and node.parent is not None:
            node = node.parent
        rows.append(
            {
                "number": task.number,
                "content": task.content,
                "lead": task.lead_text,
                "coordinating": task.coordinating_text,
                "timeframe": task.timeframe,
                "note": task.note,
                "section": task.section.number if task.section is not None else "",
                "appendix": node.number if node is not None else "",
            }
        )
    return rows


# -- Excel ---------------------------------------------------------------------------------


def xlsx_file(
    appendices: list[Appendix] = APPENDICES,
    header=TWO_ROWS,
    *,
    headings: bool = True,
    numbering: bool = True,
    font: str | None = None,
    heading_font: str | None = None,
) -> bytes:
    """One sheet per appendix named after its partner; ``font`` types every cell in a legacy
    font (and encoding)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    width = header.width

    def typed(text: str, cell_font: str | None) -> str:
        encoding = legacy.font_encoding(cell_font)
        return legacy.encode(text, encoding) if encoding else text

    for appendix in appendices:
        ws = workbook.create_sheet(appendix.sheet)

        def put(values: list[str | None], cell_font: str | None = font, ws=ws) -> int:
            ws.append([typed(v, cell_font) if v else None for v in values])
            row = ws.max_row
            if cell_font:
                for cell in ws[row]:
                    cell.font = Font(name=cell_font)
            return row

        if headings:
            for line in appendix.heading:
                row = put([line] + [None] * (width - 1), heading_font or font)
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        first = ws.max_row + 1 if ws.max_row > 1 or headings else 1
        for values in header.rows:
            put([value or None for value in values], heading_font or font)
        for top, left, bottom, right in header.merges:
            ws.merge_cells(
                start_row=first + top,
                start_column=left + 1,
                end_row=first + bottom,
                end_column=right + 1,
            )
        if numbering:
            put([f"({n})" for n in range(1, width + 1)])
        for row in appendix.rows:
            if isinstance(row, Section):
                line = put([f"{row.number} {row.title}"] + [None] * (width - 1))
                ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
            else:
                put(task_cells(row, header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- Word ----------------------------------------------------------------------------------


def _set(cell, text: str, font: str | None) -> None:
    encoding = legacy.font_encoding(font)
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(legacy.encode(line, encoding) if encoding else line)
        if font:
            run.font.name = font


def _paragraph(document, text: str, font: str | None):
    encoding = legacy.font_encoding(font)
    paragraph = document.add_paragraph()
    run = paragraph.add_run(legacy.encode(text, encoding) if encoding else text)
    if font:
        run.font.name = font
    return paragraph


def _table(
    document, header: Header, rows: list[list[str]], font, heading_font, numbering, *, bare=False
):
    """A bordered table: the header (unless ``bare``), the "(1) (2) …" row, the rows."""
    width = header.width
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if not bare:
        for _ in header.rows:
            table.add_row()
        covered = set()
        for top, left, bottom, right in header.merges:
            table.cell(top, left).merge(table.cell(bottom, right))
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
            _set(table.cell(top, left), header.rows[top][left], heading_font or font)
            covered.discard((top, left))
        for r, values in enumerate(header.rows):
            for c, value in enumerate(values):
                if (
                    value is not None
                    and (r, c) not in covered
                    and not any((r, c) == (t, lft) for t, lft, _, _ in header.merges)
                ):
                    _set(table.cell(r, c), value, heading_font or font)
    if numbering:
        cells = table.add_row().cells
        for n, cell in enumerate(cells, start=1):
            _set(cell, f"({n})", font)
    for values in rows:
        cells = table.add_row().cells
        if len(values) == 1:
            merged = cells[0].merge(cells[-1])
            _set(merged, values[0], font)
            continue
        for cell, value in zip(cells, values, strict=True):
            if value:
                _set(cell, value, font)
    return table


def docx_file(
    appendices: list[Appendix] = APPENDICES,
    header=TWO_ROWS,
    *,
    numbering: bool = True,
    break_after: int | None = None,
    repeat_header: bool = True,
    font: str | None = None,
    heading_font: str | None = None,
    letterhead: bool = False,
) -> bytes:
    """The appendices one after the other, each heading then its table; ``break_after`` splits
    the first table into two at a page break after that many of its rows."""
    document = Document()
    if letterhead:
        table = document.add_table(rows=1, cols=2)
        for cell, text in zip(table.rows[0].cells, NATIONAL_HEADER, strict=True):
            _set(cell, text, heading_font or font)
        for line in TITLE_LINES:
            _paragraph(document, line, heading_font or font)
        _paragraph(document, PROSE, font)
    for index, appendix in enumerate(appendices):
        for line in appendix.heading:
            _paragraph(document, line, heading_font or font)
        rows = [
            [f"{row.number} {row.title}"] if isinstance(row, Section) else task_cells(row, header)
            for row in appendix.rows
        ]
        if index == 0 and break_after is not None:
            _table(document, header, rows[:break_after], font, heading_font, numbering)
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _table(
                document,
                header,
                rows[break_after:],
                font,
                heading_font,
                numbering and repeat_header,
                bare=not repeat_header,
            )
        else:
            _table(document, header, rows, font, heading_font, numbering)
    if letterhead:
        table = document.add_table(rows=1, cols=2)
        for cell, text in zip(table.rows[0].cells, SIGNATURE, strict=True):
            _set(cell, text, heading_font or font)
    document.add_paragraph()  # Word always ends a document with a paragraph
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
