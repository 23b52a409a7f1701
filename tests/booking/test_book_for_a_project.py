"""A client books a session for one of their own projects; anyone else's project is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from studio.models import Session
from studio.services.projects import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(rooms, portal_client_x, portal_client_y, studio_a):
    with schema_context(studio_a.schema_name):
        mine = project_create(client=portal_client_x.client, title="Night Drive EP")
        theirs = project_create(client=portal_client_y.client, title="Someone Else's LP")
    return mine, theirs


def _slot(next_week, **extra):
    end = next_week + timedelta(hours=2)
    return {"start": next_week.isoformat(), "end": end.isoformat(), "room": "any", **extra}


def test_the_booking_page_offers_the_clients_open_projects_only(
    projects, portal_client_x, next_week
):
    mine, _ = projects
    day = next_week.date().isoformat()
    html = portal_client_x.browser.get(f"/book/?date={day}&project={mine.pk}").content.decode()
    assert "Night Drive EP" in html and "Someone Else" not in html
    assert f'name="project" value="{mine.pk}"' in html  # carried by every slot's form


def test_a_booking_for_a_project_is_linked_to_it(projects, portal_client_x, next_week, studio_a):
    mine, _ = projects
    portal_client_x.browser.post("/book/hold/", _slot(next_week, project=str(mine.pk)))
    with schema_context(studio_a.schema_name):
        assert Session.objects.get(client=portal_client_x.client).project_id == mine.pk


def test_another_clients_project_is_refused_and_nothing_is_held(
    projects, portal_client_x, next_week, studio_a
):
    _, theirs = projects
    answer = portal_client_x.browser.post(
        "/book/hold/", _slot(next_week, project=str(theirs.pk)), follow=True
    )
    assert "That project cannot take bookings." in answer.content.decode()
    with schema_context(studio_a.schema_name):
        assert not Session.objects.filter(client=portal_client_x.client).exists()
