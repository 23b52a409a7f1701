"""The accountant's round in a real browser: a draft invoice whose totals follow the typing,
issued (numbered, frozen), then paid in full from the invoice's own page."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from studio.models import Client, Invoice
from studio.services.invoices import invoice_create
from tests.e2e.axe import axe_violations
from tests.e2e.test_calendar_journey import sign_in


def test_a_draft_is_totalled_live_issued_and_paid(page, live_url, e2e_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        band = Client.objects.create(name="Les Ondes Řízek", email="ondes@example.com")
        draft = invoice_create(
            client=band,
            lines=[{"description": "Live Room, 4 h", "unit_price": "240", "tax_rate": "20"}],
        )
    sign_in(page, live_url)
    page.goto(f"{live_url}/admin/studio/invoice/{draft.pk}/change/")
    page.wait_for_load_state("load")  # the field names are set once the page has loaded
    found = axe_violations(page)  # and on each page after
    totals = page.locator("[data-live-totals]")
    assert "€288.00" in totals.inner_text()

    # A second line: the totals change as it is typed, before anything is saved.
    page.get_by_text("Add another Invoice line").click()
    page.fill("input[name='lines-1-description']", "Engineer, 4 h")
    page.fill("input[name='lines-1-quantity']", "4")
    page.fill("input[name='lines-1-unit_price']", "45")
    page.fill("input[name='lines-1-tax_rate']", "20")
    page.wait_for_function(
        "document.querySelector('[data-live-totals]').innerText.includes('€504.00')"
    )
    assert "Tax 20 % on €420.00" in totals.inner_text()
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state("networkidle")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert Invoice.objects.get(pk=draft.pk).total == Decimal("504.00")

    page.get_by_role("link", name="Issue").click()
    page.get_by_role("button", name="Issue the invoice").click()
    page.wait_for_load_state("networkidle")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        number = Invoice.objects.get(pk=draft.pk).number
    assert number and number.startswith("INV-")
    assert number in page.title()
    found += axe_violations(page)
    assert page.locator("input[name='lines-0-unit_price']").count() == 0  # frozen now

    page.get_by_role("link", name="Record a payment").click()
    assert page.input_value("input[name='amount']") == "504.00"
    found += axe_violations(page)
    page.fill("input[name='reference']", "Bank transfer 7781")
    page.get_by_role("button", name="Record the payment").click()
    page.wait_for_load_state("networkidle")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        invoice = Invoice.objects.get(pk=draft.pk)
        assert (invoice.status, invoice.balance) == ("paid", Decimal(0))
        assert invoice.number and invoice.number.startswith("INV-")
    assert "Balance due" in page.locator("[data-totals]").inner_text()
    assert "€0.00" in page.locator("[data-totals]").inner_text()
    found += axe_violations(page)
    assert not found, "\n".join(found)
