"""Quotes and contracts in the portal: documents for clients X and Y of studio A, and the cast
that tries to open them — studio A's owner, accountant and engineer, client X, client Y, a
client of studio B and an anonymous visitor."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as Browser
from django_tenants.utils import schema_context

from studio.models import ContractTemplate, StudioSettings
from studio.selectors.settings import studio_today
from studio.services.contracts import contract_create, contract_send
from studio.services.quotes import quote_create, quote_send
from tests.conftest import STUDIO_A
from tests.portal.conftest import (  # noqa: F401
    anonymous_a,
    owner_a,
    owner_browser_a,
    portal_client_b,
    portal_client_x,
    portal_client_y,
)
from tests.studio.conftest import staff_user

HOSTILE = "<img src=x onerror=alert(1)>"
CAST = ["owner", "accountant", "engineer", "client_x", "client_y", "client_b", "anonymous"]


def staff_browser(email: str, role: str) -> Browser:
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    browser.force_login(
        staff_user(email, role), backend="django.contrib.auth.backends.ModelBackend"
    )
    return browser


def sent_quote(client, title: str = "Album tracking", valid_days: int = 30):
    """A sent quote: 5 days at 400.00, 10 % off, 20 % tax = €2,160.00."""
    quote = quote_create(
        client=client,
        title=title,
        lines=[
            {
                "description": "Tracking day",
                "quantity": Decimal(5),
                "unit_price": Decimal(400),
                "discount_percent": Decimal(10),
                "tax_rate": Decimal(20),
            }
        ],
        valid_until=studio_today() + timedelta(days=valid_days),
    )
    return quote_send(quote=quote, email=False)


def sent_contract(client, body: str = "The artist books {{ project }} for {{ fee }}."):
    template, _ = ContractTemplate.objects.get_or_create(
        name="Recording agreement",
        defaults={"title": "Recording agreement — {{ client_name }}", "body": body},
    )
    contract = contract_create(
        client=client, template=template, project="the EP", fee=Decimal(1500), currency="EUR"
    )
    return contract_send(contract=contract)


@pytest.fixture
def quote_x(studio_a, portal_client_x):  # noqa: F811
    with schema_context(studio_a.schema_name):
        return sent_quote(portal_client_x.client)


@pytest.fixture
def quote_y(studio_a, portal_client_y):  # noqa: F811
    with schema_context(studio_a.schema_name):
        return sent_quote(portal_client_y.client, title="Yasmin's single")


@pytest.fixture
def contract_x(studio_a, portal_client_x):  # noqa: F811
    with schema_context(studio_a.schema_name):
        StudioSettings.objects.update(email="bookings@studio-a.example")
        return sent_contract(portal_client_x.client)


@pytest.fixture
def contract_y(studio_a, portal_client_y):  # noqa: F811
    with schema_context(studio_a.schema_name):
        return sent_contract(portal_client_y.client)


@pytest.fixture
def acceptance(studio_a):
    """Set what a quote accepted online becomes: `acceptance("convert")`."""

    def set_it(mode: str) -> None:
        with schema_context(studio_a.schema_name):
            StudioSettings.objects.update(quote_acceptance=mode)

    return set_it
