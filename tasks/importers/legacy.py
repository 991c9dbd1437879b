"""Vietnamese typed in the pre-Unicode encodings, back to Unicode (NFC).

Many provincial archives were typed in TCVN3 (the "ABC" table, fonts .VnTime, .VnArial …) or VNI
(VNI-Times …): 8-bit fonts whose glyphs draw Vietnamese letters in place of Latin-1 symbols, so
that "KÕ ho¹ch" on disk shows "Kế hoạch" on screen. Word and Excel keep those bytes as the Latin-1
characters (or, for symbol-charset fonts, as U+F0xx), and only the font says what they mean.

Nothing on PyPI does this small job well and is maintained, so the tables are here, written from
the published code charts (TCVN 5712:1993 VN3; VNI for Windows) and tested both ways.

``font_encoding`` reads a font name, ``guess_encoding`` the text itself (conservatively: it
answers only when the text could not be Vietnamese in Unicode), ``decode`` converts. The
encoders are the inverse, used by the tests to type TCVN3 and VNI files.
"""

from __future__ import annotations

import re
import unicodedata

TCVN3 = "TCVN3"
VNI = "VNI"
NAMES = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}

# TCVN3 (VN3): one byte per letter. Capitals with tone marks do not exist: the "H" fonts
# (.VnTimeH, .VnArialH …) draw the small letters' codes as capitals.
_TCVN3_LETTERS = (
    # plain, grave, hook, tilde, acute, dot below
    ("a", "\xb5\xb6\xb7\xb8\xb9", "àảãáạ"),
    ("ă", "\xbb\xbc\xbd\xbe\xc6", "ằẳẵắặ"),
    ("â", "\xc7\xc8\xc9\xca\xcb", "ầẩẫấậ"),
    ("e", "\xcc\xce\xcf\xd0\xd1", "èẻẽéẹ"),
    ("ê", "\xd2\xd3\xd4\xd5\xd6", "ềểễếệ"),
    ("i", "\xd7\xd8\xdc\xdd\xde", "ìỉĩíị"),
    ("o", "\xdf\xe1\xe2\xe3\xe4", "òỏõóọ"),
    ("ô", "\xe5\xe6\xe7\xe8\xe9", "ồổỗốộ"),
    ("ơ", "\xea\xeb\xec\xed\xee", "ờởỡớợ"),
    ("u", "\xef\xf1\xf2\xf3\xf4", "ùủũúụ"),
    ("ư", "\xf5\xf6\xf7\xf8\xf9", "ừửữứự"),
    ("y", "\xfa\xfb\xfc\xfd\xfe", "ỳỷỹýỵ"),
)
_TCVN3_BASES = {
    "\xa8": "ă",
    "\xa9": "â",
    "\xaa": "ê",
    "\xab": "ô",
    "\xac": "ơ",
    "\xad": "ư",
    "\xae": "đ",
    "\xa1": "Ă",
    "\xa2": "Â",
    "\xa3": "Ê",
    "\xa4": "Ô",
    "\xa5": "Ơ",
    "\xa6": "Ư",
    "\xa7": "Đ",
}
TCVN3_TO_UNICODE: dict[str, str] = dict(_TCVN3_BASES)
for _base, _codes, _letters in _TCVN3_LETTERS:
    TCVN3_TO_UNICODE.update(zip(_codes, _letters, strict=True))
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)
_UNICODE_TO_TCVN3 = {letter: code for code, letter in TCVN3_TO_UNICODE.items()}

