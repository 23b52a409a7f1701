"""A studio pays the platform, in a real browser: it signs up on the sign-up page, its trial
ends (the daily check run as of later days, never a sleep), it is past due, then read-only and
a write is refused; its owner subscribes with the test card 4242 on Settings → Subscription,
and the same write works at once. Each state of the page is photographed when SCREENSHOTS_DIR
is set."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, PlanPrice, Studio
from siteconf.tenancy.services.billing import billing_daily
from siteconf.tenancy.services.plan_prices import plan_stripe_sync
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import Client
from tests.e2e.conftest import browser, e2e_studio, live_url, page  # noqa: F401
from tests.payments.conftest import localstripe_server, stripe_settings  # noqa: F401

SLUG = "paying-studio"
OWNER = ("grace@paying-studio.example", "Paying-Studio-2026")
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def shoot(tab, name: str) -> None:
    if not SHOTS:
        return
    for width in (1440, 390):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    tab.set_viewport_size({"width": 1440, "height": 1000})


@pytest.fixture
def plans_on_stripe(stripe_settings, django_db_blocker):  # noqa: F811
    """The plans' prices made on localstripe and committed (the live server reads them), and
    everything the journey made removed afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        before = set(PlanPrice.objects.values_list("pk", flat=True))
        products = dict(Plan.objects.values_list("pk", "stripe_product_id"))
        for plan in Plan.objects.public():
            plan_stripe_sync(plan=plan)
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for studio in Studio.objects.filter(slug=SLUG):
            studio_destroy(studio=studio)
        PlanPrice.objects.exclude(pk__in=before).delete()
        PlanPrice.objects.filter(pk__in=before).update(is_current=True)
        for pk, product in products.items():
            Plan.objects.filter(pk=pk).update(stripe_product_id=product)


def add_client(tab, base: str, name: str) -> int:
    """Save a new client in the back office; the HTTP status of the save."""
    tab.goto(f"{base}/admin/studio/client/add/")
    tab.fill("input[name=name]", name)
    tab.fill("input[name=email]", name.lower().replace(" ", ".") + "@example.com")
    with tab.expect_response(lambda r: r.request.method == "POST") as saved:
        tab.get_by_role("button", name="Save", exact=True).click()
    return saved.value.status


def test_a_lapsed_studio_subscribes_and_is_writable_at_once(
    page,  # noqa: F811
    live_url,  # noqa: F811
    plans_on_stripe,
    django_db_blocker,
):
    port = live_url.rsplit(":", 1)[1]
    studio_url = f"http://{SLUG}.localhost:{port}"
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    with override_settings(PUBLIC_PORT=port):
        page.goto(f"http://localhost:{port}/signup/?plan=pro")
        page.fill("#id_studio_name", "Paying Studio")
        page.fill("#id_slug", SLUG)
        page.locator("#slug-status", has_text="is free").wait_for()
        page.fill("#id_owner_name", "Grace Hopper")
        page.fill("#id_owner_email", OWNER[0])
        page.fill("#id_owner_password", OWNER[1])
        page.check("input[name=accepted_terms]")
        page.get_by_role("button", name="Create my studio").click()
        page.wait_for_url(f"{studio_url}/admin/onboarding/1/")

        page.goto(f"{studio_url}/admin/")
        page.get_by_role("link", name="Subscription").first.click()
        page.wait_for_url(f"{studio_url}/admin/subscription/")
        assert page.locator("#subscription-state").inner_text() == "Free trial"
        assert "14 days left" in page.locator("#subscription-detail").inner_text()
        shoot(page, "subscription-trial")

        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            studio = Studio.objects.select_related("plan").get(slug=SLUG)
            ended = studio.trial_ends_at
            assert billing_daily(now=ended + timedelta(hours=1))["trials_ended"] == 1
        page.reload()
        assert page.locator("#subscription-state").inner_text() == "Payment overdue"
        assert "read-only on" in page.locator("#subscription-detail").inner_text()
        assert "Payment is overdue since" in page.locator("#subscription-banner").inner_text()
        shoot(page, "subscription-past-due")
        assert add_client(page, studio_url, "Before the grace ends") == 302

        with django_db_blocker.unblock():
            grace = timedelta(days=studio.plan.grace_days, hours=2)
            assert billing_daily(now=ended + grace)["read_only"] == 1
        assert add_client(page, studio_url, "The Late Payers") == 402
        assert "read-only" in page.inner_text("body")
        page.goto(f"{studio_url}/admin/subscription/")
        assert page.locator("#subscription-state").inner_text() == "Read-only"
        assert "This studio is read-only" in page.locator("#subscription-banner").inner_text()
        shoot(page, "subscription-read-only")

        page.locator("label[data-plan=pro]").click()
        card = page.locator("#card-element")
        card.locator("input[placeholder=number]").fill("4242424242424242")
        card.locator("input[placeholder=exp_month]").fill("12")
        card.locator("input[placeholder=exp_year]").fill("34")
        card.locator("input[placeholder=cvc]").fill("123")
        postal = card.locator("input[placeholder=postal_code]")
        if postal.count():
            postal.fill("75011")
        page.get_by_role("button", name="Subscribe and pay now").click()
        page.locator("#subscription-state", has_text="Active").wait_for()
        assert "renews" in page.locator("#subscription-detail").inner_text()
        assert page.locator("#subscription-banner").count() == 0
        shoot(page, "subscription-active")

        assert add_client(page, studio_url, "The Late Payers") == 302
    assert refused == []
    with django_db_blocker.unblock():
        studio = Studio.objects.get(slug=SLUG)
        assert studio.subscription_status == "active"
        assert studio.card_label == "Visa •••• 4242"
        with schema_context(studio.schema_name):
            assert set(Client.objects.values_list("name", flat=True)) == {
                "Before the grace ends",
                "The Late Payers",
            }
