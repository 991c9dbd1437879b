"""Round documents: summary report (PDF, XLSX, DOCX) and reminder letter (PDF, DOCX), read back."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

import reports.exporters  # noqa: F401 - registers the round exporters
from accounts.models import Role
from agreements.models import Agency, Plan
from agreements.official import date_line, money
from devdata.demo import demo_reports_load
from reports.exporters import charts
from reports.exporters.reminder import reminder_html
from reports.exporters.round_pdf import round_summary_html
from reports.models import HANDED_IN, ReportEntry, ReportingRound
from reports.services import round_open
from reports.summary import Breakdown, round_summary
from tasks.exporters.base import ExportRefused, exporter_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROUND = "6452/UBND-ĐN"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def flat(text: str) -> str:
    """NFC, one space between words: table cells and justified lines break text anywhere; the
    (invisible) word joiner that keeps a document number on one line is left out."""
    return " ".join(unicodedata.normalize("NFC", text.replace("\u2060", "")).split())


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return flat(" ".join(page.extract_text() or "" for page in reader.pages))


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return flat(" ".join(parts))


@pytest.fixture
def demo_round(db) -> ReportingRound:
    reporting_round = ReportingRound.objects.select_related("province").get(request_number=ROUND)
    province = reporting_round.province
    make_user(
        "c", Role.COORDINATOR, province, Agency.objects.get(province=province, name="Sở Ngoại vụ")
    )
    assert demo_reports_load()  # accepted, submitted, returned and draft reports
    return reporting_round


@pytest.fixture
def summary(demo_round):
    return round_summary(demo_round)


def expected_totals(summary) -> list[str]:
    """Sentences every summary format must carry, computed from round_summary."""
    owing = summary.owing_count
    handed = owing - len(summary.missing_agencies)
    lines = [f"Tổng số nhiệm vụ thuộc phạm vi báo cáo: {len(summary.tasks)} nhiệm vụ"]
    lines += [f"{label}: {count} nhiệm vụ" for _, label, count in summary.by_status if count]
    lines += [
        f"{handed}/{owing} cơ quan, đơn vị gửi báo cáo",
        f"Tổng kinh phí thực hiện: {money(summary.funds_total)} đồng",
        f"{summary.delegations_out} đoàn với {summary.delegations_out_officials} lượt cán bộ",
    ]
    return lines


def test_demo_round_has_something_to_show(summary):
    # The assertions below mean something only if the demo made both kinds of agencies.
    assert summary.reports_handed_in == 3
    assert len(summary.missing_agencies) > 3
    assert summary.funds_total == Decimal(1_300_000_000)
    assert any(count for status, _, count in summary.by_status if status == "in_progress")


# -- summary report ---------------------------------------------------------------------------


def test_round_pdf(demo_round, summary):
    export = exporter_for("round", "pdf")(demo_round)
    assert export.filename == "bao-cao-tong-hop-6452-UBND-DN.pdf"
    assert export.content_type == "application/pdf"
    text = pdf_text(export.content)
    for expected in [
        NATION,
        MOTTO,
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG TRỊ",
        "/BC-UBND",
        date_line("Quảng Trị", timezone.localdate()),
        "BÁO CÁO",
        "theo Công văn số 6452/UBND-ĐN ngày 31/12/2021",
        "TM. ỦY BAN NHÂN DÂN",
        "Nơi nhận:",
        "- Lưu: VT, ĐN.",
        "KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ",
        *expected_totals(summary),
    ]:
        assert flat(expected) in text, expected
    for row in summary.tasks:
        assert flat(row.content[:40]) in text, row.content[:40]
    for agency in summary.missing_agencies:
        assert flat(agency.name) in text, agency.name
    for item in summary.difficulties:
        assert flat(item.agency) in text


def test_round_pdf_html_inlines_the_charts_as_svg(summary):
    html = round_summary_html(summary)
    assert html.count("<svg") == 4
    assert "Nhiệm vụ theo lĩnh vực" in html and "Nhiệm vụ theo đơn vị chủ trì" in html
    assert "<img" not in html and "<script" not in html.lower()


def test_round_xlsx(demo_round, summary):
    export = exporter_for("round", "xlsx")(demo_round)
    assert export.filename == "bao-cao-tong-hop-6452-UBND-DN.xlsx"
    wb = load_workbook(io.BytesIO(export.content))
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo lĩnh vực",
        "Theo đơn vị",
        "Theo đối tác",
        "Nhiệm vụ",
        "Khó khăn - Đề xuất",
        "Chưa báo cáo",
    ]
    for ws in wb.worksheets:  # printed with page numbers, none on the first page (NĐ 30/2020)
        assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst, ws.title
        assert not ws.firstHeader.center.text, ws.title
    totals = {row[0].value: row[1] for row in wb["Tổng hợp"].iter_rows() if row[0].value}
    for _, label, count in summary.by_status:
        assert totals[label].value == count
        assert totals[label].number_format == "#,##0"
    assert totals["Tổng số nhiệm vụ"].value == len(summary.tasks)
    assert totals["Chưa báo cáo"].value == len(summary.missing_agencies)
    assert totals["Tổng kinh phí (đồng)"].value == summary.funds_total
    assert totals["Tổng kinh phí (đồng)"].number_format == "#,##0"
    assert totals["Số đoàn đi công tác tại Lào"].value == summary.delegations_out
    assert totals["Tổng số nhiệm vụ"].font.name == "Times New Roman"

    tasks = wb["Nhiệm vụ"]
    assert tasks.freeze_panes == "A2"
    assert tasks.auto_filter.ref == f"A1:J{len(summary.tasks) + 1}"
    rows = list(tasks.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == [t.content for t in summary.tasks]
    assert [r[8] for r in rows] == [t.status_label for t in summary.tasks]

    fields = {r[1]: r for r in wb["Theo lĩnh vực"].iter_rows(min_row=7, values_only=True)}
    for breakdown in summary.by_field:
        assert list(fields[breakdown.name][2:]) == [breakdown.total, *breakdown.ordered()]
    assert fields["Tổng cộng"][2] == len(summary.tasks)
    assert list(fields["Tổng cộng"][3:]) == [count for *_, count in summary.by_status]
    agencies = [r[1] for r in wb["Theo đơn vị"].iter_rows(min_row=8, values_only=True)]
    assert agencies == [b.name for b in summary.by_agency]  # all of them, not the top 15

    missing = [r[1] for r in wb["Chưa báo cáo"].iter_rows(min_row=2, values_only=True)]
    assert missing == [a.name for a in summary.missing_agencies]
    texts = list(wb["Khó khăn - Đề xuất"].iter_rows(min_row=2, values_only=True))
    assert len(texts) == len(summary.difficulties) + len(summary.proposals)


def test_round_docx(demo_round, summary):
    export = exporter_for("round", "docx")(demo_round)
    assert export.filename == "bao-cao-tong-hop-6452-UBND-DN.docx"
    document = Document(io.BytesIO(export.content))
    text = docx_text(document)
    for expected in [
        NATION,
        MOTTO,
        "TỈNH QUẢNG TRỊ",
        "Số: /BC-UBND",
        date_line("Quảng Trị", timezone.localdate()),
        "TM. ỦY BAN NHÂN DÂN",
        *expected_totals(summary),
    ]:
        assert flat(expected) in text, expected
    task_table = document.tables[-1]
    header = [cell.text for cell in task_table.rows[0].cells]
    assert header == ["Kế hoạch", "STT", "Nội dung", "Đơn vị chủ trì", "Tình hình", "Kết quả"]
    assert task_table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on every page
    contents = [row.cells[2].text for row in task_table.rows[1:]]
    assert contents == [t.content for t in summary.tasks]
    for agency in summary.missing_agencies:
        assert flat(agency.name) in text
    # Charts: four pictures, each a PNG with its SVG in the Office 2016 svgBlip extension.
    assert len(document.inline_shapes) == 4
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        names = archive.namelist()
        body = archive.read("word/document.xml").decode()
        svgs = [n for n in names if n.endswith(".svg")]
        assert len(svgs) == 4
        for name in svgs:
            ElementTree.fromstring(archive.read(name))  # well-formed
        assert "image/svg+xml" in archive.read("[Content_Types].xml").decode()
    assert body.count("asvg:svgBlip") == 4
    assert len([n for n in names if n.startswith("word/media/") and n.endswith(".png")]) == 4


def test_a_tasks_remarks_print_in_a_note_column_of_every_format(demo_round):
    entry = (
        ReportEntry.objects.filter(
            report__reporting_round=demo_round, report__status__in=HANDED_IN, role="lead"
        )
        .exclude(status="")
        .order_by("pk")
        .first()
    )
    ReportEntry.objects.filter(pk=entry.pk).update(remarks="Đề nghị bổ sung kinh phí năm sau.")
    summary = round_summary(demo_round)
    noted = [row for row in summary.tasks if row.remarks]
    assert [row.remarks for row in noted] == ["Đề nghị bổ sung kinh phí năm sau."]

    book = load_workbook(io.BytesIO(exporter_for("round", "xlsx")(demo_round).content))
    tasks = book["Nhiệm vụ"]
    assert tasks.cell(row=1, column=11).value == "Ghi chú"
    assert tasks.auto_filter.ref == f"A1:K{len(summary.tasks) + 1}"
    column = [r[10] for r in tasks.iter_rows(min_row=2, values_only=True)]
    assert column == [row.remarks or None for row in summary.tasks]

    document = Document(io.BytesIO(exporter_for("round", "docx")(demo_round).content))
    table = document.tables[-1]
    assert [cell.text for cell in table.rows[0].cells][-1] == "Ghi chú"
    assert [row.cells[6].text for row in table.rows[1:]] == [t.remarks for t in summary.tasks]

    text = pdf_text(exporter_for("round", "pdf")(demo_round).content)
    assert "Ghi chú" in text and flat("Đề nghị bổ sung kinh phí năm sau.") in text


# -- reminder letter --------------------------------------------------------------------------


def reported_agencies(summary) -> list[str]:
    missing = {a.name for a in summary.missing_agencies}
    return sorted(
        {b.name for b in summary.by_agency} - missing - {"Các Sở, Ban ngành, đoàn thể, địa phương"}
    )


def test_reminder_docx(demo_round, summary):
    export = exporter_for("reminder", "docx")(demo_round)
    assert export.filename == "cong-van-don-doc-6452-UBND-DN.docx"
    document = Document(io.BytesIO(export.content))
    text = docx_text(document)
    for expected in [
        NATION,
        MOTTO,
        "ỦY BAN NHÂN DÂN",
        "Số: /UBND-ĐN",
        "V/v đôn đốc báo cáo",
        "theo Công văn số 6452/UBND-ĐN ngày 31/12/2021",
        date_line("Quảng Trị", timezone.localdate()),
        "trước ngày 15/9/2022",
        "thông qua Sở Ngoại vụ",
        "TL. CHỦ TỊCH",
        "CHÁNH VĂN PHÒNG",
        "- Như trên;",
        "- Lưu: VT, ĐN.",
    ]:
        assert flat(expected) in text, expected
    addressed = next(t for t in document.tables if t.rows[0].cells[0].text == "Kính gửi:")
    lines = addressed.rows[0].cells[1].text.split("\n")
    # Each "- Sở …;" line, the last one closed with a full stop.
    names = [a.name for a in summary.missing_agencies]
    assert lines == [f"- {name};" for name in names[:-1]] + [f"- {names[-1]}."]
    for name in ["Sở Ngoại vụ", "Ban Quản lý các Khu kinh tế tỉnh", *reported_agencies(summary)]:
        assert f"- {name};" not in lines and f"- {name}." not in lines


def test_reminder_pdf(demo_round, summary):
    export = exporter_for("reminder", "pdf")(demo_round)
    assert export.filename == "cong-van-don-doc-6452-UBND-DN.pdf"
    text = pdf_text(export.content)
    for expected in [NATION, MOTTO, "/UBND-ĐN", "V/v đôn đốc báo cáo", "TL. CHỦ TỊCH"]:
        assert flat(expected) in text, expected
    addressed = text.split("Kính gửi:", 1)[1].split("Ngày 31/12/2021", 1)[0]
    *others, last = summary.missing_agencies
    for agency in others:
        assert flat(f"- {agency.name};") in addressed, agency.name
    assert addressed.strip().endswith(flat(f"- {last.name}.")), "the last line ends with '.'"
    for name in ["Sở Ngoại vụ", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", *reported_agencies(summary)]:
        assert flat(f"- {name};") not in addressed
    html = reminder_html(demo_round)
    assert "chậm nhất trước ngày ……/……/………" in html


def test_a_round_without_tasks_or_reports_still_renders(quang_tri, coordinator):
    plan = Plan.objects.create(
        province=quang_tri,
        kind="plan",
        number="998/KH-UBND",
        title="Trống",
        start_year=2025,
        end_year=2026,
    )
    today = timezone.localdate()
    empty = round_open(
        user=coordinator,
        request_number="998/UBND-ĐN",
        request_date=today,
        plans=[plan],
        period_start=date(2025, 1, 1),
        period_end=today,
        deadline=today + timedelta(days=10),
    )
    for kind, fmt in [("round", "pdf"), ("round", "xlsx"), ("round", "docx")]:
        assert exporter_for(kind, fmt)(empty).content
    # Nobody owes a report: the summary says so plainly instead of "0/0"; no reminder is made.
    text = pdf_text(exporter_for("round", "pdf")(empty).content)
    assert flat("Đợt báo cáo này không có cơ quan, đơn vị nào phải báo cáo.") in text
    assert "0/0" not in text
    assert "Chưa có dữ liệu" in round_summary_html(round_summary(empty))
    for fmt in ("pdf", "docx"):
        with pytest.raises(ExportRefused, match="không còn cơ quan, đơn vị nào phải báo cáo"):
            exporter_for("reminder", fmt)(empty)


# -- charts -----------------------------------------------------------------------------------


def test_charts_are_deterministic_escaped_svg(summary):
    first = [c.svg() for c in charts.round_charts(summary)]
    again = [c.svg() for c in charts.round_charts(round_summary(summary.reporting_round))]
    assert first == again
    assert charts.status_bar_chart(summary) == first[0]
    odd = [Breakdown('Sở "A" & <B>', {"done": 2, "": 1}), Breakdown("Khác", {"delayed": 1})]
    svg = charts.breakdown_chart(odd, "Theo <đơn vị>")
    root = ElementTree.fromstring(svg)  # well-formed despite the markup in the names
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert 'Sở "A" & <B>' in texts and "Theo <đơn vị>" in texts
    assert "Hoàn thành" in texts and "Chậm tiến độ" in texts  # legend
    assert "Đang triển khai" not in texts  # only statuses present


def test_breakdown_chart_keeps_top_groups_and_adds_up_the_rest():
    rows = [Breakdown(f"Đơn vị {i:02d}", {"done": 30 - i}) for i in range(20)]
    chart = charts.breakdown_layout(rows, "Theo đơn vị", limit=15, rest_label="Các đơn vị khác")
    texts = [item.text for item in chart.items if isinstance(item, charts.Text)]
    assert "Đơn vị 14" in texts and "Đơn vị 15" not in texts
    assert "Các đơn vị khác (5)" in texts
    assert str(sum(30 - i for i in range(15, 20))) in texts  # the rest, added up
    assert chart.png().startswith(b"\x89PNG")
