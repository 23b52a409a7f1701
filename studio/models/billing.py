"""Quotes, invoices and credit notes: documents of lines, in a currency, with totals.

Totals are computed by studio/services/totals.py and stored on the document so lists and reports
never recompute them. Numbers come from DocumentCounter inside the transaction that issues (or
sends) the document, so a rolled-back issue leaves no gap; PostgreSQL refuses a duplicate number
and a number on a draft. Once issued, a document and its lines cannot change: a trigger
(migration 0006) refuses it even if some code forgot to ask the services.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.clients import Client
from studio.models.projects import Project
from studio.models.sessions import Session
from studio.models.settings import CURRENCIES, PERCENT

AMOUNT = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


class DocumentCounter(models.Model):
    """The last number given to a kind of document in a year, per studio (one schema each)."""

    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="document_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Document(models.Model):
    """What quotes, invoices and credit notes share: a number, a currency and totals."""

    number = models.CharField(_("number"), max_length=40, null=True, blank=True, unique=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    studio_currency = models.CharField(max_length=3, default="EUR", editable=False)
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=18,
        decimal_places=8,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text=_("Units of the studio's currency for one unit of this document's currency."),
    )
    issue_date = models.DateField(_("date"), null=True, blank=True)
    bill_to = models.TextField(
        _("bill to"), blank=True, help_text=_("Frozen from the client when the document is issued.")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Printed on the document."))
    gross = models.DecimalField(_("subtotal"), **AMOUNT)
    discount = models.DecimalField(_("discount"), **AMOUNT)
    net = models.DecimalField(_("net"), **AMOUNT)
    tax = models.DecimalField(_("tax"), **AMOUNT)
    total = models.DecimalField(_("total"), **AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @staticmethod
    def numbering_constraints(prefix: str) -> list:
        return [
            models.UniqueConstraint(fields=["year", "sequence"], name=f"{prefix}_sequence_once"),
            # A number, its year and its place in the year come together or not at all.
            models.CheckConstraint(
                condition=(
                    models.Q(number__isnull=True, year__isnull=True, sequence__isnull=True)
                    | models.Q(number__isnull=False, year__isnull=False, sequence__gt=0)
                ),
                name=f"{prefix}_number_complete",
            ),
        ]


class Quote(Document):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        CONVERTED = "converted", _("Converted")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="quotes")
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    # How the client answered, when they answered in the portal (typed name, consent, where
    # from); staff decisions leave the typed name empty.
    class DecidedVia(models.TextChoices):
        PORTAL = "portal", _("In the client portal")
        STAFF = "staff", _("Recorded by staff")

    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    decided_via = models.CharField(
        _("answered"), max_length=8, choices=DecidedVia.choices, blank=True, editable=False
    )
    accepted_name = models.CharField(_("accepted by"), max_length=200, blank=True, editable=False)
    decided_ip = models.GenericIPAddressField(
        _("from IP address"), null=True, blank=True, editable=False
    )
    decided_user_agent = models.CharField(_("browser"), max_length=400, blank=True, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            *Document.numbering_constraints("quote"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False),
                name="quote_sent_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft quote #{self.pk}"


class Invoice(Document):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    OPEN = (Status.ISSUED, Status.PARTIALLY_PAID)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    quote = models.OneToOneField(
        Quote, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # The project this invoice bills (besides lines pulled from the project's sessions): its
    # masters are released when every such invoice is paid in full.
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("project"),
    )
    # Derived from payments and credit notes by invoice_settle(); stored for lists and reports.
    amount_paid = models.DecimalField(_("paid"), **AMOUNT)
    amount_credited = models.DecimalField(_("credited"), **AMOUNT)
    balance = models.DecimalField(_("balance due"), **AMOUNT)
    total_in_studio_currency = models.DecimalField(**AMOUNT)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
            models.Index(fields=["client", "status"], name="invoice_client_status"),
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
            # The list's order: newest first, then the primary key the admin adds to settle ties.
            models.Index(fields=["-created_at", "-id"], name="invoice_created_id"),
        ]
        constraints = [
            *Document.numbering_constraints("invoice"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False),
                name="invoice_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft invoice #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CreditNote(Document):
    """A correction of an issued invoice: issued at once, numbered in its own sequence."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            *Document.numbering_constraints("credit_note"),
            models.CheckConstraint(
                condition=models.Q(number__isnull=False), name="credit_note_has_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number or "Credit note"


class Line(models.Model):
    # What a line says, in the order it is typed: the form rows, the imports, the copy from a
    # quote to its invoice and the checks all read this list.
    FIELDS = ("kind", "description", "quantity", "unit_price", "discount_percent", "tax_rate")

    class Kind(models.TextChoices):
        ROOM = "room", _("Room time")
        OVERTIME = "overtime", _("Overtime")
        ENGINEER = "engineer", _("Engineer")
        GEAR = "gear", _("Gear hire")
        OTHER = "other", _("Other")

    position = models.PositiveSmallIntegerField(_("#"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, default=Decimal(1)
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=Decimal(0), validators=PERCENT
    )
    # Three decimals: New York City's sales tax is 8.875 %.
    tax_rate = models.DecimalField(
        _("tax %"),
        max_digits=6,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description


class QuoteLine(Line):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        pass


class InvoiceLine(Line):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    # A line pulled from a session: which session and what of it ("room", "overtime",
    # "engineer:3", "gear:12"). `billed` mirrors "the invoice is not void", so PostgreSQL can refuse
    # billing the same part of a session on two live invoices.
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    source = models.CharField(max_length=30, blank=True, editable=False)
    billed = models.BooleanField(default=True, editable=False)

    class Meta(Line.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["session", "source"],
                condition=models.Q(session__isnull=False, billed=True),
                name="session_billed_once",
            )
        ]


class CreditNoteLine(Line):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        pass


class StoredPdf(models.Model):
    """The PDF of an issued document, rendered once and kept: what the client received is what
    we can show again, whatever later changes to the studio's logo or the renderer."""

    kind = models.CharField(max_length=20)  # invoice, quote, credit_note, receipt, contract
    object_id = models.PositiveBigIntegerField()
    filename = models.CharField(max_length=120)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="stored_pdf_once")
        ]

    def __str__(self) -> str:
        return self.filename
