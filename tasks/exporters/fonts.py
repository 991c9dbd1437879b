"""How wide a text is in the shipped Tinos (metric-compatible with Times New Roman).

Server-drawn SVG (charts in the round documents, the plan timeline) must cut and wrap its labels
itself; it measures them with the advance widths of the very font files the PDFs embed
(``static/fonts``), so every Vietnamese letter has its real width.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings


@lru_cache(maxsize=4)
def _advances(face: str) -> tuple[dict[int, int], float]:
    from fontTools.ttLib import TTFont

    path = Path(settings.BASE_DIR) / "static" / "fonts" / f"Tinos-{face}.ttf"
    with TTFont(path, lazy=True) as font:
        metrics = font["hmtx"].metrics
        widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        return widths, float(font["head"].unitsPerEm)


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width of ``text`` at ``size`` units (points, pixels: the unit of ``size``)."""
    face = ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"
    widths, per_em = _advances(face)
    fallback = widths.get(ord("n"), per_em / 2)
    return (
        sum(widths.get(ord(char), fallback) for char in unicodedata.normalize("NFC", text))
        * size
        / per_em
    )


@lru_cache(maxsize=4)
def _line_factor(face: str) -> float:
    """One line of text, in ems: ascent + descent + line gap of the shipped face."""
    from fontTools.ttLib import TTFont

    path = Path(settings.BASE_DIR) / "static" / "fonts" / f"Tinos-{face}.ttf"
    with TTFont(path, lazy=True) as font:
        hhea = font["hhea"]
        return (hhea.ascent - hhea.descent + hhea.lineGap) / font["head"].unitsPerEm


@lru_cache(maxsize=65536)
def _word_units(word: str, face: str) -> float:
    """A word's advance in font units (words repeat: a workbook measures each once)."""
    widths, per_em = _advances(face)
    fallback = widths.get(ord("n"), per_em / 2)
    return float(sum(widths.get(ord(c), fallback) for c in unicodedata.normalize("NFC", word)))


def wrapped_lines(
    text: str, width: float, size: float, *, bold: bool = False, italic: bool = False
) -> int:
    """How many lines ``text`` takes in a box ``width`` wide (the unit of ``size``), wrapped at
    spaces as a spreadsheet or word processor does; a word longer than the box is cut."""
    count = 0
    face = ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"
    scale = size / _advances(face)[1]
    space = _word_units(" ", face) * scale
    for paragraph in text.split("\n"):
        count += 1
        line = 0.0
        for word in paragraph.split():
            advance = _word_units(word, face) * scale
            if line and line + space + advance > width:
                count += 1
                line = 0.0
            if line:
                line += space
            while advance > width > 0:  # a word wider than the box breaks inside itself
                count += 1
                advance -= width
            line += advance
    return max(count, 1)


def line_height(size: float, *, bold: bool = False, italic: bool = False) -> float:
    face = ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"
    return _line_factor(face) * size


FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def fonts_load() -> None:
    """Read every face's metrics now (~10 ms each), not in the first request that measures a
    label: a new web worker's first dashboard chart paid 40 ms for it (``coopplan.warmup``)."""
    for face in FACES:
        _advances(face)
        _line_factor(face)
