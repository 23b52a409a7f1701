"""Invoices in the portal: studio A taking cards (Pro plan, Stripe ready, localstripe offline),
its clients X and Y with portal accounts and issued invoices, and the back-office cast."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from studio.models import Client, Invoice, StudioSettings
from studio.services import invoice_payments
from studio.services.invoices import invoice_create, invoice_issue
from tests.booking.conftest import (  # noqa: F401
    _localstripe,
    _setup_secret,
    anonymous_a,
    front_desk_a,
    front_desk_browser_a,
    owner_a,
    owner_browser_a,
    portal_client_b,
    portal_client_x,
    portal_client_y,
    studio_rules,
)
from tests.payments.conftest import localstripe_server, stripe_settings, webhook  # noqa: F401


def issued_invoice(
    client: Client,
    *,
    amount: str = "120.00",
    currency: str = "EUR",
    description: str = "Mixing, 3 songs",
) -> Invoice:
    """An issued invoice for `client` of one untaxed line, in the current schema."""
    draft = invoice_create(
        client=client,
        currency=currency,
        lines=[
            {
                "description": description,
                "quantity": Decimal(1),
                "unit_price": Decimal(amount),
                "discount_percent": Decimal(0),
                "tax_rate": Decimal(0),
            }
        ],
    )
    return invoice_issue(invoice=draft)


def overdue_invoice(client: Client, **kwargs) -> Invoice:
    """An invoice issued 60 days ago: past its due date whatever the studio's terms."""
    draft = invoice_create(
        client=client,
        currency=kwargs.get("currency", "EUR"),
        lines=[
            {
                "description": kwargs.get("description", "Recording, 2 days"),
                "quantity": Decimal(1),
                "unit_price": Decimal(kwargs.get("amount", "480.00")),
                "discount_percent": Decimal(0),
                "tax_rate": Decimal(0),
            }
        ],
    )
    return invoice_issue(invoice=draft, today=timezone.localdate() - timedelta(days=60))


def save_invoice_card(client: Client, invoice: Invoice, number: str = "4242424242424242") -> str:
    """What the browser does on the invoice's pay page: open the card form, save the card."""
    invoice_payments.invoice_card_form(invoice_id=invoice.pk, client=client)
    customer = client.stripe
    customer.refresh_from_db()
    secret = _setup_secret(customer.setup_intent_id)
    gateway.setup_intent_confirm_test_card(
        account=None, setup_intent=customer.setup_intent_id, client_secret=secret, number=number
    )
    if number == "4000002500003155":
        _localstripe(
            "POST",
            f"/v1/setup_intents/{customer.setup_intent_id}/confirm",
            {"client_secret": secret},
        )
    return customer.setup_intent_id


@pytest.fixture
def studio_cards(studio_rules):  # noqa: F811
    """Studio A takes cards; part payments off (the default)."""
    return studio_rules


@pytest.fixture
def part_payments(studio_cards):
    StudioSettings.objects.update(portal_part_payments=True)


@pytest.fixture
def invoice_x(studio_a, portal_client_x, studio_cards):  # noqa: F811
    with schema_context(studio_a.schema_name):
        return issued_invoice(portal_client_x.client)


@pytest.fixture
def invoice_y(studio_a, portal_client_y, studio_cards):  # noqa: F811
    with schema_context(studio_a.schema_name):
        return issued_invoice(portal_client_y.client, amount="75.00")
