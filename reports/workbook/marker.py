"""The user's own file back, each bad cell shaded and carrying a comment that says what to fix.

Only a file that passed the reader's checks (size, parts, sheets streamed within the limits)
gets here; it is opened in openpyxl's full mode to add the marks and saved again. No cell value
is written: the user's entries stay exactly as typed.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from . import layout
from .reader import Problem

MARK = PatternFill("solid", fgColor=layout.MARK_FILL)
AUTHOR = "coopplan"


def workbook_mark(data: bytes, problems: Iterable[Problem]) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # extensions openpyxl does not know (LibreOffice's)
        book = load_workbook(io.BytesIO(data), keep_links=False)
    first = None
    for problem in problems:
        if problem.sheet not in book.sheetnames:
            continue
        sheet = book[problem.sheet]
        for coordinate in problem.cells.split(","):
            target = sheet[coordinate]
            target.fill = MARK
            note = _("Cần sửa: %(message)s") % {"message": problem.message}
            comment = Comment(note, AUTHOR)
            comment.width, comment.height = 320, 140
            target.comment = comment
        first = first or problem.sheet
    if first is not None:
        book.active = book.sheetnames.index(first)
        for worksheet in book.worksheets:
            worksheet.sheet_view.tabSelected = worksheet.title == first
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
