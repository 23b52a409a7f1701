"""Staff see each invoice's portal state — sent, viewed in the portal, paid online — in the
list, with a filter, and on the invoice's page."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from studio.services import invoice_payments
from studio.services.invoices import invoice_send
from tests.portal_invoices.conftest import issued_invoice, save_invoice_card

pytestmark = pytest.mark.django_db

LIST = "/admin/studio/invoice/"


@pytest.fixture
def three_states(studio_a, portal_client_x, portal_client_y, invoice_x, invoice_y):
    """invoice_x paid online, invoice_y viewed, a third only e-mailed, a fourth nothing."""
    with schema_context(studio_a.schema_name):
        client = portal_client_x.client
        setup = save_invoice_card(client, invoice_x)
        invoice_payments.invoice_pay(invoice_id=invoice_x.pk, client=client, setup_intent=setup)
        sent = issued_invoice(client, amount="10.00", description="Sent only")
        invoice_send(invoice=sent)
        quiet = issued_invoice(client, amount="11.00", description="Never sent")
    portal_client_y.browser.get(f"/invoices/{invoice_y.pk}/")
    return {"paid": invoice_x, "viewed": invoice_y, "sent": sent, "quiet": quiet}


def _numbers_listed(browser, query=""):
    html = browser.get(LIST + query).content.decode()
    return html


def test_the_list_shows_each_invoices_portal_state(owner_browser_a, three_states):
    html = _numbers_listed(owner_browser_a)
    assert "Paid online" in html
    assert "Viewed in the portal" in html
    assert ">Sent<" in html


@pytest.mark.parametrize(
    "state, shown",
    [("paid_online", "paid"), ("viewed", "viewed"), ("sent", "sent"), ("not_sent", "quiet")],
)
def test_the_portal_filter_keeps_invoices_in_that_state(
    owner_browser_a, three_states, state, shown
):
    html = _numbers_listed(owner_browser_a, f"?portal={state}")
    for name, invoice in three_states.items():
        assert (f"/admin/studio/invoice/{invoice.pk}/change/" in html) == (name == shown), name


def test_the_invoice_page_says_when_the_client_opened_it(owner_browser_a, three_states):
    invoice = three_states["viewed"]
    html = owner_browser_a.get(f"{LIST}{invoice.pk}/change/").content.decode()
    assert "Viewed in the portal · first opened" in html
