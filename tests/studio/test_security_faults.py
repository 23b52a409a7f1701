"""Faults found by trying the back office as an attacker would: a redirect out of the site, a
price shown to an engineer, and client names drawn as HTML on the calendar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.services.sessions import session_create
from tests.conftest import STUDIO_A
from tests.studio.conftest import paris, staff_user
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db
CALENDAR = Path(__file__).resolve().parents[2] / "site/static/studio/calendar.js"


@pytest.fixture
def booked(studio_a):
    with schema_context(studio_a.schema_name):
        session = session_create(
            client=ClientFactory(name="<img src=x onerror=alert(1)>"),
            room=RoomFactory(),
            start=paris(2031, 2, 3, 10),
            end=paris(2031, 2, 3, 12),
        )
        owner = HttpClient(HTTP_HOST=STUDIO_A.host)
        owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
        engineer = HttpClient(HTTP_HOST=STUDIO_A.host)
        engineer.force_login(staff_user("eng@studio-a.example", "Engineer"))
    return session, owner, engineer


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "/\\evil.example"],
)
def test_a_session_action_never_sends_anyone_out_of_the_site(booked, target):
    session, owner, _ = booked
    url = f"/admin/studio/session/{session.pk}/confirm/?next={target}"
    page = owner.get(url).content.decode()
    assert target not in page
    response = owner.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/studio/session/"


def test_a_session_action_goes_back_to_a_page_of_the_site(booked):
    session, owner, _ = booked
    response = owner.post(f"/admin/studio/session/{session.pk}/confirm/?next=/admin/calendar/")
    assert response["Location"] == "/admin/calendar/"


def test_an_engineer_moving_a_session_is_not_told_its_price(booked):
    session, owner, engineer = booked
    move = {"start": "2031-02-03T11:00:00", "end": "2031-02-03T13:00:00"}
    answer = engineer.post(
        f"/admin/calendar/sessions/{session.pk}/move/",
        json.dumps(move),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json() == {"id": session.pk}
    move = {"start": "2031-02-03T12:00:00", "end": "2031-02-03T14:00:00"}
    answer = owner.post(
        f"/admin/calendar/sessions/{session.pk}/move/",
        json.dumps(move),
        content_type="application/json",
    )
    assert "price" in answer.json()


def test_calendar_events_are_drawn_as_text():
    """The calendar builds each event from DOM text nodes; an HTML string built from a name
    (how a hostile client name ran in the owner's browser) is gone."""
    script = CALENDAR.read_text(encoding="utf-8")
    assert "domNodes" in script and "textContent" in script
    assert "html:" not in script and "innerHTML" not in script