# VNI: a base letter, then one character for its shape (circumflex, breve) and tone together.
# Per vowel: acute, grave, hook, tilde, dot below; then circumflex (or breve for "a") + tone.
_VNI_TONES = "\xf9\xf8\xfb\xf5\xef"  # ù ø û õ ï
_VNI_CIRCUMFLEX = "\xe2\xe1\xe0\xe5\xe3\xe4"  # â á à å ã ä: plain, acute, grave, hook, tilde, dot
_VNI_BREVE = "\xea\xe9\xe8\xfa\xfc\xeb"  # ê é è ú ü ë
_TONED = {  # base → (acute, grave, hook, tilde, dot)
    "a": "áàảãạ",
    "â": "ấầẩẫậ",
    "ă": "ắằẳẵặ",
    "e": "éèẻẽẹ",
    "ê": "ếềểễệ",
    "o": "óòỏõọ",
    "ô": "ốồổỗộ",
    "ơ": "ớờởỡợ",
    "u": "úùủũụ",
    "ư": "ứừửữự",
    "y": "ýỳỷỹỵ",
}


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for small in (True, False):

        def case(text: str, small: bool = small) -> str:
            return text if small else text.upper()

        for vowel in "aeouy":
            # y with a dot below is one character (î), like the tones of i
            for tone, letter in zip(_VNI_TONES, _TONED[vowel], strict=True):
                if not (vowel == "y" and tone == "\xef"):
                    pairs[case(vowel + tone)] = case(letter)
        for vowel, shaped in (("a", "â"), ("e", "ê"), ("o", "ô")):
            pairs[case(vowel + _VNI_CIRCUMFLEX[0])] = case(shaped)
            for mark, letter in zip(_VNI_CIRCUMFLEX[1:], _TONED[shaped], strict=True):
                pairs[case(vowel + mark)] = case(letter)
        pairs[case("a" + _VNI_BREVE[0])] = case("ă")
        for mark, letter in zip(_VNI_BREVE[1:], _TONED["ă"], strict=True):
            pairs[case("a" + mark)] = case(letter)
        # ơ and ư are one character (ô, ö); then the tone follows as for a plain vowel.
        for code, shaped in (("\xf4", "ơ"), ("\xf6", "ư")):
            pairs[case(code)] = case(shaped)
            for tone, letter in zip(_VNI_TONES, _TONED[shaped], strict=True):
                pairs[case(code + tone)] = case(letter)
    return pairs


VNI_TO_UNICODE: dict[str, str] = {
    **_vni_pairs(),
    # i takes its tones as single characters; y with dot below too; đ.
    "\xed": "í",
    "\xec": "ì",
    "\xe6": "ỉ",
    "\xf3": "ĩ",
    "\xf2": "ị",
    "\xee": "ỵ",
    "\xf1": "đ",
    "\xcd": "Í",
    "\xcc": "Ì",
    "\xc6": "Ỉ",
    "\xd3": "Ĩ",
    "\xd2": "Ị",
    "\xce": "Ỵ",
    "\xd1": "Đ",
}
_VNI_PATTERN = re.compile(
    "|".join(re.escape(key) for key in sorted(VNI_TO_UNICODE, key=len, reverse=True))
)
_UNICODE_TO_VNI = {letter: code for code, letter in VNI_TO_UNICODE.items()}

# Letters only Unicode Vietnamese has (outside Latin-1): a word holding one is Unicode.
_UNICODE_ONLY = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
# TCVN3 puts its commonest letters (the tones of a, ă, â, ê, ô, ơ, ư, đ) on Latin-1 symbols that
# neither Unicode Vietnamese nor VNI ever has inside a word.
_TCVN3_MARK = re.compile("[\xa1-\xae\xb5-\xb9\xbb-\xbe\xc7\xd0\xd7\xde\xdf\xe7\xf7\xfe]")
# VNI marks tones with letters Unicode Vietnamese never has (ø û ï å ä ë ü æ î ñ ö), or with "ù"
# right after a vowel ("caùc" for "các").
_VNI_MARK = re.compile(
    "[\xf8\xfb\xef\xe5\xe4\xeb\xfc\xe6\xee\xf1\xf6\xd8\xdb\xcf\xc5\xc4\xcb\xdc\xc6\xce\xd1\xd6]"
    "|[aeouyAEOUY][\xf9\xd9]"
)
_ASCII_LETTER = re.compile("[A-Za-z]")
_WORD = re.compile(r"\S+")
# Every character a legacy table converts: a cell with none of them needs no conversion.
_TCVN3_CODES = re.compile("[" + "".join(sorted(TCVN3_TO_UNICODE)) + "]")


def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a font name stands for: ".VnTime" → TCVN3, "VNI-Times" → VNI."""
    name = (font or "").strip().lower()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith(("vni-", "vni ", "vni_")):
        return VNI
    return None


def font_capitals(font: str | None) -> bool:
    """TCVN3's capital fonts (.VnTimeH, .VnArialH …) draw small letters as capitals."""
    name = (font or "").strip().lower()
    return name.startswith(".vn") and name.endswith("h")


def _symbol_chars(text: str) -> str:
    # Word keeps a symbol-charset font's text in the private use area U+F020–U+F0FF.
    if not any("\uf020" <= char <= "\uf0ff" for char in text):
        return text
    return "".join(chr(ord(c) - 0xF000) if "\uf020" <= c <= "\uf0ff" else c for c in text)


def decode(text: str, encoding: str | None, *, capitals: bool = False) -> str:
    """``text`` typed in ``encoding`` as Unicode NFC; capitals for TCVN3's "H" fonts."""
    if not text or encoding is None:
        return text
    text = _symbol_chars(text)
    if encoding == TCVN3:
        text = text.translate(_TCVN3_TABLE)
    elif encoding == VNI:
        text = _VNI_PATTERN.sub(lambda match: VNI_TO_UNICODE[match.group(0)], text)
    else:
        raise ValueError(encoding)
    if capitals:
        text = text.upper()
    return unicodedata.normalize("NFC", text)


