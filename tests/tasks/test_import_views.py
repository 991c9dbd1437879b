"""Import in the browser: upload, preview with unmatched agencies, map, confirm; all or nothing."""

import io
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agency, Plan

pytestmark = pytest.mark.django_db


def plan_docx(lead_of_second="Sở Thể thao Mới") -> bytes:
    document = docx.Document()
    document.add_paragraph("PHỤ LỤC I")
    document.add_paragraph("KẾ HOẠCH HỢP TÁC THỬ")
    table = document.add_table(rows=1, cols=6)
    for cell, text in zip(
        table.rows[0].cells,
        ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian", "Ghi chú"],
        strict=True,
    ):
        cell.text = text
    rows = [
        ["I", "Hợp tác văn hóa", "", "", "", ""],
        ["1.", "Giao lưu văn nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Ngoại vụ", "2026", ""],
        [
            "2.",
            "Giải bóng đá hữu nghị",
            lead_of_second,
            "Tỉnh đoàn",
            "Quý II năm 2027",
            "Ngân sách tỉnh",
        ],
    ]
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="ke-hoach.docx", number="30/KH-UBND"):
    return client.post(
        "/plans/import/",
        {
            "file": SimpleUploadedFile(name, content),
            "number": number,
            "title": "Kế hoạch hợp tác thử 2026 - 2027",
            "date": "2026-01-10",
        },
    )


def test_import_with_one_unmatched_agency_mapped(coordinator_client, quang_tri):
    response = upload(coordinator_client, plan_docx())
    assert response.status_code == 302
    preview = coordinator_client.get("/plans/import/preview/").content.decode()
    assert "Sở Thể thao Mới" in preview and "chưa khớp" in preview
    assert "(bảng 1, dòng 4, cột 3)" in preview  # where the name is printed: its lead cell
    assert "Giao lưu văn nghệ" in preview
    # Confirming without deciding is refused; nothing is created.
    refused = coordinator_client.post("/plans/import/preview/", {}, follow=True).content.decode()
    assert "Hãy chọn cơ quan tương ứng" in refused
    assert not Plan.objects.filter(number="30/KH-UBND").exists()
    sport = Agency.objects.get(province=quang_tri, name="Sở Văn hóa, Thể thao và Du lịch")
    done = coordinator_client.post("/plans/import/preview/", {"map-0": sport.pk}, follow=True)
    plan = Plan.objects.get(province=quang_tri, number="30/KH-UBND")
    assert plan.status == "draft"
    assert "Đã nhập 2 nhiệm vụ" in done.content.decode()
    second = plan.tasks.get(number="2.")
    assert [lead.agency for lead in second.leads.all()] == [sport]
    assert second.lead_text == "Sở Thể thao Mới"  # the printed text stays as printed
    assert (str(second.start_date), str(second.end_date)) == ("2027-04-01", "2027-06-30")


def test_import_creating_the_unmatched_agency(coordinator_client, quang_tri):
    upload(coordinator_client, plan_docx("Trung tâm Thể thao Hữu nghị"), number="31/KH-UBND")
    coordinator_client.post("/plans/import/preview/", {"map-0": "__create__"})
    assert Agency.objects.filter(province=quang_tri, name="Trung tâm Thể thao Hữu nghị").exists()
    assert Plan.objects.get(number="31/KH-UBND").tasks.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ke-hoach.docx", b"day khong phai tep word", "Tệp không phải là tệp Word"),
        (
            "ke-hoach.xlsx",
            (Path(__file__).parent / "import_files" / "mat-khau.xlsx").read_bytes(),
            "Tệp được đặt mật khẩu mở",
        ),
    ],
)
def test_bad_files_get_a_clear_message(coordinator_client, name, content, message):
    response = upload(coordinator_client, content, name=name)
    assert response.status_code == 200
    assert f"{name}: {message}" in response.content.decode()
    assert not Plan.objects.filter(number="30/KH-UBND").exists()


def test_only_coordinators_import(client, quang_tri):
    from tests.factories import make_user

    client.force_login(make_user("ld", "leader", quang_tri, None))
    assert client.get("/plans/import/").status_code == 404


