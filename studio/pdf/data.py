"""What a PDF prints, as plain values: the renderers never touch the database.

Selectors in studio/selectors/documents.py build these from the models; tests and the benchmark
build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


def registration_lines(*, vat_number: str, company_number: str) -> list[str]:
    """The studio's registration numbers as printed on its documents and e-mails."""
    lines = []
    if vat_number:
        lines.append(f"VAT {vat_number}")
    if company_number:
        lines.append(f"Company No. {company_number}")
    return lines


@dataclass(frozen=True)
class Issuer:
    """The studio, as printed at the top of its documents."""

    name: str
    address: str = ""  # several lines
    email: str = ""
    phone: str = ""
    vat_number: str = ""
    company_number: str = ""
    bank_lines: tuple[str, ...] = ()  # the bank account, one fact a line; printed on invoices
    payment_details: str = ""  # other payment instructions, several lines; printed on invoices
    logo: bytes | None = None  # PNG or JPEG

    @property
    def registration(self) -> list[str]:
        return registration_lines(vat_number=self.vat_number, company_number=self.company_number)


@dataclass(frozen=True)
class PrintedLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net: Decimal  # after discount, before tax


@dataclass(frozen=True)
class TaxRow:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class DocumentData:
    """An invoice, a quote or a credit note."""

    kind: str  # "invoice" | "quote" | "credit_note"
    number: str  # "" for a draft
    issuer: Issuer
    bill_to: str  # several lines: name, address, VAT number
    issue_date: date | None
    currency: str
    lines: list[PrintedLine]
    gross: Decimal
    discount: Decimal
    net: Decimal
    taxes: list[TaxRow]
    tax: Decimal
    total: Decimal
    due_date: date | None = None  # invoices
    valid_until: date | None = None  # quotes
    reference: str = ""  # a credit note's invoice number, an invoice's quote number
    notes: str = ""
    # Another currency than the studio's: the frozen rate and the total in the studio's currency.
    studio_currency: str = ""
    exchange_rate: Decimal | None = None
    total_in_studio_currency: Decimal | None = None
    amount_paid: Decimal | None = None  # invoices already partly paid when printed
    draft: bool = False


@dataclass(frozen=True)
class ReceiptData:
    number: str  # the payment's receipt number, e.g. "R-2026-0007"
    issuer: Issuer
    received_from: str
    received_at: datetime
    amount: Decimal  # negative for a refund
    currency: str
    method: str  # human label: "Bank transfer"
    reference: str  # the provider's or the bank's reference
    invoice_number: str
    invoice_total: Decimal
    invoice_balance: Decimal  # after this payment


@dataclass(frozen=True)
class ContractData:
    title: str
    issuer: Issuer
    party: str  # the client, several lines
    body: str  # rendered text, paragraphs separated by blank lines
    document_sha256: str = ""
    # Present once signed.
    signed_name: str = ""
    signed_at: datetime | None = None
    signed_ip: str = ""
    signed_user_agent: str = ""
    signed_method: str = ""  # "Signed in the client portal" / "Signed on paper, recorded by …"
    signed_on_paper: bool = False  # the signature is on a paper copy; this records it
    extra: dict[str, str] = field(default_factory=dict)
