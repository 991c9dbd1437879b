"""Issue 11, "Done when": a coordinator's whole cycle in Chromium, only in the app (never /admin/).

An agreement with two partners → a Quyết định with its articles and the Kế hoạch attached to it,
typed with the block editor → two appendices, one per partner → five tasks added across them
with the suggested STT (one refused agency name shown in place, then corrected) → issued → the
PDF downloaded from the plan page reads as typed, in the same order.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Agreement, Locality, Plan
from devdata.seed import seed_load
from tasks.models import PlanBlock, Section, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.long]
PASSWORD = "pw-for-browser-3"

AGREEMENT = "Biên bản thỏa thuận hợp tác giữa tỉnh Quảng Trị với tỉnh Savannakhet và tỉnh Salavan"
NUMBER = "25/QĐ-UBND"
SUMMARY = "Về việc ban hành Kế hoạch hợp tác với tỉnh Savannakhet và tỉnh Salavan năm 2026"
TITLE = "Kế hoạch hợp tác với tỉnh Savannakhet và tỉnh Salavan năm 2026"

DECISION = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Biên bản thỏa thuận hợp tác giữa tỉnh Quảng Trị với tỉnh Savannakhet và tỉnh "
    "Salavan ký ngày 01 tháng 12 năm 2025;",
    "Theo đề nghị của Giám đốc Sở Ngoại vụ.",
    "QUYẾT ĐỊNH:",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch hợp tác với tỉnh Savannakhet và tỉnh "
    "Salavan năm 2026.",
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Ngoại vụ, Thủ trưởng các sở, ban, ngành "
    "có liên quan chịu trách nhiệm thi hành Quyết định này.",
]
ATTACHED = [
    "KẾ HOẠCH",
    "Hợp tác với tỉnh Savannakhet và tỉnh Salavan năm 2026",
    "(Ban hành kèm theo Quyết định số 25/QĐ-UBND ngày 05 tháng 02 năm 2026 của UBND tỉnh "
    "Quảng Trị)",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Củng cố quan hệ hữu nghị truyền thống, đoàn kết đặc biệt giữa tỉnh Quảng Trị với hai tỉnh "
    "bạn Savannakhet và Salavan.",
    "2. Yêu cầu",
    "- Các sở, ban, ngành chủ động triển khai các nhiệm vụ được giao tại Phụ lục I và Phụ lục II.",
    "II. NHIỆM VỤ CỤ THỂ",
    "Nhiệm vụ cụ thể với từng tỉnh bạn tại các phụ lục kèm theo Kế hoạch này.",
]
# Typed with the one-block form after the pasted text: (number, text) of a heading.
LAST_HEADING = ("III.", "TỔ CHỨC THỰC HIỆN")

APPENDICES = [
    ("Phụ lục I", "DANH MỤC NHIỆM VỤ HỢP TÁC VỚI TỈNH SAVANNAKHET NĂM 2026", "Savannakhet"),
    ("Phụ lục II", "DANH MỤC NHIỆM VỤ HỢP TÁC VỚI TỈNH SALAVAN NĂM 2026", "Salavan"),
]
# (appendix index, suggested STT, content, lead, timeframe), in the order they are typed.
TASKS = [
    (
        0,
        "1.",
        "Tổ chức đoàn cấp cao của tỉnh thăm và làm việc tại tỉnh Savannakhet",
        "Sở Ngoại vụ",
        "Quý II năm 2026",
    ),
    (
        1,
        "1.",
        "Đón đoàn đại biểu tỉnh Salavan dự Lễ hội Thống nhất non sông",
        "Sở Ngoại vụ",
        "Tháng 4 năm 2026",
    ),
    (
        0,
        "2.",
        "Đào tạo 25 cán bộ của tỉnh Savannakhet tại Trường Chính trị Lê Duẩn",
        "Trường Chính trị Lê Duẩn",
        "Năm 2026",
    ),
    (
        1,
        "2.",
        "Khám, chữa bệnh miễn phí cho nhân dân hai huyện biên giới của tỉnh Salavan",
        "Sở Y tế",
        "Quý III năm 2026",
    ),
    (
        0,
        "3.",
        "Phối hợp quy tập hài cốt liệt sĩ quân tình nguyện tại tỉnh Savannakhet",
        "BCH Quân sự tỉnh",
        "Mùa khô 2025 - 2026",
    ),
]
UNKNOWN_AGENCY = "Sở Không Tồn Tại"


def squash(text: str) -> str:
    """Text extraction breaks lines where the PDF wraps them: compare without whitespace."""
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages))


def assert_in_order(expected: list[str], text: str) -> None:
    position = 0
    for line in expected:
        found = text.find(squash(line), position)
        assert found >= 0, f"not found after the previous line: {line!r}"
        position = found + len(squash(line))


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill(username)
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def paste(page: Page, part: int, lines: list[str]) -> None:
    """Paste ``lines`` at the end of a part of the text (0: the Quyết định, 1: the Kế hoạch)."""
    adds = page.locator("#plan-blocks p.block-add")
    adds.nth(part).get_by_role("link", name="Dán nhiều đoạn văn").click()
    form = page.locator("#plan-blocks .block.editing")
    form.locator('textarea[name="text"]').fill("\n".join(lines))
    form.get_by_role("button", name="Thêm các khối").click()
    expect(page.locator("#plan-blocks .block.editing")).to_have_count(0)
    expect(page.locator("#plan-blocks .blocks").nth(part)).to_contain_text(lines[-1][-40:])


def test_coordinator_cycle_agreement_to_issued_decision_pdf(new_page):
    seed_load()
    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    user = User.objects.create_user(
        username="sngv",
        password=PASSWORD,
        email="sngv@example.gov.vn",
        role="coordinator",
        province=quang_tri,
        agency=Agency.objects.get(province=quang_tri, name="Sở Ngoại vụ"),
    )
    user_apply_role(user)
    page: Page = new_page()
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    log_in(page, "sngv")

    # 1. The agreement, with its two partners.
    page.get_by_role("link", name="Thỏa thuận").click()
    page.get_by_role("link", name="Thêm văn bản thỏa thuận").click()
    page.fill('textarea[name="title"]', AGREEMENT)
    page.select_option('select[name="partners"]', label=["Savannakhet", "Salavan"])
    page.fill('input[name="start_year"]', "2026")
    page.fill('input[name="end_year"]', "2030")
    page.fill('input[name="signed_date"]', "2025-12-01")
    page.fill('input[name="signed_place"]', "Savannakhet")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text(AGREEMENT)
    agreement = Agreement.objects.get(title=AGREEMENT)
    assert {p.name for p in agreement.partners.all()} == {"Savannakhet", "Salavan"}

    # 2. The Quyết định's header.
    page.locator("header").get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Tạo kế hoạch, văn bản").click()
    page.select_option('select[name="kind"]', label="Quyết định")
    page.fill('input[name="number"]', NUMBER)
    page.fill('input[name="date"]', "2026-02-05")
    page.fill('[name="place"]', "Quảng Trị")
    page.fill('[name="issuing_body"]', "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ")
    page.fill('textarea[name="summary"]', SUMMARY)
    page.fill('textarea[name="title"]', TITLE)
    page.fill('input[name="start_year"]', "2026")
    page.fill('input[name="end_year"]', "2026")
    page.select_option('select[name="agreements"]', label=[AGREEMENT])
    page.fill('[name="signing_authority"]', "TM. ỦY BAN NHÂN DÂN")
    page.fill('[name="signing_title"]', "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    page.fill('[name="signer"]', "Hoàng Nam")
    page.fill(
        'textarea[name="recipients"]',
        "- Như Điều 3;\n- Bộ Ngoại giao;\n- Chủ tịch, các PCT UBND tỉnh;\n- Lưu: VT, NC.",
    )
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_have_text(f"Quyết định {NUMBER}")
    expect(page.locator(".plan-header .badge")).to_have_text("Dự thảo")
    plan = Plan.objects.get(province=quang_tri, number=NUMBER)
    assert plan.issuing_body.splitlines() == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ"]
    assert list(plan.agreements.all()) == [agreement]

    # 3. Its text: the decision's own part, then the Kế hoạch it issues.
    expect(page.locator("#plan-blocks h3.part-title")).to_have_text(
        ["Quyết định", "Kế hoạch ban hành kèm theo"]
    )
    paste(page, 0, DECISION)
    paste(page, 1, ATTACHED)
    page.locator("#plan-blocks p.block-add").nth(1).get_by_role(
        "link", name="Thêm khối văn bản"
    ).click()
    form = page.locator("#plan-blocks .block.editing")
    form.locator('select[name="kind"]').select_option(label="Đề mục")
    form.locator('input[name="number"]').fill(LAST_HEADING[0])
    form.locator('textarea[name="text"]').fill(LAST_HEADING[1])
    form.locator('input[name="bold"]').check()
    form.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-blocks .block.editing")).to_have_count(0)
    articles = page.locator("#plan-blocks .blocks").first.locator(".block-heading")
    expect(articles).to_have_count(5)  # two lines in capitals and Điều 1–3
    expect(articles.nth(2)).to_contain_text("Điều 1.")
    main = list(
        PlanBlock.objects.filter(plan=plan, part="main")
        .order_by("position", "pk")
        .values_list("number", "text")
    )
    assert [n for n, _ in main if n] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert PlanBlock.objects.filter(plan=plan, part="attached").count() == len(ATTACHED) + 1

    # 4. Two appendices, one per partner.
    for number, title, partner in APPENDICES:
        page.get_by_role("link", name="Thêm phụ lục, mục").click()
        page.select_option('select[name="kind"]', label="Phụ lục")
        page.fill('input[name="number"]', number)
        page.fill('textarea[name="title"]', title)
        page.select_option('select[name="partner"]', label=partner)
        page.get_by_role("button", name="Lưu").click()
        expect(page.locator("h1")).to_have_text(f"Quyết định {NUMBER}")
        expect(page.locator("#plan-rows tr.section", has_text=title)).to_contain_text(
            f"Đối tác: {partner}"
        )

    # 5. Five tasks, typed across the two appendices; the STT is suggested.
    for index, (appendix, stt, content, lead, timeframe) in enumerate(TASKS):
        heading = page.locator("#plan-rows tr.section", has_text=APPENDICES[appendix][1])
        heading.get_by_role("link", name="Thêm nhiệm vụ").click()
        form = page.locator("#plan-rows tr#task-new")
        expect(form.locator('input[name="number"]')).to_have_value(stt)
        form.locator('textarea[name="content"]').fill(content)
        form.locator('input[name="leads"]').fill(UNKNOWN_AGENCY if index == 2 else lead)
        form.locator('input[name="timeframe_text"]').fill(timeframe)
        form.get_by_role("button", name="Lưu").click()
        if index == 2:  # refused where it was typed, nothing saved; corrected, it saves
            expect(form).to_contain_text(f"Không có cơ quan nào tên «{UNKNOWN_AGENCY}»")
            assert not Task.objects.filter(plan=plan, content=content).exists()
            form.locator('input[name="leads"]').fill(lead)
            form.get_by_role("button", name="Lưu").click()
        expect(page.locator("#plan-rows tr#task-new")).to_have_count(0)
        expect(page.locator("#plan-rows")).to_contain_text(content)

    # Read again, the page lists each appendix with its own tasks, in order.
    page.reload()
    printed = [
        " ".join(cell.split())
        for cell in page.locator("#plan-rows tr").evaluate_all(
            "rows => rows.map(row => row.cells[0].textContent)"
        )
    ]
    expected_rows = []
    for appendix, (number, title, partner) in enumerate(APPENDICES):
        expected_rows.append(f"{number} {title} · Đối tác: {partner}")
        expected_rows += [stt for a, stt, *_ in TASKS if a == appendix]
    assert [row.split(" Sửa mục")[0] for row in printed] == expected_rows

    # 6. Issue it.
    page.locator(".plan-header").get_by_role("button", name="Ban hành").click()
    expect(page.locator(".plan-header .badge")).to_have_text("Đã ban hành")

    # 7. The PDF, from the plan page.
    with page.expect_download() as download:
        page.locator(".plan-header .downloads").get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    content = Path(download.value.path()).read_bytes()
    text = pdf_text(content)
    expected = [
        "ỦY BAN NHÂN DÂN",
        "TỈNH QUẢNG TRỊ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {NUMBER}",
        "Quảng Trị, ngày 05 tháng 02 năm 2026",
        "QUYẾT ĐỊNH",
        SUMMARY,
        *DECISION,
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Hoàng Nam",
        *ATTACHED,
        " ".join(LAST_HEADING),
    ]
    for appendix, (number, title, partner) in enumerate(APPENDICES):
        assert partner.upper() in title  # the appendix's partner, as the office prints it
        # The exporters print an appendix's number in capitals, as 165 does ("PHỤ LỤC I").
        expected += [
            number.upper(),
            title,
            f"(Kèm theo Quyết định số {NUMBER} ngày 05 tháng 02 năm 2026",
        ]
        for a, stt, content, lead, timeframe in TASKS:
            if a == appendix:
                expected += [stt, content, lead, timeframe]
    assert_in_order(expected, text)
    assert squash("Nơi nhận: - Như Điều 3; - Bộ Ngoại giao;") in text
    assert squash("- Lưu: VT, NC.") in text

    # The tasks of each appendix are for that appendix's partner.
    plan.refresh_from_db()
    assert plan.status == "issued"
    for number, _title, partner in APPENDICES:
        section = Section.objects.get(plan=plan, number=number)
        assert section.kind == "appendix" and section.partner.name == partner
        tasks = Task.objects.filter(plan=plan, section=section).order_by("position", "pk")
        assert [t.content for t in tasks] == [
            c for a, _s, c, *_ in TASKS if APPENDICES[a][0] == number
        ]
        for task in tasks:
            assert [p.name for p in task.partners.all()] == [partner]
    assert not [url for url in visited if "/admin/" in url]
