"""The coordinator's workspace pages: create, edit, read agreements, meetings and plan headers."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, Locality, Meeting, Plan
from tasks.models import Task
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def partners(db):
    return Locality.objects.get(name="Savannakhet"), Locality.objects.get(name="Salavan")


@pytest.fixture
def plan_165(quang_tri):
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


def agreement_data(chosen, **overrides):
    data = {
        "kind": "agreement",
        "title": "Văn bản thỏa thuận hợp tác giai đoạn 2026 - 2030",
        "partners": [p.pk for p in chosen],
        "start_year": "2026",
        "end_year": "2030",
        "signed_date": "2025-12-01",
        "signed_place": "Đông Hà",
        "signatories": "Võ Văn Hưng, Chủ tịch UBND tỉnh Quảng Trị\nPhoxay Sayasone, Tỉnh trưởng",
    }
    data.update(overrides)
    return data


def plan_data(**overrides):
    data = {
        "kind": "decision",
        "number": "12/QĐ-UBND",
        "date": "2026-03-02",
        "place": "Quảng Trị",
        "issuing_body": "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "summary": "Ban hành Kế hoạch hợp tác năm 2026",
        "title": "Kế hoạch hợp tác với tỉnh Savannakhet năm 2026",
        "start_year": "2026",
        "end_year": "2026",
        "signing_authority": "TM. ỦY BAN NHÂN DÂN",
        "signing_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        "signer": "Hà Sỹ Đồng",
        "recipients": "- Như Điều 3;\n- Lưu: VT, NC.",
    }
    data.update(overrides)
    return data


def test_create_an_agreement_with_two_partners_and_its_scan(coordinator_client, partners):
    data = agreement_data(partners, file=SimpleUploadedFile("thoa-thuan.pdf", PDF))
    response = coordinator_client.post("/agreements/new/", data)
    agreement = Agreement.objects.get(title=data["title"])
    assert response.status_code == 302 and response["Location"] == f"/agreements/{agreement.pk}/"
    html = coordinator_client.get(response["Location"]).content.decode()
    assert "Savannakhet" in html and "Salavan" in html and "Phoxay Sayasone" in html
    assert "Tạo văn bản thỏa thuận" in html  # its history
    download = coordinator_client.get(f"/agreements/{agreement.pk}/file/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_a_file_renamed_to_pdf_is_refused_and_nothing_saved(coordinator_client, partners):
    data = agreement_data(partners, file=SimpleUploadedFile("thoa-thuan.pdf", b"GIF89a not pdf"))
    response = coordinator_client.post("/agreements/new/", data)
    assert response.status_code == 400
    assert "không phải tệp PDF thật" in response.content.decode()
    assert not Agreement.objects.filter(title=data["title"]).exists()


def test_bad_agreement_input_names_the_field_and_saves_nothing(coordinator_client, partners):
    data = agreement_data(partners, start_year="2031", partners=[])
    response = coordinator_client.post("/agreements/new/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "end_year" in form.errors and "partners" in form.errors
    assert "Năm kết thúc phải sau năm bắt đầu." in response.content.decode()
    assert not Agreement.objects.filter(title=data["title"]).exists()


def test_edit_an_agreement_shows_the_change_in_its_history(coordinator_client, quang_tri):
    agreement = Agreement.objects.filter(province=quang_tri).first()
    partners = list(agreement.partners.all())
    data = agreement_data(partners, title=agreement.title, signed_place="Viêng Chăn")
    response = coordinator_client.post(f"/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 302
    html = coordinator_client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "nơi ký" in html and "Viêng Chăn" in html and "coordinator" in html


def test_agreement_list_searches_without_accents_and_filters_by_partner(
    coordinator_client, quang_tri
):
    agreement = Agreement.objects.filter(province=quang_tri, partners__name="Salavan").first()
    response = coordinator_client.get("/agreements/", {"q": "salavan"})
    assert agreement in response.context["agreements"]
    assert all(
        "Salavan" in [p.name for p in a.partners.all()] for a in response.context["agreements"]
    )
    partial = coordinator_client.get(
        "/agreements/", {"q": "khong co gi"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = partial.content.decode()
    assert html.startswith('<div class="table-wrap" id="results">')
    assert "Không có văn bản thỏa thuận nào." in html


def test_agreement_detail_lists_the_plans_that_implement_it(coordinator_client, plan_165):
    agreement = plan_165.agreements.first()
    html = coordinator_client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert f'href="/plans/{plan_165.pk}/"' in html and "165/QĐ-UBND" in html


def test_create_a_plan_header_then_issue_it(coordinator_client, quang_tri, partners):
    agreement = Agreement.objects.filter(province=quang_tri).first()
    data = plan_data(partners=[p.pk for p in partners], agreements=[agreement.pk])
    response = coordinator_client.post("/plans/new/", data)
    plan = Plan.objects.get(province=quang_tri, number="12/QĐ-UBND")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.status == "draft" and list(plan.agreements.all()) == [agreement]
    page = coordinator_client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Dự thảo" in page and "Ban hành" in page and agreement.title[:40] in page
    response = coordinator_client.post(f"/plans/{plan.pk}/status/", {"action": "issue"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "issued"


def test_plan_header_errors_sit_next_to_the_field(coordinator_client, quang_tri, khanh_hoa):
    foreign = Plan.objects.get(province=khanh_hoa, number="592/KH-UBND")
    response = coordinator_client.post(
        "/plans/new/", plan_data(number="165/QĐ-UBND", parent=foreign.pk, end_year="2020")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    # A foreign plan is not even a choice; the number and the period are named too.
    assert set(errors) >= {"parent", "end_year"}
    response = coordinator_client.post("/plans/new/", plan_data(number="165/QD-UBND"))
    assert "Tỉnh đã có văn bản số" in " ".join(response.context["form"].errors["number"])
    assert not Plan.objects.filter(province=quang_tri, title=plan_data()["title"]).exists()


def test_edit_a_plan_header(coordinator_client, plan_165, coordinator):
    data = plan_data(
        number=plan_165.number, title="Kế hoạch hợp tác đã sửa", start_year="2020", end_year="2022"
    )
    response = coordinator_client.post(f"/plans/{plan_165.pk}/edit/", data)
    assert response.status_code == 302
    plan_165.refresh_from_db()
    assert plan_165.title == "Kế hoạch hợp tác đã sửa"
    history = coordinator_client.get(f"/plans/{plan_165.pk}/history/").content.decode()
    assert "tên kế hoạch" in history and "Kế hoạch hợp tác đã sửa" in history


def test_the_header_lines_printed_on_two_lines_keep_their_break(coordinator_client, plan_165):
    """ "ỦY BAN NHÂN DÂN / TỈNH QUẢNG TRỊ" and "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" are two printed lines:
    the form shows them in a text area, so that a browser neither joins them on an edit nor
    keeps a coordinator from typing them."""
    form = coordinator_client.get(f"/plans/{plan_165.pk}/edit/").content.decode()
    assert re.search(
        r'<textarea name="issuing_body"[^>]*>\s*ỦY BAN NHÂN DÂN\r?\nTỈNH QUẢNG TRỊ</textarea>', form
    )
    assert '<textarea name="signing_title"' in form
    data = plan_data(
        number=plan_165.number,
        start_year="2020",
        end_year="2022",
        issuing_body="ỦY BAN NHÂN DÂN\r\nTỈNH QUẢNG TRỊ",
        signing_title="KT. CHỦ TỊCH\r\nPHÓ CHỦ TỊCH",
    )
    assert coordinator_client.post(f"/plans/{plan_165.pk}/edit/", data).status_code == 302
    plan_165.refresh_from_db()
    assert plan_165.issuing_body.splitlines() == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ"]
    assert plan_165.signing_title.splitlines() == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_a_wrong_transition_is_said_on_the_page(coordinator_client, plan_165):
    response = coordinator_client.post(f"/plans/{plan_165.pk}/status/", {"action": "issue"})
    assert response.status_code == 409
    assert "Không thể chuyển 165/QĐ-UBND từ «Đã ban hành» sang «Đã ban hành»" in (
        response.content.decode()
    )


def test_reopen_without_a_reason_is_refused_then_with_one_is_in_the_history(
    coordinator_client, plan_165
):
    response = coordinator_client.post(
        f"/plans/{plan_165.pk}/status/", {"action": "reopen", "to": "draft", "reason": ""}
    )
    assert response.status_code == 409 and "Cần ghi lý do mở lại" in response.content.decode()
    response = coordinator_client.post(
        f"/plans/{plan_165.pk}/status/",
        {"action": "reopen", "to": "draft", "reason": "Bổ sung phụ lục III"},
    )
    assert response.status_code == 302
    html = coordinator_client.get(f"/plans/{plan_165.pk}/history/").content.decode()
    assert "Mở lại: Bổ sung phụ lục III" in html and "Dự thảo" in html


def test_a_closed_plan_page_offers_reopening_not_editing(coordinator_client, plan_165):
    coordinator_client.post(f"/plans/{plan_165.pk}/status/", {"action": "close"})
    response = coordinator_client.get(f"/plans/{plan_165.pk}/edit/")
    assert response.status_code == 409 and "đã kết thúc" in response.content.decode()
    page = coordinator_client.get(f"/plans/{plan_165.pk}/").content.decode()
    assert "Mở lại thành dự thảo" in page


def test_readers_see_the_header_but_no_actions(client, plan_165, quang_tri):
    client.force_login(make_user("ld", "leader", quang_tri, None))
    page = client.get(f"/plans/{plan_165.pk}/").content.decode()
    assert "165/QĐ-UBND" in page and "Lịch sử thay đổi" in page
    assert "Sửa thông tin văn bản" not in page and 'name="action"' not in page
    assert client.post(f"/plans/{plan_165.pk}/status/", {"action": "close"}).status_code == 404
    plan_165.refresh_from_db()
    assert plan_165.status == "issued"


def test_record_a_meeting_and_create_a_directive_from_it(
    coordinator_client, quang_tri, partners, plan_165
):
    agreement = plan_165.agreements.first()
    response = coordinator_client.post(
        "/meetings/new/",
        {
            "kind": "high_level",
            "title": "Hội đàm cấp cao giữa kỳ 2026",
            "timeframe_text": "Quý III/2026",
            "place": "Savannakhet",
            "partners": [partners[0].pk],
            "agreements": [agreement.pk],
            "conclusions": "Hai bên thống nhất tăng cường trao đổi đoàn.",
            "notice_number": "20-TB/TU",
            "notice_date": "2026-09-30",
        },
    )
    meeting = Meeting.objects.get(title="Hội đàm cấp cao giữa kỳ 2026")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    form = coordinator_client.get(f"/meetings/{meeting.pk}/directive/")
    assert form.context["form"].initial["parent"] == plan_165.pk
    response = coordinator_client.post(
        f"/meetings/{meeting.pk}/directive/",
        plan_data(
            kind="plan",  # ignored: a directive from a meeting is a Công văn
            number="88/UBND-ĐN",
            summary="V/v triển khai kết luận Hội đàm cấp cao giữa kỳ",
            parent=plan_165.pk,
            partners=[partners[0].pk],
            meeting=0,  # ignored as well: the meeting is the page's
        ),
    )
    directive = Plan.objects.get(number="88/UBND-ĐN")
    assert response.status_code == 302 and response["Location"] == f"/plans/{directive.pk}/"
    assert (directive.kind, directive.meeting, directive.parent) == ("directive", meeting, plan_165)
    Task.objects.create(plan=directive, content="Tổ chức đoàn công tác sang Savannakhet")
    html = coordinator_client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "88/UBND-ĐN" in html and "Tổ chức đoàn công tác sang Savannakhet" in html
    assert "20-TB/TU" in html and "30/09/2026" in html


def test_meeting_without_date_or_planned_time_is_refused(coordinator_client):
    response = coordinator_client.post(
        "/meetings/new/", {"kind": "other", "title": "Hội nghị không ngày"}
    )
    assert response.status_code == 400 and "date" in response.context["form"].errors
    assert not Meeting.objects.filter(title="Hội nghị không ngày").exists()


def test_meeting_edit_keeps_history(coordinator_client, quang_tri):
    meeting = Meeting.objects.filter(province=quang_tri).first()
    response = coordinator_client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "kind": meeting.kind,
            "title": meeting.title,
            "date": "2021-12-10",
            "place": "Đông Hà",
            "partners": [p.pk for p in meeting.partners.all()],
        },
    )
    assert response.status_code == 302
    html = coordinator_client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Đông Hà" in html and "địa điểm" in html and "10/12/2021" in html


def test_forged_foreign_ids_are_refused_in_choices(coordinator_client, khanh_hoa, partners):
    foreign = Agreement.objects.create(province=khanh_hoa, title="Thỏa thuận Khánh Hòa")
    response = coordinator_client.post(
        "/plans/new/", plan_data(agreements=[foreign.pk], partners=[partners[0].pk])
    )
    assert response.status_code == 400 and "agreements" in response.context["form"].errors
    assert coordinator_client.get(f"/agreements/{foreign.pk}/").status_code == 404
    assert coordinator_client.get(f"/agreements/{foreign.pk}/edit/").status_code == 404


def test_plan_dates_shown_as_dd_mm_yyyy(coordinator_client, plan_165):
    html = coordinator_client.get(f"/plans/{plan_165.pk}/").content.decode()
    assert plan_165.date == date(2020, 1, 15) and "15/01/2020" in html


def test_task_history_page_shows_its_place_in_the_chain(coordinator_client, plan_165):
    task = Task.objects.filter(plan=plan_165, section__isnull=False).order_by("position").first()
    html = coordinator_client.get(f"/tasks/{task.pk}/history/").content.decode()
    agreement = plan_165.agreements.order_by("pk").first()
    assert f'href="/agreements/{agreement.pk}/"' in html
    assert f'href="/plans/{plan_165.pk}/"' in html and "PHỤ LỤC I" in html
    assert "Tạo nhiệm vụ" in html and 'aria-current="page"' in html


def test_replace_then_remove_the_agreement_scan(coordinator_client, quang_tri):
    agreement = Agreement.objects.filter(province=quang_tri).first()
    data = agreement_data(list(agreement.partners.all()), title=agreement.title)
    data["file"] = SimpleUploadedFile("ban-ky.pdf", PDF)
    assert coordinator_client.post(f"/agreements/{agreement.pk}/edit/", data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.file.name.endswith(".pdf")
    form = coordinator_client.get(f"/agreements/{agreement.pk}/edit/").content.decode()
    assert "/media/" not in form and "Gỡ tệp đính kèm hiện có" in form
    data.pop("file")
    data["file_clear"] = "on"
    assert coordinator_client.post(f"/agreements/{agreement.pk}/edit/", data).status_code == 302
    agreement.refresh_from_db()
    assert not agreement.file
    assert coordinator_client.get(f"/agreements/{agreement.pk}/file/").status_code == 404
