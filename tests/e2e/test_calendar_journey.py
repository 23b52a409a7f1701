"""Staff move sessions on the calendar by drag and drop, in a real browser."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import Client, Room, Session
from studio.selectors.settings import studio_settings_get
from studio.services.sessions import session_create
from tests.e2e.conftest import OWNER


@pytest.fixture
def sessions(e2e_studio, django_db_blocker):
    """Today 10:00-12:00 and 16:00-18:00 in Live Room (studio time)."""
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        tz = studio_settings_get().tz
        today = timezone.localdate(timezone=tz)
        room = Room.objects.create(name="Live Room", hourly_rate=Decimal("60"), buffer_minutes=0)
        band = Client.objects.create(name="The Night Owls", email="owls@example.com")

        def at(hour):
            return datetime(today.year, today.month, today.day, hour, tzinfo=tz)

        first = session_create(client=band, room=room, start=at(10), end=at(12))
        second = session_create(client=band, room=room, start=at(16), end=at(18))
        yield first, second, at
        Session.objects.all().delete()
        room.delete()
        band.delete()


def sign_in(page, base):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", OWNER[0])
    page.fill("input[name=password]", OWNER[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def drag_to(page, event_title_start: str, target_time: str):
    """Drag the event whose time text starts with `event_title_start` to a slot time."""
    event = page.locator(".fc-timegrid-event", has_text=event_title_start).first
    box = event.bounding_box()
    slot = page.locator(f'td.fc-timegrid-slot-lane[data-time="{target_time}"]').first
    slot_box = slot.bounding_box()
    start_x, start_y = box["x"] + box["width"] / 2, box["y"] + 8
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x, start_y + 10, steps=5)
    page.mouse.move(start_x, slot_box["y"] + 8, steps=15)
    page.mouse.up()


def test_dragging_a_session_moves_it_and_a_conflict_is_refused(
    page, live_url, sessions, e2e_studio, django_db_blocker
):
    first, second, at = sessions
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/calendar/?view=day")
    page.click("button.fc-timeGridDay-button")
    page.wait_for_selector(".fc-timegrid-event")
    assert page.locator(".fc-timegrid-event", has_text="10:00").count() == 1

    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        drag_to(page, "10:00", "13:00:00")
    assert moved.value.status == 200
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        first.refresh_from_db()
        assert first.start == at(13) and first.end == at(15)
    assert not page.locator("#calendar-error").is_visible()

    with page.expect_response(lambda r: "/move/" in r.url) as refused:
        drag_to(page, "13:00", "15:00:00")
    assert refused.value.status == 409
    banner = page.locator("#calendar-error")
    banner.wait_for(state="visible")
    assert f"by Session #{second.pk}" in banner.inner_text()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        first.refresh_from_db()
        assert first.start == at(13)
    # The refused event went back where it was.
    page.wait_for_timeout(300)
    assert page.locator(".fc-timegrid-event", has_text="13:00").count() == 1


def test_the_calendar_shows_the_studio_clock(page, live_url, sessions):
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/calendar/")
    page.wait_for_selector(".fc-timegrid-event")

    text = page.locator(".fc-timegrid-event").first.inner_text()

    assert "10:00" in text and "12:00" in text and "The Night Owls" in text
    assert "am" not in text.lower()  # a 24-hour clock, in the studio's time zone
