"""Round documents: the summary report (báo cáo tổng hợp) and the reminder (công văn đôn đốc).

Importing this package registers ``("round", "pdf"|"xlsx"|"docx")`` and
``("reminder", "pdf"|"docx")`` with ``tasks.exporters.base``. The documents' text is modelled
once, format-free: :mod:`.document` (the summary report), :mod:`.letter` (the reminder letter),
both in the official format's shared pieces (:mod:`.official`); the format modules lay it out.
"""

from . import reminder, round_docx, round_pdf, round_xlsx  # noqa: F401 - registers them
