"""Agreement, meeting and plan-header services: validation, transitions, history with reasons."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Agreement, Locality, Meeting, Plan, PlanStatus
from agreements.services import (
    agreement_create,
    agreement_update,
    directive_create,
    meeting_create,
    plan_close,
    plan_create,
    plan_issue,
    plan_reopen,
    plan_update,
)
from tasks.models import Task

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def savannakhet(db):
    return Locality.objects.get(name="Savannakhet")


@pytest.fixture
def salavan(db):
    return Locality.objects.get(name="Salavan")


def header(**overrides):
    fields = {
        "kind": "plan",
        "number": "12/KH-UBND",
        "date": date(2026, 3, 2),
        "place": "Quảng Trị",
        "issuing_body": "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "signing_authority": "TM. ỦY BAN NHÂN DÂN",
        "signing_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        "signer": "Hà Sỹ Đồng",
        "summary": "Triển khai hợp tác năm 2026",
        "title": "Kế hoạch hợp tác với tỉnh Savannakhet năm 2026",
        "start_year": 2026,
        "end_year": 2026,
        "recipients": "- Như trên;\n- Lưu: VT, NC.",
    }
    fields.update(overrides)
    return fields


def test_agreement_create_keeps_partners_file_and_who(quang_tri, coordinator, savannakhet, salavan):
    agreement = agreement_create(
        province=quang_tri,
        user=coordinator,
        fields={
            "kind": "agreement",
            "title": "Văn bản thỏa thuận hợp tác giai đoạn 2026 - 2030",
            "start_year": 2026,
            "end_year": 2030,
            "signed_date": date(2025, 12, 1),
            "signed_place": "Đông Hà",
            "signatories": "Võ Văn Hưng, Chủ tịch UBND tỉnh Quảng Trị",
        },
        partners=[savannakhet, salavan],
        file=SimpleUploadedFile("thoa-thuan.pdf", PDF),
    )
    assert set(agreement.partners.values_list("name", flat=True)) == {"Savannakhet", "Salavan"}
    assert agreement.file.name.endswith(".pdf")
    assert agreement.history.earliest().history_user == coordinator


def test_agreement_refuses_a_file_that_is_not_what_its_name_says(quang_tri, coordinator):
    with pytest.raises(ValidationError) as error:
        agreement_create(
            province=quang_tri,
            user=coordinator,
            fields={"title": "Thỏa thuận giả"},
            file=SimpleUploadedFile("thoa-thuan.pdf", b"MZ\x90\x00 not a pdf at all"),
        )
    assert "không phải tệp PDF thật" in " ".join(error.value.message_dict["file"])
    assert not Agreement.objects.filter(title="Thỏa thuận giả").exists()


def test_agreement_refuses_a_spreadsheet(quang_tri, coordinator):
    with pytest.raises(ValidationError) as error:
        agreement_create(
            province=quang_tri,
            user=coordinator,
            fields={"title": "Thỏa thuận"},
            file=SimpleUploadedFile("bang.xlsx", b"PK\x03\x04rest"),
        )
    assert "chỉ nhận PDF, DOCX, JPG, PNG" in " ".join(error.value.message_dict["file"])


def test_agreement_update_records_the_period_change(quang_tri, coordinator):
    agreement = Agreement.objects.filter(province=quang_tri).first()
    agreement_update(agreement=agreement, user=coordinator, fields={"end_year": 2031})
    latest = agreement.history.latest()
    assert latest.history_user == coordinator
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["end_year"]
    with pytest.raises(ValidationError) as error:
        agreement_update(agreement=agreement, user=coordinator, fields={"start_year": 2040})
    assert "end_year" in error.value.message_dict


def test_meeting_needs_a_date_or_a_planned_time(quang_tri, coordinator):
    with pytest.raises(ValidationError) as error:
        meeting_create(
            province=quang_tri, user=coordinator, fields={"title": "Hội đàm", "kind": "other"}
        )
    assert "date" in error.value.message_dict
    meeting = meeting_create(
        province=quang_tri,
        user=coordinator,
        fields={"title": "Hội đàm cấp cao", "kind": "high_level", "timeframe_text": "Quý III/2022"},
    )
    # The planned time is understood as dates, so calendars and timelines can place it.
    assert (meeting.start_date, meeting.end_date) == (date(2022, 7, 1), date(2022, 9, 30))


def test_plan_create_refuses_a_duplicate_number_in_the_province(quang_tri, khanh_hoa, coordinator):
    with pytest.raises(ValidationError) as error:
        plan_create(province=quang_tri, user=coordinator, fields=header(number="165/qđ-ubnd"))
    assert "Tỉnh đã có văn bản số" in error.value.message_dict["number"][0]
    # Another province may use the same number.
    assert plan_create(province=khanh_hoa, user=coordinator, fields=header(number="165/QĐ-UBND"))


def test_plan_refuses_a_parent_of_another_province(quang_tri, khanh_hoa, coordinator):
    foreign = Plan.objects.get(province=khanh_hoa, number="592/KH-UBND")
    with pytest.raises(ValidationError) as error:
        plan_create(province=quang_tri, user=coordinator, fields=header(parent=foreign))
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan_create(province=quang_tri, user=coordinator, fields=header(end_year=2020))
    assert "end_year" in error.value.message_dict
    assert not Plan.objects.filter(province=quang_tri, number="12/KH-UBND").exists()


def test_plan_goes_draft_issued_closed_and_reopens_with_a_reason(quang_tri, coordinator):
    plan = plan_create(province=quang_tri, user=coordinator, fields=header())
    assert plan.status == PlanStatus.DRAFT
    plan_issue(plan=plan, user=coordinator)
    plan_close(plan=plan, user=coordinator)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    plan_reopen(plan=plan, user=coordinator, reason="Bổ sung nhiệm vụ năm 2027", to="issued")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    latest = plan.history.latest()
    assert latest.history_change_reason == "Mở lại: Bổ sung nhiệm vụ năm 2027"
    assert latest.history_user == coordinator
    reasons = list(
        plan.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[-3:] == ["Ban hành", "Kết thúc", "Mở lại: Bổ sung nhiệm vụ năm 2027"]


@pytest.mark.parametrize(
    ("status", "step", "message"),
    [
        ("draft", "close", "từ «Dự thảo» sang «Đã kết thúc»"),
        ("issued", "issue", "từ «Đã ban hành» sang «Đã ban hành»"),
        ("closed", "issue", "từ «Đã kết thúc» sang «Đã ban hành»"),
        ("draft", "reopen", "từ «Dự thảo» sang «Dự thảo»"),
    ],
)
def test_wrong_transitions_are_refused_with_a_message(
    quang_tri, coordinator, status, step, message
):
    plan = plan_create(province=quang_tri, user=coordinator, fields=header())
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    count = plan.history.count()
    with pytest.raises(ValidationError) as error:
        if step == "issue":
            plan_issue(plan=plan, user=coordinator)
        elif step == "close":
            plan_close(plan=plan, user=coordinator)
        else:
            plan_reopen(plan=plan, user=coordinator, reason="Sửa", to="draft")
    assert message in " ".join(error.value.messages)
    plan.refresh_from_db()
    assert plan.status == status and plan.history.count() == count


def test_reopen_needs_a_reason_and_issue_needs_a_date(quang_tri, coordinator):
    plan = plan_create(province=quang_tri, user=coordinator, fields=header(date=None))
    with pytest.raises(ValidationError) as error:
        plan_issue(plan=plan, user=coordinator)
    assert "ngày ban hành" in " ".join(error.value.messages)
    plan_update(plan=plan, user=coordinator, fields={"date": date(2026, 3, 2)})
    plan_issue(plan=plan, user=coordinator)
    with pytest.raises(ValidationError) as error:
        plan_reopen(plan=plan, user=coordinator, reason="   ")
    assert "reason" in error.value.message_dict
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED


def test_a_closed_plan_is_not_edited_until_reopened(quang_tri, coordinator):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    plan_close(plan=plan, user=coordinator)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        plan_update(plan=plan, user=coordinator, fields={"title": "Đổi tên"})
    assert Plan.objects.get(pk=plan.pk).title != "Đổi tên"


def test_issuing_keeps_the_tasks_history(quang_tri, coordinator):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    plan_reopen(plan=plan, user=coordinator, reason="Sửa phụ lục")
    task = Task.objects.filter(plan=plan).first()
    before = task.history.count()
    plan_issue(plan=plan, user=coordinator)
    assert task.history.count() == before
    assert Task.objects.filter(plan=plan).count() > 40


def test_directive_from_a_meeting_links_meeting_and_parent(quang_tri, coordinator, savannakhet):
    meeting = Meeting.objects.filter(province=quang_tri).first()
    parent = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    directive = directive_create(
        meeting=meeting,
        user=coordinator,
        fields=header(number="99/UBND-ĐN", kind="plan", parent=parent),
        partners=[savannakhet],
    )
    assert directive.kind == "directive" and directive.status == "draft"
    assert directive.meeting == meeting and directive.parent == parent
    assert list(meeting.directives.filter(number="99/UBND-ĐN")) == [directive]
