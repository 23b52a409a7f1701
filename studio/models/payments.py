"""Money received (or given back) against an invoice or, for a deposit, a session.

Payments are never edited: a mistake is corrected by a refund, a negative payment linked to the
one it returns. An invoice's paid amount, balance and status are derived from its payments by
studio/services/payments.py. Staff record payments by hand (the MANUAL methods); a deposit
paid by card in the portal is recorded with the STRIPE method by studio/services/card_payments.py,
its PaymentIntent's id as `provider_id`, which PostgreSQL keeps unique: a webhook delivered twice
records one payment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studio.models.billing import Invoice
from studio.models.clients import Client
from studio.models.sessions import Session
from studio.models.settings import CURRENCIES


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD_TERMINAL = "card_terminal", _("Card terminal")
        STRIPE = "stripe", _("Card online (Stripe)")
        OTHER = "other", _("Other")

    MANUAL = (Method.CASH, Method.BANK_TRANSFER, Method.CARD_TERMINAL, Method.OTHER)

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    # A deposit taken when the session was booked; allocated to the invoice that bills it.
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    received_at = models.DateTimeField(_("received"))
    reference = models.CharField(
        _("reference"), max_length=120, blank=True, help_text=_("Bank reference, cheque number…")
    )
    provider_id = models.CharField(max_length=120, null=True, blank=True, editable=False)
    receipt_number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["invoice", "received_at"], name="payment_invoice"),
            # The payment list and the accountant's Today read the latest payments first.
            models.Index(fields=["-received_at", "-id"], name="payment_received"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=models.Q(provider_id__isnull=False),
                name="payment_provider_id_once",
            ),
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=False) | models.Q(session__isnull=False),
                name="payment_for_something",
            ),
            # Money in is positive; a refund is negative and says what it refunds.
            models.CheckConstraint(
                condition=(
                    models.Q(refund_of__isnull=True, amount__gt=0)
                    | models.Q(refund_of__isnull=False, amount__lt=0)
                ),
                name="payment_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        kind = _("Refund") if self.amount < 0 else _("Payment")
        return f"{kind} {self.amount} {self.currency}"

    @property
    def is_refund(self) -> bool:
        return self.refund_of_id is not None


class ReminderSent(models.Model):
    """A reminder step sent for an overdue invoice: at most one per step, enforced here."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    step = models.PositiveSmallIntegerField()  # 1 = first reminder
    days_overdue = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        ordering = ["invoice", "step"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="reminder_step_once")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.step} for {self.invoice}"


class CardPayment(models.Model):
    """One attempt to take money by card online: a Stripe PaymentIntent on the studio's account,
    for a session's deposit (and, later, an invoice). Its status only moves forward; when the
    intent succeeds the `payment` it recorded is set, once (the intent id is unique)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the card")
        ACTION = "requires_action", _("Waiting for the bank (3-D Secure)")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Declined")
        CANCELED = "canceled", _("Cancelled")

    # Where a status may go next; anything else is an old or out-of-order event and is ignored.
    FORWARD = {
        Status.PENDING: {Status.ACTION, Status.SUCCEEDED, Status.FAILED, Status.CANCELED},
        Status.ACTION: {Status.SUCCEEDED, Status.FAILED, Status.CANCELED},
        Status.FAILED: {Status.ACTION, Status.SUCCEEDED, Status.CANCELED},
        Status.SUCCEEDED: set(),
        Status.CANCELED: set(),
    }

    class Purpose(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        INVOICE = "invoice", _("Invoice")
        FEE = "fee", _("Fee")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="card_payments")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="card_payments"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="card_payments"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    intent_id = models.CharField(max_length=120, unique=True)
    payment_method_id = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    failure_message = models.CharField(max_length=300, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="card_payment"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="card_payment_positive"),
            models.CheckConstraint(
                condition=models.Q(session__isnull=False) | models.Q(invoice__isnull=False),
                name="card_payment_for_something",
            ),
        ]

    def __str__(self) -> str:
        return f"Card payment {self.amount} {self.currency} ({self.get_status_display()})"


class StripeCustomer(models.Model):
    """A client's customer record on the studio's Stripe account, with the card kept on file
    for the balance or a fee the policy allows."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="stripe")
    customer_id = models.CharField(max_length=120, unique=True)
    # The card form last opened for this client: only its card may be charged.
    setup_intent_id = models.CharField(max_length=120, blank=True)
    payment_method_id = models.CharField(max_length=120, blank=True)
    card_label = models.CharField(_("card on file"), max_length=60, blank=True)

    def __str__(self) -> str:
        return self.card_label or self.customer_id
