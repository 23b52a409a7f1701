"""The database refuses double bookings even when the services are bypassed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from studio.models import Session, SessionEngineer, SessionEquipment
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


def raw_session(room, client, start, hours=2, status="confirmed", buffer=30):
    end = start + timedelta(hours=hours)
    return Session.objects.create(
        room=room,
        client=client,
        start=start,
        end=end,
        blocked_until=end + timedelta(minutes=buffer),
        status=status,
    )


@pytest.fixture
def booked(in_studio_a):
    room, client = RoomFactory(), ClientFactory()
    return raw_session(room, client, paris(2027, 1, 5, 10))


def test_an_overlapping_session_in_the_same_room_is_refused(booked):
    with pytest.raises(IntegrityError, match="session_room_no_overlap"), transaction.atomic():
        raw_session(booked.room, booked.client, paris(2027, 1, 5, 11))


def test_the_changeover_is_part_of_the_blocked_time(booked):
    with pytest.raises(IntegrityError, match="session_room_no_overlap"), transaction.atomic():
        raw_session(booked.room, booked.client, paris(2027, 1, 5, 12, 15))


def test_a_cancelled_session_does_not_hold_the_room(booked):
    booked.status = Session.Status.CANCELLED
    booked.save()

    assert raw_session(booked.room, booked.client, paris(2027, 1, 5, 11)).pk


def test_an_engineer_row_overlapping_another_is_refused(booked):
    engineer = EngineerFactory()
    other = raw_session(RoomFactory(), booked.client, paris(2027, 1, 5, 11))
    SessionEngineer.objects.create(
        session=booked, engineer=engineer, start=booked.start, end=booked.end
    )

    with pytest.raises(IntegrityError, match="engineer_no_double_booking"), transaction.atomic():
        SessionEngineer.objects.create(
            session=other, engineer=engineer, start=other.start, end=other.end
        )


def test_a_gear_row_overlapping_another_is_refused(booked):
    mic = EquipmentFactory()
    other = raw_session(RoomFactory(), booked.client, paris(2027, 1, 5, 11))
    SessionEquipment.objects.create(
        session=booked, equipment=mic, start=booked.start, end=booked.end
    )

    with pytest.raises(IntegrityError, match="equipment_no_double_booking"), transaction.atomic():
        SessionEquipment.objects.create(
            session=other, equipment=mic, start=other.start, end=other.end
        )
