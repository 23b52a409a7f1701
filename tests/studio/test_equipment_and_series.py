from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from studio.models import Equipment, Session, SessionSeries
from studio.services.equipment import equipment_status_set
from studio.services.errors import StudioError
from studio.services.sessions import session_create, session_series_create
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_sending_gear_to_repair_flags_the_upcoming_sessions_that_reserved_it(in_studio_a):
    mic, room, band = EquipmentFactory(), RoomFactory(), ClientFactory()
    soon = timezone.now() + timedelta(days=3)
    upcoming = session_create(
        client=band, room=room, start=soon, end=soon + timedelta(hours=2), equipment=[mic]
    )
    untouched = session_create(
        client=band,
        room=room,
        start=soon + timedelta(days=1),
        end=soon + timedelta(days=1, hours=2),
    )

    flagged = equipment_status_set(equipment=mic, status=Equipment.Status.IN_REPAIR)

    assert flagged == [upcoming]
    upcoming.refresh_from_db()
    untouched.refresh_from_db()
    assert "Neumann U 87 Ai" in upcoming.gear_alert and "in repair" in upcoming.gear_alert
    assert untouched.gear_alert == ""


def test_back_in_service_flags_nothing(in_studio_a):
    mic = EquipmentFactory(status=Equipment.Status.IN_REPAIR)

    assert equipment_status_set(equipment=mic, status=Equipment.Status.AVAILABLE) == []


def test_a_weekly_series_keeps_the_wall_clock_time_across_the_clock_change(in_studio_a):
    room, band = RoomFactory(), ClientFactory()

    sessions = session_series_create(
        weeks=3, client=band, room=room, start=paris(2027, 3, 17, 18), end=paris(2027, 3, 17, 21)
    )

    starts = [timezone.localtime(s.start, paris(2027, 1, 1).tzinfo) for s in sessions]
    assert [(s.day, s.hour) for s in starts] == [(17, 18), (24, 18), (31, 18)]
    assert len({s.series_id for s in sessions}) == 1


def test_a_weekly_series_is_all_or_nothing(in_studio_a):
    room, band = RoomFactory(), ClientFactory()
    blocker = session_create(
        client=band, room=room, start=paris(2027, 1, 19, 18), end=paris(2027, 1, 19, 20)
    )

    with pytest.raises(StudioError) as error:
        session_series_create(
            weeks=4, client=band, room=room, start=paris(2027, 1, 5, 18), end=paris(2027, 1, 5, 21)
        )

    assert error.value.message.startswith("Week 3 (Tue 19 Jan):")
    assert f"Session #{blocker.pk}" in error.value.message
    assert "Nothing was booked." in error.value.message
    assert Session.objects.count() == 1
    assert SessionSeries.objects.count() == 0
