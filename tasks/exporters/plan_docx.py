"""A plan as an editable Word document in the official format (Nghị định 30/2020/NĐ-CP).

Portrait pages for the document itself (national header, title, the stored text blocks in order,
signature, "Nơi nhận"; a Quyết định's attached Kế hoạch on a new page), a ``table`` block's task
table where the block stands (592/KH-UBND: inside III), then every other table in a landscape
section of its own with the header row repeated on each page.
Text goes in as plain runs, so nothing a user typed is ever read as markup.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell

from agreements.official import PAGE_MARGINS_MM, date_line, document_kind_label, document_number

from .base import CONTENT_TYPES, PLAN_READERS, Export, plan_filename, plan_readers, register
from .blocks import PlanText, block_label, is_centred, number_is_bold, plan_text, top_section
from .columns import (
    KIND_NAMES,
    PlanTable,
    clean_text,
    issuer_short,
    plan_tables,
    section_label,
    table_heading,
    task_cell,
)
from .word import add_text, cant_split, core_properties, official_margins, page_numbers

FONT_NAME = "Times New Roman"
PAGE_SHORT, PAGE_LONG = Cm(21.0), Cm(29.7)
MARGIN_LEFT, MARGIN_RIGHT = Mm(PAGE_MARGINS_MM.left), Mm(PAGE_MARGINS_MM.right)
PORTRAIT_WIDTH = PAGE_SHORT - MARGIN_LEFT - MARGIN_RIGHT
LANDSCAPE_WIDTH = PAGE_LONG - MARGIN_LEFT - MARGIN_RIGHT

# "STT" in bold 12 pt and "10." on one line with the cell margins; "Thường xuyên" likewise.
MIN_WIDTHS = {"number": Cm(1.4), "timeframe": Cm(2.4)}

BODY_STYLE = "Văn bản"
TABLE_STYLE = "Chữ trong bảng"


@register("plan", "docx", may_use=plan_readers, audience=PLAN_READERS)
def render_plan_docx(plan) -> Export:
    document = Document()
    number = document_number(plan.number)
    core_properties(
        document,
        title=f"{KIND_NAMES.get(plan.kind, 'Văn bản')} số {number}",
        subject=clean_text(plan.summary or plan.title),
        creator=issuer_short(plan),
    )
    styles = _setup_styles(document)
    first = document.sections[0]
    _page(first, landscape=False)
    page_numbers(first)

    _national_header(document, plan)
    text = plan_text(plan)
    tables = plan_tables(plan)
    by_top = {table.top.pk: table for table in tables if table.top is not None}
    _title_and_body(document, plan, styles, text, by_top)

    placed = text.placed_tops()
    for table in tables:
        if not table.tasks or (table.top is not None and table.top.pk in placed):
            continue  # no table to attach, or the text already holds it
        section = document.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=True)
        # As in the PDF: an appendix starts again at 1 with no number on its first page; a
        # plan's own table runs on with the document's numbers.
        appendix = table.appendix is not None
        page_numbers(section, restart=appendix, first_page=not appendix)
        for line in table_heading(plan, table):
            _centred(document, line.text, bold=line.bold, italic=line.italic)
        document.add_paragraph()
        _plan_table(document, table, styles)

    buffer = BytesIO()
    document.save(buffer)
    return Export(
        filename=plan_filename(plan, "docx"),
        content_type=CONTENT_TYPES["docx"],
        content=buffer.getvalue(),
    )


# -- styles and pages ---------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    """Times New Roman for every script, with no theme font overriding it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT_NAME)


