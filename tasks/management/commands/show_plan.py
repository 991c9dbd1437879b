"""Prints one plan as JSON: the contract later work and outside checks rely on."""

import json

from django.core.management.base import BaseCommand, CommandError

from tasks.selectors import plan_blocks, plan_get_by_number, plan_rows


def section_label(section) -> str:
    if section is None:
        return ""
    return " ".join(part for part in (section.number, section.title) if part)


def plan_as_dict(plan) -> dict:
    tasks = []
    for row in plan_rows(plan):
        if row.kind != "task":
            continue
        task = row.task
        appendix = row.appendix if row.appendix and row.appendix.kind == "appendix" else None
        tasks.append(
            {
                "appendix": appendix.number if appendix else "",
                "section": section_label(task.section),
                "number": task.number,
                "content": task.content,
                "lead": [lead.agency.name for lead in task.leads.all()],
                "coordinating_text": task.coordinating_text,
                "coordinating": [a.name for a in task.coordinating_in_printed_order()],
                "timeframe": task.timeframe_text,
                "start": task.start_date.isoformat() if task.start_date else None,
                "end": task.end_date.isoformat() if task.end_date else None,
                "ongoing": task.ongoing,
                "field": task.field,
                "partners": sorted(p.name for p in task.partners.all()),
                "note": task.note,
            }
        )
    return {
        "number": plan.number,
        "kind": plan.kind,
        "title": plan.title,
        "province": plan.province.name,
        "date": plan.date.isoformat() if plan.date else None,
        "period": [plan.start_year, plan.end_year],
        # The document's text in printed order; a table block names the section it places.
        "blocks": [
            {
                "part": block.part,
                "kind": block.kind,
                "number": block.number,
                "text": block.text,
                "section": section_label(block.section),
            }
            for block in plan_blocks(plan)
        ],
        "tasks": tasks,
    }


class Command(BaseCommand):
    help = "In một kế hoạch (số, tỉnh) dưới dạng JSON."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Số, ký hiệu, ví dụ 165/QĐ-UBND")
        parser.add_argument("--province", required=True, help="Tên tỉnh, ví dụ 'Quảng Trị'")
        parser.add_argument("--json", action="store_true", help="In JSON (mặc định)")

    def handle(self, *args, number, province, **options):
        plan = plan_get_by_number(number=number, province=province)
        if plan is None:
            raise CommandError(f"Không tìm thấy văn bản số {number} của tỉnh {province}.")
        self.stdout.write(json.dumps(plan_as_dict(plan), ensure_ascii=False, indent=2))
