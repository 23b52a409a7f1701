"""Paying an invoice by card through the service, against localstripe: the balance, a part
where the studio allows it, another currency, and every refusal leaving nothing behind."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from studio.models import AuditEntry, CardPayment, Invoice, OutgoingEmail, Payment, StoredPdf
from studio.services import invoice_payments
from studio.services.card_payments import card_payment_refresh
from studio.services.errors import StudioError
from studio.services.payments import payment_record
from tests.booking.conftest import authenticate_3ds, stripe_intent
from tests.portal_invoices.conftest import issued_invoice, save_invoice_card

pytestmark = pytest.mark.django_db


def pay(client, invoice, amount=None, number="4242424242424242"):
    setup = save_invoice_card(client, invoice, number)
    return invoice_payments.invoice_pay(
        invoice_id=invoice.pk, client=client, setup_intent=setup, amount=amount
    )


def test_paying_the_balance_settles_the_invoice_and_emails_the_receipt(invoice_x):
    client = invoice_x.client
    payment = pay(client, invoice_x)
    invoice_x.refresh_from_db()
    assert payment.status == CardPayment.Status.SUCCEEDED
    assert payment.purpose == CardPayment.Purpose.INVOICE
    assert (invoice_x.status, invoice_x.balance) == (Invoice.Status.PAID, Decimal("0.00"))
    recorded = Payment.objects.get(invoice=invoice_x)
    assert (recorded.amount, recorded.method, recorded.provider_id) == (
        Decimal("120.00"),
        Payment.Method.STRIPE,
        payment.intent_id,
    )
    assert stripe_intent(payment.intent_id)["amount"] == 12000
    receipt = OutgoingEmail.objects.get(kind="receipt", about=f"payment:{recorded.pk}")
    assert receipt.to == client.email
    assert receipt.attachment_kind == "receipt"
    pdf = bytes(StoredPdf.objects.get(kind="receipt", object_id=recorded.pk).data)
    assert pdf[:4] == b"%PDF"
    if os.environ.get("RECEIPT_PDF"):  # to look at it: RECEIPT_PDF=/tmp/receipt.pdf
        Path(os.environ["RECEIPT_PDF"]).write_bytes(pdf)


def test_a_second_click_with_the_same_card_form_charges_nothing_more(invoice_x, part_payments):
    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    first = invoice_payments.invoice_pay(
        invoice_id=invoice_x.pk, client=client, setup_intent=setup, amount="20.00"
    )
    second = invoice_payments.invoice_pay(
        invoice_id=invoice_x.pk, client=client, setup_intent=setup, amount="20.00"
    )
    invoice_x.refresh_from_db()
    assert second.pk == first.pk
    assert CardPayment.objects.filter(invoice=invoice_x).count() == 1
    assert invoice_x.balance == Decimal("100.00")
    assert invoice_x.status == Invoice.Status.PARTIALLY_PAID


def test_an_intent_waiting_for_the_bank_is_returned_not_duplicated(invoice_x):
    client = invoice_x.client
    waiting = pay(client, invoice_x, number="4000002500003155")
    assert waiting.status == CardPayment.Status.ACTION
    setup = save_invoice_card(client, invoice_x)
    again = invoice_payments.invoice_pay(invoice_id=invoice_x.pk, client=client, setup_intent=setup)
    assert again.pk == waiting.pk
    authenticate_3ds(waiting, success=True)
    done = invoice_payments.invoice_pay_return(invoice_id=invoice_x.pk, client=client)
    invoice_x.refresh_from_db()
    assert done.status == CardPayment.Status.SUCCEEDED
    assert invoice_x.status == Invoice.Status.PAID
    assert CardPayment.objects.filter(invoice=invoice_x).count() == 1


def test_a_repeated_webhook_for_a_paid_invoice_changes_nothing(invoice_x):
    payment = pay(invoice_x.client, invoice_x)
    invoice_x.refresh_from_db()
    before = (invoice_x.status, invoice_x.amount_paid, invoice_x.balance)
    audits = AuditEntry.objects.count()
    for _ in range(3):  # webhook, browser return, webhook again: any order, any number
        card_payment_refresh(intent_id=payment.intent_id, event_type="payment_intent.succeeded")
    invoice_x.refresh_from_db()
    assert (invoice_x.status, invoice_x.amount_paid, invoice_x.balance) == before
    assert Payment.objects.filter(invoice=invoice_x).count() == 1
    assert OutgoingEmail.objects.filter(kind="receipt").count() == 1
    assert AuditEntry.objects.count() == audits


def test_a_paid_invoice_takes_no_new_card_payment(invoice_x):
    client = invoice_x.client
    pay(client, invoice_x)
    with pytest.raises(StudioError, match="nothing left to pay"):
        invoice_payments.invoice_card_form(invoice_id=invoice_x.pk, client=client)
    assert CardPayment.objects.filter(invoice=invoice_x).count() == 1


def test_paying_more_than_the_balance_is_refused_and_charges_nothing(invoice_x, part_payments):
    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    with pytest.raises(StudioError, match=re.escape("more than the balance of €120.00")):
        invoice_payments.invoice_pay(
            invoice_id=invoice_x.pk, client=client, setup_intent=setup, amount="120.01"
        )
    invoice_x.refresh_from_db()
    assert not CardPayment.objects.filter(invoice=invoice_x).exists()
    assert (invoice_x.status, invoice_x.balance) == (Invoice.Status.ISSUED, Decimal("120.00"))


@pytest.mark.parametrize(
    "amount, message",
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("12.345", "EUR amounts have 2 decimals at most"),
        ("ten euros", "is not an amount"),
        ("NaN", "is not an amount"),
        ("Infinity", "is not an amount"),
    ],
)
def test_a_bad_amount_is_refused_and_charges_nothing(invoice_x, part_payments, amount, message):
    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    with pytest.raises(StudioError, match=message):
        invoice_payments.invoice_pay(
            invoice_id=invoice_x.pk, client=client, setup_intent=setup, amount=amount
        )
    assert not CardPayment.objects.filter(invoice=invoice_x).exists()


def test_without_part_payments_only_the_whole_balance_is_taken(invoice_x):
    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    with pytest.raises(StudioError, match=re.escape("takes the whole balance online: €120.00")):
        invoice_payments.invoice_pay(
            invoice_id=invoice_x.pk, client=client, setup_intent=setup, amount="50"
        )
    assert not CardPayment.objects.filter(invoice=invoice_x).exists()
    whole = invoice_payments.invoice_pay(
        invoice_id=invoice_x.pk, client=client, setup_intent=setup, amount="120"
    )
    assert whole.amount == Decimal("120.00")


def test_with_part_payments_the_rest_can_be_paid_later(invoice_x, part_payments):
    client = invoice_x.client
    pay(client, invoice_x, amount="45.50")
    invoice_x.refresh_from_db()
    assert (invoice_x.status, invoice_x.balance) == (
        Invoice.Status.PARTIALLY_PAID,
        Decimal("74.50"),
    )
    receipt = OutgoingEmail.objects.get(kind="receipt")
    assert "€74.50" in receipt.body  # the balance remaining
    pay(client, invoice_x)  # no amount: the balance
    invoice_x.refresh_from_db()
    assert invoice_x.status == Invoice.Status.PAID
    assert Payment.objects.filter(invoice=invoice_x).count() == 2


def test_a_yen_invoice_is_paid_in_yen_without_decimals(studio_cards, portal_client_x):
    client = portal_client_x.client
    invoice = issued_invoice(client, amount="12500", currency="JPY")
    payment = pay(client, invoice)
    invoice.refresh_from_db()
    assert (payment.amount, payment.currency) == (Decimal("12500"), "JPY")
    intent = stripe_intent(payment.intent_id)
    assert (intent["amount"], intent["currency"]) == (12500, "jpy")
    assert invoice.status == Invoice.Status.PAID


def test_a_yen_part_payment_with_decimals_is_refused(studio_cards, portal_client_x, part_payments):
    client = portal_client_x.client
    invoice = issued_invoice(client, amount="12500", currency="JPY")
    setup = save_invoice_card(client, invoice)
    with pytest.raises(StudioError, match="JPY amounts have 0 decimals at most"):
        invoice_payments.invoice_pay(
            invoice_id=invoice.pk, client=client, setup_intent=setup, amount="100.5"
        )
    assert not CardPayment.objects.filter(invoice=invoice).exists()


def test_another_clients_invoice_is_refused_like_one_that_does_not_exist(invoice_x, invoice_y):
    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    for invoice_id in (invoice_y.pk, 999999):
        with pytest.raises(StudioError, match="not on your account"):
            invoice_payments.invoice_pay(invoice_id=invoice_id, client=client, setup_intent=setup)
    assert not CardPayment.objects.exists()
    invoice_y.refresh_from_db()
    assert invoice_y.status == Invoice.Status.ISSUED


def test_a_draft_is_not_payable(studio_cards, portal_client_x):
    from studio.services.invoices import invoice_create

    draft = invoice_create(client=portal_client_x.client, lines=[])
    with pytest.raises(StudioError, match="not on your account"):
        invoice_payments.invoice_card_form(invoice_id=draft.pk, client=portal_client_x.client)


def test_a_declined_card_leaves_the_invoice_open_for_another_card(invoice_x):
    client = invoice_x.client
    declined = pay(client, invoice_x, number="4000000000000341")
    invoice_x.refresh_from_db()
    assert declined.status == CardPayment.Status.FAILED
    assert invoice_x.status == Invoice.Status.ISSUED
    paid = pay(client, invoice_x)
    invoice_x.refresh_from_db()
    assert paid.status == CardPayment.Status.SUCCEEDED
    assert invoice_x.status == Invoice.Status.PAID


def test_an_invoice_paid_by_hand_meanwhile_refuses_the_card(invoice_x):
    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    payment_record(amount=Decimal("120.00"), method=Payment.Method.BANK_TRANSFER, invoice=invoice_x)
    with pytest.raises(StudioError, match="nothing left to pay"):
        invoice_payments.invoice_pay(invoice_id=invoice_x.pk, client=client, setup_intent=setup)
    assert not CardPayment.objects.filter(invoice=invoice_x).exists()


def test_a_charge_taken_but_not_yet_recorded_is_found_by_a_second_tab(invoice_x):
    """Between Stripe taking the money and the payment being recorded, the balance is still
    whole: a second tab with its own card form must find that charge, not make another."""
    from studio.services import card_payments

    client = invoice_x.client
    setup = save_invoice_card(client, invoice_x)
    customer, method = card_payments.card_from_setup(client=client, setup_intent=setup)
    taken = card_payments.card_charge(
        client=client,
        customer=customer,
        payment_method=method,
        amount=Decimal("120.00"),
        currency="EUR",
        purpose=CardPayment.Purpose.INVOICE,
        key=f"invoice-{invoice_x.pk}-1",
        invoice=invoice_x,
    )
    assert (taken.status, taken.payment_id) == (CardPayment.Status.SUCCEEDED, None)
    other_tab = save_invoice_card(client, invoice_x)
    found = invoice_payments.invoice_pay(
        invoice_id=invoice_x.pk, client=client, setup_intent=other_tab
    )
    invoice_x.refresh_from_db()
    assert found.pk == taken.pk
    assert CardPayment.objects.filter(invoice=invoice_x).count() == 1
    assert Payment.objects.filter(invoice=invoice_x).count() == 1
    assert invoice_x.status == Invoice.Status.PAID
