"""The plan page's chain: up to the agreements and the plan a directive follows, down to the
appendices on the page, the directives that follow the plan and its next period."""

from __future__ import annotations

import re
from datetime import date

import pytest

from agreements.models import Plan, PlanKind, PlanStatus
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def chain(client, plan: Plan) -> dict[str, list[str]]:
    """Each step of the page's chain: its label → the texts of its links, in order (an
    appendix is plain text: its table is on the same page)."""
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    nav = html.split('class="chain card"')[1].split("</nav>")[0]
    steps = re.findall(r'<li><span class="muted">([^<]*)</span>(.*?)</li>', nav, re.S)
    return {
        label: [text.strip() for text in re.sub(r"<[^>]+>", "", links).split("; ")]
        for label, links in steps
    }


def test_the_chain_goes_up_to_the_agreements_and_down_to_what_follows(
    coordinator_client, quang_tri
):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    agreements = [a.title[:89] for a in plan.agreements.order_by("-signed_date", "title")]
    assert agreements
    before = {step: list(links) for step, links in chain(coordinator_client, plan).items()}
    later = PlanFactory(
        province=quang_tri,
        number="12/KH-UBND",
        predecessor=plan,
        status=PlanStatus.DRAFT,
        start_year=2023,
        end_year=2025,
    )
    directive = PlanFactory(
        province=quang_tri,
        kind=PlanKind.DIRECTIVE,
        number="901/UBND-ĐN",
        parent=plan,
        date=date(2023, 1, 5),  # after 6452/UBND-ĐN: directives follow by date
    )
    steps = chain(coordinator_client, plan)
    assert [a[:89] for a in steps["Văn bản thỏa thuận"]] == agreements
    assert steps["Quyết định"] == ["Quyết định 165/QĐ-UBND"]
    assert steps["Phụ lục, mục"] == before["Phụ lục, mục"]
    assert steps["Phụ lục, mục"][0].startswith("PHỤ LỤC I")
    assert steps["Văn bản chỉ đạo"] == [*before.get("Văn bản chỉ đạo", []), "Công văn 901/UBND-ĐN"]
    assert steps["Giai đoạn sau"] == ["Kế hoạch 12/KH-UBND"]

    # A directive with no agreement of its own shows those of the plan it follows.
    steps = chain(coordinator_client, directive)
    assert [a[:89] for a in steps["Văn bản thỏa thuận"]] == agreements
    assert steps["Kế hoạch gốc"] == ["Quyết định 165/QĐ-UBND"]
    assert "Giai đoạn sau" not in steps and "Văn bản chỉ đạo" not in steps
    assert chain(coordinator_client, later)["Giai đoạn trước"] == ["Quyết định 165/QĐ-UBND"]
