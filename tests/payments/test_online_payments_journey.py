"""The owner connects the studio's Stripe account in a real browser (offline onboarding)."""

from __future__ import annotations

import os

from django.db import connection

from siteconf.tenancy.models import Plan, StripeEvent, Studio
from tests.e2e.conftest import browser, e2e_studio, live_url, page  # noqa: F401
from tests.e2e.test_calendar_journey import sign_in

SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def shoot(tab, name: str) -> None:
    if not SHOTS:
        return
    for width in (1440, 390):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    tab.set_viewport_size({"width": 1440, "height": 1000})


def test_the_owner_connects_stripe_and_comes_back_ready(
    page,  # noqa: F811
    live_url,  # noqa: F811
    e2e_studio,  # noqa: F811
    django_db_blocker,
):
    with django_db_blocker.unblock():
        Studio.objects.filter(pk=e2e_studio.pk).update(plan=Plan.objects.get(slug="pro"))
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    try:
        sign_in(page, live_url)
        page.get_by_role("link", name="Online payments").click()
        page.wait_for_url(f"{live_url}/admin/settings/online-payments/")
        assert page.locator("#online-payments-state").inner_text() == "Not connected"
        shoot(page, "online-payments-not-connected")

        page.get_by_role("button", name="Connect with Stripe").click()
        page.wait_for_url("**/stripe/offline-onboarding/**")
        assert "A bank account for payouts" in page.inner_text("main")
        shoot(page, "offline-onboarding")

        page.get_by_role("button", name="Complete").click()
        page.wait_for_url(f"{live_url}/admin/settings/online-payments/")
        assert page.locator("#online-payments-state").inner_text() == "Ready to take cards"
        shoot(page, "online-payments-ready")
        assert refused == []

        with django_db_blocker.unblock():
            studio = Studio.objects.get(pk=e2e_studio.pk)
            assert studio.stripe_charges_enabled and studio.stripe_details_submitted
            assert StripeEvent.objects.filter(account=studio.stripe_account_id).count() == 1
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            StripeEvent.objects.filter(schema_name=e2e_studio.schema_name).delete()
