"""A studio that takes bookings online: opening hours every day, two rooms clients may book,
50 % back up to two days before, Pro plan, its Stripe account ready (localstripe offline)."""

from __future__ import annotations

import json
import urllib.request
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import Plan, Studio
from studio.models import CardPayment, OpeningHours, Room, StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services import online_bookings
from tests.payments.conftest import localstripe_server, stripe_settings  # noqa: F401
from tests.portal.conftest import (  # noqa: F401
    anonymous_a,
    front_desk_a,
    front_desk_browser_a,
    owner_a,
    owner_browser_a,
    portal_client_b,
    portal_client_x,
    portal_client_y,
)
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory


@pytest.fixture
def studio_rules(in_studio_a):
    settings = StudioSettings.objects.get()
    settings.deposit_percent = Decimal("30")
    settings.lead_time_hours = 2
    settings.max_advance_days = 60
    settings.hold_minutes = 15
    settings.slot_minutes = 60
    settings.min_booking_minutes = 60
    settings.approval_required = False
    settings.currency = "EUR"
    settings.timezone = "Europe/Paris"
    settings.save()
    settings.hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(settings=settings, weekday=day, opens=time(9), closes=time(23))
        for day in range(7)
    )
    settings.tiers.all().delete()
    settings.tiers.create(min_hours_before=168, refund_percent=Decimal("100"))
    settings.tiers.create(min_hours_before=48, refund_percent=Decimal("50"))
    Studio.objects.filter(schema_name=connection.schema_name).update(
        plan=Plan.objects.get(slug="pro"),
        stripe_account_id="acct_1TestStudioA000",
        stripe_charges_enabled=True,
        stripe_details_submitted=True,
    )
    return settings


@pytest.fixture
def rooms(studio_rules):
    return [
        Room.objects.create(name="A Room", hourly_rate=Decimal("50.00"), buffer_minutes=30),
        Room.objects.create(name="B Room", hourly_rate=Decimal("40.00"), buffer_minutes=30),
    ]


@pytest.fixture
def artist(studio_rules):
    return ClientFactory(email="artist@example.com")


@pytest.fixture
def other_artist(studio_rules):
    return ClientFactory(email="other@example.com")


@pytest.fixture
def next_week():
    """Eight days ahead at 14:00 in Paris: outside every tier but the first."""
    day = (timezone.localtime(timezone.now(), studio_settings_get().tz) + timedelta(days=8)).date()
    return paris(day.year, day.month, day.day, 14)


def save_card(client, session_id, number="4242424242424242") -> str:
    """What the browser does on the deposit page: open the card form, save the card."""
    online_bookings.deposit_card_form(session_id=session_id, client=client)
    customer = client.stripe
    customer.refresh_from_db()
    secret = _setup_secret(customer.setup_intent_id)
    gateway.setup_intent_confirm_test_card(
        account=None, setup_intent=customer.setup_intent_id, client_secret=secret, number=number
    )
    if number in THREE_D_SECURE:  # the bank's check on saving the card, passed
        _localstripe(
            "POST",
            f"/v1/setup_intents/{customer.setup_intent_id}/confirm",
            {"client_secret": secret},
        )
    return customer.setup_intent_id


THREE_D_SECURE = {"4000002500003155"}


def _setup_secret(setup_intent_id: str) -> str:
    return _localstripe("GET", f"/v1/setup_intents/{setup_intent_id}")["client_secret"]


def _localstripe(method: str, path: str, data: dict | None = None) -> dict:
    base = django_settings.STRIPE_API_BASE
    body = None if data is None else "&".join(f"{k}={v}" for k, v in data.items()).encode()
    request = urllib.request.Request(
        base + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {django_settings.STRIPE_SECRET_KEY}"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def authenticate_3ds(payment: CardPayment, *, success: bool) -> None:
    """The bank's 3-D Secure page, as localstripe's fake Stripe.js answers it."""
    _localstripe(
        "POST",
        f"/v1/payment_intents/{payment.intent_id}/_authenticate",
        {"client_secret": payment.client_secret, "success": "true" if success else "false"},
    )


def stripe_intent(intent_id: str) -> dict:
    return _localstripe("GET", f"/v1/payment_intents/{intent_id}")


def stripe_refunds(intent_id: str) -> list[dict]:
    return _localstripe("GET", f"/v1/refunds?payment_intent={intent_id}")["data"]
