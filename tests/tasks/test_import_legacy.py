"""Plans typed in TCVN3 (ABC: .VnTime, .VnTimeH …) or VNI (VNI-Times …) import as Unicode NFC:
by the font of each Word run or Excel cell, or by the text itself; the preview says what was
converted; text still in an old encoding is refused, never saved."""

from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from agreements.models import Plan
from tasks.importers import legacy
from tasks.importers.parser import parse_grids
from tasks.importers.reader import PlanImportError, read_source
from tasks.importers.service import plan_import
from tasks.models import Section, Task
from tests.tasks.import_layouts import (
    APPENDICES,
    SAVANNAKHET,
    TWO_ROWS,
    docx_file,
    expected,
    parsed_rows,
    xlsx_file,
)

# Pairs published with other converters (not made with ours): TCVN3 and VNI as stored on disk.
KNOWN = [
    (legacy.TCVN3, "Ninh B×nh", "Ninh Bình"),
    (legacy.TCVN3, "B¶o Th¾ng", "Bảo Thắng"),
    (legacy.TCVN3, "M\xadêng Kh\xad\xacng", "Mường Khương"),
    (legacy.TCVN3, "B¸t X¸t", "Bát Xát"),
    (legacy.VNI, "Xin chaøo caùc baïn", "Xin chào các bạn"),
    (legacy.VNI, "Vieät Nam", "Việt Nam"),
    (legacy.VNI, "Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
    (legacy.VNI, "Ñaø Naüng", "Đà Nẵng"),
]


@pytest.mark.parametrize(("encoding", "stored", "text"), KNOWN)
def test_known_pairs_convert_both_ways(encoding, stored, text):
    assert legacy.decode(stored, encoding) == text
    assert legacy.encode(text, encoding) == stored


def test_tcvn3_capital_fonts_draw_small_codes_as_capitals():
    assert legacy.font_encoding(".VnTimeH") == legacy.TCVN3 and legacy.font_capitals(".VnTimeH")
    assert legacy.decode("KÕ HO¹CH", legacy.TCVN3, capitals=True) == "KẾ HOẠCH"
    assert legacy.font_encoding("VNI-Times") == legacy.VNI
    assert legacy.font_encoding("Times New Roman") is None
    # Word keeps a symbol font's characters in the private use area.
    assert legacy.decode("Vi\uf0d6t", legacy.TCVN3) == "Việt"


_VIETNAMESE = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩị"
    "òóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ,.-;()0123456789",
    min_size=1,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(text=_VIETNAMESE, capital=st.booleans())
def test_every_vietnamese_letter_round_trips(text, capital):
    if capital:
        text = text.upper()
    assert legacy.decode(legacy.encode(text, legacy.VNI), legacy.VNI) == text
    stored = legacy.encode(text, legacy.TCVN3)
    assert legacy.decode(stored, legacy.TCVN3, capitals=capital) == text
    assert unicodedata.is_normalized("NFC", legacy.decode(stored, legacy.TCVN3))


@settings(max_examples=300, deadline=None)
@given(text=_VIETNAMESE)
def test_unicode_vietnamese_is_never_taken_for_an_old_encoding(text):
    assert legacy.guess_encoding(text) is None
    assert legacy.guess_encoding(text.upper()) is None


def test_seed_texts_are_recognised_in_both_encodings():
    for task in SAVANNAKHET.tasks:
        assert legacy.guess_encoding(task.content) is None
        for encoding in (legacy.TCVN3, legacy.VNI):
            assert legacy.guess_encoding(legacy.encode(task.content, encoding)) == encoding


@pytest.mark.parametrize(
    ("build", "font", "heading_font", "note"),
    [
        (docx_file, ".VnTime", ".VnTimeH", "TCVN3 (ABC) (phông .VnTime, .VnTimeH)"),
        (docx_file, "VNI-Times", None, "VNI (phông VNI-Times)"),
        (xlsx_file, ".VnArial", ".VnArialH", "TCVN3 (ABC) (phông .VnArial, .VnArialH)"),
        (xlsx_file, "VNI-Helve", None, "VNI (phông VNI-Helve)"),
    ],
    ids=["docx-tcvn3", "docx-vni", "xlsx-tcvn3", "xlsx-vni"],
)
def test_legacy_font_files_import_word_for_word(build, font, heading_font, note):
    source = read_source(build(header=TWO_ROWS, font=font, heading_font=heading_font))
    parsed = parse_grids(source.grids)
    assert parsed_rows(parsed) == expected(APPENDICES)
    assert source.notes() == [f"Văn bản gõ bằng bảng mã {note} đã được chuyển sang Unicode."]
    assert parsed.sections[0].title == SAVANNAKHET.heading[1]


def _typed_without_font(encoding: str) -> bytes:
    """A TCVN3/VNI table whose font was switched to Times New Roman without converting it."""
    data = docx_file(font=".VnTime" if encoding == legacy.TCVN3 else "VNI-Times")
    document = Document(io.BytesIO(data))
    for run in document.element.body.iter("{*}r"):
        fonts = run.find("{*}rPr/{*}rFonts")
        if fonts is not None:
            for key in list(fonts.attrib):
                fonts.set(key, "Times New Roman")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", [legacy.TCVN3, legacy.VNI])
def test_legacy_text_without_its_font_is_recognised_by_its_text(encoding):
    source = read_source(_typed_without_font(encoding))
    parsed = parse_grids(source.grids)
    rows = parsed_rows(parsed)
    wanted = expected(APPENDICES)
    if encoding == legacy.TCVN3:  # no capital letters with tones in TCVN3 without its H fonts
        for row in rows + wanted:
            row["appendix"] = row["appendix"].lower()
    assert [row["content"] for row in rows] == [row["content"] for row in wanted]
    assert [row["lead"] for row in rows] == [row["lead"] for row in wanted]
    assert source.notes() == [
        f"Văn bản gõ bằng bảng mã {legacy.NAMES[encoding]} (nhận ra từ nội dung) đã được "
        "chuyển sang Unicode."
    ]


def test_one_unconverted_cell_in_a_unicode_file_is_refused_and_nothing_saved(quang_tri):
    document = Document()
    table = document.add_table(rows=0, cols=4)
    rows = [
        ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Thời gian"],
        ["1.", "Hội đàm thường niên về công tác biên giới", "Sở Ngoại vụ", "2020 - 2022"],
        ["2.", legacy.encode(SAVANNAKHET.tasks[0].content, legacy.TCVN3), "Sở Ngoại vụ", "2022"],
        ["3.", "Trao đổi đoàn công tác các cấp giữa hai tỉnh", "Sở Ngoại vụ", "Hằng năm"],
    ]
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    before = (Plan.objects.count(), Section.objects.count(), Task.objects.count())
    with pytest.raises(PlanImportError) as error:
        parsed = parse_grids(read_source(buffer.getvalue()).grids)
        plan_import(parsed=parsed, province=quang_tri, number="19/KH-UBND", title="Thử")
    message = str(error.value)
    assert message.startswith("Bảng 1, dòng 3, cột 2: chữ “Tæ chøc")
    assert "bảng mã cũ (TCVN3/VNI)" in message and "Unikey" in message
    assert (Plan.objects.count(), Section.objects.count(), Task.objects.count()) == before
