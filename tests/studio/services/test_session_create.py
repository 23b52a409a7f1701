from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from studio.models import AuditEntry, Equipment, Session, SessionEngineer
from studio.services.errors import BookingConflict, StudioError
from studio.services.sessions import session_create
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(in_studio_a):
    return RoomFactory(name="Live Room", hourly_rate=Decimal("60.00"), buffer_minutes=30)


@pytest.fixture
def client(in_studio_a):
    return ClientFactory(name="The Night Owls")


def book(room, client, start, hours=3, **kwargs):
    return session_create(
        client=client, room=room, start=start, end=start + timedelta(hours=hours), **kwargs
    )


def counts():
    return (Session.objects.count(), SessionEngineer.objects.count(), AuditEntry.objects.count())


def test_it_books_a_session_with_price_deposit_and_changeover(room, client):
    owner = User.objects.get()

    session = book(room, client, paris(2026, 12, 1, 10), by=owner)

    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED
    assert session.price == Decimal("180.00")
    assert session.deposit_due == Decimal("54.00")  # 30 % by default
    assert session.currency == "EUR"
    assert session.blocked_until == paris(2026, 12, 1, 13, 30)
    entry = AuditEntry.objects.get(action="session.created")
    assert entry.user == owner and entry.object_id == str(session.pk)
    assert entry.changes["price"] == [None, "180.00"]


def test_it_refuses_an_overlap_and_names_the_session_in_the_way(room, client):
    first = book(room, client, paris(2026, 12, 1, 10))
    before = counts()

    with pytest.raises(BookingConflict) as error:
        book(room, ClientFactory(name="Brass Party"), paris(2026, 12, 1, 12))

    assert error.value.conflicting_id == first.pk
    assert f"Live Room is already booked on Tue 01 Dec 10:00–13:00 by Session #{first.pk}" in (
        error.value.message
    )
    assert "The Night Owls" in error.value.message
    assert counts() == before


def test_the_changeover_keeps_the_room_blocked_after_a_session(room, client):
    book(room, client, paris(2026, 12, 1, 10))  # ends 13:00, room free at 13:30

    with pytest.raises(BookingConflict, match="changeover included \\(30 min\\)"):
        book(room, client, paris(2026, 12, 1, 13, 15))

    assert book(room, client, paris(2026, 12, 1, 13, 30)).pk


def test_another_room_at_the_same_time_is_fine(room, client):
    book(room, client, paris(2026, 12, 1, 10))

    assert book(RoomFactory(name="Booth"), client, paris(2026, 12, 1, 10)).pk


def test_an_engineer_cannot_be_in_two_rooms_at_once(room, client):
    engineer = EngineerFactory(name="Sam Rivera")
    first = book(room, client, paris(2026, 12, 1, 10), engineers=[engineer])
    before = counts()

    with pytest.raises(BookingConflict) as error:
        book(RoomFactory(name="Booth"), client, paris(2026, 12, 1, 11), engineers=[engineer])

    assert error.value.field == "engineers"
    assert f"Sam Rivera is already on Session #{first.pk} in Live Room" in error.value.message
    assert counts() == before


def test_gear_cannot_be_reserved_twice_at_the_same_time(room, client):
    mic = EquipmentFactory()
    book(room, client, paris(2026, 12, 1, 10), equipment=[mic])

    with pytest.raises(BookingConflict, match=r"Neumann U 87 Ai #SN\d+ is already reserved"):
        book(RoomFactory(name="Booth"), client, paris(2026, 12, 1, 12), equipment=[mic])


def test_gear_out_of_service_cannot_be_reserved(room, client):
    mic = EquipmentFactory(status=Equipment.Status.IN_REPAIR)

    with pytest.raises(StudioError, match="is in repair; it cannot be reserved"):
        book(room, client, paris(2026, 12, 1, 10), equipment=[mic])

    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("start_hour", "hours", "message"),
    [
        (10, -1, "must end after it starts"),
        (10, 0.5, "booked for 60 minutes at least; this session lasts 30"),
    ],
)
def test_it_refuses_impossible_times(room, client, start_hour, hours, message):
    with pytest.raises(StudioError, match=message):
        book(room, client, paris(2026, 12, 1, start_hour), hours=hours)

    assert Session.objects.count() == 0


def test_it_refuses_naive_times(room, client):
    from datetime import datetime

    with pytest.raises(StudioError, match="time zone"):
        session_create(
            client=client, room=room, start=datetime(2026, 12, 1, 10), end=datetime(2026, 12, 1, 12)
        )


def test_a_room_out_of_use_cannot_be_booked(room, client):
    room.is_active = False
    room.save()

    with pytest.raises(StudioError, match="Live Room is not in use"):
        book(room, client, paris(2026, 12, 1, 10))


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_an_insert_aborted_by_a_deadlock_is_tried_again(room, client, monkeypatch):
    from django.db import OperationalError

    from studio.services import session_reservations as booking

    real = booking._write_reservations
    calls = []

    def deadlock_once(session, engineers, equipment):
        calls.append(session.pk)
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from _Deadlock()
        return real(session, engineers, equipment)

    monkeypatch.setattr(booking, "_write_reservations", deadlock_once)

    session = book(room, client, paris(2026, 12, 1, 10), engineers=[EngineerFactory()])

    assert len(calls) == 2
    assert Session.objects.get() == session
    assert SessionEngineer.objects.get().session == session


def test_other_database_errors_are_not_retried(room, client, monkeypatch):
    from django.db import OperationalError

    from studio.services import session_reservations as booking

    def broken(session, engineers, equipment):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(booking, "_write_reservations", broken)

    with pytest.raises(OperationalError):
        book(room, client, paris(2026, 12, 1, 10))

    assert Session.objects.count() == 0
