"""The plan's own text: services that keep its blocks in order, and the editor on the plan page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Plan
from tasks.models import PlanBlock
from tasks.services import (
    block_create,
    block_delete,
    block_move,
    block_paste,
    block_update,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(quang_tri):
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


@pytest.fixture
def other_plan(khanh_hoa):
    return Plan.objects.get(province=khanh_hoa, number="592/KH-UBND")


def texts(plan, part="main"):
    return list(
        PlanBlock.objects.filter(plan=plan, part=part)
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )


@pytest.fixture
def three(plan, coordinator):
    PlanBlock.objects.filter(plan=plan).delete()  # whatever the seed loader put there
    return [
        block_create(plan=plan, kind="paragraph", text=text, user=coordinator)
        for text in ("Một", "Hai", "Ba")
    ]


# -- services ------------------------------------------------------------------------------------


def test_blocks_are_added_at_the_end_or_after_a_given_block(plan, three, coordinator):
    block_create(plan=plan, kind="heading", number="I.", text="Chen", after=three[0])
    block_create(plan=plan, kind="paragraph", text="Cuối")
    assert texts(plan) == ["Một", "Chen", "Hai", "Ba", "Cuối"]
    created = PlanBlock.objects.get(plan=plan, text="Chen")
    assert (created.kind, created.number, created.part) == ("heading", "I.", "main")
    assert three[0].history.first().history_user == coordinator


def test_the_attached_plan_keeps_its_own_order(plan, three):
    block_create(plan=plan, kind="heading", text="KẾ HOẠCH", part="attached")
    block_create(plan=plan, kind="paragraph", text="Kèm theo", part="attached")
    assert texts(plan) == ["Một", "Hai", "Ba"]
    assert texts(plan, "attached") == ["KẾ HOẠCH", "Kèm theo"]
    with pytest.raises(ValidationError) as error:
        block_create(plan=plan, kind="paragraph", text="Sai chỗ", part="attached", after=three[1])
    assert "after" in error.value.message_dict
    assert texts(plan, "attached") == ["KẾ HOẠCH", "Kèm theo"]


def test_a_bad_block_saves_nothing_and_moves_nothing(plan, three):
    positions = list(PlanBlock.objects.filter(plan=plan).values_list("pk", "position"))
    with pytest.raises(ValidationError) as error:
        block_create(plan=plan, kind="paragraph", text="   ", after=three[0])
    assert "text" in error.value.message_dict
    assert list(PlanBlock.objects.filter(plan=plan).values_list("pk", "position")) == positions


def test_a_table_block_names_a_section_of_the_same_plan(plan, other_plan, three):
    own = plan.sections.get(number="PHỤ LỤC I")
    block = block_create(plan=plan, kind="table", section=own, after=three[2])
    assert block.section == own
    foreign = other_plan.sections.first()
    with pytest.raises(ValidationError) as error:
        block_create(plan=plan, kind="table", section=foreign)
    assert "section" in error.value.message_dict
    with pytest.raises(ValidationError):
        block_create(plan=plan, kind="table")
    assert PlanBlock.objects.filter(plan=plan, kind="table").count() == 1


def test_paste_makes_blocks_in_place_in_one_go(plan, three, coordinator):
    created = block_paste(
        plan=plan,
        text="II. NHIỆM VỤ\n1. Hợp tác\n- Trao đổi đoàn\n+ Cấp tỉnh\nĐoạn thường.",
        after=three[0],
        user=coordinator,
    )
    assert [(b.kind, b.number, b.level) for b in created] == [
        ("heading", "II.", 1),
        ("heading", "1.", 2),
        ("list_item", "-", 1),
        ("list_item", "+", 2),
        ("paragraph", "", 1),
    ]
    assert texts(plan) == [
        "Một",
        *("NHIỆM VỤ", "Hợp tác", "Trao đổi đoàn", "Cấp tỉnh", "Đoạn thường."),
        "Hai",
        "Ba",
    ]
    assert all(b.history.first().history_user == coordinator for b in created)


def test_pasting_nothing_is_refused(plan, three):
    with pytest.raises(ValidationError) as error:
        block_paste(plan=plan, text=" \n \n")
    assert "text" in error.value.message_dict
    assert texts(plan) == ["Một", "Hai", "Ba"]


def test_move_swaps_with_the_neighbour_and_is_recorded(plan, three, coordinator):
    assert block_move(block=three[2], direction="up", user=coordinator)
    assert texts(plan) == ["Một", "Ba", "Hai"]
    assert three[2].history.first().history_user == coordinator
    assert block_move(block=three[0], direction="up") is False
    assert block_move(block=PlanBlock.objects.get(pk=three[1].pk), direction="down") is False
    assert texts(plan) == ["Một", "Ba", "Hai"]


def test_update_keeps_history_and_refuses_an_empty_text(plan, three, coordinator):
    block = block_update(
        block=three[1], fields={"text": "Hai (sửa)", "kind": "heading"}, user=coordinator
    )
    assert block.history.first().text == "Hai (sửa)"
    assert block.history.count() == 2
    with pytest.raises(ValidationError):
        block_update(block=PlanBlock.objects.get(pk=block.pk), fields={"text": ""})
    assert PlanBlock.objects.get(pk=block.pk).text == "Hai (sửa)"


def test_delete_is_kept_in_history(plan, three, coordinator):
    pk = three[1].pk
    block_delete(block=three[1], user=coordinator)
    assert texts(plan) == ["Một", "Ba"]
    last = PlanBlock.history.filter(id=pk).first()
    assert last.history_type == "-" and last.history_user == coordinator


# -- the plan page -------------------------------------------------------------------------------


def test_plan_page_shows_the_text_in_order_with_its_parts_and_table_marker(
    client, plan, three, quang_tri
):
    appendix = plan.sections.get(number="PHỤ LỤC I")
    block_create(plan=plan, kind="heading", number="Điều 1.", text="Ban hành", after=three[0])
    block_create(plan=plan, kind="heading", text="KẾ HOẠCH", part="attached")
    block_create(plan=plan, kind="table", section=appendix, part="attached")
    client.force_login(make_user("ld", "leader", quang_tri, None))
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    html = page[page.index('id="plan-blocks"') :]  # the header above names the kind too
    order = ["Quyết định</h3>", "Một</p>", "Điều 1.", "Ban hành</p>", "Hai</p>", "Ba</p>"]
    order += ["Kế hoạch ban hành kèm theo</h3>", "KẾ HOẠCH", "Bảng nhiệm vụ của PHỤ LỤC I"]
    text = html[html.index('id="plan-blocks"') :]  # the header above shows the trích yếu
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert f'href="#section-{appendix.pk}"' in html and f'id="section-{appendix.pk}"' in html
    # A leader reads the text but is offered no editing.
    assert "/blocks/" not in page and "Dán nhiều đoạn" not in page


def test_coordinator_is_offered_the_editor(coordinator_client, plan, three):
    html = coordinator_client.get(f"/plans/{plan.pk}/").content.decode()
    assert f'hx-get="/blocks/{three[0].pk}/edit/"' in html
    assert f"/plans/{plan.pk}/blocks/paste/?part=main" in html


def test_add_after_a_block_in_place(coordinator_client, plan, three, coordinator):
    form = coordinator_client.get(f"/plans/{plan.pk}/blocks/new/?after={three[0].pk}", **HX)
    assert form.status_code == 200
    assert f'name="after" value="{three[0].pk}"' in form.content.decode()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/blocks/new/",
        {"after": three[0].pk, "kind": "list_item", "number": "-", "text": "Mới", "level": 1},
        **HX,
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="plan-blocks"')
    assert texts(plan) == ["Một", "Mới", "Hai", "Ba"]
    assert PlanBlock.objects.get(text="Mới").history.first().history_user == coordinator


def test_without_javascript_the_forms_are_pages_and_posts_redirect(coordinator_client, plan, three):
    page = coordinator_client.get(f"/plans/{plan.pk}/blocks/new/?part=attached")
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>" in html and "hx-post" not in html
    assert 'name="part" value="attached"' in html
    response = coordinator_client.post(
        f"/plans/{plan.pk}/blocks/new/",
        {"part": "attached", "kind": "paragraph", "text": "Phần kèm theo", "level": 1},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/#plan-blocks"
    assert texts(plan, "attached") == ["Phần kèm theo"]


def test_edit_in_place_and_bad_input_names_the_field(coordinator_client, plan, three):
    response = coordinator_client.post(
        f"/blocks/{three[1].pk}/edit/",
        {"kind": "heading", "number": "II.", "text": "HAI", "level": 1, "bold": "on"},
        **HX,
    )
    assert response.status_code == 200 and "HAI" in response.content.decode()
    block = PlanBlock.objects.get(pk=three[1].pk)
    assert (block.kind, block.number, block.text, block.bold) == ("heading", "II.", "HAI", True)

    bad = coordinator_client.post(
        f"/blocks/{three[1].pk}/edit/", {"kind": "paragraph", "text": "", "level": 1}, **HX
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and bad["HX-Retarget"] == f"#block-form-{three[1].pk}"
    assert "Khối văn bản không được để trống." in html
    plain = coordinator_client.post(
        f"/blocks/{three[1].pk}/edit/", {"kind": "table", "text": "", "level": 1}
    )
    assert plain.status_code == 400
    assert "Khối bảng phải chỉ ra bảng của phụ lục, mục nào." in plain.content.decode()
    level = coordinator_client.post(
        f"/blocks/{three[1].pk}/edit/", {"kind": "paragraph", "text": "Sâu", "level": 9}
    )
    assert level.status_code == 400 and "Cấp phải từ 1 đến 6." in level.content.decode()
    assert PlanBlock.objects.get(pk=three[1].pk).text == "HAI"


def test_a_table_block_cannot_name_another_plans_section(coordinator_client, plan, other_plan):
    foreign = other_plan.sections.first()
    response = coordinator_client.post(
        f"/plans/{plan.pk}/blocks/new/", {"kind": "table", "section": foreign.pk, "level": 1}
    )
    assert response.status_code == 400
    assert not PlanBlock.objects.filter(plan=plan, kind="table").exists()


def test_paste_several_paragraphs(coordinator_client, plan, three):
    response = coordinator_client.post(
        f"/plans/{plan.pk}/blocks/paste/",
        {
            "after": three[2].pk,
            "text": "III. TỔ CHỨC THỰC HIỆN\r\n\r\na) Sở Ngoại vụ\r\nb) Sở Tài chính",
        },
        **HX,
    )
    assert response.status_code == 200
    assert texts(plan) == ["Một", "Hai", "Ba", "TỔ CHỨC THỰC HIỆN", "Sở Ngoại vụ", "Sở Tài chính"]
    html = response.content.decode()
    assert '<span class="marker">a)</span>' in html and '<span class="number">III.</span>' in html

    empty = coordinator_client.post(f"/plans/{plan.pk}/blocks/paste/", {"text": "  "})
    assert empty.status_code == 400 and "Hãy dán nội dung văn bản." in empty.content.decode()
    assert len(texts(plan)) == 6


def test_move_and_delete_by_plain_post(coordinator_client, plan, three):
    moved = coordinator_client.post(f"/blocks/{three[0].pk}/move/", {"direction": "down"})
    assert moved.status_code == 302
    assert texts(plan) == ["Hai", "Một", "Ba"]
    swapped = coordinator_client.post(f"/blocks/{three[2].pk}/move/", {"direction": "up"}, **HX)
    assert swapped.status_code == 200 and texts(plan) == ["Hai", "Ba", "Một"]
    gone = coordinator_client.post(f"/blocks/{three[1].pk}/delete/", **HX)
    assert gone.status_code == 200 and texts(plan) == ["Ba", "Một"]
    assert "Hai" not in gone.content.decode()


def test_after_a_block_of_another_plan_is_not_found(coordinator_client, plan, three, quang_tri):
    other = Plan.objects.filter(province=quang_tri).exclude(pk=plan.pk).first()
    response = coordinator_client.post(
        f"/plans/{other.pk}/blocks/new/",
        {"after": three[0].pk, "kind": "paragraph", "text": "Lạc chỗ", "level": 1},
    )
    assert response.status_code == 404
    assert not PlanBlock.objects.filter(text="Lạc chỗ").exists()


@pytest.mark.parametrize("role", ["leader", "reporter", "foreign"])
def test_only_coordinators_of_the_province_change_the_text(
    client, plan, three, quang_tri, khanh_hoa, coordinator_kh, role
):
    from agreements.models import Agency

    users = {
        "leader": lambda: make_user("ld", "leader", quang_tri, None),
        "reporter": lambda: make_user(
            "rp", "reporter", quang_tri, Agency.objects.get(province=quang_tri, name="Sở Y tế")
        ),
        "foreign": lambda: coordinator_kh,
    }
    client.force_login(users[role]())
    block = three[1]
    edit = {"kind": "paragraph", "text": "X", "level": 1}
    assert client.post(f"/blocks/{block.pk}/edit/", edit).status_code == 404
    assert client.post(f"/blocks/{block.pk}/move/", {"direction": "up"}).status_code == 404
    assert client.post(f"/blocks/{block.pk}/delete/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/blocks/paste/", {"text": "Y"}).status_code == 404
    assert texts(plan) == ["Một", "Hai", "Ba"]
