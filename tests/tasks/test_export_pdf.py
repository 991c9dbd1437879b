"""Plan PDF in the official format: content, header, fonts, orientation, page numbers, safety.

The exporter module is imported directly (not through the registry) so that these tests do not
depend on the other formats' modules.
"""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from agreements import official
from agreements.models import Plan
from tasks.exporters import pdf as pdf_module
from tasks.exporters.columns import attachment_line, column_key, task_cell
from tasks.exporters.pdf import RefusedURL, StaticOnlyFetcher, render_pdf, resolve_static_url
from tasks.exporters.plan_pdf import render_plan_html, render_plan_pdf
from tasks.models import Task
from tasks.selectors import plan_rows

pytestmark = pytest.mark.django_db

SEED_PLANS = [
    ("Quảng Trị", "165/QĐ-UBND"),
    ("Quảng Trị", "3289/QĐ-UBND"),
    ("Quảng Trị", "6452/UBND-ĐN"),
    ("Tuyên Quang", "110/KH-UBND"),
    ("Khánh Hòa", "592/KH-UBND"),
]
TOP_MARGIN_PT = 20 / 25.4 * 72


def squash(text: str) -> str:
    """Text extraction breaks lines and may drop or add spaces: compare without whitespace."""
    return re.sub(r"\s+", "", text)


def get_plan(province: str, number: str) -> Plan:
    return Plan.objects.get(province__name=province, number=number)


def read(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def all_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def is_landscape(page) -> bool:
    return float(page.mediabox.width) > float(page.mediabox.height)


def page_number(page) -> str | None:
    """Text printed in the top margin (20 mm) near the centre: the page number, if any."""
    height, width = float(page.mediabox.height), float(page.mediabox.width)
    found: list[str] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        y = cm[3] * tm[5] + cm[5]
        x = cm[0] * tm[4] + cm[4]
        if height - y < TOP_MARGIN_PT and abs(x - width / 2) < 30:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return "".join(found) or None


def page_fonts(page) -> list[tuple[str, set[str]]]:
    """(BaseFont, font-file keys of its descriptor) for every font a page uses."""
    result = []
    fonts = page["/Resources"].get_object().get("/Font")
    for font in (fonts.get_object() if fonts else {}).values():
        font = font.get_object()
        descriptor_owner = font
        if "/DescendantFonts" in font:
            descriptor_owner = font["/DescendantFonts"][0].get_object()
        descriptor = descriptor_owner["/FontDescriptor"].get_object()
        result.append((str(font["/BaseFont"]), {key for key in descriptor if "FontFile" in key}))
    return result


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """Every seed plan rendered once: {number: (plan, Export, PdfReader, text)}."""
    result = {}
    with django_db_blocker.unblock():
        for province, number in SEED_PLANS:
            plan = get_plan(province, number)
            export = render_plan_pdf(plan)
            reader = read(export.content)
            result[number] = (plan, export, reader, all_text(reader))
    return result


@pytest.mark.parametrize(("province", "number"), SEED_PLANS)
def test_every_seed_plan_prints_its_tasks_and_header(rendered, province, number):
    plan, export, reader, text = rendered[number]
    flat = squash(text)
    assert export.content_type == "application/pdf"
    assert export.content.startswith(b"%PDF-")
    assert export.filename.endswith(".pdf")

    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {plan.number}",
        official.date_line(plan.place, plan.date),
    ):
        assert squash(line) in flat, line

    tasks = [row.task for row in plan_rows(plan) if row.kind == "task"]
    for task in tasks:
        assert squash(task.content[:40]) in flat, task.content[:40]
        lead = task_cell(task, "lead")
        if lead:
            assert squash(lead) in flat, lead

    assert not is_landscape(reader.pages[0])
    if number == "592/KH-UBND":  # its table sits inside III, on the portrait pages
        assert not any(is_landscape(page) for page in reader.pages)
    elif tasks:
        assert is_landscape(reader.pages[-1])
    else:
        assert not any(is_landscape(page) for page in reader.pages)


