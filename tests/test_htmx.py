"""htmx requests get what the user needs: the login page as a whole page, and the messages."""

from __future__ import annotations

import pytest

from agreements.models import Plan
from tasks.models import Section, Task

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan_165(quang_tri) -> Plan:
    return Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")


@pytest.mark.django_db
def test_expired_session_sends_htmx_to_the_login_page_back_to_the_plan(client, plan_165):
    task = Task.objects.filter(plan=plan_165).first()
    page = f"http://testserver/plans/{plan_165.pk}/?q=kinh+t%E1%BA%BF"
    response = client.get(f"/tasks/{task.pk}/edit/", HTTP_HX_CURRENT_URL=page, **HTMX)
    assert response.status_code == 200
    assert response.content == b""
    assert response["HX-Redirect"] == (
        f"/accounts/login/?next=%2Fplans%2F{plan_165.pk}%2F%3Fq%3Dkinh%2Bt%25E1%25BA%25BF"
    )


@pytest.mark.django_db
def test_htmx_login_redirect_never_points_next_to_another_site(client, plan_165):
    task = Task.objects.filter(plan=plan_165).first()
    response = client.get(
        f"/tasks/{task.pk}/edit/", HTTP_HX_CURRENT_URL="https://evil.example/plans/", **HTMX
    )
    assert response["HX-Redirect"] == "/accounts/login/?next=%2F"


@pytest.mark.django_db
def test_plain_request_still_gets_the_ordinary_redirect(client, plan_165):
    task = Task.objects.filter(plan=plan_165).first()
    response = client.get(f"/tasks/{task.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "HX-Redirect" not in response


@pytest.mark.django_db
def test_refused_htmx_action_shows_its_message_in_place(coordinator_client, plan_165):
    section = Section.objects.filter(plan=plan_165, tasks__isnull=False).first()
    response = coordinator_client.post(f"/sections/{section.pk}/delete/", **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert f'id="section-{section.pk}"' in body  # the rows come back, the section still there
    oob = body[body.index('<div id="messages" hx-swap-oob="true">') :]
    assert 'role="alert"' in oob
    assert "nhiệm vụ" in oob
    assert Section.objects.filter(pk=section.pk).exists()
    # Shown once: the next whole page does not repeat it.
    page = coordinator_client.get(f"/plans/{plan_165.pk}/").content.decode()
    assert 'role="alert"' not in page.split('id="messages"')[1].split("</div>")[0]


@pytest.mark.django_db
def test_htmx_answer_without_messages_is_left_alone(coordinator_client, plan_165):
    task = Task.objects.filter(plan=plan_165).first()
    response = coordinator_client.get(f"/tasks/{task.pk}/edit/", **HTMX)
    assert response.status_code == 200
    assert "hx-swap-oob" not in response.content.decode()
