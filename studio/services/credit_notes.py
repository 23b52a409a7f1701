"""Credit notes: the only way to correct an issued invoice. Issued at once, in their own
numbered sequence, never for more than what is left of the invoice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction

from studio.models import CreditNote, Invoice
from studio.models.billing import Line
from studio.money import money_format
from studio.pdf import render_pdf
from studio.selectors.documents import credit_note_data
from studio.selectors.settings import studio_today
from studio.services.audit import audit_record
from studio.services.documents import (
    document_recalculate,
    line_values,
    lines_create,
    pdf_store,
)
from studio.services.errors import StudioError
from studio.services.invoices import invoice_lock, invoice_settle_locked
from studio.services.mail import email_queue
from studio.services.numbering import number_allocate
from studio.services.permissions import permission_check


@transaction.atomic
def credit_note_create(
    *,
    invoice: Invoice,
    reason: str,
    lines: Iterable[Mapping] | None = None,
    by=None,
    today: date | None = None,
) -> CreditNote:
    """Credit `lines` of an issued invoice, or, without lines, all that is left of it."""
    permission_check(by, "studio.add_creditnote")
    invoice = invoice_lock(invoice)
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        raise StudioError(
            f"{invoice} is {invoice.get_status_display().lower()}: nothing to credit."
        )
    if not reason.strip():
        raise StudioError(
            "Say why the invoice is credited; the client will read it.", field="reason"
        )
    left = invoice.total - invoice.amount_credited
    if lines is None:
        if left <= 0:
            raise StudioError(f"{invoice} is already fully credited.")
        if invoice.amount_credited:
            lines = [{"description": f"Balance of invoice {invoice.number}", "unit_price": left}]
        else:
            lines = [
                {field: getattr(line, field) for field in Line.FIELDS}
                for line in invoice.lines.all()
            ]
    checked = [line_values(line) for line in lines]
    if not checked:
        raise StudioError("A credit note needs at least one line.")
    today = today or studio_today()
    note = CreditNote(
        invoice=invoice,
        reason=reason.strip(),
        currency=invoice.currency,
        studio_currency=invoice.studio_currency,
        exchange_rate=invoice.exchange_rate,
        bill_to=invoice.bill_to,
        issue_date=today,
        year=today.year,
        created_by=by if getattr(by, "pk", None) else None,
    )
    note.sequence, note.number = number_allocate(kind="credit_note", year=today.year)
    note.save()
    lines_create(note, checked)
    result = document_recalculate(note)
    if result.total <= 0:
        raise StudioError("A credit note credits a positive amount.")
    if result.total > left:
        raise StudioError(
            f"{invoice} has {left} {invoice.currency} left to credit; this credit note is "
            f"{result.total} {invoice.currency}."
        )
    note.notes = f"Credits invoice {invoice.number}: {note.reason}"
    note.save()
    invoice_settle_locked(invoice=invoice)
    credit_note_pdf(note)
    audit_record(
        action="invoice.credited",
        obj=invoice,
        by=by,
        changes={"credit_note": [None, note.number], "amount": [None, str(note.total)]},
    )
    return note


def credit_note_pdf(note: CreditNote):
    return pdf_store(
        kind="credit_note",
        object_id=note.pk,
        filename=f"{note.number}.pdf",
        render=lambda: render_pdf(credit_note_data(note)),
    )


@transaction.atomic
def credit_note_send(*, note: CreditNote, by=None):
    permission_check(by, "studio.change_creditnote")
    return email_queue(
        kind="credit_note",
        to=note.invoice.client.email,
        values={
            "client_name": note.invoice.client.name,
            "number": note.number,
            "invoice_number": note.invoice.number,
            "total": money_format(note.total, note.currency),
            "reason": note.reason,
        },
        attachment=credit_note_pdf(note),
        about=f"invoice:{note.invoice_id}",
    )
