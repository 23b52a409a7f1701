"""Concurrent bookings for the same slot, on separate connections, committed for real.

These tests cannot run inside the usual rolled-back transaction (the threads would not see its
data), so they use a studio of their own, provisioned and dropped around the module.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from siteconf.tenancy.services.provisioning import studio_destroy, studio_provision
from studio.models import Client, Engineer, Room, Session
from studio.services.errors import BookingConflict
from studio.services.sessions import session_create, session_move
from tests.studio.conftest import paris

RACERS = 8


@pytest.fixture(scope="module")
def race_studio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        studio = studio_provision(
            name="Race Track",
            slug="race-track",
            owner_email="owner@race.example",
            owner_password="race-owner-Passw0rd",
            notify_owner=False,
        )
        with schema_context(studio.schema_name):
            for i in range(RACERS):
                Room.objects.create(name=f"Room {i}", hourly_rate=Decimal("40"), buffer_minutes=15)
            Client.objects.create(name="Racing Band", email="band@race.example")
            Engineer.objects.create(name="Alex Sound")
        yield studio
        connection.set_schema_to_public()
        studio_destroy(studio=studio)


def race(studio, attempts):
    """Run each attempt in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def runner(index, attempt):
        try:
            connection.set_tenant(studio)
            barrier.wait()
            results[index] = attempt()
        except BookingConflict as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def overlapping_pairs(studio) -> int:
    with schema_context(studio.schema_name), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM studio_session a JOIN studio_session b
              ON a.id < b.id AND a.room_id = b.room_id
             AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
             WHERE a.status IN ('requested','confirmed','checked_in','completed')
               AND b.status IN ('requested','confirmed','checked_in','completed')
            """
        )
        rooms = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM studio_sessionengineer a JOIN studio_sessionengineer b
              ON a.id < b.id AND a.engineer_id = b.engineer_id
             AND tstzrange(a.start, a.end) && tstzrange(b.start, b.end)
             WHERE a.active AND b.active
            """
        )
        return rooms + cursor.fetchone()[0]


def outcome(results):
    wins = [r for r in results if isinstance(r, Session)]
    conflicts = [r for r in results if isinstance(r, BookingConflict)]
    return wins, conflicts


def test_racing_bookings_for_one_slot_let_exactly_one_through(race_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(race_studio.schema_name):
        room, client = Room.objects.get(name="Room 0"), Client.objects.get()
    start = paris(2027, 3, 1, 10)

    def attempt():
        return session_create(client=client, room=room, start=start, end=start + timedelta(hours=2))

    with django_db_blocker.unblock():
        wins, conflicts = outcome(race(race_studio, [attempt] * RACERS))
        assert len(wins) == 1
        assert len(conflicts) == RACERS - 1
        assert all(f"Session #{wins[0].pk}" in c.message for c in conflicts)
        assert overlapping_pairs(race_studio) == 0


def test_racing_bookings_of_one_engineer_in_different_rooms_let_one_through(
    race_studio, django_db_blocker
):
    with django_db_blocker.unblock(), schema_context(race_studio.schema_name):
        rooms = list(Room.objects.order_by("name"))
        client, engineer = Client.objects.get(), Engineer.objects.get()
    start = paris(2027, 3, 2, 10)

    def attempt_in(room):
        return lambda: session_create(
            client=client,
            room=room,
            start=start,
            end=start + timedelta(hours=2),
            engineers=[engineer],
        )

    with django_db_blocker.unblock():
        wins, conflicts = outcome(race(race_studio, [attempt_in(r) for r in rooms]))
        assert len(wins) == 1
        assert len(conflicts) == RACERS - 1
        assert all("Alex Sound is already on" in c.message for c in conflicts)
        assert overlapping_pairs(race_studio) == 0


def test_racing_drags_onto_one_free_slot_let_one_through(race_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(race_studio.schema_name):
        room, client = Room.objects.get(name="Room 1"), Client.objects.get()
        sessions = [
            session_create(
                client=client,
                room=room,
                start=paris(2027, 3, 3 + day, 10),
                end=paris(2027, 3, 3 + day, 12),
            )
            for day in range(RACERS)
        ]
    target = paris(2027, 3, 20, 15)

    def drag(session):
        return lambda: session_move(session=session, start=target, end=target + timedelta(hours=2))

    with django_db_blocker.unblock():
        wins, conflicts = outcome(race(race_studio, [drag(s) for s in sessions]))
        assert len(wins) == 1
        assert len(conflicts) == RACERS - 1
        assert overlapping_pairs(race_studio) == 0
        with schema_context(race_studio.schema_name):
            at_target = Session.objects.filter(room=room, start=target)
            assert at_target.count() == 1
