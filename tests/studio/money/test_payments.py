from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from studio.models import Invoice, Payment, StoredPdf
from studio.services.credit_notes import credit_note_create
from studio.services.errors import StudioError
from studio.services.invoices import invoice_create, invoice_issue, invoice_void
from studio.services.payments import payment_record, payment_refund
from tests.studio.money.conftest import ISSUED_ON, lines


def state(invoice):
    invoice.refresh_from_db()
    return invoice.status, invoice.amount_paid, invoice.balance


def test_partial_payments_then_paid(issued):
    payment_record(invoice=issued, amount="200.00", method="bank_transfer", reference="VIR 881")
    assert state(issued) == ("partially_paid", Decimal(200), Decimal(1000))
    payment_record(invoice=issued, amount="1000", method="cash")
    assert state(issued) == ("paid", Decimal(1200), Decimal(0))


def test_a_refund_reopens_the_invoice(issued):
    payment = payment_record(invoice=issued, amount="1200", method="card_terminal")
    refund = payment_refund(payment=payment, amount="300", reference="terminal refund")
    assert refund.amount == Decimal(-300) and refund.refund_of == payment
    assert state(issued) == ("partially_paid", Decimal(900), Decimal(300))
    payment_refund(payment=payment, amount="900")
    assert state(issued) == ("issued", Decimal(0), Decimal(1200))


def test_a_refund_never_exceeds_the_payment(issued):
    payment = payment_record(invoice=issued, amount="500", method="cash")
    payment_refund(payment=payment, amount="400")
    with pytest.raises(StudioError, match=r"Only 100\.00 EUR"):
        payment_refund(payment=payment, amount="100.01")
    assert Payment.objects.filter(refund_of=payment).count() == 1
    assert state(issued)[1] == Decimal(100)


def test_the_provider_id_records_a_payment_once(issued):
    first = payment_record(
        invoice=issued, amount="1200", method="stripe", provider_id="pi_3Pq0aB2eZvKYlo2C"
    )
    again = payment_record(
        invoice=issued, amount="1200", method="stripe", provider_id="pi_3Pq0aB2eZvKYlo2C"
    )
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert state(issued) == ("paid", Decimal(1200), Decimal(0))


def test_the_same_provider_id_with_other_details_is_refused(issued):
    payment_record(invoice=issued, amount="100", method="stripe", provider_id="pi_1")
    with pytest.raises(StudioError, match="other details"):
        payment_record(invoice=issued, amount="200", method="stripe", provider_id="pi_1")
    assert Payment.objects.count() == 1


def test_the_database_keeps_provider_ids_unique(issued):
    payment_record(invoice=issued, amount="100", method="stripe", provider_id="pi_2")
    with pytest.raises(DatabaseError, match="payment_provider_id_once"), transaction.atomic():
        Payment.objects.create(
            client=issued.client,
            invoice=issued,
            method="stripe",
            amount=100,
            currency="EUR",
            received_at=issued.issued_at,
            provider_id="pi_2",
        )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("12.345", "2 decimals"),
        ("abc", "not an amount"),
        ("1200.01", "left to pay"),
    ],
)
def test_bad_amounts_are_refused(issued, amount, message):
    with pytest.raises(StudioError, match=message):
        payment_record(invoice=issued, amount=amount, method="cash")
    assert not Payment.objects.exists()
    assert state(issued) == ("issued", Decimal(0), Decimal(1200))


def test_jpy_payments_have_no_decimals(band):
    invoice = invoice_issue(
        invoice=invoice_create(
            client=band, currency="JPY", exchange_rate="0.0062", lines=lines((1, 50000, 0, 10))
        ),
        today=ISSUED_ON,
    )
    with pytest.raises(StudioError, match="0 decimals"):
        payment_record(invoice=invoice, amount="100.50", method="bank_transfer")
    payment_record(invoice=invoice, amount="55000", method="bank_transfer")
    assert state(invoice) == ("paid", Decimal(55000), Decimal(0))


def test_drafts_and_void_invoices_take_no_payment(band, issued):
    draft = invoice_create(client=band, lines=lines((1, 10, 0, 0)))
    with pytest.raises(StudioError, match="draft"):
        payment_record(invoice=draft, amount="10", method="cash")
    other = invoice_issue(invoice=invoice_create(client=band, lines=lines((1, 10, 0, 0))))
    invoice_void(invoice=other, reason="Duplicate")
    with pytest.raises(StudioError, match="void"):
        payment_record(invoice=other, amount="10", method="cash")
    assert not Payment.objects.exists()


