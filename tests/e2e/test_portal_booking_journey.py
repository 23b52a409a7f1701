"""A band books and pays for studio time in the portal, in Chromium, against localstripe and its
fake Stripe.js: invited by the studio, signed in from the e-mailed link, any room tomorrow at
14:00, the deposit paid with 4242…, confirmed; staff see it paid; cancelled inside the 50 % tier,
the refund shows in the portal, the back office and localstripe. Then the same with the 3-D
Secure card, and with a card the bank declines.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, Studio
from studio.models import CardPayment, Client, OpeningHours, Payment, Room, Session, StudioSettings
from tests.booking.conftest import stripe_refunds
from tests.e2e.test_calendar_journey import sign_in
from tests.payments.conftest import localstripe_server, stripe_settings  # noqa: F401

LINK = re.compile(r"https?://\S+/link/\S+/")


@pytest.fixture
def bookable(e2e_studio, django_db_blocker):
    """The e2e studio open every day from 09:00 to 23:00, full refund 3 days ahead and half 12 hours
    ahead (so tomorrow 14:00 is always in the 50 % tier), on Pro with Stripe ready."""
    with django_db_blocker.unblock():
        Studio.objects.filter(pk=e2e_studio.pk).update(
            plan=Plan.objects.get(slug="pro"),
            stripe_account_id="acct_1E2eStudio000000",
            stripe_charges_enabled=True,
            stripe_details_submitted=True,
        )
        with schema_context(e2e_studio.schema_name):
            rules = StudioSettings.objects.get()
            rules.lead_time_hours, rules.slot_minutes, rules.deposit_percent = 2, 60, Decimal(30)
            rules.approval_required = False
            rules.save()
            rules.hours.all().delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(settings=rules, weekday=d, opens=time(9), closes=time(23))
                for d in range(7)
            )
            rules.tiers.all().delete()
            rules.tiers.create(min_hours_before=72, refund_percent=Decimal(100))
            rules.tiers.create(min_hours_before=12, refund_percent=Decimal(50))
            Room.objects.get_or_create(
                name="Live Room", defaults={"hourly_rate": Decimal("60"), "buffer_minutes": 30}
            )
            tomorrow = timezone.localtime(timezone.now(), rules.tz).date() + timedelta(days=1)
        yield tomorrow
        with schema_context(e2e_studio.schema_name):
            Session.objects.filter(booked_online=True).update(status=Session.Status.CANCELLED)
        connection.set_schema_to_public()


def _client(e2e_studio, django_db_blocker, name: str, email: str) -> Client:
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        return Client.objects.create(name=name, kind=Client.Kind.BAND, email=email)


def _invite_and_sign_in(page, browser, live_url, client: Client):
    """Staff invite the client from the client's page; the client opens the e-mailed link in
    their own browser and lands in the portal, signed in."""
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/studio/client/{client.pk}/change/")
    page.get_by_role("link", name=re.compile("Invite to the portal")).click()
    confirm = page.get_by_role("button", name=re.compile("Invite|Send", re.I))
    if confirm.count():
        confirm.first.click()
    page.wait_for_load_state("networkidle")
    invitation = next(m for m in reversed(mail.outbox) if client.email in m.to)
    link = LINK.search(invitation.body).group(0)
    band = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    band.goto(live_url + urlsplit(link).path)  # the e-mail names the studio's public address
    band.get_by_role("button").filter(
        has_text=re.compile("Sign in|Accept|Open|Continue", re.I)
    ).first.click()
    band.wait_for_load_state("networkidle")
    return band


def _book_tomorrow_at_two(band, live_url, tomorrow):
    band.goto(f"{live_url}/book/?date={tomorrow.isoformat()}&room=any&hours=2")
    band.locator("button.slot", has_text="14:00–16:00").click()
    band.wait_for_url(re.compile(r"/bookings/\d+/pay/$"))
    assert "Cancellation policy" in band.content()


def _pay(band, number: str):
    card = band.locator("#card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("75011")
    band.get_by_role("button", name=re.compile("^Pay ")).click()


def _session_of(e2e_studio, django_db_blocker, client: Client) -> Session:
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        return Session.objects.filter(client=client).latest("created_at")


def test_a_band_books_pays_and_cancels_with_half_back(
    page, browser, live_url, e2e_studio, django_db_blocker, bookable
):
    nightjar = _client(e2e_studio, django_db_blocker, "Nightjar", "nightjar@example.com")
    band = _invite_and_sign_in(page, browser, live_url, nightjar)
    _book_tomorrow_at_two(band, live_url, bookable)
    _pay(band, "4242424242424242")
    band.wait_for_url(re.compile(r"/bookings/\d+/$"))
    assert band.locator("[data-state]").inner_text() == "Confirmed"

    session = _session_of(e2e_studio, django_db_blocker, nightjar)
    assert session.status == Session.Status.CONFIRMED
    assert session.deposit_due == Decimal("36.00")  # 30 % of 2 h at 60
    page.goto(f"{live_url}/admin/studio/session/{session.pk}/change/")
    assert "Confirmed" in page.content()
    assert re.search(r"Paid €36\.00 · Card Visa •••• 4242", page.content())

    band.get_by_role("button", name="Cancel this booking").click()
    band.wait_for_load_state("networkidle")
    assert band.locator("[data-state]").inner_text() == "Cancelled"
    assert "€18.00" in band.locator("[data-refund]").inner_text()
    page.reload()
    assert "Refunded €18.00" in page.content()
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        intent = CardPayment.objects.get(session=session).intent_id
        assert Payment.objects.get(refund_of__isnull=False, session=session).amount == Decimal(
            "-18.00"
        )
    assert [r["amount"] for r in stripe_refunds(intent)] == [1800]


def test_a_card_with_three_d_secure_is_confirmed_after_the_bank_check(
    page, browser, live_url, e2e_studio, django_db_blocker, bookable
):
    band_client = _client(e2e_studio, django_db_blocker, "Velvet Static", "velvet@example.com")
    band = _invite_and_sign_in(page, browser, live_url, band_client)
    _book_tomorrow_at_two(band, live_url, bookable)
    _pay(band, "4000002500003155")
    # The fake Stripe.js asks twice: when the card is saved, and for the payment itself.
    for _ in range(2):
        band.get_by_role("button", name="Complete authentication").click()
    band.wait_for_url(re.compile(r"/bookings/\d+/$"))
    assert band.locator("[data-state]").inner_text() == "Confirmed"
    session = _session_of(e2e_studio, django_db_blocker, band_client)
    assert session.status == Session.Status.CONFIRMED


def test_a_declined_card_says_so_and_keeps_the_slot_for_another_card(
    page, browser, live_url, e2e_studio, django_db_blocker, bookable
):
    band_client = _client(e2e_studio, django_db_blocker, "Paper Kites", "kites@example.com")
    band = _invite_and_sign_in(page, browser, live_url, band_client)
    _book_tomorrow_at_two(band, live_url, bookable)
    _pay(band, "4000000000000341")
    band.locator(".notice-error", has_text="declined").wait_for()
    session = _session_of(e2e_studio, django_db_blocker, band_client)
    assert session.status == Session.Status.HELD
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert not Payment.objects.filter(session=session).exists()
    _pay(band, "4242424242424242")
    band.wait_for_url(re.compile(r"/bookings/\d+/$"))
    assert band.locator("[data-state]").inner_text() == "Confirmed"
