"""Free slots: one rule per test, then the property that ties the selector to the database —
every slot offered books for real, every slot hidden is refused by a rule or the constraint."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction

from studio.models import OpeningHours, Session
from studio.selectors.availability import (
    AvailabilityError,
    Slot,
    free_slots,
    slot_check,
)
from studio.selectors.settings import studio_settings_get
from studio.services.errors import BookingConflict, StudioError
from studio.services.sessions import session_create
from tests.studio.conftest import PARIS, paris
from tests.studio.factories import ClientFactory, EngineerFactory, RoomFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 1, 4)
SPRING_FORWARD = date(2027, 3, 28)  # Sunday: 02:00 CET becomes 03:00 CEST
FALL_BACK = date(2027, 10, 31)  # Sunday: 03:00 CEST becomes 02:00 CET


def rules(**values) -> None:
    """Studio A's settings for the test: no lead time and a long horizon unless told."""
    settings = studio_settings_get()
    defaults = dict(
        timezone="Europe/Paris",
        slot_minutes=30,
        min_booking_minutes=60,
        lead_time_hours=0,
        max_advance_days=730,
    )
    for name, value in {**defaults, **values}.items():
        setattr(settings, name, value)
    settings.save()


def opening(*rows: tuple[int, str, str]) -> None:
    settings = studio_settings_get()
    OpeningHours.objects.all().delete()
    for weekday, opens, closes in rows:
        OpeningHours.objects.create(
            settings=settings,
            weekday=weekday,
            opens=time.fromisoformat(opens),
            closes=time.fromisoformat(closes),
        )


def wall(slots) -> list[str]:
    return [f"{s.start.astimezone(PARIS):%H:%M}" for s in slots]


def book(room, start, end, *, status=Session.Status.CONFIRMED, engineers=()):
    return session_create(
        client=ClientFactory(), room=room, start=start, end=end, status=status, engineers=engineers
    )


@pytest.fixture
def studio(in_studio_a):
    rules()
    opening((0, "10:00", "14:00"))  # Mondays 10:00-14:00
    return in_studio_a


@pytest.fixture
def room(studio):
    return RoomFactory(name="Live Room", min_minutes=60, buffer_minutes=0)


NOW = paris(2027, 1, 1, 9, 0)


def monday(room, minutes=60, *, now=NOW, **kwargs):
    return free_slots(day_from=MONDAY, day_to=MONDAY, minutes=minutes, room=room, now=now, **kwargs)


# --- opening hours and the grid ---------------------------------------------------------------


def test_it_offers_every_step_from_the_opening_time_to_the_last_start_that_fits(room):
    assert wall(monday(room)) == ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00"]
    rules(slot_minutes=60)
    assert wall(monday(room, minutes=120)) == ["10:00", "11:00", "12:00"]


def test_it_returns_aware_slots_in_the_room_asked_for(room):
    slot = monday(room)[0]
    assert slot.start == paris(2027, 1, 4, 10, 0) and slot.end == paris(2027, 1, 4, 11, 0)
    assert slot.room == room and slot.engineer is None


def test_a_session_fits_inside_one_opening_window(room):
    opening((0, "10:00", "12:00"), (0, "13:00", "15:00"))
    assert wall(monday(room, minutes=90)) == ["10:00", "10:30", "13:00", "13:30"]
    with pytest.raises(StudioError, match="not open"):
        slot_check(room=room, start=paris(2027, 1, 4, 11), end=paris(2027, 1, 4, 13), now=NOW)


def test_a_window_past_midnight_offers_slots_on_the_next_day(room):
    opening((6, "20:00", "04:00"))  # Sunday night, closing on Monday
    slots = monday(room, minutes=120)
    assert wall(slots) == ["00:00", "00:30", "01:00", "01:30", "02:00"]
    assert slots[-1].end == paris(2027, 1, 4, 4, 0)
    sunday = free_slots(
        day_from=date(2027, 1, 3), day_to=date(2027, 1, 3), minutes=120, room=room, now=NOW
    )
    assert wall(sunday)[0] == "20:00" and wall(sunday)[-1] == "23:30"


def test_touching_windows_make_one_span(room):
    opening((6, "18:00", "00:00"), (0, "00:00", "06:00"))
    sunday = free_slots(
        day_from=date(2027, 1, 3), day_to=date(2027, 1, 3), minutes=180, room=room, now=NOW
    )
    assert "23:00" in wall(sunday)  # 23:00 to 02:00, across the two rows
    slot_check(room=room, start=paris(2027, 1, 3, 23), end=paris(2027, 1, 4, 2), now=NOW)


