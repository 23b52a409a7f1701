"""The dashboard and the big lists cost the same number of queries whatever the studio's size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.services.sessions import session_create
from tests.conftest import STUDIO_A
from tests.studio.factories import ClientFactory, EngineerFactory, RoomFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/",
    "/admin/studio/session/",
    "/admin/studio/client/",
    "/admin/calendar/feed/?start={monday}&end={next_monday}",
]


def grow(count: int, offset_days: int) -> None:
    """Add `count` sessions (with clients and engineers) around today."""
    rooms = [RoomFactory(), RoomFactory()]
    engineers = [EngineerFactory(), EngineerFactory()]
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=offset_days)
    for i in range(count):
        start = base + timedelta(hours=3 * i)
        session_create(
            client=ClientFactory(),
            room=rooms[i % 2],
            start=start,
            end=start + timedelta(hours=2),
            engineers=[engineers[i % 2]],
        )


def query_counts(http) -> dict[str, int]:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    counts = {}
    for page in PAGES:
        url = page.format(
            monday=f"{monday}T00:00:00", next_monday=f"{monday + timedelta(days=7)}T00:00:00"
        )
        http.get(url)  # warm the per-studio caches (time zone, content types)
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts[page] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_data(studio_a):
    http = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        http.force_login(User.objects.get(email=STUDIO_A.owner_email))
        grow(6, offset_days=0)
    small = query_counts(http)

    with schema_context(studio_a.schema_name):
        grow(40, offset_days=-3)  # past and upcoming
    large = query_counts(http)

    assert small == large


def test_session_times_are_shown_in_the_studio_time_zone(studio_a):
    http = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        http.force_login(User.objects.get(email=STUDIO_A.owner_email))
        start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
        session_create(
            client=ClientFactory(name="Aurora Lane"),
            room=RoomFactory(name="Mix Suite"),
            start=start,
            end=start + timedelta(hours=2),
        )

    page = http.get("/admin/studio/session/?when=all").text

    assert "Tue 01 Dec 2026, 10:00–12:00" in page
    assert "09:00–11:00" not in page


def test_room_utilisation_counts_each_hour_booked(in_studio_a):
    from studio.selectors.dashboard import room_utilisation
    from tests.studio.conftest import paris

    room = RoomFactory(name="Live Room")
    # 10:30-12:00 on each of two days within the last 28 days (Paris time).
    today = timezone.localdate()
    for days_ago in (2, 3):
        day = today - timedelta(days=days_ago)
        start = paris(day.year, day.month, day.day, 10, 30)
        session_create(
            client=ClientFactory(), room=room, start=start, end=start + timedelta(minutes=90)
        )

    rows = dict(room_utilisation(today=today)["rows"])
    hours = dict(zip(range(8, 24), rows[room], strict=True))

    assert hours[10] == round(100 * 1.0 / 28)  # two half hours
    assert hours[11] == round(100 * 2.0 / 28)  # two full hours
    assert hours[12] == 0 and hours[9] == 0
