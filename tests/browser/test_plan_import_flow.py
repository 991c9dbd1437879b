"""End to end in Chromium: a coordinator imports a .docx plan whose header is over two rows,
sees the partner read from the appendix heading, maps one unmatched agency, confirms, opens the
plan, edits one task in place and finds it by an accent-free search."""

from __future__ import annotations

import io
import re

import docx
import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import user_apply_role
from agreements.models import Agency, Locality, Plan
from devdata.seed import seed_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-browser-2"


def plan_file(path) -> None:
    document = docx.Document()
    document.add_paragraph("PHỤ LỤC I")
    document.add_paragraph("KẾ HOẠCH HỢP TÁC VỚI TỈNH SALAVAN NĂM 2027")
    table = document.add_table(rows=2, cols=6)
    # "Thời gian thực hiện" over "Bắt đầu | Kết thúc"; the other headers merged down.
    for column, text in enumerate(["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp"]):
        table.cell(0, column).merge(table.cell(1, column)).text = text
    table.cell(0, 4).merge(table.cell(0, 5)).text = "Thời gian thực hiện"
    table.cell(1, 4).text, table.cell(1, 5).text = "Bắt đầu", "Kết thúc"
    rows = [
        ["I", "Hợp tác giáo dục", "", "", "", ""],
        [
            "1.",
            "Tiếp nhận 20 học viên Salavan",
            "Trường Chính trị Lê Duẩn",
            "Sở Nội vụ",
            "Năm 2027",
            "Năm 2027",
        ],
        [
            "2.",
            "Tập huấn nghiệp vụ du lịch",
            "Sở Du lịch và Văn hóa mới",
            "Sở Ngoại vụ",
            "Quý III/2027",
            "Quý IV/2027",
        ],
    ]
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_import_map_confirm_edit_and_search(new_page, tmp_path):
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
    source = tmp_path / "ke-hoach-salavan.docx"
    plan_file(source)

    page: Page = new_page()
    page.goto("/accounts/login/")
    page.locator('main input[name="username"]').fill("sngv")
    page.locator('main input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto("/plans/")
    page.get_by_role("link", name="Nhập kế hoạch từ tệp Word/Excel").click()
    page.set_input_files('input[name="file"]', str(source))
    page.fill('input[name="number"]', "12/KH-UBND")
    page.fill('textarea[name="title"]', "Kế hoạch hợp tác với tỉnh Salavan năm 2027")
    page.get_by_role("button", name="Đọc tệp và xem trước").click()

    expect(page.locator("td.unknown")).to_contain_text("Sở Du lịch và Văn hóa mới")
    salavan = Locality.objects.get(name="Salavan")
    expect(page.locator('select[name="section-partner-0"]')).to_have_value(str(salavan.pk))
    expect(page.locator("#confirm-form")).to_contain_text("đọc từ tiêu đề phụ lục")
    expect(page.locator("main table tbody")).to_contain_text("Quý III/2027 - Quý IV/2027")
    page.select_option('select[name="map-0"]', label="Sở Văn hóa, Thể thao và Du lịch")
    page.get_by_role("button", name="Xác nhận và tạo kế hoạch").click()
    expect(page.locator("ul.messages")).to_contain_text("Đã nhập 2 nhiệm vụ")
    plan = Plan.objects.get(province=quang_tri, number="12/KH-UBND")
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    assert plan.status == "draft" and list(plan.partners.all()) == [salavan]

    row = page.locator("#plan-rows tr", has_text="Tập huấn nghiệp vụ du lịch")
    row.get_by_role("link", name="Sửa").click()
    editing = page.locator("tr.editing")
    editing.locator('textarea[name="content"]').fill("Tập huấn hướng dẫn viên du lịch cho Salavan")
    editing.get_by_role("button", name="Lưu").click()
    expect(page.locator("#plan-rows")).to_contain_text(
        "Tập huấn hướng dẫn viên du lịch cho Salavan"
    )
    expect(page.locator("tr.editing")).to_have_count(0)  # saved in place, no reload

    page.goto("/tasks/?q=huong+dan+vien+salavan")
    expect(page.locator("main table tbody")).to_contain_text(
        "Tập huấn hướng dẫn viên du lịch cho Salavan"
    )
    task = plan.tasks.get(number="2.")
    assert task.content == "Tập huấn hướng dẫn viên du lịch cho Salavan"
    assert [lead.agency.name for lead in task.leads.all()] == ["Sở Văn hóa, Thể thao và Du lịch"]