def test_a_studio_without_opening_hours_is_open_around_the_clock(room):
    OpeningHours.objects.all().delete()
    slots = monday(room, minutes=60)
    assert len(slots) == 48 and wall(slots)[0] == "00:00" and wall(slots)[-1] == "23:30"


def test_the_grid_is_kept_online_but_staff_may_book_between_its_points(room):
    off_grid = dict(room=room, start=paris(2027, 1, 4, 10, 15), end=paris(2027, 1, 4, 11, 15))
    with pytest.raises(StudioError, match="multiple of 30 minutes"):
        slot_check(**off_grid, now=NOW)
    slot_check(**off_grid, now=NOW, online=False)


# --- daylight saving ----------------------------------------------------------------------------


def test_the_spring_forward_night_skips_the_hour_that_does_not_exist(room):
    opening((5, "22:00", "06:00"))  # Saturday night into Sunday 28 March 2027
    slots = free_slots(
        day_from=SPRING_FORWARD, day_to=SPRING_FORWARD, minutes=60, room=room, now=NOW
    )
    assert wall(slots) == [
        *("00:00", "00:30", "01:00", "01:30"),
        *("03:00", "03:30", "04:00", "04:30", "05:00"),
    ]
    across = slots[3]  # 01:30 CET to 03:30 CEST: one real hour
    assert across.end - across.start == timedelta(hours=1)
    assert f"{across.end.astimezone(PARIS):%H:%M}" == "03:30"
    book(room, across.start, across.end)  # the database agrees it is one hour


def test_an_opening_time_inside_the_gap_opens_when_the_clocks_jump(room):
    opening((6, "02:30", "08:00"))
    slots = free_slots(
        day_from=SPRING_FORWARD, day_to=SPRING_FORWARD, minutes=60, room=room, now=NOW
    )
    assert wall(slots)[0] == "03:00"
    assert slots[0].start == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 03:00 CEST


def test_the_fall_back_night_offers_the_repeated_hour_twice(room):
    opening((5, "22:00", "06:00"))  # Saturday night into Sunday 31 October 2027
    rooms_slots = free_slots(day_from=FALL_BACK, day_to=FALL_BACK, minutes=60, room=room, now=NOW)
    times = wall(rooms_slots)
    assert times.count("02:00") == 2 and times.count("02:30") == 2
    first, second = [s for s in rooms_slots if f"{s.start.astimezone(PARIS):%H:%M}" == "02:00"]
    assert second.start - first.start == timedelta(hours=1)
    # 00:00 to 06:00 CET is seven real hours: starts every 30 minutes up to 05:00.
    assert len(rooms_slots) == 13
    book(room, second.start, second.end)
    again = free_slots(day_from=FALL_BACK, day_to=FALL_BACK, minutes=60, room=room, now=NOW)
    assert second.start not in [s.start for s in again]
    assert first.start in [s.start for s in again]  # ends as the winter-time 02:00 begins


# --- length, lead time, horizon -----------------------------------------------------------------


def test_a_length_under_the_minimum_is_refused_with_the_minimum(room):
    room.min_minutes = 120
    room.save()
    with pytest.raises(AvailabilityError, match="120 minutes at least"):
        monday(room, minutes=90)
    rules(min_booking_minutes=150)
    with pytest.raises(AvailabilityError, match="150 minutes at least"):
        monday(room, minutes=120)
    with pytest.raises(StudioError, match="150 minutes at least"):
        slot_check(room=room, start=paris(2027, 1, 4, 10), end=paris(2027, 1, 4, 12), now=NOW)


def test_any_room_leaves_out_rooms_whose_minimum_is_longer(room):
    RoomFactory(name="A Big Hall", min_minutes=180, buffer_minutes=0)
    assert {s.room for s in monday(None, minutes=60)} == {room}
    with pytest.raises(AvailabilityError, match="60 minutes at least"):
        monday(None, minutes=30)


@pytest.mark.parametrize("minutes", [0, -30, 24 * 60 + 1])
def test_a_length_outside_a_day_is_refused(room, minutes):
    with pytest.raises(AvailabilityError, match="between 1 minute and 24 hours"):
        monday(room, minutes=minutes)


def test_a_range_backwards_or_over_31_days_is_refused(room):
    with pytest.raises(AvailabilityError, match="on or after"):
        free_slots(day_from=MONDAY, day_to=MONDAY - timedelta(days=1), minutes=60, room=room)
    with pytest.raises(AvailabilityError, match="31 days"):
        free_slots(day_from=MONDAY, day_to=MONDAY + timedelta(days=31), minutes=60, room=room)
    assert free_slots(
        day_from=MONDAY, day_to=MONDAY + timedelta(days=30), minutes=60, room=room, now=NOW
    )


