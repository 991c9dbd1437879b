import pytest

from agreements.text import fold, normalize, search_terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở Ngoại vụ", "so ngoai vu"),
        ("ĐƠN VỊ CHỦ TRÌ", "don vi chu tri"),
        ("Quảng  Trị", "quang tri"),
        ("Chămpasắc", "champasac"),
        ("Ất-ta-pư", "at-ta-pu"),
        # Beyond Vietnamese: punctuation kept, every combining mark dropped, the grapheme
        # joiner (not a mark) kept.
        ("Quý I–II “Đà  Nẵng”", "quy i–ii “da nang”"),
        ("Ά e\u20d7 a\u1dc4", "α e a"),
        ("a\u034fb", "a\u034fb"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_accents_case_and_extra_spaces(text, expected):
    assert fold(text) == expected


def test_fold_handles_decomposed_input():
    # Text pasted from Word on macOS may arrive decomposed (NFD).
    import unicodedata

    assert fold(unicodedata.normalize("NFD", "Ngoại vụ")) == "ngoai vu"


def test_normalize_keeps_lines_and_collapses_spaces():
    assert normalize("  Sở Ngoại vụ \n\n  Sở  Nội vụ ") == "Sở Ngoại vụ\nSở Nội vụ"


def test_search_terms_split_folded_words():
    assert search_terms("  Ngoại VỤ ") == ["ngoai", "vu"]