def test_preview_reads_the_letterhead_and_the_partners_for_confirmation(
    coordinator_client, quang_tri
):
    from agreements.models import Locality
    from tests.tasks.import_layouts import docx_file

    response = coordinator_client.post(
        "/plans/import/",
        {"file": SimpleUploadedFile("ke-hoach-12.docx", docx_file(letterhead=True))},
    )
    assert response.status_code == 302  # number and title may come from the file
    preview = coordinator_client.get("/plans/import/preview/").content.decode()
    assert 'value="12/KH-UBND"' in preview and "đọc từ tệp: «Số: 12/KH-UBND»" in preview
    assert 'value="2020-01-15"' in preview and 'value="Hà Sỹ Đồng"' in preview
    assert "đọc từ tiêu đề phụ lục" in preview
    savannakhet = Locality.objects.get(name="Savannakhet")
    salavan = Locality.objects.get(name="Salavan")
    assert f'<option value="{salavan.pk}" selected>' in preview
    # The user confirms as issued and moves appendix II to another partner.
    done = coordinator_client.post(
        "/plans/import/preview/",
        {
            "status": "issued",
            "section-partner-1": savannakhet.pk,
            **{f"map-{i}": "__create__" for i in range(10)},
        },
        follow=True,
    )
    plan = Plan.objects.get(province=quang_tri, number="12/KH-UBND")
    assert "(đã ban hành)" in done.content.decode()
    assert plan.status == "issued" and str(plan.date) == "2020-01-15"
    assert plan.title.startswith("Hợp tác giữa tỉnh Quảng Trị với hai tỉnh Savannakhet")
    assert (plan.signing_authority, plan.signing_title, plan.signer) == (
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "Hà Sỹ Đồng",
    )
    assert list(plan.partners.all()) == [savannakhet]
    assert [s.partner for s in plan.sections.filter(parent=None).order_by("position")] == [
        savannakhet,
        savannakhet,
    ]


def test_preview_refuses_issued_without_a_date_and_saves_nothing(coordinator_client):
    upload(coordinator_client, plan_docx(), number="32/KH-UBND")
    sport = Agency.objects.get(name="Sở Văn hóa, Thể thao và Du lịch", province__name="Quảng Trị")
    page = coordinator_client.post(
        "/plans/import/preview/", {"map-0": sport.pk, "status": "issued", "date": ""}
    ).content.decode()
    assert "Cần ngày ban hành để lưu kế hoạch là đã ban hành." in page
    assert not Plan.objects.filter(number="32/KH-UBND").exists()


def test_a_pending_import_that_cannot_be_read_asks_for_the_file_again(coordinator_client, settings):
    # Left by an older version of the importer (another layout), or damaged on disk.
    upload(coordinator_client, plan_docx(), number="33/KH-UBND")
    token = coordinator_client.session["plan_import"]["token"]
    (Path(settings.MEDIA_ROOT) / "imports" / token).write_text('{"version": 0}')

    page = coordinator_client.get("/plans/import/preview/", follow=True).content.decode()

    assert "Chưa có tệp nào đang chờ nhập: hãy tải tệp lên." in page
    assert not Plan.objects.filter(number="33/KH-UBND").exists()


def test_an_import_left_at_its_preview_is_deleted_once_too_old(
    coordinator_client, settings, tmp_path
):
    """Someone closed the tab at the preview: what their upload read does not stay for ever,
    neither when another import arrives nor when nobody imports again (cron)."""
    import os
    import time
    from io import StringIO

    from django.core.management import call_command

    settings.PENDING_UPLOAD_MAX_AGE_HOURS = 24
    settings.MEDIA_ROOT = str(tmp_path)  # only this test's files: the counts below are exact
    folder = tmp_path / "imports"

    def left(number: str) -> Path:
        upload(coordinator_client, plan_docx(), number=number)
        return folder / coordinator_client.session["plan_import"]["token"]

    def age(path: Path, hours: float) -> None:
        then = time.time() - hours * 3600
        os.utime(path, (then, then))

    abandoned, recent = left("34/KH-UBND"), left("35/KH-UBND")
    age(abandoned, 30)
    age(recent, 2)

    upload(coordinator_client, plan_docx(), number="36/KH-UBND")
    assert not abandoned.exists() and recent.exists()

    out = StringIO()
    call_command("uploads_cleanup", "--hours", "1", stdout=out)
    assert not recent.exists()
    assert "Đã xóa 1 tệp kế hoạch đang nhập dở cũ hơn 1 giờ." in out.getvalue()
    # The newest upload (seconds old) is still waiting for its preview.
    page = coordinator_client.get("/plans/import/preview/").content.decode()
    assert "Giải bóng đá hữu nghị" in page
