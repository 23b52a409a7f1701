"""Staff move sessions on the rooms-side-by-side calendar by drag and drop, in a real browser:
across rooms, with an Undo that is itself a move (and refused like one)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.bench.calendar import page_weight
from studio.models import Client, Room, Session
from studio.selectors.settings import studio_settings_get
from studio.services.sessions import session_create
from tests.e2e.axe import axe_violations
from tests.e2e.calendar import EVENT, drag
from tests.e2e.conftest import OWNER

SHOTS = Path("/tmp/shots")


@pytest.fixture
def sessions(e2e_studio, django_db_blocker):
    """Today 10:00-12:00 and 16:00-18:00 in Live Room (studio time); Vocal Booth free."""
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        tz = studio_settings_get().tz
        today = timezone.localdate(timezone=tz)
        live = Room.objects.create(name="Live Room", hourly_rate=Decimal("60"), buffer_minutes=0)
        Room.objects.create(
            name="Vocal Booth", hourly_rate=Decimal("30"), buffer_minutes=0, colour="#fde047"
        )
        band = Client.objects.create(name="The Night Owls", email="owls@example.com")

        def at(hour):
            return datetime(today.year, today.month, today.day, hour, tzinfo=tz)

        first = session_create(client=band, room=live, start=at(10), end=at(12))
        second = session_create(client=band, room=live, start=at(16), end=at(18))
        yield first, second, at
        Session.objects.all().delete()
        Room.objects.all().delete()
        Client.objects.all().delete()


def sign_in(page, base):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", OWNER[0])
    page.fill("input[name=password]", OWNER[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def open_day(page, live_url):
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/calendar/?view=day")
    page.locator(EVENT, has_text="10:00").wait_for()


def test_dragging_a_session_into_another_room_moves_it_and_undo_moves_it_back(
    page, live_url, sessions, e2e_studio, django_db_blocker
):
    first, _, at = sessions
    open_day(page, live_url)

    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        drag(page, "10:00", hours=3, to_room="Vocal Booth")
    assert moved.value.status == 200
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        first.refresh_from_db()
        assert first.room.name == "Vocal Booth"
        assert (first.start, first.end) == (at(13), at(15))
    message = page.locator("#calendar-message")
    message.wait_for(state="visible")
    assert "Moved The Night Owls" in message.inner_text() and "Vocal Booth" in message.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "calendar-undo.png"))

    with page.expect_response(lambda r: "/move/" in r.url) as undone:
        page.get_by_role("button", name="Undo").click()
    assert undone.value.status == 200
    page.get_by_text("Move undone.").wait_for()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        first.refresh_from_db()
        assert first.room.name == "Live Room"
        assert (first.start, first.end) == (at(10), at(12))


def test_an_undo_is_refused_when_the_old_slot_was_taken_meanwhile(
    page, live_url, sessions, e2e_studio, django_db_blocker
):
    first, _, at = sessions
    open_day(page, live_url)
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        drag(page, "10:00", hours=2)
    assert moved.value.status == 200
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        # The front desk books the freed slot before the undo.
        taker = session_create(
            client=Client.objects.create(name="Early Birds"),
            room=first.room,
            start=at(10),
            end=at(11),
        )

    with page.expect_response(lambda r: "/move/" in r.url) as undone:
        page.get_by_role("button", name="Undo").click()

    assert undone.value.status == 409
    banner = page.locator("#calendar-error")
    banner.wait_for(state="visible")
    assert "could not be undone" in banner.inner_text()
    assert f"Session #{taker.pk}" in banner.inner_text()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        first.refresh_from_db()
        assert first.start == at(12)


def test_dragging_onto_another_session_is_refused_and_goes_back(
    page, live_url, sessions, e2e_studio, django_db_blocker
):
    first, second, at = sessions
    open_day(page, live_url)

    with page.expect_response(lambda r: "/move/" in r.url) as refused:
        drag(page, "10:00", hours=5)
    assert refused.value.status == 409
    banner = page.locator("#calendar-error")
    banner.wait_for(state="visible")
    assert f"by Session #{second.pk}" in banner.inner_text()
    assert not page.locator("#calendar-message").is_visible()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        first.refresh_from_db()
        assert first.start == at(10)
    page.wait_for_timeout(300)
    assert page.locator(EVENT, has_text="10:00").count() == 1


def test_the_calendar_shows_the_studio_clock_by_room(page, live_url, sessions):
    open_day(page, live_url)

    text = page.locator(EVENT, has_text="10:00").first.inner_text()
    heads = page.locator(".ec-col-head").all_inner_texts()

    assert "10:00" in text and "12:00" in text and "The Night Owls" in text
    assert "am" not in text.lower()  # a 24-hour clock, in the studio's time zone
    assert "Live Room" in heads and "Vocal Booth" in heads


def test_the_week_passes_axe_and_its_weight_is_recorded(page, live_url, sessions, record_property):
    sign_in(page, live_url)

    weight = page_weight(page, f"{live_url}/admin/calendar/?view=week")
    page.locator(EVENT).first.wait_for()

    record_property("calendar_week_bytes", weight.transferred)
    record_property("calendar_week_requests", weight.requests)
    print(f"calendar week: {weight.transferred / 1024:.0f} KiB in {weight.requests} requests")
    assert not any("chart" in url or "fullcalendar" in url for url in weight.urls), weight.urls
    # Labelled previous/next buttons, readable event text (a pale room colour included).
    assert axe_violations(page) == []
    page.get_by_role("button", name="Day", exact=True).click()
    page.locator(EVENT).first.wait_for()
    assert axe_violations(page) == []
