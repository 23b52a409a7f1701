"""Recording money in and out. Every payment settles its invoice (paid, balance, status), and a
provider's payment is recorded once whatever the number of times its webhook arrives."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from studio.models import Invoice, Payment, Session
from studio.money import currency_decimals, money_format
from studio.pdf import render_pdf
from studio.selectors.documents import receipt_data
from studio.services import totals
from studio.services.audit import audit_record
from studio.services.documents import pdf_store
from studio.services.errors import StudioError
from studio.services.invoices import invoice_lock, invoice_settle_locked
from studio.services.mail import email_queue
from studio.services.numbering import number_allocate
from studio.services.permissions import permission_check


def _amount(value, currency: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise StudioError(f"“{value}” is not an amount.", field="amount") from None
    if amount <= 0:
        raise StudioError("Enter the amount received, more than zero.", field="amount")
    if totals.round_money(amount, currency) != amount:
        raise StudioError(
            f"{currency} amounts have {currency_decimals(currency)} decimals at most.",
            field="amount",
        )
    return amount


def _same(existing: Payment, *, amount: Decimal, invoice, session) -> Payment:
    if (
        existing.amount != amount
        or existing.invoice_id != getattr(invoice, "pk", existing.invoice_id)
        or (session is not None and existing.session_id != session.pk)
    ):
        raise StudioError(
            f"Payment {existing.provider_id} is already recorded with other details "
            f"({existing.amount} {existing.currency})."
        )
    return existing


def payment_record(
    *,
    amount,
    method: str,
    invoice: Invoice | None = None,
    session: Session | None = None,
    received_at: datetime | None = None,
    reference: str = "",
    provider_id: str | None = None,
    note: str = "",
    by=None,
    send_receipt: bool = False,
) -> Payment:
    """Money received for an issued invoice, or a deposit for a session (allocated to the
    session's invoice when it is billed). With `provider_id` (a Stripe PaymentIntent, say) the
    call is idempotent: the same id returns the payment already recorded."""
    permission_check(by, "studio.add_payment")
    if provider_id:
        existing = Payment.objects.filter(provider_id=provider_id).first()
        if existing:
            return _same(existing, amount=Decimal(str(amount)), invoice=invoice, session=session)
    try:
        with transaction.atomic():
            return _record(
                amount=amount,
                method=method,
                invoice=invoice,
                session=session,
                received_at=received_at,
                reference=reference,
                provider_id=provider_id,
                note=note,
                by=by,
                send_receipt=send_receipt,
            )
    except IntegrityError as exc:
        # The same provider id recorded by a concurrent delivery of the same event.
        if provider_id and "payment_provider_id_once" in str(exc):
            existing = Payment.objects.get(provider_id=provider_id)
            return _same(existing, amount=Decimal(str(amount)), invoice=invoice, session=session)
        raise


def _record(
    *, amount, method, invoice, session, received_at, reference, provider_id, note, by, send_receipt
) -> Payment:
    if method not in Payment.Method.values:
        raise StudioError(f"“{method}” is not a payment method.", field="method")
    if invoice is None and session is None:
        raise StudioError("A payment is for an invoice or, as a deposit, for a session.")
    if invoice is not None and invoice.status == Invoice.Status.DRAFT:
        raise StudioError(f"{invoice} is a draft: issue it before recording payments.")
    if invoice is None:
        # A deposit: to the invoice already billing this session, if there is one.
        line = session.invoice_lines.filter(billed=True).select_related("invoice").first()
        invoice = line.invoice if line else None
    if invoice is not None:
        invoice = invoice_lock(invoice)
        if invoice.status == Invoice.Status.VOID:
            raise StudioError(f"{invoice} is void: it takes no payments.")
        currency, client_id = invoice.currency, invoice.client_id
    else:
        currency, client_id = session.currency, session.client_id
    amount = _amount(amount, currency)
    # A provider has taken the money already: record what happened. By hand, refuse a typo.
    overpaid = (
        invoice is not None and invoice.status != Invoice.Status.DRAFT and amount > invoice.balance
    )
    if overpaid and not provider_id:
        raise StudioError(
            f"{invoice} has {invoice.balance} {currency} left to pay; "
            f"{amount} {currency} is more than that.",
            field="amount",
        )
    payment = Payment.objects.create(
        client_id=client_id,
        invoice=invoice,
        session=session,
        method=method,
        amount=amount,
        currency=currency,
        received_at=received_at or timezone.now(),
        reference=reference.strip(),
        provider_id=provider_id or None,
        note=note.strip(),
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    _after(payment, invoice, by=by, action="payment.recorded", send_receipt=send_receipt)
    return payment


def _after(payment: Payment, invoice: Invoice | None, *, by, action: str, send_receipt: bool):
    year = timezone.localdate(payment.received_at).year
    _, payment.receipt_number = number_allocate(kind="receipt", year=year)
    payment.save(update_fields=["receipt_number"])
    if invoice is not None and invoice.status != Invoice.Status.DRAFT:
        invoice_settle_locked(invoice=invoice)
        payment.invoice = invoice
    audit_record(
        action=action,
        obj=payment,
        by=by,
        changes={
            "amount": [None, str(payment.amount)],
            "invoice": [None, str(invoice) if invoice else None],
        },
    )
    if send_receipt:
        payment_receipt_send(payment=payment, by=by)


def payment_receipt_pdf(payment: Payment):
    return pdf_store(
        kind="receipt",
        object_id=payment.pk,
        filename=f"{payment.receipt_number}.pdf",
        render=lambda: render_pdf(receipt_data(payment)),
    )


def payment_receipt_send(*, payment: Payment, by=None):
    permission_check(by, "studio.add_payment")
    invoice = payment.invoice
    return email_queue(
        kind="receipt",
        to=payment.client.email,
        values={
            "client_name": payment.client.name,
            "number": payment.receipt_number,
            "amount": money_format(payment.amount, payment.currency),
            "invoice_number": invoice.number if invoice and invoice.number else "",
            "balance": money_format(invoice.balance if invoice else Decimal(0), payment.currency),
            "received_on": f"{timezone.localdate(payment.received_at):%d %B %Y}",
        },
        attachment=payment_receipt_pdf(payment),
        about=f"payment:{payment.pk}",
    )


@transaction.atomic
def payment_refund(
    *,
    payment: Payment,
    amount,
    method: str | None = None,
    reference: str = "",
    provider_id: str | None = None,
    note: str = "",
    by=None,
) -> Payment:
    """Give money back: a negative payment linked to the one it refunds, never more in all than
    was received. Idempotent on the provider's refund id, like payment_record."""
    permission_check(by, "studio.add_payment")
    if provider_id:
        existing = Payment.objects.filter(provider_id=provider_id).first()
        if existing:
            return existing
    original = Payment.objects.select_for_update().get(pk=payment.pk)
    if original.is_refund:
        raise StudioError("That is a refund already: refund the original payment.")
    amount = _amount(amount, original.currency)
    refunded = -(original.refunds.aggregate(s=Sum("amount"))["s"] or Decimal(0))
    if refunded + amount > original.amount:
        left = original.amount - refunded
        raise StudioError(
            f"Only {left} {original.currency} of this payment is left to refund.", field="amount"
        )
    invoice = invoice_lock(original.invoice) if original.invoice_id else None
    refund = Payment.objects.create(
        client_id=original.client_id,
        invoice=invoice,
        session=original.session,
        refund_of=original,
        method=method or original.method,
        amount=-amount,
        currency=original.currency,
        received_at=timezone.now(),
        reference=reference.strip(),
        provider_id=provider_id or None,
        note=note.strip(),
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    _after(refund, invoice, by=by, action="payment.refunded", send_receipt=False)
    return refund
