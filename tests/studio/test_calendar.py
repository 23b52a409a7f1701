from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import OpeningHours, Room, Session
from studio.selectors.calendar import calendar_closed_periods, calendar_first_day, text_colour_on
from studio.selectors.settings import studio_settings_get
from studio.services.session_lifecycle import session_cancel, session_mark_no_show
from studio.services.sessions import session_create, session_update
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import paris, staff_user
from tests.studio.factories import ClientFactory, EngineerFactory, RoomFactory

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


def move(http, session, start, end, **extra):
    return http.post(
        f"/admin/calendar/sessions/{session.pk}/move/",
        json.dumps({"start": start, "end": end, **extra}),
        content_type="application/json",
    )


def sessions_of(events):
    return [e for e in events if e.get("display") != "background"]


def test_the_feed_gives_sessions_in_the_studios_wall_clock_time(calendar):
    http, first, _, _ = calendar

    events = sessions_of(
        http.get("/admin/calendar/feed/?start=2026-11-30T00:00:00&end=2026-12-07T00:00:00").json()
    )

    assert [e["id"] for e in events] == [first.pk, first.pk + 1]
    assert events[0]["start"] == "2026-12-01T10:00:00"  # Paris time, 09:00 UTC
    assert events[0]["backgroundColor"] == "#ff0066"
    assert events[0]["title"] == "Glass Harbour"
    assert events[0]["resourceIds"] == [first.room_id]  # drawn in its room's column


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


def test_the_calendar_page_loads_only_the_calendar_library(calendar):
    http, *_ = calendar

    page = http.get("/admin/calendar/")

    assert page.status_code == 200
    assert "vendor/event-calendar/event-calendar.min.js" in page.text
    assert "fullcalendar" not in page.text
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


FEED = "/admin/calendar/feed/?start=2026-11-30T00:00:00&end=2026-12-07T00:00:00"


def test_dragging_into_another_room_moves_the_session_there(calendar):
    http, first, _, studio = calendar
    with schema_context(studio.schema_name):
        booth = RoomFactory(name="Vocal Booth", hourly_rate=Decimal("30"))

    response = move(http, first, "2026-12-01T10:00:00", "2026-12-01T12:00:00", room=booth.pk)

    assert response.status_code == 200
    assert response.json()["price"] == "60.00"  # priced at the new room's rate
    with schema_context(studio.schema_name):
        first.refresh_from_db()
        assert first.room == booth and first.start == paris(2026, 12, 1, 10)


def test_dragging_into_a_room_taken_at_that_time_is_refused(calendar):
    http, first, _, studio = calendar
    with schema_context(studio.schema_name):
        booth = RoomFactory(name="Vocal Booth")
        other = session_create(
            client=ClientFactory(name="Quiet Tide"),
            room=booth,
            start=paris(2026, 12, 1, 9),
            end=paris(2026, 12, 1, 11),
        )

    response = move(http, first, "2026-12-01T10:00:00", "2026-12-01T12:00:00", room=booth.pk)

    assert response.status_code == 409
    assert f"Session #{other.pk}" in response.json()["error"]
    with schema_context(studio.schema_name):
        first.refresh_from_db()
        assert first.room.name == "Live Room"


def test_a_room_out_of_use_is_refused(calendar):
    http, first, _, studio = calendar
    with schema_context(studio.schema_name):
        closed = RoomFactory(name="Old Room", is_active=False)

    response = move(http, first, "2026-12-01T10:00:00", "2026-12-01T12:00:00", room=closed.pk)

    assert response.status_code == 409
    assert "not in use" in response.json()["error"]
    with schema_context(studio.schema_name):
        assert Session.objects.get(pk=first.pk).room.name == "Live Room"


def test_undoing_a_move_is_another_move_refused_when_the_slot_is_gone(calendar):
    http, first, _, studio = calendar
    assert move(http, first, "2026-12-03T10:00:00", "2026-12-03T12:00:00").status_code == 200
    with schema_context(studio.schema_name):
        # Someone books the old slot before the undo.
        taker = session_create(
            client=ClientFactory(name="Late Comers"),
            room=first.room,
            start=paris(2026, 12, 1, 10),
            end=paris(2026, 12, 1, 12),
        )

    undo = move(http, first, "2026-12-01T10:00:00", "2026-12-01T12:00:00", room=first.room_id)

    assert undo.status_code == 409
    assert f"Session #{taker.pk}" in undo.json()["error"]
    with schema_context(studio.schema_name):
        assert Session.objects.get(pk=first.pk).start == paris(2026, 12, 3, 10)


