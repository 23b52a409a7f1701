from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import Session
from studio.services.sessions import session_create
from tests.conftest import STUDIO_A
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(studio_a):
    with schema_context(studio_a.schema_name):
        room = RoomFactory(name="Live Room", colour="#ff0066", hourly_rate=Decimal("50"))
        band = ClientFactory(name="Glass Harbour")
        first = session_create(
            client=band, room=room, start=paris(2026, 12, 1, 10), end=paris(2026, 12, 1, 12)
        )
        second = session_create(
            client=band, room=room, start=paris(2026, 12, 1, 14), end=paris(2026, 12, 1, 16)
        )
        http = HttpClient(HTTP_HOST=STUDIO_A.host)
        http.force_login(User.objects.get(email=STUDIO_A.owner_email))
    return http, first, second, studio_a


def move(http, session, start, end):
    return http.post(
        f"/admin/calendar/sessions/{session.pk}/move/",
        json.dumps({"start": start, "end": end}),
        content_type="application/json",
    )


def test_the_feed_gives_sessions_in_the_studios_wall_clock_time(calendar):
    http, first, _, _ = calendar

    events = http.get(
        "/admin/calendar/feed/?start=2026-11-30T00:00:00&end=2026-12-07T00:00:00"
    ).json()

    assert [e["id"] for e in events] == [first.pk, first.pk + 1]
    assert events[0]["start"] == "2026-12-01T10:00:00"  # Paris time, 09:00 UTC
    assert events[0]["backgroundColor"] == "#ff0066"
    assert events[0]["title"] == "Glass Harbour · Live Room"


def test_the_feed_refuses_a_malformed_range(calendar):
    http, *_ = calendar

    assert http.get("/admin/calendar/feed/?start=yesterday&end=2026-12-07").status_code == 400


def test_dragging_a_session_moves_it_through_the_service(calendar):
    http, first, _, studio = calendar

    response = move(http, first, "2026-12-02T11:00:00", "2026-12-02T14:00:00")

    assert response.status_code == 200
    assert response.json()["price"] == "150.00"
    with schema_context(studio.schema_name):
        first.refresh_from_db()
        assert (first.start, first.end) == (paris(2026, 12, 2, 11), paris(2026, 12, 2, 14))


def test_dragging_onto_another_session_is_refused_with_its_name(calendar):
    http, first, second, studio = calendar

    response = move(http, first, "2026-12-01T13:00:00", "2026-12-01T15:00:00")

    assert response.status_code == 409
    assert f"by Session #{second.pk} (Glass Harbour)" in response.json()["error"]
    with schema_context(studio.schema_name):
        assert Session.objects.get(pk=first.pk).start == paris(2026, 12, 1, 10)


def test_the_calendar_page_loads_fullcalendar_from_static_files(calendar):
    http, *_ = calendar

    page = http.get("/admin/calendar/")

    assert page.status_code == 200
    assert "vendor/fullcalendar/index.global.min.js" in page.text
    assert "Live Room" in page.text


def test_the_session_list_opens_on_upcoming_sessions_soonest_first(studio_a):
    from datetime import timedelta

    from django.utils import timezone

    with schema_context(studio_a.schema_name):
        http = HttpClient(HTTP_HOST=STUDIO_A.host)
        http.force_login(User.objects.get(email=STUDIO_A.owner_email))
        room, band = RoomFactory(), ClientFactory()
        base = timezone.now().replace(microsecond=0)
        for name, days in (("Past Band", -3), ("Later Band", 5), ("Soon Band", 1)):
            band = ClientFactory(name=name)
            start = base + timedelta(days=days)
            session_create(client=band, room=room, start=start, end=start + timedelta(hours=2))

    upcoming = http.get("/admin/studio/session/").text
    past = http.get("/admin/studio/session/?when=past").text

    assert "Past Band" not in upcoming
    assert upcoming.index("Soon Band") < upcoming.index("Later Band")
    assert "Past Band" in past and "Soon Band" not in past
