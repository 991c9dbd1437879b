"""A plan's stored text (``PlanBlock`` rows) as the exporters print it.

The PDF and the DOCX both print the main part, then (for a Quyết định) the Kế hoạch it issues,
and put each ``table`` block's task table where the block stands. A table block that names a
sub-section prints the table of that sub-section's top-level section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.models import BlockAlign, BlockKind, BlockPart, PlanBlock, Section
from tasks.selectors import plan_blocks


@dataclass
class PlanText:
    main: list[PlanBlock] = field(default_factory=list)
    attached: list[PlanBlock] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.main or self.attached)

    def placed_tops(self) -> set[int]:
        """Top-level sections whose table a block places inside the text."""
        return {
            top_section(block.section).pk
            for block in (*self.main, *self.attached)
            if block.kind == BlockKind.TABLE and block.section is not None
        }


def plan_text(plan) -> PlanText:
    text = PlanText()
    for block in plan_blocks(plan):
        (text.attached if block.part == BlockPart.ATTACHED else text.main).append(block)
    return text


def top_section(section: Section) -> Section:
    while section.parent is not None:
        section = section.parent
    return section


def block_label(block: PlanBlock) -> str:
    """The printed number and text on one line: "Điều 1. Ban hành …", "- Tiếp tục …"."""
    return " ".join(part for part in (block.number, block.text) if part)


def is_centred(block: PlanBlock) -> bool:
    return block.align == BlockAlign.CENTER


def number_is_bold(block: PlanBlock) -> bool:
    """An article's "Điều 1." prints bold in front of its plain text."""
    return block.kind == BlockKind.PARAGRAPH and block.number.startswith("Điều")
