"""Moves Plan.legal_basis / objectives / content / implementation / funding into PlanBlock rows.

Each non-empty line becomes a block; printed numbering at its start goes to ``number``:
"I." heads a part, a short "1." / "1.1." line heads a section, a long one is a numbered
paragraph, "a)", "-", "+" are list items, "Điều 1." an article. A Quyết định keeps its Căn cứ
lines in its own text and the rest in the Kế hoạch it issues (part "attached"). The parts are
ordered by their Roman numerals, as the exporters used to print them (110/KH-UBND puts
"III. KINH PHÍ" before "IV. TỔ CHỨC THỰC HIỆN"). Going back joins the blocks into the fields.
The rules are copied here on purpose: a migration must not change when app code does.
"""

import re

from django.db import migrations

FIELDS = ("objectives", "content", "implementation", "funding")
ROMAN = re.compile(r"^(?P<number>[IVXLC]+\.)\s*(?P<text>\S.*)$")
ARTICLE = re.compile(r"^(?P<number>Điều \d+\.)\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\s?\d+)*\.|\d+(?:\.\d+)+)\s+(?P<text>\S.*)$")
LISTED = re.compile(r"^(?P<number>[a-zđ]\)|[-+•])\s+(?P<text>\S.*)$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(numeral):
    total = 0
    for current, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = ROMAN_VALUES[current]
        total += -value if following and ROMAN_VALUES[following] > value else value
    return total


def line_block(line):
    match = ARTICLE.match(line)
    if match:
        return {"kind": "paragraph", "number": match["number"], "text": match["text"]}
    match = ROMAN.match(line)
    if match:
        return {"kind": "heading", "number": match["number"], "text": match["text"], "bold": True}
    match = NUMBERED.match(line)
    if match:
        text = match["text"]
        level = match["number"].rstrip(".").count(".") + 2
        short = len(text) <= 60 or (len(text) <= 150 and not text.endswith((".", ";", ",")))
        kind = "heading" if short else "list_item"
        return {"kind": kind, "number": match["number"], "text": text, "level": level, "bold": short}
    match = LISTED.match(line)
    if match:
        return {"kind": "list_item", "number": match["number"], "text": match["text"], "level": 3}
    return {"kind": "paragraph", "text": line}


def text_blocks(text):
    return [line_block(line.strip()) for line in (text or "").splitlines() if line.strip()]


def ordered_parts(plan):
    parts = []
    for default, name in enumerate(FIELDS):
        text = (getattr(plan, name) or "").strip()
        if not text:
            continue
        match = ROMAN.match(text.splitlines()[0].strip())
        order = roman_value(match["number"].rstrip(".")) if match else default + 1
        parts.append((order, default, text))
    parts.sort(key=lambda item: (item[0], item[1]))
    return [text for _, _, text in parts]


def forwards(apps, schema_editor):
    Plan = apps.get_model("agreements", "Plan")
    PlanBlock = apps.get_model("tasks", "PlanBlock")
    for plan in Plan.objects.all().iterator():
        decision = plan.kind == "decision"
        rows = []
        for block in text_blocks(plan.legal_basis):
            block.setdefault("italic", decision)
            rows.append(("main", block))
        body_part = "attached" if decision else "main"
        for text in ordered_parts(plan):
            rows.extend((body_part, block) for block in text_blocks(text))
        positions = {"main": 0, "attached": 0}
        new = []
        for part, block in rows:
            positions[part] += 10
            new.append(PlanBlock(plan=plan, part=part, position=positions[part], **block))
        PlanBlock.objects.bulk_create(new)


def backwards(apps, schema_editor):
    Plan = apps.get_model("agreements", "Plan")
    PlanBlock = apps.get_model("tasks", "PlanBlock")
    for plan in Plan.objects.all().iterator():
        lines = {"legal_basis": [], "content": []}
        for block in PlanBlock.objects.filter(plan=plan).exclude(kind="table").order_by(
            "-part", "position", "pk"
        ):
            legal = plan.kind == "decision" and block.part == "main"
            if plan.kind != "decision" and block.text.startswith(("Căn cứ", "Thực hiện")):
                legal = not lines["content"]
            line = " ".join(part for part in (block.number, block.text) if part)
            lines["legal_basis" if legal else "content"].append(line)
        plan.legal_basis = "\n".join(lines["legal_basis"])
        plan.content = "\n".join(lines["content"])
        plan.save(update_fields=["legal_basis", "content"])
    PlanBlock.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_agreement_signatories"),
        ("tasks", "0002_plan_blocks"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