@pytest.mark.parametrize(("province", "number"), SEED_PLANS)
def test_fonts_are_tinos_and_embedded(rendered, province, number):
    _, _, reader, _ = rendered[number]
    seen = set()
    for page in reader.pages:
        for base_font, files in page_fonts(page):
            seen.add(base_font)
            assert "Tinos" in base_font, base_font
            assert files & {"/FontFile2", "/FontFile3"}, base_font
            # Subsets ("ABCDEF+Tinos-Bold"), not the whole 550 KB files.
            assert re.match(r"^/[A-Z]{6}\+", base_font), base_font
    assert seen


def test_165_decision_header_appendices_and_filename(rendered):
    plan, export, reader, text = rendered["165/QĐ-UBND"]
    flat = squash(text)
    assert export.filename == "ke-hoach-165-QD-UBND-2020.pdf"
    assert export.content_type == "application/pdf"
    for line in (
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG TRỊ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 165/QĐ-UBND",
        "Quảng Trị, ngày 15 tháng 01 năm 2020",
        "QUYẾT ĐỊNH",
        "PHỤ LỤC I",
        "PHỤ LỤC II",
        "KẾ HOẠCH HỢP TÁC GIỮA TỈNH QUẢNG TRỊ VÀ TỈNH SAVANNAKHET",
        "(Kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 của UBND tỉnh Quảng Trị)",
        "(Ban hành kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020",
        "Nơi nhận:",
        "- Như điều 3;",
        "- Lưu: VT, TM, NC, TN, NN, TH, ĐN (2b).",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Đức Chính",
        "STT",
        "NỘI DUNG CÔNG VIỆC",
        "ĐƠN VỊ CHỦ TRÌ",
        "ĐƠN VỊ PHỐI HỢP",
        "THỜI GIAN",
        "GHI CHÚ",
        "II. Hợp tác về Kinh tế",
    ):
        assert squash(line) in flat, line
    # Printed values of the other columns.
    for value in ("Kinh phí do ngân sách tỉnh cấp", "Văn phòng Tỉnh ủy, Văn phòng UBND tỉnh"):
        assert squash(value) in flat

    first_page = reader.pages[0].extract_text()
    assert "Số: 165/QĐ-UBND" in first_page
    assert "Quảng Trị, ngày 15 tháng 01 năm 2020" in first_page

    starts = {
        label: next(
            index
            for index, page in enumerate(reader.pages)
            if squash(page.extract_text()).startswith(squash(label))
        )
        for label in ("PHỤ LỤC I\n", "PHỤ LỤC II\n")
    }
    appendix_i, appendix_ii = starts["PHỤ LỤC I\n"], starts["PHỤ LỤC II\n"]
    assert 0 < appendix_i < appendix_ii < len(reader.pages) - 1
    # Front pages portrait, every appendix page landscape.
    assert not any(is_landscape(page) for page in reader.pages[:appendix_i])
    assert all(is_landscape(page) for page in reader.pages[appendix_i:])
    # Each appendix page has its header row repeated.
    for page in reader.pages[appendix_i:]:
        assert squash("STT NỘI DUNG CÔNG VIỆC ĐƠN VỊ CHỦ TRÌ") in squash(page.extract_text())

    # Page numbers: none on page 1, then 2, 3 …; each appendix counts again from 1 (unprinted).
    numbers = [page_number(page) for page in reader.pages]
    assert numbers[0] is None
    assert numbers[1:appendix_i] == [str(n) for n in range(2, appendix_i + 1)]
    assert numbers[appendix_i] is None
    assert numbers[appendix_i + 1 : appendix_ii] == [
        str(n) for n in range(2, appendix_ii - appendix_i + 1)
    ]
    assert numbers[appendix_ii] is None
    assert numbers[appendix_ii + 1 :] == [
        str(n) for n in range(2, len(reader.pages) - appendix_ii + 1)
    ]


