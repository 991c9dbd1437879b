"""Summary report of a round as an editable Word draft, plus the Word toolkit the letter shares.

Charts are real vector pictures: each is an SVG part referenced through the Office 2016+
``asvg:svgBlip`` extension of the picture's ``a:blip``, whose main ``r:embed`` points at a PNG
of the same drawing (painted by ``charts.Chart.png``) for Word 2013 and older, LibreOffice's
older releases and file previews. Word 2016+ draws the SVG; the others show the PNG.

Tables are written as WordprocessingML directly (one XML parse per table instead of thousands
of python-docx calls), with borders, fixed column widths and the header row repeated on every
page (``w:tblHeader``).
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from lxml import etree

from agreements.official import PAGE_MARGINS_MM
from reports.summary import round_summary
from tasks.exporters.base import CONTENT_TYPES, Export, register
from tasks.exporters.word import (
    add_text,
    core_properties,
    official_margins,
    page_numbers,
)

from .charts import text_width
from .document import Figure, Para, Table, summary_document
from .document import task_cells as _task_cells
from .official import MOTTO, NATION, SUMMARY_READERS, Heading, round_filename, summary_readers

FILENAME_PREFIX = "bao-cao-tong-hop"
FONT = "Times New Roman"
SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
TWIPS_PER_CM = 567
# A4 less the official margins (the same on portrait and landscape pages): 16.5 and 25.2 cm.
PORTRAIT_TEXT_CM = 21.0 - (PAGE_MARGINS_MM.left + PAGE_MARGINS_MM.right) / 10
LANDSCAPE_TEXT_CM = 29.7 - (PAGE_MARGINS_MM.left + PAGE_MARGINS_MM.right) / 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
CENTER = WD_ALIGN_PARAGRAPH.CENTER


# -- document and paragraphs ------------------------------------------------------------------


def new_document(title: str, author: str, subject: str = "") -> DocxDocument:
    """A4 portrait with the official margins; Times New Roman 14 for every script."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    official_margins(section)
    page_numbers(section)
    core_properties(doc, title=title, subject=subject or title, creator=author)
    return doc


def clean(text: str) -> str:
    return _CONTROL.sub("", text or "")


