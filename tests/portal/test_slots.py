"""The portal's slot list (/book/slots/): the free times of a day for a signed-in client, as
a fragment of buttons; bad questions get a 400 with a sentence, and nobody else gets times."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client as Browser
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import OpeningHours, Session
from studio.selectors.settings import studio_settings_get
from studio.services.sessions import session_create
from tests.conftest import PARIS, STUDIO_A
from tests.studio.factories import EngineerFactory, RoomFactory

pytestmark = pytest.mark.django_db

SLOTS = "/book/slots/"


@pytest.fixture
def day(studio_a, portal_client_y):
    """Studio A open 10:00-14:00 daily, in 60-minute steps, no lead time; a room whose name
    is hostile; client Y booked 11:00-12:00 on the day after tomorrow (returned)."""
    with schema_context(studio_a.schema_name):
        settings = studio_settings_get()
        settings.slot_minutes = settings.min_booking_minutes = 60
        settings.lead_time_hours = 0
        settings.save()
        OpeningHours.objects.all().delete()
        for weekday in range(7):
            OpeningHours.objects.create(
                settings=settings, weekday=weekday, opens=time(10), closes=time(14)
            )
        room = RoomFactory(name="<img src=x onerror=alert(1)>", buffer_minutes=0)
        RoomFactory(name="Vault", buffer_minutes=0, bookable_online=False)
        when = timezone.localdate(timezone=PARIS) + timedelta(days=2)
        session_create(
            client=portal_client_y.client,
            room=room,
            start=datetime.combine(when, time(11), tzinfo=PARIS),
            end=datetime.combine(when, time(12), tzinfo=PARIS),
        )
    return {"date": when, "room": room}


def ask(browser, day, **query):
    params = {"room": day["room"].pk, "date": day["date"].isoformat(), "minutes": 60}
    return browser.get(SLOTS, {**params, **query})


@pytest.fixture
def cast(
    owner_browser_a,
    front_desk_browser_a,
    portal_client_x,
    portal_client_y,
    portal_client_b,
    anonymous_a,
) -> dict[str, Browser]:
    b_on_a = Browser(HTTP_HOST=STUDIO_A.host)
    b_on_a.cookies.update(portal_client_b.browser.cookies)
    return {
        "owner": owner_browser_a,
        "front_desk": front_desk_browser_a,
        "client_x": portal_client_x.browser,
        "client_y": portal_client_y.browser,
        "client_b": b_on_a,
        "anonymous": anonymous_a,
    }


@pytest.mark.parametrize("who", ["client_x", "client_y"])
def test_a_client_gets_the_free_times_as_buttons_in_the_studio_zone(cast, who, day):
    page = ask(cast[who], day)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="slot"') == 3  # 10:00, 12:00, 13:00; 11:00 is booked
    start = datetime.combine(day["date"], time(10), tzinfo=PARIS)
    assert f'data-start="{start.isoformat()}"' in html
    assert f'data-end="{(start + timedelta(hours=1)).isoformat()}"' in html
    assert f'data-room="{day["room"].pk}"' in html
    assert "10:00–11:00" in html and "11:00–12:00" not in html
    assert "Yasmin" not in html  # a taken time does not say who took it


@pytest.mark.parametrize("who", ["owner", "front_desk", "client_b", "anonymous"])
def test_staff_studio_b_clients_and_visitors_are_sent_to_sign_in(cast, who, day):
    page = ask(cast[who], day)
    assert page.status_code == 302 and "/sign-in/" in page["Location"]


def test_any_room_names_the_room_as_text_and_leaves_out_rooms_not_online(cast, day):
    html = ask(cast["client_x"], day, room="any").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert "Vault" not in html


def test_an_empty_day_says_to_try_another(cast, day, studio_a):
    with schema_context(studio_a.schema_name):
        OpeningHours.objects.filter(weekday=day["date"].weekday()).delete()
    page = ask(cast["client_x"], day)
    assert page.status_code == 200
    assert "No free time that day — try another day" in page.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date": "31/12/2026"}, "YYYY-MM-DD"),
        ({"date": ""}, "YYYY-MM-DD"),
        ({"minutes": "sixty"}, "whole number of minutes"),
        ({"minutes": "30"}, "60 minutes at least"),
        ({"minutes": "2000"}, "24 hours"),
        ({"room": "999999"}, "rooms offered"),
        ({"room": "1; DROP TABLE"}, "rooms offered"),
        ({"engineer": "999999"}, "engineers offered"),
    ],
)
def test_a_bad_question_gets_a_400_with_a_sentence(cast, day, query, message):
    page = ask(cast["client_x"], day, **query)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'class="slot"' not in page.content.decode()


def test_a_room_not_bookable_online_is_refused(cast, day, studio_a):
    with schema_context(studio_a.schema_name):
        vault = day["room"].__class__.objects.get(name="Vault")
    page = ask(cast["client_x"], day, room=vault.pk)
    assert page.status_code == 400 and "not booked online" in page.content.decode()


def test_an_engineer_asked_for_hides_their_busy_times(cast, day, studio_a):
    with schema_context(studio_a.schema_name):
        engineer = EngineerFactory()
        session = Session.objects.get(room=day["room"])
        other = RoomFactory(name="Other", buffer_minutes=0)
        session_create(
            client=session.client,
            room=other,
            start=session.start + timedelta(hours=1),
            end=session.end + timedelta(hours=1),
            engineers=[engineer],
        )
    html = ask(cast["client_x"], day, engineer=engineer.pk).content.decode()
    assert "10:00–11:00" in html and "12:00–13:00" not in html and "13:00–14:00" in html


def test_the_night_the_clocks_go_back_says_which_two_oclock(cast, day, studio_a):
    with schema_context(studio_a.schema_name):
        StudioSettings = studio_settings_get().__class__
        StudioSettings.objects.update(max_advance_days=400)
        OpeningHours.objects.all().delete()
        OpeningHours.objects.create(
            settings=studio_settings_get(), weekday=5, opens=time(22), closes=time(6)
        )
    html = ask(cast["client_x"], day, date="2027-10-31").content.decode()
    assert "02:00 CEST–02:00 CET" in html and "02:00 CET–03:00" in html
    assert 'data-start="2027-10-31T02:00:00+02:00"' in html
    assert 'data-start="2027-10-31T02:00:00+01:00"' in html