def test_3289_without_tasks_is_only_the_front_page(rendered):
    _, export, reader, text = rendered["3289/QĐ-UBND"]
    assert export.filename == "ke-hoach-3289-QD-UBND-2016.pdf"
    assert len(reader.pages) == 1
    assert "QUYẾT ĐỊNH" in text
    assert "STT" not in text


def test_592_has_its_table_inside_iii_with_its_field_column(rendered):
    plan, _, reader, text = rendered["592/KH-UBND"]
    flat = squash(text)
    assert squash("Sở Nội vụ; Sở Ngoại vụ") in flat
    assert squash("Quý II hoặc III năm 2022") in flat
    # The header row as the province wrote it, between II and IV, on the portrait pages.
    header = squash("STT Nội dung Cơ quan/ đơn vị chủ trì")
    assert (
        flat.index(squash("III. NHIỆM VỤ CỤ THỂ"))
        < flat.index(header)
        < flat.index(squash("Lĩnh vực"))
        < flat.index(squash("IV. TỔ CHỨC THỰC HIỆN"))
    )
    assert squash("(Kèm theo") not in flat
    assert not any(is_landscape(page) for page in reader.pages)


def test_110_body_follows_its_own_numbering(rendered):
    _, _, _, text = rendered["110/KH-UBND"]
    flat = squash(text)
    order = [
        flat.index(squash(heading))
        for heading in (
            "I. MỤC ĐÍCH, YÊU CẦU",
            "II. NỘI DUNG, NHIỆM VỤ",
            "III. KINH PHÍ THỰC HIỆN",
            "IV. TỔ CHỨC THỰC HIỆN",
        )
    ]
    assert order == sorted(order)
    # II is prose with bullets in the text; its items are tasks, in the table after the text.
    table = flat.rindex(squash("II. NỘI DUNG, NHIỆM VỤ"))
    assert table > order[-1]
    assert flat.index(squash("(Kèm theo Kế hoạch số 110/KH-UBND")) > table
    assert squash("1.1. Xây dựng mô hình") in flat


def test_6452_directive_prints_subject_under_number(rendered):
    plan, _, reader, text = rendered["6452/UBND-ĐN"]
    first = squash(reader.pages[0].extract_text())
    assert squash("V/v triển khai kết quả hội đàm cấp cao") in first
    assert squash("7. Sở Ngoại vụ chủ trì phối hợp") in squash(text)


def test_column_headers_map_by_meaning_without_accents():
    assert column_key("STT") == "number"
    assert column_key("NỘI DUNG CÔNG VIỆC") == "content"
    assert column_key("Nội dung") == "content"
    assert column_key("ĐƠN VỊ CHỦ TRÌ") == "lead"
    assert column_key("don vi chu tri") == "lead"
    assert column_key("Cơ quan/ đơn vị chủ trì") == "lead"
    assert column_key("Cơ quan/đơn vị phối hợp thực hiện") == "coordinating"
    assert column_key("Thời gian thực hiện") == "timeframe"
    assert column_key("GHI CHÚ") == "note"
    assert column_key("Lĩnh vực") == "field"
    assert column_key("Cột lạ") == "other"


def test_attached_line_is_built_from_the_plan():
    plan = get_plan("Khánh Hòa", "592/KH-UBND")
    assert attachment_line(plan) == (
        "(Kèm theo Kế hoạch số 592/KH-UBND ngày 30 tháng 6 năm 2022 của UBND tỉnh Khánh Hòa)"
    )


def test_lead_falls_back_to_lead_agencies():
    task = (
        Task.objects.filter(plan__number="592/KH-UBND", leads__isnull=False)
        .prefetch_related("leads__agency")
        .first()
    )
    task.lead_text = ""
    names = [lead.agency.name for lead in task.leads.all()]
    assert task_cell(task, "lead") == "; ".join(names)


# --- Safety: nothing typed by a user is fetched; the fetcher serves only our static files ----


HOSTILE = (
    '<img src="http://example.com/x.png"> <link rel="stylesheet" href="https://evil.test/a.css">'
)


