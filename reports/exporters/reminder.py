"""Reminder letter (công văn đôn đốc) to the agencies that have not reported: PDF and Word."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tasks.exporters.base import CONTENT_TYPES, Export, register

from .letter import reminder_letter as build_letter
from .official import (
    SUMMARY_READERS,
    html_nobreak,
    pdf_heading_context,
    round_filename,
    summary_readers,
)

FILENAME_PREFIX = "cong-van-don-doc"


def reminder_html(reporting_round, *, today=None) -> str:
    letter = build_letter(reporting_round, today or timezone.localdate())
    return render_to_string(
        "reports/pdf/reminder.html",
        {
            "reporting_round": reporting_round,
            "letter": letter,
            "paragraphs": [html_nobreak(text) for text in letter.paragraphs],
            **pdf_heading_context(letter.heading, html_nobreak(letter.subject)),
            "recipients": letter.recipients,
            "signer_lines": letter.signer_lines,
            "signer": letter.signer_name,
        },
    )


@register("reminder", "pdf", may_use=summary_readers, audience=SUMMARY_READERS)
def reminder_pdf(reporting_round) -> Export:
    from tasks.exporters.pdf import render_pdf

    return Export(
        filename=round_filename(FILENAME_PREFIX, reporting_round, "pdf"),
        content_type=CONTENT_TYPES["pdf"],
        content=render_pdf(reminder_html(reporting_round)),
    )


def reminder_document(reporting_round, *, today=None) -> bytes:
    from .round_docx import (
        JUSTIFY,
        PORTRAIT_TEXT_CM,
        _first_paragraph,
        _plain_table,
        new_document,
        official_header,
        para,
        signature,
    )

    letter = build_letter(reporting_round, today or timezone.localdate())
    head = letter.heading
    doc = new_document(
        f"Công văn đôn đốc {reporting_round.request_number}", head.issuer_short, letter.subject
    )
    official_header(doc, head, subject=letter.subject)
    para(doc, size=8)
    table = _plain_table(doc, [4.2, PORTRAIT_TEXT_CM - 4.2])
    label, names = table.rows[0].cells
    _first_paragraph(label, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _first_paragraph(names, letter.addressees[0])
    for line in letter.addressees[1:]:
        para(names, line)
    for text in letter.paragraphs:
        para(doc, text, align=JUSTIFY, indent=True, before=6)
    signature(doc, letter.recipients, letter.signer_lines, letter.signer_name)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@register("reminder", "docx", may_use=summary_readers, audience=SUMMARY_READERS)
def reminder_docx(reporting_round) -> Export:
    return Export(
        filename=round_filename(FILENAME_PREFIX, reporting_round, "docx"),
        content_type=CONTENT_TYPES["docx"],
        content=reminder_document(reporting_round),
    )
