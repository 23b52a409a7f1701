"""A visitor becomes a studio and takes a first booking, in a real browser: home page →
pricing → sign-up → the three onboarding steps → a slot drawn on the calendar → the booking
form → the session on the calendar. The server time the journey costs is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import Room, Session
from tests.e2e.axe import axe_violations
from tests.e2e.calendar import EVENT, draw_slot

SLUG = "first-five"


@pytest.fixture
def marketing_site(django_db_blocker, settings, tmp_path):
    """The marketing pages, committed so the live server sees them, removed afterwards. Their
    images go to a temporary media folder, not the checkout's."""
    from wagtail.models import Page

    from cms.services import site_content_ensure
    from tests.conftest import forget_media_root

    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        before = set(Page.objects.values_list("pk", flat=True))
        site_content_ensure()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for studio in Studio.objects.filter(slug=SLUG):
            studio_destroy(studio=studio)
        created = Page.objects.exclude(pk__in=before).order_by("-depth")
        for page in created:
            page.delete()


def test_a_visitor_signs_up_and_books_a_first_session(
    page, live_url, marketing_site, django_db_blocker, record_property
):
    port = live_url.rsplit(":", 1)[1]
    platform = f"http://localhost:{port}"
    server_ms: list[float] = []

    def timed(request):
        timing = request.timing
        if request.resource_type in ("document", "fetch", "xhr") and timing["responseStart"] > 0:
            server_ms.append(timing["responseStart"] - timing["requestStart"])

    page.on("requestfinished", timed)
    found: list[str] = []  # accessibility violations, on every page but the calendar
    with override_settings(PUBLIC_PORT=port):
        page.goto(platform + "/")
        found += axe_violations(page)
        page.get_by_role("link", name="Pricing").first.click()
        page.wait_for_url("**/pricing/")
        found += axe_violations(page)
        page.locator("a[href*='/signup/?plan=starter']").first.click()
        page.wait_for_url("**/signup/?plan=starter")
        found += axe_violations(page)

        page.fill("#id_studio_name", "First Five Studio")
        page.fill("#id_slug", SLUG)
        # A locator, not wait_for_function: the page's policy forbids evaluating strings.
        page.locator("#slug-status", has_text="is free").wait_for()
        page.fill("#id_owner_name", "Ada Lovelace")
        page.fill("#id_owner_email", "ada@first-five.example")
        page.fill("#id_owner_password", "Analytical-Engine-1843")
        page.check("input[name=accepted_terms]")
        page.get_by_role("button", name="Create my studio").click()
        page.wait_for_url(f"http://{SLUG}.localhost:{port}/admin/onboarding/1/")
        found += axe_violations(page)

        # Step 1: details; step 2: the first room; step 3: finish (team and import can wait).
        page.select_option("select[name=timezone]", "Europe/Paris")
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url("**/admin/onboarding/2/")
        found += axe_violations(page)
        page.fill("input[name=name]", "Live Room")
        page.fill("input[name=hourly_rate]", "60")
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_url("**/admin/onboarding/3/")
        found += axe_violations(page)
        page.get_by_role("button", name="Finish: open my calendar").click()
        page.wait_for_url("**/admin/calendar/")

        # A first client, entered by hand.
        page.goto(f"http://{SLUG}.localhost:{port}/admin/studio/client/add/")
        found += axe_violations(page)
        page.fill("input[name=name]", "The Night Owls")
        page.fill("input[name=email]", "owls@example.com")
        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/studio/client/")
        page.goto(f"http://{SLUG}.localhost:{port}/admin/calendar/?view=day")

        # Draw a slot in the room's column today, 10:00 to 12:00: the booking form opens for it.
        draw_slot(page, room="Live Room", start="10:00", end="12:00")
        page.wait_for_url("**/admin/studio/session/add/**")
        page.wait_for_load_state("load")  # the field names are set once the page has loaded
        found += axe_violations(page)

        page.locator(
            ".field-client .select2-selection, #id_client + .select2 .select2-selection"
        ).first.click()
        page.fill(".select2-search__field", "Night")
        page.locator(".select2-results__option", has_text="The Night Owls").click()
        # The studio's only room is the slot's, already chosen.
        assert page.locator("select[name=room] option:checked").inner_text() == "Live Room"
        page.get_by_role("button", name="Save", exact=True).click()

        # Saving goes back to the calendar, where the session now is.
        page.wait_for_url("**/admin/calendar/**")
        page.locator(EVENT, has_text="The Night Owls").first.wait_for()

    with django_db_blocker.unblock():
        studio = Studio.objects.get(slug=SLUG)
        assert studio.plan.slug == "starter"
        with schema_context(studio.schema_name):
            session = Session.objects.get()
            assert session.room == Room.objects.get(name="Live Room")
            assert session.end - session.start == timedelta(hours=2)
    assert not found, "\n".join(found)
    total = round(sum(server_ms))
    record_property("journey_server_ms", total)
    print(f"sign-up to first booking: {len(server_ms)} requests, {total} ms of server time")