def test_a_paid_invoice_cannot_be_voided(issued):
    payment_record(invoice=issued, amount="100", method="cash")
    with pytest.raises(StudioError, match="credit it and refund"):
        invoice_void(invoice=issued, reason="oops")
    assert Invoice.objects.get(pk=issued.pk).status == "partially_paid"


def test_a_payment_gets_a_receipt_number_and_pdf(issued):
    payment = payment_record(invoice=issued, amount="200", method="cash")
    assert payment.receipt_number == "R-2026-0001" or payment.receipt_number.startswith("R-")
    from studio.services.payments import payment_receipt_pdf

    stored = payment_receipt_pdf(payment)
    assert bytes(stored.data).startswith(b"%PDF")
    assert StoredPdf.objects.filter(kind="receipt", object_id=payment.pk).count() == 1


def test_payments_cannot_be_edited_or_deleted_in_the_database(issued):
    from django.db import connection

    payment = payment_record(invoice=issued, amount="200", method="cash")
    for statement in (
        "UPDATE studio_payment SET amount = 1 WHERE id = %s",
        "DELETE FROM studio_payment WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="cannot"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [payment.pk])
    payment.refresh_from_db()
    assert payment.amount == Decimal(200)


def test_credit_notes_reduce_the_balance(issued):
    note = credit_note_create(
        invoice=issued,
        reason="Half a day cancelled",
        lines=[{"description": "Half day", "unit_price": "250", "tax_rate": "20"}],
    )
    assert note.number.startswith("CN-") and note.total == Decimal(300)
    assert state(issued) == ("issued", Decimal(0), Decimal(900))
    payment_record(invoice=issued, amount="900", method="bank_transfer")
    assert state(issued) == ("paid", Decimal(900), Decimal(0))


def test_a_full_credit_copies_the_lines_and_settles(issued):
    note = credit_note_create(invoice=issued, reason="Session cancelled by the studio")
    assert note.total == issued.total and note.lines.count() == 1
    issued.refresh_from_db()
    assert (issued.balance, issued.amount_credited) == (Decimal(0), Decimal(1200))
    with pytest.raises(StudioError, match="already fully credited"):
        credit_note_create(invoice=issued, reason="again")


def test_a_credit_note_cannot_exceed_what_is_left(issued):
    credit_note_create(
        invoice=issued, reason="Discount", lines=[{"description": "x", "unit_price": "1000"}]
    )
    with pytest.raises(StudioError, match=r"200\.00 EUR left to credit"):
        credit_note_create(
            invoice=issued, reason="More", lines=[{"description": "y", "unit_price": "200.01"}]
        )
    assert issued.credit_notes.count() == 1


def test_credit_notes_need_a_reason_and_an_issued_invoice(band, issued):
    with pytest.raises(StudioError, match="Say why"):
        credit_note_create(invoice=issued, reason=" ")
    draft = invoice_create(client=band, lines=lines((1, 10, 0, 0)))
    with pytest.raises(StudioError, match="nothing to credit"):
        credit_note_create(invoice=draft, reason="x")
    assert not issued.credit_notes.exists()


def test_a_receipt_shows_the_balance_right_after_its_payment(issued):
    from studio.selectors.documents import receipt_data

    first = payment_record(invoice=issued, amount="200", method="cash")
    payment_record(invoice=issued, amount="300", method="cash")
    assert receipt_data(first).invoice_balance == Decimal(1000)
    issued.refresh_from_db()
    assert issued.balance == Decimal(700)


def test_receivables_list_the_largest_debts_and_total_them_all(issued, band):
    from studio.selectors.receivables import receivables_by_client
    from tests.studio.factories import ClientFactory

    small = ClientFactory(name="Small Debt")
    invoice_issue(invoice=invoice_create(client=small, lines=lines((1, 10, 0, 0))), today=ISSUED_ON)
    data = receivables_by_client(today=date(2026, 4, 15), currency="EUR", limit=1)
    assert [row.name for row in data.rows] == ["Les Ondes Řízek"]
    assert data.rows[0].buckets == [0, Decimal(1200), 0, 0, 0]  # 14 days overdue
    assert (data.clients, data.total) == (2, Decimal(1210))
