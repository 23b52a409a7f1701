"""localstripe for the payment tests, and signed Stripe events to post to the webhook.

One localstripe per test run: the one `python -m siteconf.devserver test` started (its address
is in the environment) when it answers, otherwise one started here and stopped at the end.
Every test of this package talks to it through the settings the gateway reads.
"""

from __future__ import annotations

import json
import secrets
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from siteconf import localstripe
from siteconf import stripe_gateway as gateway
from tests.conftest import PLATFORM_HOST, client_for


@pytest.fixture(scope="session")
def localstripe_server():
    server = localstripe.ensure()
    yield server
    server.stop()  # only one started here: a reused server has no process of ours


@pytest.fixture(autouse=True)
def stripe_settings(settings, localstripe_server):
    for name, value in localstripe_server.env().items():
        setattr(settings, name, value)
    if not settings.STRIPE_WEBHOOK_SECRET:
        settings.STRIPE_WEBHOOK_SECRET = "whsec_tests_" + secrets.token_hex(8)
    return settings


@pytest.fixture
def webhook(db):
    """Post an event to the platform's webhook the way Stripe does: raw JSON, signed."""
    browser = client_for(PLATFORM_HOST)

    def post(event: dict | bytes, *, signature: str | None = None, timestamp=None):
        payload = event if isinstance(event, bytes) else json.dumps(event).encode()
        header = (
            signature
            if signature is not None
            else gateway.webhook_sign(payload, timestamp=timestamp)
        )
        return browser.post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": header},
        )

    return post


def stripe_event(event_type: str, obj: dict, *, account: str | None = None, **extra) -> dict:
    """An event in Stripe's shape (api_version, data.object, livemode...), with a new id."""
    return {
        "id": "evt_" + secrets.token_hex(12),
        "object": "event",
        "account": account,
        "api_version": "2025-10-29.clover",
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        **extra,
    }


def intent_object(intent_id: str, *, schema: str, status: str = "succeeded", amount=1500) -> dict:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "currency": "eur",
        "status": status,
        "metadata": {"studio_schema": schema},
    }


def staff(email: str, role: str) -> User:
    user = User.objects.create_user(username=email, email=email, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def saved_card(*, customer: str, number: str = "4242424242424242", account=None) -> str:
    """A card saved on `customer` the way the portal saves one (SetupIntent confirmed)."""
    setup_id, secret = gateway.setup_intent_create(account=account, customer=customer, metadata={})
    return gateway.setup_intent_confirm_test_card(
        account=account, setup_intent=setup_id, client_secret=secret, number=number
    )


EUR_15 = Decimal("15.00")