def test_markup_typed_into_a_task_prints_as_text_and_fetches_nothing(monkeypatch):
    plan = get_plan("Quảng Trị", "165/QĐ-UBND")
    task = Task.objects.filter(plan=plan, section__isnull=False).order_by("position").first()
    task.content = f"Nội dung thử {HOSTILE}"
    task.note = '<style>@import url("http://example.com/s.css");</style>'
    task.save()

    requested: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return original(self, url, headers)

    connections: list[object] = []
    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: connections.append(a))

    html = render_plan_html(plan)
    assert "&lt;img src=&quot;http://example.com/x.png&quot;&gt;" in html
    export = render_plan_pdf(plan)

    assert requested, "the stylesheet and fonts go through our fetcher"
    assert all(url.startswith(("static:", "file:")) for url in requested), requested
    assert not any("example.com" in url or "evil.test" in url for url in requested)
    assert connections == []
    text = squash(all_text(read(export.content)))
    assert squash('<img src="http://example.com/x.png">') in text
    assert squash('@import url("http://example.com/s.css");') in text


def test_raw_html_asking_for_the_network_is_refused(monkeypatch, caplog):
    requested: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return original(self, url, headers)

    connections: list[object] = []
    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: connections.append(a))

    content = render_pdf(
        '<link rel="stylesheet" href="static:css/pdf.css">'
        '<p>Xin chào</p><img src="http://example.com/x.png">'
    )
    assert content.startswith(b"%PDF-")
    assert "http://example.com/x.png" in requested  # asked, refused, never opened
    assert connections == []
    assert any("example.com" in record.getMessage() for record in caplog.records)
    assert "Xin chào" in all_text(read(content))


STATIC = Path(settings.BASE_DIR) / "static"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        (Path(settings.BASE_DIR) / "manage.py").as_uri(),
        (STATIC / ".." / "manage.py").as_uri().replace("/static/../", "/static/%2e%2e/"),
        "file://otherhost" + (STATIC / "css" / "pdf.css").as_posix(),
        "static:../manage.py",
        "static:css/../../manage.py",
        "static:%2e%2e/manage.py",
        "static:/etc/passwd",
        "static:fonts/missing.ttf",
        "static:",
        "static:css\\..\\..\\manage.py",
        "static:css/pdf.css%00.png",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        resolve_static_url(url)
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files():
    font = StaticOnlyFetcher().fetch("static:fonts/Tinos-Regular.ttf")
    assert font.read() == (STATIC / "fonts" / "Tinos-Regular.ttf").read_bytes()
    css = StaticOnlyFetcher().fetch((STATIC / "css" / "pdf.css").as_uri())
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    assert resolve_static_url("static:css/./pdf.css") == (STATIC / "css" / "pdf.css").resolve()


def test_static_roots_are_the_projects_own():
    roots = pdf_module.static_roots()
    assert STATIC.resolve() in roots
    base = Path(settings.BASE_DIR).resolve()
    assert all(root.is_relative_to(base) for root in roots)


def test_render_pdf_restores_the_garbage_collector():
    import gc

    assert gc.isenabled()
    render_pdf("<p>Một</p>")
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf("<p>Hai</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_tasks_without_a_section_come_first_and_cells_keep_line_breaks():
    plan = get_plan("Tuyên Quang", "110/KH-UBND")
    Task.objects.create(plan=plan, position=999, number="*", content="Nhiệm vụ ngoài các mục")
    task = Task.objects.filter(plan=plan).order_by("position").first()
    task.lead_text = "Sở\nY tế"
    task.save()

    reader = read(render_plan_pdf(plan).content)
    text = all_text(reader)
    flat = squash(text)
    # after the text, the loose tasks' table comes before the table of section II
    assert flat.index(squash("Nhiệm vụ ngoài các mục")) < flat.rindex(squash("NỘI DUNG, NHIỆM VỤ"))
    assert flat.index(squash("DANH MỤC NHIỆM VỤ")) < flat.index(squash("Nhiệm vụ ngoài"))
    # "Sở Y tế" fits on one line of its cell: a break there is the typed one.
    assert re.search(r"Sở\s*\n\s*Y tế", text)
