"""The invoice and reminder e-mails open the portal on the invoice: its plain address, never a
live sign-in secret (the studio's mailbox keeps every e-mail and staff read it). Signed out,
the address leads to sign-in, which e-mails a link landing back on the invoice."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from studio.models import OutgoingEmail
from studio.selectors.settings import studio_today
from studio.services.invoices import invoice_send
from studio.services.reminders import invoices_overdue_process
from tests.portal.mailbox import last_link
from tests.portal_invoices.conftest import issued_invoice, overdue_invoice
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_the_invoice_email_links_to_the_invoice_in_the_portal(studio_a, invoice_x):
    with schema_context(studio_a.schema_name):
        email = invoice_send(invoice=invoice_x)
    assert studio_a.url_for(f"/invoices/{invoice_x.pk}/") in email.body
    assert "/link/" not in email.body  # no sign-in secret kept in the mailbox


def test_the_reminder_links_to_the_overdue_invoice(studio_a, portal_client_x, studio_cards):
    with schema_context(studio_a.schema_name):
        invoice = overdue_invoice(portal_client_x.client)
        invoices_overdue_process(today=studio_today())
        email = OutgoingEmail.objects.get(kind="reminder", about=f"invoice:{invoice.pk}")
    assert studio_a.url_for(f"/invoices/{invoice.pk}/") in email.body
    assert "/link/" not in email.body


def test_a_client_without_a_portal_account_gets_the_portals_front_page(studio_a, studio_cards):
    with schema_context(studio_a.schema_name):
        invoice = issued_invoice(ClientFactory(email="no-account@example.com"))
        email = invoice_send(invoice=invoice)
    assert f"client portal: {studio_a.url_for('/')}\n" in email.body
    assert "/invoices/" not in email.body


def test_the_link_signs_the_client_in_and_lands_on_the_invoice(
    studio_a, anonymous_a, invoice_x, django_capture_on_commit_callbacks
):
    with schema_context(studio_a.schema_name):
        body = invoice_send(invoice=invoice_x).body
    path = re.search(r"http://[^/\s]+(/invoices/\d+/)", body).group(1)
    sign_in = anonymous_a.get(path)
    assert sign_in.url == f"/sign-in/?next=%2Finvoices%2F{invoice_x.pk}%2F"
    with django_capture_on_commit_callbacks(execute=True):
        anonymous_a.post(
            "/sign-in/", {"method": "link", "link-email": "x@bands.example", "next": path}
        )
    link = last_link()
    assert anonymous_a.post(link)["Location"] == path
    page = anonymous_a.get(path)
    assert page.status_code == 200
    assert invoice_x.number in page.content.decode()