def test_online_bookings_keep_the_lead_time_and_staff_only_the_present(room):
    rules(lead_time_hours=24)
    now = paris(2027, 1, 3, 11, 15)  # Sunday: 24 hours later is Monday 11:15
    assert wall(monday(room, now=now)) == ["11:30", "12:00", "12:30", "13:00"]
    with pytest.raises(StudioError, match="24 hours from now"):
        slot_check(room=room, start=paris(2027, 1, 4, 11), end=paris(2027, 1, 4, 12), now=now)
    staff_now = paris(2027, 1, 4, 11, 15)
    staff = free_slots(
        day_from=MONDAY, day_to=MONDAY, minutes=60, room=room, now=staff_now, online=False
    )
    assert wall(staff) == ["11:30", "12:00", "12:30", "13:00"]
    slot_check(
        room=room,
        start=paris(2027, 1, 4, 10),
        end=paris(2027, 1, 4, 11),
        now=staff_now,
        online=False,
    )


def test_online_bookings_stop_at_the_maximum_advance(room):
    rules(max_advance_days=3)
    now = paris(2027, 1, 1, 23, 30)  # Friday: Monday 4 January is the third day ahead
    assert monday(room, now=now)
    too_far = dict(day_from=MONDAY, day_to=MONDAY, minutes=60, room=room, now=now)
    rules(max_advance_days=2)
    assert free_slots(**too_far) == []
    assert free_slots(**too_far, online=False)
    with pytest.raises(StudioError, match="2 days ahead"):
        slot_check(room=room, start=paris(2027, 1, 4, 10), end=paris(2027, 1, 4, 11), now=now)


# --- rooms ------------------------------------------------------------------------------------


def test_a_room_not_bookable_online_is_for_staff_only(room):
    room.bookable_online = False
    room.save()
    with pytest.raises(AvailabilityError, match="not booked online"):
        monday(room)
    assert monday(None) == []
    assert monday(room, online=False) and monday(None, online=False)
    with pytest.raises(StudioError, match="not booked online"):
        slot_check(room=room, start=paris(2027, 1, 4, 10), end=paris(2027, 1, 4, 11), now=NOW)


def test_an_inactive_room_is_offered_to_nobody(room):
    room.is_active = False
    room.save()
    for online in (True, False):
        with pytest.raises(AvailabilityError, match="not in use"):
            monday(room, online=online)
        assert monday(None, online=online) == []


def test_any_room_gives_each_start_once_in_the_first_free_room_by_name(room):
    first = RoomFactory(name="A Room", min_minutes=60, buffer_minutes=0)
    book(first, paris(2027, 1, 4, 10), paris(2027, 1, 4, 12))
    slots = monday(None)
    assert wall(slots) == ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00"]
    by_time = {t: s.room for t, s in zip(wall(slots), slots, strict=True)}
    assert by_time["10:00"] == by_time["11:00"] == room
    assert by_time["12:00"] == by_time["13:00"] == first


# --- what is taken ------------------------------------------------------------------------------


def test_the_changeover_keeps_the_room_free_before_and_after_a_session(room):
    room.buffer_minutes = 30
    room.save()
    opening((0, "08:00", "16:00"))
    book(room, paris(2027, 1, 4, 11), paris(2027, 1, 4, 12))  # blocked until 12:30
    times = wall(monday(room))
    # 09:30-10:30 + 30 min changeover meets 11:00 exactly: allowed, as the constraint allows.
    assert "09:30" in times and "10:00" not in times and "10:30" not in times
    assert "12:00" not in times and "12:30" in times
    with pytest.raises(BookingConflict, match="changeover included"):
        slot_check(room=room, start=paris(2027, 1, 4, 10), end=paris(2027, 1, 4, 11), now=NOW)
    with pytest.raises(StudioError):  # and the booking service agrees
        book(room, paris(2027, 1, 4, 10), paris(2027, 1, 4, 11))


def test_holds_block_the_room_even_after_they_expire_and_cancelled_sessions_do_not(room):
    held = book(room, paris(2027, 1, 4, 10), paris(2027, 1, 4, 11))
    Session.objects.filter(pk=held.pk).update(
        status=Session.Status.HELD, hold_expires_at=paris(2027, 1, 1, 8)
    )
    assert "10:00" not in wall(monday(room))
    Session.objects.filter(pk=held.pk).update(status=Session.Status.CANCELLED)
    assert "10:00" in wall(monday(room))