def encode(text: str, encoding: str) -> str:
    """Unicode ``text`` as it is stored in a legacy-font document (the tests' typist)."""
    text = unicodedata.normalize("NFC", text)
    if encoding == TCVN3:
        table = _UNICODE_TO_TCVN3
        out = []
        for char in text:
            if char in table:
                out.append(table[char])
            elif char.lower() in table and char.lower() != char:
                out.append(table[char.lower()])  # no capital in VN3: a small letter (.VnTimeH)
            else:
                out.append(char)
        return "".join(out)
    if encoding == VNI:
        return "".join(_UNICODE_TO_VNI.get(char, char) for char in text)
    raise ValueError(encoding)


def evidence(text: str) -> tuple[int, int, int]:
    """How many words of ``text`` read as (TCVN3, VNI, Unicode Vietnamese)."""
    tcvn = vni = unicode = 0
    for word in _WORD.findall(text):
        if _UNICODE_ONLY.search(word):
            unicode += 1
        elif not _ASCII_LETTER.search(word):
            continue  # "©", "½", "«»": symbols, not letters of a word
        elif _TCVN3_MARK.search(word):
            tcvn += 1
        elif _VNI_MARK.search(word):
            vni += 1
    return tcvn, vni, unicode


_TCVN3_IN_WORD = re.compile(
    "(?<=[A-Za-z])" + _TCVN3_MARK.pattern + "|" + _TCVN3_MARK.pattern + "(?=[A-Za-z])"
)
_VNI_IN_WORD = re.compile(
    "(?<=[A-Za-z])(?:" + _VNI_MARK.pattern + ")|(?:" + _VNI_MARK.pattern + ")(?=[A-Za-z])"
)


# Any character either table marks with and Unicode Vietnamese never has: one quick look per text.
_ANY_MARK = re.compile(
    "[\xa1-\xae\xb5-\xb9\xbb-\xbe\xc7\xd0\xd7\xde\xdf\xe7\xf7\xfe"
    "\xf8\xfb\xef\xe5\xe4\xeb\xfc\xe6\xee\xf1\xf6\xd8\xdb\xcf\xc5\xc4\xcb\xdc\xc6\xce\xd1\xd6]"
)


def document_encoding(texts) -> str | None:
    """The legacy encoding a whole document's text (no font said how it was typed) is in:
    marks of TCVN3 or VNI inside words outnumbering the letters only Unicode has. Fast on the
    common case, a Unicode document: one search per text, and nothing more without a mark."""
    texts = [text for text in texts if text and not text.isascii()]
    marked = [text for text in texts if _ANY_MARK.search(text)]
    if not marked:
        return None
    tcvn = sum(len(_TCVN3_IN_WORD.findall(text)) for text in marked)
    vni = sum(len(_VNI_IN_WORD.findall(text)) for text in marked)
    if max(tcvn, vni) < 6:
        return None
    unicode = sum(len(_UNICODE_ONLY.findall(text)) for text in texts)
    return verdict(tcvn, vni, unicode, least=6)


def verdict(tcvn: int, vni: int, unicode: int, *, least: int = 2) -> str | None:
    """The encoding the counted words point to, if they point clearly enough."""
    if tcvn >= least and tcvn > unicode and tcvn >= vni:
        return TCVN3
    if vni >= least and vni > unicode and vni > tcvn:
        return VNI
    return None


def guess_encoding(text: str) -> str | None:
    """TCVN3 or VNI when the text itself can only be that; None for Unicode or too little.

    Strict on purpose: one text holding a word of Unicode Vietnamese is Unicode, and at least
    two words must carry the marks of the legacy table.
    """
    if text.isascii() or _UNICODE_ONLY.search(text):
        return None
    tcvn, vni, _unicode = evidence(text)
    return verdict(tcvn, vni, 0)


def needs_decoding(text: str, encoding: str) -> bool:
    """In a document known to be typed in ``encoding``: does this text hold any of its codes
    (and no Unicode Vietnamese, which would mean someone retyped it since)?"""
    if _UNICODE_ONLY.search(text):
        return False
    if encoding == TCVN3:
        return bool(_TCVN3_CODES.search(text))
    return bool(_VNI_PATTERN.search(text))


def looks_legacy(text: str) -> bool:
    """Text that still reads like TCVN3/VNI: what must never reach the database."""
    return guess_encoding(text) is not None
