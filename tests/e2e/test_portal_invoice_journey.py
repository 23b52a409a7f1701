"""A band pays an overdue invoice from the reminder e-mail, in Chromium, against localstripe and
its fake Stripe.js: the reminder's link opens the invoice, signed out it asks to sign in and
comes back to it, the balance is paid with 4242…, the invoice reads paid; staff see it paid
online in the back office.

With SCREENSHOTS_DIR set, the invoice list, the invoice and its pay page are photographed at
390 and 1440 pixels wide.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, Studio
from studio.models import CardPayment, Client, Invoice, OutgoingEmail, Payment
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.reminders import invoices_overdue_process
from tests.e2e.test_calendar_journey import sign_in
from tests.e2e.test_portal_booking_journey import _pay
from tests.payments.conftest import localstripe_server, stripe_settings  # noqa: F401
from tests.portal.conftest import CLIENT_PASSWORD, portal_account_make

INVOICE_URL = re.compile(r"https?://\S+/invoices/\d+/")


@pytest.fixture
def overdue(e2e_studio, django_db_blocker):
    """The e2e studio on Pro with Stripe ready; a band with a portal account and an invoice
    issued 60 days ago, reminded today."""
    with django_db_blocker.unblock():
        Studio.objects.filter(pk=e2e_studio.pk).update(
            plan=Plan.objects.get(slug="pro"),
            stripe_account_id="acct_1E2eStudio000000",
            stripe_charges_enabled=True,
            stripe_details_submitted=True,
        )
        with schema_context(e2e_studio.schema_name):
            band = Client.objects.create(
                name="Marrow Choir", kind=Client.Kind.BAND, email="marrow@example.com"
            )
            portal_account_make(client=band, email=band.email)
            draft = invoice_create(
                client=band,
                lines=[
                    {
                        "description": "Recording, 2 days in the Live Room",
                        "quantity": Decimal(1),
                        "unit_price": Decimal("480.00"),
                        "discount_percent": Decimal(0),
                        "tax_rate": Decimal(0),
                    }
                ],
            )
            today = timezone.localdate()
            invoice = invoice_issue(invoice=draft, today=today - timedelta(days=60))
            invoices_overdue_process(today=today)
            reminder = OutgoingEmail.objects.get(kind="reminder", about=f"invoice:{invoice.pk}")
        connection.set_schema_to_public()
    return band, invoice, reminder


def _shoot(band, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for label, width in (("mobile", 390), ("desktop", 1440)):
        band.set_viewport_size({"width": width, "height": 900})
        band.screenshot(path=f"{folder}/portal-invoice-{name}-{label}.png", full_page=True)
    band.set_viewport_size({"width": 390, "height": 844})


def test_a_band_pays_an_overdue_invoice_from_the_reminder(
    page, browser, live_url, e2e_studio, django_db_blocker, overdue
):
    client, invoice, reminder = overdue
    link = INVOICE_URL.search(reminder.body).group(0)
    assert "/link/" not in reminder.body  # the mailbox holds no sign-in secret
    band = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    band.goto(live_url + urlsplit(link).path)
    band.wait_for_url(re.compile(r"/sign-in/\?next="))
    band.get_by_text("Sign in with a password instead").click()
    band.locator("input[name='password-email']").fill(client.email)
    band.locator("input[name='password-password']").fill(CLIENT_PASSWORD)
    band.get_by_role("button", name="Sign in", exact=True).click()
    band.wait_for_url(re.compile(rf"/invoices/{invoice.pk}/$"))
    assert band.locator("[data-state]").inner_text() == "Overdue"
    assert "€480.00" in band.locator("[data-balance]").inner_text()
    _shoot(band, "detail")
    band.goto(f"{live_url}/invoices/")
    _shoot(band, "list")
    band.goto(f"{live_url}/invoices/{invoice.pk}/")

    band.get_by_role("link", name="Pay by card").click()
    band.wait_for_url(re.compile(rf"/invoices/{invoice.pk}/pay/$"))
    _shoot(band, "pay")
    _pay(band, "4242424242424242")
    band.wait_for_url(re.compile(rf"/invoices/{invoice.pk}/$"))
    assert band.locator("[data-state]").inner_text() == "Paid"
    assert "Card online (Stripe)" in band.locator("[data-payment]").inner_text()

    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        invoice.refresh_from_db()
        assert (invoice.status, invoice.balance) == (Invoice.Status.PAID, Decimal("0.00"))
        card = CardPayment.objects.get(invoice=invoice)
        assert card.status == CardPayment.Status.SUCCEEDED
        recorded = Payment.objects.get(invoice=invoice)
        assert (
            OutgoingEmail.objects.filter(kind="receipt", about=f"payment:{recorded.pk}").count()
            == 1
        )
    connection.set_schema_to_public()

    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/studio/invoice/{invoice.pk}/change/")
    assert "Paid online" in page.content()
    page.goto(f"{live_url}/admin/studio/invoice/?portal=paid_online")
    assert invoice.number in page.content()
