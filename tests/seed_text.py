"""Reads the seed documents (../shared/seeds/*.txt) as the office printed them.

Only the web copy's own markup is undone: Markdown marks, the "-------" rules under the header,
the original's page number, a table row cut by a page break (its cells are joined again).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = [
    ROOT.parent / "shared" / "seeds",
    ROOT / "shared" / "seeds",
    Path("/work/shared/seeds"),
]


RULE = re.compile(r"^-{3,}$")
# The web copy of 592 keeps the original's page number "12" between Nơi nhận and the signature.
PAGE_NUMBER = re.compile(r"^\d{1,2}$")


def squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def unmark(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+", "", line.strip())
    line = line.replace("**", "")
    line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", line)
    line = re.sub(r"<(https?://[^>\s]+)>", r"\1", line)
    line = re.sub(r"^\*\s+", "- ", line)  # the web copy's bullet; the office printed a dash
    return squash(line)


def seed_path(name: str) -> Path:
    for directory in SEED_DIRS:
        if (directory / name).exists():
            return directory / name
    pytest.skip(f"seed {name} not found")


def seed_lines(name: str, first: str, last: str) -> list[str]:
    """The lines of seed ``name`` from the line starting ``first`` to the one starting ``last``."""
    raw = seed_path(name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(raw) if line.strip().startswith(first))
    end = next(i for i in range(start, len(raw)) if raw[i].strip().startswith(last))
    lines: list[str] = []
    row: list[str] | None = None  # a tab-separated table row, whose cells a page break may cut
    for line in raw[start : end + 1]:
        if "\t" in line:
            cells = line.split("\t")
            if row is not None and cells[0].strip() == "":
                # the rest of the row above, after a page break: its cells continue
                row = [f"{a} {b}".strip() for a, b in zip(row, cells, strict=False)]
                continue
            if row is not None:
                lines.extend(row)
            row = [cell.strip() for cell in cells]
            continue
        if line.strip() == "" and row is not None:
            continue
        if row is not None:
            lines.extend(row)
            row = None
        text = unmark(line)
        if not text or RULE.match(text) or PAGE_NUMBER.match(text):
            continue
        lines.append(text)
    if row is not None:
        lines.extend(row)
    return [squash(line) for line in lines if squash(line)]


def assert_in_order(lines: list[str], text: str) -> None:
    position = 0
    for index, line in enumerate(lines):
        found = text.find(line, position)
        if found < 0:
            before = lines[index - 1] if index else ""
            where = text.find(before, max(position - len(before) - 1, 0))
            pytest.fail(
                f"line {index + 1} of {len(lines)} not found after the previous one:\n  {line!r}\n"
                f"text after the previous line:\n  {text[where : where + 400]!r}"
            )
        position = found + len(line)