def para(
    container,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align=None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    keep_next: bool = False,
):
    """A paragraph in one run; line breaks in ``text`` become breaks."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if keep_next:
        fmt.keep_with_next = True
    if align is not None:
        paragraph.alignment = align
    if text:
        add_text(paragraph, clean(text), bold=bold, italic=italic, size=size)
    return paragraph


def rule(container, width_cm: float, box_cm: float):
    """A short horizontal rule, centred in a box ``box_cm`` wide (an empty bordered paragraph)."""
    paragraph = container.add_paragraph()
    # The border first: python-docx then places spacing and indents after it, as the schema asks.
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" '
            'w:color="000000"/></w:pBdr>'
        )
    )
    fmt = paragraph.paragraph_format
    side = max(0.0, (box_cm - width_cm) / 2)
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(3)
    return paragraph


def _text_cm(text: str, size_pt: float, *, bold: bool = False) -> float:
    return text_width(text, size_pt, bold=bold) * 2.54 / 72


def _plain_table(container, widths_cm: list[float]):
    """A borderless layout table with fixed column widths."""
    table = container.add_table(rows=1, cols=len(widths_cm))
    table.autofit = False  # w:tblLayout fixed, in its schema place
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def _first_paragraph(cell, text: str = "", **kwargs):
    """Write into the empty paragraph every new cell has, then add more with ``para``."""
    paragraph = cell.paragraphs[0]
    if kwargs.get("align") is not None:
        paragraph.alignment = kwargs["align"]
    if text:
        add_text(
            paragraph,
            clean(text),
            bold=bool(kwargs.get("bold")),
            italic=bool(kwargs.get("italic")),
            size=kwargs.get("size"),
        )
    return paragraph


def official_header(doc, head: Heading, subject: str = "") -> None:
    """Issuing body | Quốc hiệu and Tiêu ngữ; Số (and "V/v …") | place and date."""
    left, right = 6.3, PORTRAIT_TEXT_CM - 6.3
    table = _plain_table(doc, [left, right])
    issuer, nation = table.rows[0].cells
    _first_paragraph(issuer, head.issuer_lines[0], bold=True, size=13, align=CENTER)
    para(issuer, head.issuer_lines[1], bold=True, size=13, align=CENTER)
    rule(issuer, _text_cm(head.issuer_lines[1], 13, bold=True) * 0.6, left)
    _first_paragraph(nation, NATION, bold=True, size=12.5, align=CENTER)
    para(nation, MOTTO, bold=True, size=13.5, align=CENTER)
    rule(nation, _text_cm(MOTTO, 13.5, bold=True), right)
    row = table.add_row()
    number, day = row.cells
    first = _first_paragraph(number, head.number_line, size=13, align=CENTER)
    first.paragraph_format.space_before = Pt(6)
    if subject:
        para(number, subject, size=12.5, align=CENTER, before=4)
    first = _first_paragraph(day, head.date_line, italic=True, size=14, align=CENTER)
    first.paragraph_format.space_before = Pt(6)


def signature(doc, recipients: list[str], signer_lines: list[str], signer_name: str) -> None:
    table = _plain_table(doc, [7.4, PORTRAIT_TEXT_CM - 7.4])
    left, right = table.rows[0].cells
    first = _first_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12)
    first.paragraph_format.space_before = Pt(10)
    for line in recipients:
        para(left, line, size=11)
    first = _first_paragraph(
        right, signer_lines[0] if signer_lines else "", bold=True, align=CENTER
    )
    first.paragraph_format.space_before = Pt(10)
    for line in signer_lines[1:]:
        para(right, line, bold=True, align=CENTER)
    for _ in range(4):
        para(right, "")
    para(right, signer_name, bold=True, align=CENTER)
    # Keep the block together on one page.
    for row in table.rows:
        row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


# -- tables -----------------------------------------------------------------------------------

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}


def _cell_xml(text: str, width: int, align: str, size_half_points: int, bold: bool) -> str:
    runs = []
    for index, line in enumerate(clean(text).split("\n")):
        if index:
            runs.append("<w:br/>")
        runs.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    bold_xml = "<w:b/>" if bold else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="20" w:after="20"/><w:jc w:val="{_JC[align]}"/></w:pPr>'
        f'<w:r><w:rPr>{bold_xml}<w:sz w:val="{size_half_points}"/>'
        f'<w:szCs w:val="{size_half_points}"/></w:rPr>{"".join(runs)}</w:r></w:p></w:tc>'
    )


def grid_table(
    doc,
    headers: list[str],
    rows,
    widths_cm: list[float],
    align: list[str],
    *,
    size: float = 12,
    total: list[str] | None = None,
):
    """A bordered table, its header row repeated on each page, no row split across pages;
    rows may be a generator."""
    twips = [round(w * TWIPS_PER_CM) for w in widths_cm]
    half_points = round(size * 2)
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
        '<w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        + "</w:tblGrid>",
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        + "".join(
            _cell_xml(h, w, "center", half_points, True)
            for h, w in zip(headers, twips, strict=True)
        )
        + "</w:tr>",
    ]
    for row in rows:
        parts.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            + "".join(
                _cell_xml(str(v), w, a, half_points, False)
                for v, w, a in zip(row, twips, align, strict=True)
            )
            + "</w:tr>"
        )
    if total:
        parts.append(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            + "".join(
                _cell_xml(str(v), w, a, half_points, True)
                for v, w, a in zip(total, twips, align, strict=True)
            )
            + "</w:tr>"
        )
    parts.append("</w:tbl>")
    tbl = parse_xml("".join(parts))
    doc.element.body.sectPr.addprevious(tbl)
    return tbl


# -- charts -----------------------------------------------------------------------------------


def add_chart(doc, chart, *, width_cm: float = PORTRAIT_TEXT_CM - 0.5) -> None:
    """The chart as an SVG picture with its PNG fallback, centred in its own paragraph."""
    paragraph = para(doc, align=CENTER, before=6, after=4)
    run = paragraph.add_run()
    shape = run.add_picture(io.BytesIO(chart.png(scale=2.0)), width=Cm(width_cm))
    package = doc.part.package
    svg_part = Part(
        package.next_partname("/word/media/chart%d.svg"),
        "image/svg+xml",
        chart.svg().encode("utf-8"),
        package,
    )
    rid = doc.part.relate_to(svg_part, RT.IMAGE)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    ext_list = blip.find(f"{{{A_NS}}}extLst")
    if ext_list is None:
        ext_list = etree.SubElement(blip, f"{{{A_NS}}}extLst")
    ext = etree.SubElement(ext_list, f"{{{A_NS}}}ext", uri=SVG_EXT_URI)
    svg_blip = etree.SubElement(ext, f"{{{SVG_NS}}}svgBlip", nsmap={"asvg": SVG_NS})
    svg_blip.set(f"{{{R_NS}}}embed", rid)
    shape._inline.docPr.set("descr", chart.title)


# -- the summary report -----------------------------------------------------------------------


def _body(doc, blocks) -> None:
    for block in blocks:
        if isinstance(block, Figure):
            add_chart(doc, block.chart)
        elif isinstance(block, Table):
            widths = [PORTRAIT_TEXT_CM * w / 100 for w in block.widths]
            para(doc, before=2)
            grid_table(doc, block.headers, block.rows, widths, block.align, size=13)
        elif isinstance(block, Para):
            if block.style == "heading":
                para(
                    doc, block.text, bold=True, align=JUSTIFY, indent=True, before=6, keep_next=True
                )
            elif block.style == "subheading":
                para(
                    doc, block.text, bold=True, align=JUSTIFY, indent=True, before=6, keep_next=True
                )
            elif block.style == "note":
                para(doc, block.text, italic=True, align=JUSTIFY, indent=True, before=6)
            else:  # an "item" quotes what a reporter typed: as typed
                para(
                    doc,
                    block.text,
                    align=JUSTIFY,
                    indent=True,
                    before=6,
                )


def round_document(summary, *, today=None) -> bytes:
    today = today or timezone.localdate()
    doc_text = summary_document(summary, today)
    head = doc_text.heading
    doc = new_document(
        f"Báo cáo tổng hợp {summary.reporting_round.request_number}",
        head.issuer_short,
        doc_text.title,
    )
    official_header(doc, head)
    para(doc, "BÁO CÁO", bold=True, align=CENTER, before=18)
    para(doc, "\n".join(doc_text.title_lines), bold=True, align=CENTER)
    rule(doc, 4, PORTRAIT_TEXT_CM)
    _body(doc, doc_text.blocks)
    signature(doc, doc_text.recipients, doc_text.signer_lines, doc_text.signer_name)

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    official_margins(section)
    page_numbers(section, restart=True)
    para(doc, doc_text.appendix_number, bold=True, align=CENTER)
    para(doc, doc_text.appendix_title, bold=True, align=CENTER)
    para(doc, doc_text.appendix_attached, italic=True, size=13, align=CENTER)
    rule(doc, 4, LANDSCAPE_TEXT_CM)
    para(doc, size=6)
    widths = [LANDSCAPE_TEXT_CM * w / 100 for w in doc_text.task_widths]
    grid_table(
        doc,
        doc_text.task_headers,
        (_task_cells(row) for row in doc_text.tasks),
        widths,
        ["center", "center", "justify", "left", "center", "justify"],
        size=12,
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@register("round", "docx", may_use=summary_readers, audience=SUMMARY_READERS)
def round_docx(reporting_round) -> Export:
    return Export(
        filename=round_filename(FILENAME_PREFIX, reporting_round, "docx"),
        content_type=CONTENT_TYPES["docx"],
        content=round_document(round_summary(reporting_round)),
    )
