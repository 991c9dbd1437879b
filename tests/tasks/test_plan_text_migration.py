"""The data migration that turned Plan's five text fields into ordered PlanBlock rows."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest

from agreements.models import Plan
from tasks.models import PlanBlock

migration = importlib.import_module("tasks.migrations.0003_plan_text_to_blocks")

pytestmark = pytest.mark.django_db


class OldApps:
    """The app registry as the migration sees it, with plans that still carry the old fields."""

    def __init__(self, plans):
        self.plans = plans

    def get_model(self, app, name):
        if (app, name) == ("agreements", "Plan"):
            return SimpleNamespace(objects=SimpleNamespace(all=lambda: iter_of(self.plans)))
        assert (app, name) == ("tasks", "PlanBlock")
        return PlanBlock


def iter_of(items):
    return SimpleNamespace(iterator=lambda: iter(items))


def old_plan(quang_tri, number, kind, **fields) -> Plan:
    plan = Plan.objects.create(
        province=quang_tri, kind=kind, number=number, title="Thử", start_year=2024, end_year=2025
    )
    for name in ("legal_basis", *migration.FIELDS):
        setattr(plan, name, fields.get(name, ""))
    return plan


def rows(plan) -> list[tuple[str, str, str, str, bool, bool]]:
    return [
        (b.part, b.kind, b.number, b.text, b.bold, b.italic)
        for b in PlanBlock.objects.filter(plan=plan).order_by("-part", "position")
    ]


def test_plan_fields_become_blocks_in_the_order_of_their_numerals(quang_tri):
    plan = old_plan(
        quang_tri,
        "1/KH-UBND",
        "plan",
        legal_basis="Căn cứ Biên bản hợp tác ký ngày 29/6/2022,",
        objectives="I. MỤC ĐÍCH, YÊU CẦU\n- Triển khai hiệu quả.\n\n+ Phối hợp chặt chẽ.",
        content="II. NỘI DUNG\n1. Lĩnh vực nông nghiệp\n1.1. Xây dựng mô hình\na) Vườn ươm",
        implementation="IV. TỔ CHỨC THỰC HIỆN\n1. " + "Các cơ quan, đơn vị xây dựng kế hoạch. " * 5,
        funding="III. KINH PHÍ THỰC HIỆN\nDo ngân sách tỉnh cấp.",
    )
    migration.forwards(OldApps([plan]), None)
    assert rows(plan) == [
        ("main", "paragraph", "", "Căn cứ Biên bản hợp tác ký ngày 29/6/2022,", False, False),
        ("main", "heading", "I.", "MỤC ĐÍCH, YÊU CẦU", True, False),
        ("main", "list_item", "-", "Triển khai hiệu quả.", False, False),
        ("main", "list_item", "+", "Phối hợp chặt chẽ.", False, False),
        ("main", "heading", "II.", "NỘI DUNG", True, False),
        ("main", "heading", "1.", "Lĩnh vực nông nghiệp", True, False),
        ("main", "heading", "1.1.", "Xây dựng mô hình", True, False),
        ("main", "list_item", "a)", "Vườn ươm", False, False),
        # funding (III.) before implementation (IV.), as the plan numbered them
        ("main", "heading", "III.", "KINH PHÍ THỰC HIỆN", True, False),
        ("main", "paragraph", "", "Do ngân sách tỉnh cấp.", False, False),
        ("main", "heading", "IV.", "TỔ CHỨC THỰC HIỆN", True, False),
        (
            "main",
            "list_item",
            "1.",
            ("Các cơ quan, đơn vị xây dựng kế hoạch. " * 5).strip(),
            False,
            False,
        ),
    ]
    positions = list(PlanBlock.objects.filter(plan=plan).values_list("position", flat=True))
    assert sorted(positions) == list(range(10, 10 * len(positions) + 1, 10))


def test_a_decision_keeps_its_legal_basis_and_issues_the_rest_as_its_attached_plan(quang_tri):
    plan = old_plan(
        quang_tri,
        "2/QĐ-UBND",
        "decision",
        legal_basis="Căn cứ Luật tổ chức Chính quyền địa phương;\nĐiều 1. Ban hành Kế hoạch.",
        objectives="I. MỤC TIÊU:\n- Cụ thể hóa.",
    )
    empty = old_plan(quang_tri, "3/KH-UBND", "plan")
    migration.forwards(OldApps([plan, empty]), None)
    assert rows(plan) == [
        ("main", "paragraph", "", "Căn cứ Luật tổ chức Chính quyền địa phương;", False, True),
        ("main", "paragraph", "Điều 1.", "Ban hành Kế hoạch.", False, True),
        ("attached", "heading", "I.", "MỤC TIÊU:", True, False),
        ("attached", "list_item", "-", "Cụ thể hóa.", False, False),
    ]
    assert rows(empty) == []


def test_going_back_joins_the_blocks_into_the_fields(quang_tri):
    plan = old_plan(
        quang_tri,
        "4/QĐ-UBND",
        "decision",
        legal_basis="Căn cứ Luật;",
        content="I. MỤC TIÊU\n- Một.",
    )
    migration.forwards(OldApps([plan]), None)
    saved = []
    plan.save = lambda update_fields: saved.append(update_fields)
    migration.backwards(OldApps([plan]), None)
    assert plan.legal_basis == "Căn cứ Luật;"
    assert plan.content == "I. MỤC TIÊU\n- Một."
    assert saved == [["legal_basis", "content"]]
    assert not PlanBlock.objects.filter(plan=plan).exists()


@pytest.mark.transactional
@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_the_migrations_run_back_and_forth_on_the_real_schema():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("agreements", "0002_agreement_signatories"), ("tasks", "0002_plan_blocks")]
    after = [("agreements", "0003_remove_plan_text_fields"), ("tasks", "0003_plan_text_to_blocks")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        OldPlan = apps.get_model("agreements", "Plan")
        Locality = apps.get_model("agreements", "Locality")
        province = Locality.objects.create(name="Tỉnh thử", country="VN")
        OldPlan.objects.create(
            province=province, kind="plan", number="5/KH-UBND", title="Thử",
            start_year=2024, end_year=2024, legal_basis="Căn cứ Luật;",
            objectives="I. MỤC TIÊU\n- Một.",
        )  # fmt: skip
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        plan = Plan.objects.get(number="5/KH-UBND")
        assert [(b.kind, b.number, b.text) for b in plan.blocks.order_by("position")] == [
            ("paragraph", "", "Căn cứ Luật;"),
            ("heading", "I.", "MỤC TIÊU"),
            ("list_item", "-", "Một."),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