def test_a_room_id_of_another_studio_is_refused(calendar, studio_b):
    http, first, _, studio = calendar
    with schema_context(studio.schema_name):
        highest_here = Room.objects.order_by("-pk").values_list("pk", flat=True).first()
    with schema_context(studio_b.schema_name):
        # Make sure B's room has an id studio A does not use, so only the schema tells them apart.
        foreign = RoomFactory(name="B's Room", pk=highest_here + 100)

    response = move(http, first, "2026-12-01T10:00:00", "2026-12-01T12:00:00", room=foreign.pk)

    assert response.status_code == 400
    assert response.json()["error"] == "That room is not one of this studio's rooms."
    with schema_context(studio.schema_name):
        assert Session.objects.get(pk=first.pk).room.name == "Live Room"
    with schema_context(studio_b.schema_name):
        assert not Session.objects.filter(room=foreign).exists()


def test_studio_b_cannot_move_studio_a_sessions_with_its_own_room(calendar, studio_b):
    _, first, _, studio = calendar
    with schema_context(studio_b.schema_name):
        room_b = RoomFactory(name="B's Room")
        b_owner = HttpClient(HTTP_HOST=STUDIO_B.host)
        b_owner.force_login(User.objects.get(email=STUDIO_B.owner_email))

    response = move(b_owner, first, "2026-12-01T14:00:00", "2026-12-01T16:00:00", room=room_b.pk)

    assert response.status_code in (403, 404)  # B's host: A's session does not exist there
    with schema_context(studio.schema_name):
        first.refresh_from_db()
        assert first.start == paris(2026, 12, 1, 10) and first.room.name == "Live Room"


def test_studio_b_feed_never_shows_studio_a_sessions(calendar, studio_b):
    with schema_context(studio_b.schema_name):
        b_owner = HttpClient(HTTP_HOST=STUDIO_B.host)
        b_owner.force_login(User.objects.get(email=STUDIO_B.owner_email))

    events = b_owner.get(FEED).json()

    assert not any("Glass Harbour" in str(e.get("title")) for e in events)


def test_an_engineer_moving_across_rooms_is_not_told_the_price(calendar):
    _, first, _, studio = calendar
    with schema_context(studio.schema_name):
        booth = RoomFactory(name="Vocal Booth")
        engineer = HttpClient(HTTP_HOST=STUDIO_A.host)
        engineer.force_login(staff_user("eng@studio-a.example", "Engineer"))

    response = move(engineer, first, "2026-12-01T10:00:00", "2026-12-01T12:00:00", room=booth.pk)

    assert response.status_code == 200
    assert response.json() == {"id": first.pk}


def test_the_feed_filters_by_engineer(calendar):
    http, first, second, studio = calendar
    with schema_context(studio.schema_name):
        ana, bo = EngineerFactory(name="Ana"), EngineerFactory(name="Bo")
        session_update(session=first, engineers=[ana])
        session_update(session=second, engineers=[bo])

    ana_only = sessions_of(http.get(f"{FEED}&engineer={ana.pk}").json())
    everyone = sessions_of(http.get(FEED).json())

    assert [e["id"] for e in ana_only] == [first.pk]
    assert ana_only[0]["extendedProps"]["engineers"] == "Ana"
    assert {e["id"] for e in everyone} == {first.pk, second.pk}


def test_status_travels_as_a_class_and_a_cancelled_session_is_left_out(calendar):
    http, first, second, studio = calendar
    with schema_context(studio.schema_name):
        third = session_create(
            client=ClientFactory(name="Ghost Band"),
            room=first.room,
            start=paris(2026, 12, 2, 10),
            end=paris(2026, 12, 2, 12),
            status=Session.Status.REQUESTED,
        )
        session_cancel(session=second)
        late = session_create(
            client=ClientFactory(name="Never Came"),
            room=first.room,
            start=paris(2026, 12, 3, 10),
            end=paris(2026, 12, 3, 12),
        )
        session_mark_no_show(session=late, at=paris(2026, 12, 3, 11))

    events = {e["id"]: e for e in sessions_of(http.get(FEED).json())}

    assert second.pk not in events
    assert events[first.pk]["classNames"] == ["is-confirmed"]
    assert events[third.pk]["classNames"] == ["is-requested"]
    assert events[late.pk]["classNames"] == ["is-no-show"]
    assert events[late.pk]["editable"] is False


