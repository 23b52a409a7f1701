"""A studio that has just signed up, with no client yet, takes its first booking from the
calendar in a real browser: "New booking", the client typed in on the form, the only room
already chosen, the price shown, and back on the calendar. Every click, fill and key press the
owner makes is counted: a first booking takes at most twelve.

SCREENSHOTS=/some/dir keeps pictures of the filled-in form and of the calendar afterwards."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.tenancy.services.provisioning import studio_destroy
from siteconf.tenancy.services.signup import studio_sign_up
from studio.models import Client, Room, Session
from studio.selectors.settings import studio_settings_get
from studio.services.rooms import room_create
from tests.e2e.axe import axe_violations

SLUG = "first-booking"
MOST_ACTIONS = 12


@pytest.fixture
def signed_up(django_db_blocker):
    """A studio fresh from the sign-up service, with the one room its onboarding asks for and
    nothing else; removed afterwards (the live server needs it committed)."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        signup = studio_sign_up(
            studio_name="First Booking Studio",
            slug=SLUG,
            owner_name="Grace Hopper",
            email="grace@first-booking.example",
            password="Compiler-A-0-1952",
            plan_slug="starter",
            accepted_terms=True,
            address="192.0.2.13",
        )
        with schema_context(signup.studio.schema_name):
            room_create(name="Live Room", hourly_rate=Decimal("60.00"))
            assert not Client.objects.exists() and not Session.objects.exists()
        yield signup
        connection.set_schema_to_public()
        studio_destroy(studio=signup.studio)


def shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


class Actions:
    """The owner's clicks, fills and key presses, counted as they are made."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def fill(self, selector: str, value: str) -> None:
        self.count += 1
        self.page.fill(selector, value)


def test_a_new_studio_books_its_first_session_from_the_calendar(
    page, live_url, signed_up, django_db_blocker
):
    port = live_url.rsplit(":", 1)[1]
    base = f"http://{SLUG}.localhost:{port}"
    with django_db_blocker.unblock(), schema_context(signed_up.studio.schema_name):
        tz = studio_settings_get().tz
        room = Room.objects.get()
    day = timezone.localdate(timezone=tz) + timedelta(days=7)

    # The link the sign-up answers with signs the owner in (it is followed, not typed).
    page.goto(base + urlsplit(signed_up.login_url).path)
    page.wait_for_url("**/admin/onboarding/**")
    owner = Actions(page)

    owner.click(page.get_by_role("link", name="Calendar").first)
    page.wait_for_url(f"{base}/admin/calendar/")
    owner.click(page.get_by_role("link", name="New booking"))
    page.wait_for_url(re.compile(r"/admin/studio/session/add/\?next=/admin/calendar/"))

    # No client yet: a new one is typed in here. The one room is chosen already.
    assert page.locator("#delete_id_client, #add_id_client, #change_id_client").count() == 0
    assert page.locator("select[name=room]").input_value() == str(room.pk)
    owner.fill("input[name=new_client_name]", "The Night Owls")
    owner.fill("input[name=new_client_email]", "owls@example.com")
    owner.fill("input[name=new_client_phone]", "+44 20 7946 0000")
    owner.fill("input[name=start_0]", day.isoformat())
    owner.fill("input[name=start_1]", "10:00")
    owner.fill("input[name=end_0]", day.isoformat())
    owner.fill("input[name=end_1]", "12:00")
    # Two hours at 60 an hour, from the pricing service, before anything is saved.
    page.locator("[data-price-quote]", has_text="120.00").wait_for()
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)
    shoot(page, "booking-form.png")

    owner.click(page.get_by_role("button", name="Save", exact=True))
    # Back on the calendar, on the booked day's week, with the session on it.
    page.wait_for_url(f"{base}/admin/calendar/?date={day.isoformat()}")
    page.get_by_text("Booked: The Night Owls in Live Room").wait_for()
    page.locator("#calendar").get_by_text("The Night Owls").first.wait_for()
    shoot(page, "booking-done.png")

    assert owner.count <= MOST_ACTIONS, f"the first booking took {owner.count} actions"
    with django_db_blocker.unblock(), schema_context(signed_up.studio.schema_name):
        client = Client.objects.get()
        assert (client.name, client.email, client.phone) == (
            "The Night Owls",
            "owls@example.com",
            "+44 20 7946 0000",
        )
        session = Session.objects.get()
        assert (session.client, session.room) == (client, room)
        assert session.start == datetime(day.year, day.month, day.day, 10, tzinfo=tz)
        assert session.end - session.start == timedelta(hours=2)
        assert session.price == Decimal("120.00")
        assert session.status == Session.Status.CONFIRMED