def test_an_engineer_on_another_session_is_not_offered(room):
    engineer = EngineerFactory()
    other = RoomFactory(name="B Room", buffer_minutes=30)
    book(other, paris(2027, 1, 4, 11), paris(2027, 1, 4, 12), engineers=[engineer])
    with_engineer = monday(room, engineer=engineer)
    # The engineer has no changeover: free again at 12:00, busy for any overlap with 11-12.
    assert wall(with_engineer) == ["10:00", "12:00", "12:30", "13:00"]
    assert all(s.engineer == engineer for s in with_engineer)
    assert "11:00" in wall(monday(room))
    with pytest.raises(BookingConflict, match="already booked"):
        slot_check(
            room=room,
            start=paris(2027, 1, 4, 10, 30),
            end=paris(2027, 1, 4, 11, 30),
            engineer=engineer,
            now=NOW,
        )


def test_an_inactive_engineer_is_refused(room):
    engineer = EngineerFactory(is_active=False)
    with pytest.raises(AvailabilityError, match="no longer active"):
        monday(room, engineer=engineer)


def test_the_session_being_moved_does_not_block_itself(room):
    session = book(room, paris(2027, 1, 4, 10), paris(2027, 1, 4, 12))
    assert "10:30" not in wall(monday(room))
    assert "10:30" in wall(monday(room, exclude_session_id=session.pk))
    slot_check(
        room=room,
        start=paris(2027, 1, 4, 10, 30),
        end=paris(2027, 1, 4, 12, 30),
        now=NOW,
        exclude_session_id=session.pk,
    )


def test_the_number_of_queries_does_not_grow_with_the_range(room, django_assert_max_num_queries):
    engineer = EngineerFactory()
    RoomFactory(name="Second Room")
    for day in range(14):
        start = paris(2027, 1, 4 + day, 10)
        book(room, start, start + timedelta(hours=1), engineers=[engineer])
    with django_assert_max_num_queries(5):
        one = free_slots(day_from=MONDAY, day_to=MONDAY, minutes=60, engineer=engineer, now=NOW)
    with django_assert_max_num_queries(5):
        many = free_slots(
            day_from=MONDAY,
            day_to=MONDAY + timedelta(days=27),
            minutes=60,
            engineer=engineer,
            now=NOW,
        )
    assert one and len(many) > len(one)


# --- the property: the selector and the database agree ---------------------------------------

CASES = 300
BASE_DAYS = [MONDAY, date(2027, 3, 27), SPRING_FORWARD, date(2027, 10, 30), FALL_BACK]


def _random_calendar(rng: random.Random) -> dict:
    """A studio's rules, hours, rooms and bookings, drawn at random around a day."""
    day = rng.choice(BASE_DAYS)
    rules(
        slot_minutes=rng.choice([15, 30, 60]),
        min_booking_minutes=rng.choice([30, 60]),
        lead_time_hours=rng.choice([0, 0, 2, 24]),
        max_advance_days=rng.choice([1, 2, 3, 30]),
    )
    rows = []
    for _ in range(rng.choice([0, 1, 2, 2, 3])):
        opens = time(rng.randrange(24), rng.choice([0, 30]))
        closes = time(rng.randrange(24), rng.choice([0, 30]))
        weekday = (day.weekday() + rng.choice([-1, 0, 0, 1])) % 7
        rows.append((weekday, opens.isoformat("minutes"), closes.isoformat("minutes")))
    opening(*rows)
    rooms = [
        RoomFactory(
            name=f"Room {chr(65 + i)}{rng.randrange(100)}",
            min_minutes=rng.choice([30, 60, 90]),
            buffer_minutes=rng.choice([0, 15, 30, 45]),
            bookable_online=rng.random() < 0.8,
            is_active=rng.random() < 0.9,
        )
        for i in range(rng.choice([1, 2, 3]))
    ]
    engineer = EngineerFactory()
    midnight = datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)
    for _ in range(rng.randrange(2, 12)):
        start = midnight + timedelta(minutes=15 * rng.randrange(-8, 4 * 48))
        length = timedelta(minutes=15 * rng.randrange(6, 17))
        status = rng.choice(["confirmed", "requested", "held", "cancelled"])
        crew = [engineer] if rng.random() < 0.4 else []
        try:
            with transaction.atomic():
                session = book(
                    rng.choice(rooms),
                    start,
                    start + length,
                    status="confirmed" if status == "held" else status,
                    engineers=crew,
                )
        except StudioError:
            continue  # in the way of an earlier one, or closed room: the calendar has less
        if status == "held":
            Session.objects.filter(pk=session.pk).update(
                status=status, hold_expires_at=start - timedelta(days=3)
            )
    now = midnight - timedelta(minutes=15 * rng.randrange(0, 4 * 72))
    return {"day": day, "rooms": rooms, "engineer": engineer, "now": now}