def test_closed_hours_and_days_are_shaded_from_the_opening_hours(studio_a):
    with schema_context(studio_a.schema_name):
        settings = studio_settings_get()
        OpeningHours.objects.all().delete()
        OpeningHours.objects.create(settings=settings, weekday=0, opens=time(10), closes=time(22))
        # Friday runs past midnight, into Saturday 02:00.
        OpeningHours.objects.create(settings=settings, weekday=4, opens=time(12), closes=time(2))

        closed = calendar_closed_periods(start=date(2026, 11, 30), end=date(2026, 12, 7))

    spans = [(c["start"], c["end"]) for c in closed]
    assert spans == [
        ("2026-11-30T00:00:00", "2026-11-30T10:00:00"),  # Monday before opening
        ("2026-11-30T22:00:00", "2026-12-01T00:00:00"),  # Monday night
        ("2026-12-01T00:00:00", "2026-12-02T00:00:00"),  # closed all Tuesday...
        ("2026-12-02T00:00:00", "2026-12-03T00:00:00"),
        ("2026-12-03T00:00:00", "2026-12-04T00:00:00"),
        ("2026-12-04T00:00:00", "2026-12-04T12:00:00"),  # ...to Friday noon
        ("2026-12-05T02:00:00", "2026-12-06T00:00:00"),  # after Friday's late night
        ("2026-12-06T00:00:00", "2026-12-07T00:00:00"),  # closed all Sunday
    ]
    assert all(c["display"] == "background" for c in closed)


def test_a_studio_without_opening_hours_is_shown_open(studio_a):
    with schema_context(studio_a.schema_name):
        OpeningHours.objects.all().delete()

        assert calendar_closed_periods(start=date(2026, 11, 30), end=date(2026, 12, 7)) == []


def test_the_feed_carries_the_closed_hours(calendar):
    http, _, _, studio = calendar
    with schema_context(studio.schema_name):
        OpeningHours.objects.all().delete()
        OpeningHours.objects.create(
            settings=studio_settings_get(), weekday=1, opens=time(9), closes=time(18)
        )

    shaded = [e for e in http.get(FEED).json() if e.get("display") == "background"]

    assert shaded[0] == {
        "id": "closed-20261130T0000",
        "start": "2026-11-30T00:00:00",
        "end": "2026-12-01T00:00:00",
        "display": "background",
        "classNames": ["is-closed"],
    }


@pytest.mark.parametrize(
    ("locale", "first_day"), [("en-GB", 1), ("en-US", 0), ("de-DE", 1), ("nonsense", 1)]
)
def test_the_week_starts_on_the_locales_first_day(locale, first_day):
    assert calendar_first_day(locale) == first_day


def test_the_page_passes_the_studios_locale_and_first_day(calendar):
    http, _, _, studio = calendar
    with schema_context(studio.schema_name):
        settings = studio_settings_get()
        settings.locale = "en-US"
        settings.save()

    page = http.get("/admin/calendar/").text

    assert 'data-locale="en-US"' in page and 'data-first-day="0"' in page


def test_the_page_offers_a_new_booking_that_comes_back_to_the_calendar(calendar):
    http, *_ = calendar

    page = http.get("/admin/calendar/").text

    assert "/admin/studio/session/add/?next=/admin/calendar/" in page
    assert "Drag on the grid to book" in page


def test_event_text_reads_on_any_room_colour():
    assert text_colour_on("#fde047") == "#111827"  # dark on pale yellow
    assert text_colour_on("#1e3a8a") == "#ffffff"  # white on navy


def test_the_feed_refuses_an_endless_range(calendar):
    http, *_ = calendar

    assert (
        http.get("/admin/calendar/feed/?start=2026-01-01T00:00&end=2027-01-01T00:00").status_code
        == 400
    )