def _setup_styles(document) -> dict:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), "vi-VN")

    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(13)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    body = document.styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    body.style_id = "VanBan"  # ASCII ids; the Vietnamese name is what Word shows
    body.base_style = normal
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.27)
    body.paragraph_format.space_after = Pt(6)

    in_table = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    in_table.style_id = "ChuTrongBang"
    in_table.base_style = normal
    in_table.font.size = Pt(12)
    in_table.paragraph_format.space_before = Pt(2)
    in_table.paragraph_format.space_after = Pt(2)

    for name in ("Header", "Table Grid", "Normal Table"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        style.font.name = FONT_NAME
        _set_fonts(style.element.get_or_add_rPr())
    return {"body": body, "table": in_table}


def _page(section, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_LONG, PAGE_SHORT
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_SHORT, PAGE_LONG
    official_margins(section)


# -- paragraphs ---------------------------------------------------------------------------


def _format(paragraph, text: str, *, bold=False, italic=False, size=None, align=None):
    add_text(paragraph, text, bold=bold, italic=italic, size=size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _styled(paragraph, style):
    """Set the paragraph style by id: ``paragraph.style = …`` rescans every style each time."""
    paragraph._p.get_or_add_pPr().style = style.style_id
    return paragraph


def _centred(container, text: str, *, bold=False, italic=False, size=None):
    """A heading line the application writes ("PHỤ LỤC I", "(Kèm theo … số 165/QĐ-UBND …)")."""
    return _format(
        container.add_paragraph(),
        text,
        bold=bold,
        italic=italic,
        size=size,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _rule(container, width, length) -> None:
    """A short centred line under a heading: a top border on a tiny paragraph of that length."""
    paragraph = container.add_paragraph()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    indent = max((width - length) // 2, 0)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.space_before = Pt(1)
    run = paragraph.add_run()
    run.font.size = Pt(2)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


def _borderless_table(document, widths, rows: int = 1) -> Table:
    table = document.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    return table


def _fill(cell: _Cell, first: bool = True):
    """The cell's empty first paragraph, then new ones."""
    if first and not cell.paragraphs[0].text and not cell.paragraphs[0].runs:
        return cell.paragraphs[0]
    return cell.add_paragraph()


# -- the document -------------------------------------------------------------------------


def _national_header(document, plan) -> None:
    """Issuing body | national title and motto; then "Số: …" | place and date on one line."""
    left_width, right_width = Cm(6.5), PORTRAIT_WIDTH - Cm(6.5)
    table = _borderless_table(document, [left_width, right_width], rows=2)
    (left, right), (number_cell, date_cell) = (row.cells for row in table.rows)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    body_lines = _lines(plan.issuing_body)
    for index, line in enumerate(body_lines):
        _format(_fill(left, index == 0), line.upper(), bold=True, align=centre)
    if body_lines:
        _rule(left, left_width, Cm(2.2))
    _format(_fill(right), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=centre)
    _format(_fill(right, False), "Độc lập - Tự do - Hạnh phúc", bold=True, align=centre)
    _rule(right, right_width, Cm(6.2))

    number = _format(
        _fill(number_cell),
        f"Số: {document_number(clean_text(plan.number))}",
        align=centre,
    )
    number.paragraph_format.space_before = Pt(6)
    if plan.kind == "directive" and plan.summary:
        subject = f"V/v {clean_text(plan.summary)}"
        _format(_fill(number_cell, False), subject, size=12, align=centre)
    dated = _format(
        _fill(date_cell),
        date_line(clean_text(plan.place), plan.date),
        italic=True,
        align=centre,
    )
    dated.paragraph_format.space_before = Pt(6)
    document.add_paragraph()


def _blocks(document, blocks, styles, by_top) -> None:
    for block in blocks:
        if block.kind == "table":
            table = by_top.get(top_section(block.section).pk) if block.section_id else None
            if table is not None and table.tasks:
                _plan_table(document, table, styles, width=PORTRAIT_WIDTH)
                document.add_paragraph()
            continue
        paragraph = _styled(document.add_paragraph(), styles["body"])
        if is_centred(block):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.first_line_indent = Cm(0)
        if number_is_bold(block):
            _format(paragraph, block.number, bold=True, italic=block.italic)
            _format(paragraph, " " + clean_text(block.text), italic=block.italic)
        else:
            label = clean_text(block_label(block))
            _format(paragraph, label, bold=block.bold, italic=block.italic)
        if block.kind == "heading":
            paragraph.paragraph_format.keep_with_next = True


def _title_and_body(document, plan, styles, text: PlanText, by_top) -> None:
    if plan.kind != "directive":
        _centred(document, document_kind_label(plan.kind), bold=True, size=14)
        _centred(document, clean_text(plan.summary or plan.title), bold=True, size=14)
        _rule(document, PORTRAIT_WIDTH, Cm(5))
    _blocks(document, text.main, styles, by_top)
    _signature(document, plan)
    if text.attached:
        # The Kế hoạch a Quyết định issues starts a new page; its title is among its blocks.
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _blocks(document, text.attached, styles, by_top)


def _signature(document, plan) -> None:
    recipients = _lines(plan.recipients)
    signing = _lines(plan.signing_authority) + _lines(plan.signing_title)
    if not (recipients or signing or plan.signer):
        return
    document.add_paragraph()
    left_width = Cm(8)
    table = _borderless_table(document, [left_width, PORTRAIT_WIDTH - left_width])
    left, right = table.rows[0].cells
    if recipients:
        _format(_fill(left), "Nơi nhận:", bold=True, italic=True, size=12)
        for line in recipients:
            text = line if line.startswith(("-", "–")) else f"- {line}"
            _format(_fill(left, False), text, size=11)
    for index, line in enumerate(signing):
        _format(_fill(right, index == 0), line.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if plan.signer:
        for _ in range(4):  # room for the signature and the seal
            _fill(right, False)
        _format(
            _fill(right, False),
            clean_text(plan.signer),
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )


# -- the tables ---------------------------------------------------------------------------


def _mark_header_row(row) -> None:
    """Repeat the row at the top of every page and never split it."""
    cant_split(row)
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _write_cell(cell: _Cell, text: str, style, *, bold=False, italic=False, align=None) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = text.split("\n") if text else [""]
    for index, line in enumerate(lines):
        paragraph = _fill(cell, index == 0)
        _styled(paragraph, style)
        if align is not None:
            paragraph.alignment = align
        if line:
            _format(paragraph, line, bold=bold, italic=italic)


def _plan_table(document, table: PlanTable, styles, *, width=LANDSCAPE_WIDTH) -> None:
    columns = table.columns
    total = sum(column.width for column in columns)
    widths = [int(width * column.width / total) for column in columns]
    # On a portrait page (592's table inside III) "10." and "Thường xuyên" must still fit on
    # one line of their cells; the content column gives the room.
    keys = [column.key for column in columns]
    if "content" in keys:
        content = keys.index("content")
        for key, minimum in MIN_WIDTHS.items():
            if key in keys:
                missing = max(minimum - widths[keys.index(key)], 0)
                widths[keys.index(key)] += missing
                widths[content] -= missing
    grid = document.add_table(rows=0, cols=len(columns))
    grid.style = document.styles["Table Grid"]
    grid.autofit = False
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    style = styles["table"]
    centre = WD_ALIGN_PARAGRAPH.CENTER
    aligns = {
        "center": centre,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }

    header = grid.add_row()
    _mark_header_row(header)
    for cell, column in zip(header.cells, columns, strict=True):
        _write_cell(cell, clean_text(column.header), style, bold=True, align=centre)

    for row in table.rows:
        added = grid.add_row()
        cant_split(added)
        cells = added.cells
        if row.kind == "section":
            merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
            deep = table.level(row) > 1
            _write_cell(merged, section_label(row.section), style, bold=True, italic=deep)
            continue
        for cell, column in zip(cells, columns, strict=True):
            text = task_cell(row.task, column.key)
            _write_cell(cell, text, style, align=aligns[column.align])
