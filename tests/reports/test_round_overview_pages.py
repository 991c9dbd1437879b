"""The round overview lists its tasks a page at a time: a national round has thousands."""

from __future__ import annotations

import re

import pytest

from reports.selectors import ROUND_TASKS_PER_PAGE, round_tasks
from tasks.services import task_create
from tests.reports.factories import open_round

pytestmark = pytest.mark.django_db


def test_the_overview_shows_one_page_of_tasks_and_links_the_next(coordinator_client, coordinator):
    reporting_round = open_round(coordinator)
    plan = reporting_round.plans.get()
    for number in range(ROUND_TASKS_PER_PAGE - plan.tasks.count() + 5):
        task_create(plan=plan, content=f"Nhiệm vụ thêm {number}")
    total = round_tasks(reporting_round).count()
    assert total > ROUND_TASKS_PER_PAGE

    first = coordinator_client.get(f"/rounds/{reporting_round.pk}/").content.decode()
    table = first.split('id="round-tasks"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") - 1 == ROUND_TASKS_PER_PAGE  # the header row aside
    assert f"{total} nhiệm vụ" in first
    assert re.search(r'href="\?page=2#tasks"', first)

    last_page = -(-total // ROUND_TASKS_PER_PAGE)
    last = coordinator_client.get(f"/rounds/{reporting_round.pk}/?page={last_page}").content
    table = last.decode().split('id="round-tasks"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") - 1 == total - (last_page - 1) * ROUND_TASKS_PER_PAGE
    # A page past the end shows the last one, never an error.
    assert coordinator_client.get(f"/rounds/{reporting_round.pk}/?page=999").status_code == 200
