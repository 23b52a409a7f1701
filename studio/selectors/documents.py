"""The printable view of documents: models in, studio/pdf/data.py values out."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from studio.models import Contract, CreditNote, Invoice, Payment, Quote
from studio.money import money_format
from studio.pdf.data import (
    ContractData,
    DocumentData,
    Issuer,
    PrintedLine,
    ReceiptData,
    TaxRow,
)
from studio.selectors.settings import studio_display_name, studio_settings_get
from studio.services import totals
from studio.services.documents import bill_to


def issuer_get() -> Issuer:
    settings = studio_settings_get()
    logo = None
    if settings.logo:
        try:
            with settings.logo.open("rb") as handle:
                logo = handle.read()
        except OSError:
            logo = None  # a missing file must not stop an invoice; the name is printed anyway
    return Issuer(
        name=studio_display_name(),
        address=settings.address,
        email=settings.email,
        phone=settings.phone,
        vat_number=settings.vat_number,
        company_number=settings.company_number,
        bank_lines=tuple(settings.bank_lines),
        payment_details=settings.payment_details,
        logo=logo,
    )


def _document(doc, kind: str, **extra) -> DocumentData:
    lines = list(doc.lines.all())
    computed = totals.document_totals(
        (totals.Line(li.quantity, li.unit_price, li.discount_percent, li.tax_rate) for li in lines),
        doc.currency,
    )
    foreign = doc.currency != doc.studio_currency
    return DocumentData(
        kind=kind,
        number=doc.number or "",
        issuer=issuer_get(),
        bill_to=doc.bill_to or _bill_to_live(doc),
        issue_date=doc.issue_date,
        currency=doc.currency,
        lines=[
            PrintedLine(
                description=li.description,
                quantity=li.quantity,
                unit_price=li.unit_price,
                discount_percent=li.discount_percent,
                tax_rate=li.tax_rate,
                net=item.net,
            )
            for li, item in zip(lines, computed.lines, strict=True)
        ],
        gross=computed.gross,
        discount=computed.discount,
        net=computed.net,
        taxes=[TaxRow(rate=t.rate, base=t.base, tax=t.tax) for t in computed.taxes],
        tax=computed.tax,
        total=computed.total,
        notes=doc.notes,
        studio_currency=doc.studio_currency if foreign else "",
        exchange_rate=doc.exchange_rate if foreign else None,
        total_in_studio_currency=(
            totals.convert(computed.total, rate=doc.exchange_rate, to_currency=doc.studio_currency)
            if foreign
            else None
        ),
        draft=doc.number is None,
        **extra,
    )


def _bill_to_live(doc) -> str:
    return bill_to(doc.client) if hasattr(doc, "client") else bill_to(doc.invoice.client)


def invoice_data(invoice: Invoice) -> DocumentData:
    return _document(
        invoice,
        "invoice",
        due_date=invoice.due_date,
        reference=invoice.quote.number if invoice.quote_id and invoice.quote.number else "",
    )


def quote_data(quote: Quote) -> DocumentData:
    return _document(quote, "quote", valid_until=quote.valid_until)


def credit_note_data(note: CreditNote) -> DocumentData:
    return _document(note, "credit_note", reference=note.invoice.number)


def receipt_data(payment: Payment) -> ReceiptData:
    """A receipt says what was left to pay right after this payment, whenever it is printed."""
    invoice = payment.invoice
    balance = Decimal(0)
    if invoice is not None:
        paid = invoice.payments.filter(pk__lte=payment.pk).aggregate(s=Sum("amount"))["s"] or 0
        credited = (
            invoice.credit_notes.filter(created_at__lte=payment.recorded_at).aggregate(
                s=Sum("total")
            )["s"]
            or 0
        )
        balance = invoice.total - credited - paid
    return ReceiptData(
        number=payment.receipt_number or "",
        issuer=issuer_get(),
        received_from=invoice.bill_to if invoice else payment.client.name,
        received_at=timezone.localtime(payment.received_at, studio_settings_get().tz),
        amount=payment.amount,
        currency=payment.currency,
        method=payment.get_method_display(),
        reference=payment.reference or payment.provider_id or "",
        invoice_number=invoice.number if invoice else "",
        invoice_total=invoice.total if invoice else payment.amount,
        invoice_balance=balance,
    )


def contract_data(contract: Contract) -> ContractData:
    recorded = ""
    if contract.signed_via == Contract.SignedVia.PAPER and contract.recorded_by:
        who = contract.recorded_by.get_full_name() or contract.recorded_by.email
        recorded = f"Signed on paper; recorded by {who}"
    elif contract.signed_via:
        recorded = contract.get_signed_via_display()
    return ContractData(
        title=contract.title,
        issuer=issuer_get(),
        party=bill_to(contract.client),
        body=contract.body,
        document_sha256=contract.document_sha256,
        signed_name=contract.signed_name,
        signed_at=contract.signed_at,
        signed_ip=contract.signed_ip or "",
        signed_user_agent=contract.signed_user_agent,
        signed_method=recorded or contract.get_signed_via_display(),
        signed_on_paper=contract.signed_via == Contract.SignedVia.PAPER,
    )


def totals_rows(computed: totals.Totals, currency: str) -> list[tuple[str, str, bool]]:
    """The rows of a document's totals panel: (label, amount, strong)."""
    rows = [("Subtotal", money_format(computed.gross, currency), False)]
    if computed.discount:
        rows.append(("Discount", "−" + money_format(computed.discount, currency), False))
        rows.append(("Net", money_format(computed.net, currency), False))
    for band in computed.taxes:
        rows.append(
            (
                f"Tax {band.rate.normalize():f} % on {money_format(band.base, currency)}",
                money_format(band.tax, currency),
                False,
            )
        )
    rows.append(("Total", money_format(computed.total, currency), True))
    return rows