def _books(slot: Slot) -> None:
    """The slot is booked for real (then undone): neither the service nor the constraint
    refuses it."""
    with transaction.atomic():
        session_create(
            client=ClientFactory(),
            room=slot.room,
            start=slot.start,
            end=slot.end,
            engineers=[slot.engineer] if slot.engineer else [],
        )
        transaction.set_rollback(True)


def _refused_by_database(room, start, end, engineer) -> bool:
    try:
        with transaction.atomic():
            book(room, start, end, engineers=[engineer] if engineer else [])
            transaction.set_rollback(True)
    except StudioError:
        return True
    return False


def _check_case(rng: random.Random, calendar: dict) -> dict:
    day, rooms, now = calendar["day"], calendar["rooms"], calendar["now"]
    room = rng.choice([None, *rooms])
    engineer = calendar["engineer"] if rng.random() < 0.4 else None
    online = rng.random() < 0.85
    minutes = rng.choice([30, 60, 90, 120, 180])
    day_to = day + timedelta(days=rng.choice([0, 0, 1]))
    asked = dict(engineer=engineer, online=online, now=now)
    try:
        slots = free_slots(day_from=day, day_to=day_to, minutes=minutes, room=room, **asked)
    except AvailabilityError:
        return {"refused": 1}
    offered = {(s.room.pk, s.start) for s in slots}
    for slot in slots:
        assert slot.end - slot.start == timedelta(minutes=minutes)
        slot_check(room=slot.room, start=slot.start, end=slot.end, **asked)
    for slot in rng.sample(slots, min(3, len(slots))):
        _books(slot)

    hidden = refused = 0
    if online:  # staff may book between grid points and in the past: hiding those is a choice
        candidates = rooms if room is None else [room]
        offered_starts = {start for _room, start in offered}
        # Counted in UTC: adding to a Paris time would add wall-clock minutes.
        midnight = datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)
        taken = list(Session.objects.active().values_list("start", flat=True))
        for _ in range(10):
            if taken and rng.random() < 0.5:  # near a booking, where the changeover bites
                start = rng.choice(taken) + timedelta(minutes=15 * rng.randrange(-12, 12))
            else:
                start = midnight + timedelta(minutes=15 * rng.randrange(4 * 24 * 2))
            if not day <= start.astimezone(PARIS).date() <= day_to:
                continue
            end = start + timedelta(minutes=minutes)
            for candidate in candidates:
                shown = (
                    start in offered_starts if room is None else (candidate.pk, start) in offered
                )
                if shown:
                    continue
                hidden += 1
                try:
                    slot_check(room=candidate, start=start, end=end, **asked)
                except StudioError as exc:
                    refusal = exc
                else:
                    raise AssertionError(
                        f"hidden but not refused: {candidate} {start} {minutes} min, "
                        f"{'any room' if room is None else room}, {asked}, offered {slots}"
                    )
                if isinstance(refusal, BookingConflict):
                    # Taken: the booking service and the constraint refuse it too.
                    assert _refused_by_database(candidate, start, end, engineer)
                    refused += 1
    return {"offered": len(slots), "hidden": hidden, "taken": refused}


def test_every_offered_slot_books_and_every_hidden_one_is_refused(in_studio_a):
    rng = random.Random(20270328)
    totals: dict[str, int] = {}
    for case in range(CASES):
        with transaction.atomic():
            calendar = _random_calendar(rng)
            try:
                seen = _check_case(rng, calendar)
            except AssertionError as exc:
                hours = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
                rules_now = studio_settings_get()
                raise AssertionError(
                    f"case {case}: {calendar}, hours {hours}, step {rules_now.slot_minutes}, "
                    f"lead {rules_now.lead_time_hours} h, advance {rules_now.max_advance_days} d"
                ) from exc
            transaction.set_rollback(True)
        for key, value in seen.items():
            totals[key] = totals.get(key, 0) + value
    # The generator must really exercise both sides of the property.
    assert totals["offered"] > 1000 and totals["hidden"] > 500 and totals["taken"] > 50
