from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from studio.models import AuditEntry, Invoice, InvoiceLine, Payment, StoredPdf
from studio.services.errors import StudioError
from studio.services.invoices import (
    invoice_create,
    invoice_delete,
    invoice_issue,
    invoice_lines_add,
    invoice_sessions_add,
    invoice_void,
)
from studio.services.payments import payment_record
from tests.studio.money.conftest import ISSUED_ON, lines


def test_it_numbers_per_year_in_the_studio_format(band, settings_row):
    settings_row.invoice_number_format = "F{year}/{number:05}"
    settings_row.save()
    first = invoice_issue(invoice=invoice_create(client=band, lines=lines((1, 10, 0, 0))))
    second = invoice_issue(invoice=invoice_create(client=band, lines=lines((1, 10, 0, 0))))
    year = first.issue_date.year
    assert (first.number, second.number) == (f"F{year}/00001", f"F{year}/00002")
    assert (first.sequence, second.sequence) == (1, 2)


def test_numbers_restart_each_year(band):
    last_year = invoice_issue(
        invoice=invoice_create(client=band, lines=lines((1, 10, 0, 0))), today=date(2025, 12, 31)
    )
    this_year = invoice_issue(
        invoice=invoice_create(client=band, lines=lines((1, 10, 0, 0))), today=date(2026, 1, 1)
    )
    assert last_year.number == "INV-2025-0001"
    assert this_year.number == "INV-2026-0001"


def test_a_failed_issue_leaves_no_gap(band):
    empty = invoice_create(client=band)
    with pytest.raises(StudioError, match="at least one line"):
        invoice_issue(invoice=empty, today=ISSUED_ON)
    good = invoice_issue(
        invoice=invoice_create(client=band, lines=lines((1, 10, 0, 0))), today=ISSUED_ON
    )
    assert good.number == "INV-2026-0001"
    empty.refresh_from_db()
    assert empty.number is None and empty.status == "draft"


def test_issuing_freezes_totals_client_and_pdf(issued, band):
    assert issued.status == Invoice.Status.ISSUED
    assert (issued.net, issued.tax, issued.total) == (Decimal(1000), Decimal(200), Decimal(1200))
    assert issued.balance == Decimal(1200)
    assert issued.due_date == date(2026, 4, 1)
    assert issued.bill_to.startswith("Les Ondes Řízek\n1 rue X")
    stored = StoredPdf.objects.get(kind="invoice", object_id=issued.pk)
    assert bytes(stored.data).startswith(b"%PDF")
    assert stored.filename == "INV-2026-0001.pdf"
    band.name = "Renamed Band"
    band.save()
    issued.refresh_from_db()
    assert issued.bill_to.startswith("Les Ondes Řízek")
    assert AuditEntry.objects.filter(action="invoice.issued", object_id=str(issued.pk)).exists()


