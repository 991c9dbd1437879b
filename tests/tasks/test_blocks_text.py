"""Pasted text → blocks, and the next STT: pure rules, no database.

The examples are lines from the seed documents (165/QĐ-UBND, 592/KH-UBND, 110/KH-UBND).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.blocks import BlockDraft, next_stt, split_line, split_pasted


@pytest.mark.parametrize(
    ("line", "kind", "number", "level", "text"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", "heading", "I.", 1, "MỤC ĐÍCH, YÊU CẦU"),
        ("III. NHIỆM VỤ CỤ THỂ", "heading", "III.", 1, "NHIỆM VỤ CỤ THỂ"),
        ("XIV. Điều khoản thi hành", "heading", "XIV.", 1, "Điều khoản thi hành"),
        ("1. Mục đích", "heading", "1.", 2, "Mục đích"),
        ("4.2. Về văn hóa", "heading", "4.2.", 3, "Về văn hóa"),
        ("7.4 Y tế", "heading", "7.4", 3, "Y tế"),
        ("1.2.3. Chi tiết", "heading", "1.2.3.", 4, "Chi tiết"),
        ("9.\tTổ chức hoạt động văn hóa", "heading", "9.", 2, "Tổ chức hoạt động văn hóa"),
        ("Điều 1. Ban hành kèm theo Quyết định này", "heading", "Điều 1.", 1,
         "Ban hành kèm theo Quyết định này"),
        ("Điều 12: Hiệu lực", "heading", "Điều 12:", 1, "Hiệu lực"),
        ("Phần II. Tổ chức thực hiện", "heading", "Phần II.", 1, "Tổ chức thực hiện"),
        ("a) Hợp tác giáo dục", "list_item", "a)", 2, "Hợp tác giáo dục"),
        ("đ) Y tế", "list_item", "đ)", 2, "Y tế"),
        ("2) Thứ hai", "list_item", "2)", 2, "Thứ hai"),
        ("- Tiếp tục triển khai đường lối", "list_item", "-", 1, "Tiếp tục triển khai đường lối"),
        ("-Không có dấu cách", "list_item", "-", 1, "Không có dấu cách"),
        ("– Gạch dài", "list_item", "–", 1, "Gạch dài"),
        ("+ Cấp hai", "list_item", "+", 2, "Cấp hai"),
        ("• Chấm tròn", "list_item", "•", 1, "Chấm tròn"),
        ("\uf0b7 Ký hiệu Word", "list_item", "\uf0b7", 1, "Ký hiệu Word"),
    ],
)  # fmt: skip
def test_printed_numbering_is_recognised(line, kind, number, level, text):
    draft = split_line(line)
    assert (draft.kind, draft.number, draft.level, draft.text) == (kind, number, level, text)


@pytest.mark.parametrize(
    "line",
    [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
        "1.000 cán bộ được đào tạo mỗi năm",  # a quantity, not "1."
        "2020 - 2022 là giai đoạn đầu",  # a year, not a number with a dot
        "15/01/2020 ký tại Quảng Trị",
        "Interpol và các nước",  # starts like a Roman numeral, no dot
        "Ireland. Một câu",  # letters of a word, not a numeral
        "V/v báo cáo",
        "IIII. không phải số La Mã",
        "1",
    ],
)
def test_ordinary_sentences_stay_paragraphs(line):
    draft = split_line(line)
    assert draft.kind == "paragraph"
    assert draft.number == ""
    assert draft.text == line


def test_a_number_alone_on_its_line_is_kept_as_text():
    assert split_line("II.") == BlockDraft(kind="paragraph", text="II.")
    assert split_line("-") == BlockDraft(kind="paragraph", text="-")


def test_a_line_in_capitals_is_a_centred_title():
    draft = split_line("QUYẾT ĐỊNH:")
    assert (draft.kind, draft.bold, draft.align, draft.number) == ("heading", True, "center", "")


def test_a_pasted_passage_becomes_its_blocks_in_order():
    pasted = (
        "I. MỤC ĐÍCH, YÊU CẦU\r\n"
        "1. Mục đích\r\n"
        "\r\n"
        "- Tiếp tục triển khai đường lối của Đảng;\r\n"
        "+ Bảo đảm sự chỉ đạo của Chính phủ\r\n"
        "   \r\n"
        "Thực hiện ý kiến chỉ đạo của Phó Thủ tướng.\n"
        "a) Hợp tác giáo dục\n"
    )
    drafts = split_pasted(pasted)
    assert [(d.kind, d.number, d.level) for d in drafts] == [
        ("heading", "I.", 1),
        ("heading", "1.", 2),
        ("list_item", "-", 1),
        ("list_item", "+", 2),
        ("paragraph", "", 1),
        ("list_item", "a)", 2),
    ]
    assert drafts[2].text == "Tiếp tục triển khai đường lối của Đảng;"
    assert drafts[4].text == "Thực hiện ý kiến chỉ đạo của Phó Thủ tướng."


def test_a_line_cut_in_the_middle_joins_the_block_above():
    # 592/KH-UBND, II.3: a bullet broken by the page, its tail starting in lower case.
    pasted = (
        "- Tiếp tục phát huy những thế mạnh của các cơ quan, đơn vị trên địa bàn tỉnh\n"
        "\n"
        "nói riêng, Việt Nam nói chung với Lào và các đối tác.\n"
        "tiếp theo một câu đã hết thì là đoạn\n"
    )
    drafts = split_pasted(pasted)
    assert len(drafts) == 2
    assert drafts[0].kind == "list_item"
    assert drafts[0].text == (
        "Tiếp tục phát huy những thế mạnh của các cơ quan, đơn vị trên địa bàn tỉnh "
        "nói riêng, Việt Nam nói chung với Lào và các đối tác."
    )
    assert drafts[1] == BlockDraft(kind="paragraph", text="tiếp theo một câu đã hết thì là đoạn")


def test_spaces_inside_a_line_are_tidied_and_blank_paste_gives_nothing():
    assert split_pasted("  Căn cứ \t Luật   Tổ chức\u00a0chính quyền  ")[0].text == (
        "Căn cứ Luật Tổ chức chính quyền"
    )
    assert split_pasted("") == []
    assert split_pasted(" \n\r\n\t\n") == []


@given(st.lists(st.text(alphabet="abcđ ĐIVX.-+•)(1234\t", max_size=30), max_size=12))
def test_splitting_never_loses_words_nor_makes_empty_blocks(lines):
    drafts = split_pasted("\n".join(lines))
    assert all(d.text.strip() for d in drafts)
    words_in = "".join("".join(lines).split())
    words_out = "".join("".join(d.number + d.text for d in drafts).split())
    assert words_out == words_in


@pytest.mark.parametrize(
    ("previous", "expected"),
    [
        ("26.", "27."),
        ("26", "27"),
        ("9.", "10."),
        ("1.3", "1.4"),
        ("1.3.", "1.4."),
        ("1.9", "1.10"),
        ("09", "10"),
        ("01.", "02."),
        ("Điều 3.", "Điều 4."),
        ("a)", "b)"),
        ("d)", "đ)"),
        ("đ)", "e)"),
        ("e)", "g)"),  # Vietnamese lettering has no f
        ("A.", "B."),
        ("D.", "Đ."),
        ("I.", "II."),
        ("III.", "IV."),
        ("IV", "V"),
        ("VIII.", "IX."),
        ("XIX.", "XX."),
        ("", "1."),
        ("  ", "1."),
        ("-", ""),
        ("y)", ""),
        ("f)", ""),
    ],
)
def test_next_stt_follows_the_printed_one(previous, expected):
    assert next_stt(previous) == expected
