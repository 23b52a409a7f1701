"""The profile's cast: studio A's owner, accountant and engineer in the back office, clients X
and Y of studio A and a client of studio B in the portal, and an anonymous visitor; and the
documents a client can hold (an issued invoice paid in part, a sent quote, a signed contract)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as Browser
from django_tenants.utils import schema_context

from studio.models import Client, ContractTemplate
from studio.services.contracts import contract_create, contract_mark_signed_on_paper
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.payments import payment_record
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

CAST = ["owner", "accountant", "engineer", "client_x", "client_y", "client_b", "anonymous"]
LINE = {
    "description": "Mixing, 3 songs",
    "quantity": Decimal(1),
    "unit_price": Decimal("300.00"),
    "discount_percent": Decimal(0),
    "tax_rate": Decimal(0),
}


def staff_browser(email: str, role: str) -> Browser:
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    browser.force_login(
        staff_user(email, role), backend="django.contrib.auth.backends.ModelBackend"
    )
    return browser


@pytest.fixture
def cast(request, studio_a) -> dict[str, Browser]:
    """Each member's browser on studio A's address (studio B's client with the cookie studio B
    gave them, which opens nothing on studio A)."""
    member = request.getfixturevalue
    with schema_context(studio_a.schema_name):
        accountant = staff_browser("books@studio-a.example", "Accountant")
        engineer = staff_browser("engineer@studio-a.example", "Engineer")
    b_on_a = Browser(HTTP_HOST=STUDIO_A.host)
    b_on_a.cookies.update(member("portal_client_b").browser.cookies)
    return {
        "owner": member("owner_browser_a"),
        "accountant": accountant,
        "engineer": engineer,
        "client_x": member("portal_client_x").browser,
        "client_y": member("portal_client_y").browser,
        "client_b": b_on_a,
        "anonymous": member("anonymous_a"),
    }


def documents_for(client: Client) -> dict:
    """In the current schema: an issued invoice with a payment (and so a receipt), a sent
    quote, a contract signed on paper, and a draft invoice the client never saw."""
    invoice = invoice_issue(invoice=invoice_create(client=client, currency="EUR", lines=[LINE]))
    payment = payment_record(amount=Decimal("100.00"), method="bank_transfer", invoice=invoice)
    quote = quote_send(quote=quote_create(client=client, title="EP", lines=[LINE]), email=False)
    template, _ = ContractTemplate.objects.get_or_create(
        name="Recording agreement",
        defaults={"title": "Recording agreement", "body": "The artist books {{ project }}."},
    )
    contract = contract_create(client=client, template=template, project="the EP")
    contract = contract_mark_signed_on_paper(contract=contract, name=client.name, by=None)
    draft = invoice_create(client=client, currency="EUR", lines=[LINE])
    return {
        "invoice": invoice,
        "payment": payment,
        "quote": quote,
        "contract": contract,
        "draft": draft,
    }