def test_an_issued_invoice_refuses_edits(issued):
    with pytest.raises(StudioError, match="credit note"):
        invoice_lines_add(invoice=issued, lines=lines((1, 5, 0, 0)))
    with pytest.raises(StudioError, match="credit note"):
        invoice_issue(invoice=issued)
    with pytest.raises(StudioError, match="credit note"):
        invoice_delete(invoice=issued)
    issued.refresh_from_db()
    assert issued.lines.count() == 1 and issued.total == Decimal(1200)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE studio_invoice SET total = 1 WHERE id = %s",
        "UPDATE studio_invoice SET notes = 'changed' WHERE id = %s",
        "UPDATE studio_invoice SET status = 'draft' WHERE id = %s",
        "DELETE FROM studio_invoice WHERE id = %s",
        "UPDATE studio_invoiceline SET unit_price = 1 WHERE invoice_id = %s",
        "DELETE FROM studio_invoiceline WHERE invoice_id = %s",
        "INSERT INTO studio_invoiceline (invoice_id, position, kind, description, quantity,"
        " unit_price, discount_percent, tax_rate, source, billed)"
        " VALUES (%s, 9, 'other', 'sneaked in', 1, 1, 0, 0, '', true)",
    ],
)
def test_the_database_refuses_changes_to_an_issued_invoice(issued, statement):
    from django.db import connection

    with (
        pytest.raises(DatabaseError, match="cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [issued.pk])
    issued.refresh_from_db()
    assert issued.total == Decimal(1200) and issued.lines.get().unit_price == Decimal(100)


def test_lines_from_a_completed_session(band, completed_session):
    invoice = invoice_create(client=band)
    invoice = invoice_sessions_add(invoice=invoice, sessions=[completed_session])
    by_kind = {line.kind: line for line in invoice.lines.all()}
    assert set(by_kind) == {"room", "overtime", "engineer", "gear"}
    # 4 h at 60 + 30 min overtime at 60 = the session's price, split into two lines.
    assert by_kind["room"].unit_price == Decimal("240.00")
    assert by_kind["overtime"].unit_price == Decimal("30.00")
    assert by_kind["room"].unit_price + by_kind["overtime"].unit_price == completed_session.price
    assert (by_kind["engineer"].quantity, by_kind["engineer"].unit_price) == (4, Decimal(40))
    assert by_kind["gear"].unit_price == Decimal(75)
    assert all(line.tax_rate == Decimal(20) for line in by_kind.values())
    # 240 + 30 + 160 + 75 = 505, plus 20 % VAT.
    assert (invoice.net, invoice.total) == (Decimal(505), Decimal(606))


def test_a_session_is_never_billed_twice(band, completed_session):
    first = invoice_sessions_add(invoice=invoice_create(client=band), sessions=[completed_session])
    second = invoice_create(client=band)
    with pytest.raises(StudioError, match=r"already billed on Draft invoice"):
        invoice_sessions_add(invoice=second, sessions=[completed_session])
    assert second.lines.count() == 0
    issued = invoice_issue(invoice=first)
    with pytest.raises(StudioError, match=f"already billed on {issued.number}"):
        invoice_sessions_add(invoice=second, sessions=[completed_session])


def test_the_database_refuses_a_session_billed_on_two_live_invoices(band, completed_session):
    first = invoice_sessions_add(invoice=invoice_create(client=band), sessions=[completed_session])
    second = invoice_create(client=band)
    with pytest.raises(DatabaseError, match="session_billed_once"), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=second,
            session=completed_session,
            source="room",
            description="again",
            unit_price=1,
        )
    assert InvoiceLine.objects.filter(session=completed_session).count() == 4
    assert first.lines.count() == 4


def test_voiding_releases_the_session_for_billing(band, completed_session):
    issued = invoice_issue(
        invoice=invoice_sessions_add(
            invoice=invoice_create(client=band), sessions=[completed_session]
        )
    )
    invoice_void(invoice=issued, reason="Wrong client address")
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.VOID and issued.balance == 0
    again = invoice_sessions_add(invoice=invoice_create(client=band), sessions=[completed_session])
    assert again.lines.count() == 4


def test_only_completed_sessions_of_the_client_are_billed(band, completed_session):
    from tests.studio.factories import ClientFactory

    other = invoice_create(client=ClientFactory())
    with pytest.raises(StudioError, match="another client"):
        invoice_sessions_add(invoice=other, sessions=[completed_session])
    assert other.lines.count() == 0


def test_a_deposit_goes_to_the_invoice_that_bills_its_session(band, completed_session):
    deposit = payment_record(session=completed_session, amount="100.00", method="card_terminal")
    assert deposit.invoice is None
    invoice = invoice_sessions_add(
        invoice=invoice_create(client=band), sessions=[completed_session]
    )
    issued = invoice_issue(invoice=invoice)
    deposit.refresh_from_db()
    assert deposit.invoice_id == issued.pk
    assert issued.amount_paid == Decimal(100)
    assert issued.balance == issued.total - 100
    assert issued.status == Invoice.Status.PARTIALLY_PAID
    assert Payment.objects.filter(invoice=issued).count() == 1


def test_a_foreign_currency_invoice_freezes_its_rate(band, settings_row):
    invoice = invoice_create(
        client=band, currency="USD", exchange_rate="0.92", lines=lines((3, "33.33", 0, 0))
    )
    issued = invoice_issue(invoice=invoice, today=ISSUED_ON)
    assert issued.total == Decimal("99.99")
    assert issued.total_in_studio_currency == Decimal("91.99")  # 99.99 * 0.92 = 91.9908
    settings_row.currency = "GBP"
    settings_row.save()
    issued.refresh_from_db()
    assert (issued.exchange_rate, issued.studio_currency) == (Decimal("0.92"), "EUR")
    assert issued.total_in_studio_currency == Decimal("91.99")


def test_a_rate_other_than_one_in_the_studio_currency_is_refused(band):
    with pytest.raises(StudioError, match="rate is 1"):
        invoice_create(client=band, currency="EUR", exchange_rate="1.1")
    assert not Invoice.objects.exists()


def test_a_jpy_invoice_has_no_cents(band):
    invoice = invoice_create(
        client=band,
        currency="JPY",
        exchange_rate="0.0062",
        lines=lines((3, 1999, "12.5", 10), (1, 500, 0, 8)),
    )
    # 5997 less 12.5 % (749.625 -> 750) = 5247; tax 10 % = 524.7 -> 525; 500 + 8 % = 40.
    assert (invoice.net, invoice.tax, invoice.total) == (Decimal(5747), Decimal(565), Decimal(6312))


def test_bad_lines_are_refused_and_nothing_is_written(band):
    with pytest.raises(StudioError, match="discount"):
        invoice_create(client=band, lines=lines((1, 10, 150, 0)))
    with pytest.raises(StudioError, match="not a number"):
        invoice_create(client=band, lines=[{"description": "x", "unit_price": "ten"}])
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()
