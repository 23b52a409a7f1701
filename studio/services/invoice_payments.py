"""Paying an issued invoice online, by card, from the client portal.

The client pays the balance, or a part of it where the studio allows part payments
(`StudioSettings.portal_part_payments`): never more than the balance, never nothing, in the
invoice's own currency and to that currency's decimals. The card goes through the same steps
as a deposit (`card_payments`: a SetupIntent saved in the browser, then a PaymentIntent created
and confirmed on the server), with `purpose=invoice`.

A second charge must be impossible: the invoice's row is locked while it is charged, an intent
still under way (waiting for the card or the bank) is returned instead of a new one, and a card
form is used up by the charge it made, so a double click or a retry finds that charge. The
payment itself is recorded once, by `card_payment_refresh` (webhook or browser return, in any
order), which settles the invoice and e-mails the receipt with its PDF.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from studio.models import CardPayment, Client, Invoice, StripeCustomer
from studio.money import currency_decimals, money_format
from studio.selectors.settings import studio_settings_get
from studio.services import card_payments
from studio.services.audit import audit_record
from studio.services.deposits import card_payments_available
from studio.services.errors import StudioError
from studio.services.portal_links import portal_document_url
from studio.services.totals import round_money

NOT_YOURS = "This invoice is not on your account."
NOTHING_TO_PAY = "Invoice {number} is {status}: there is nothing left to pay."
NOT_AN_AMOUNT = "“{value}” is not an amount. Write it like {example}."
NOT_POSITIVE = "Enter an amount more than zero."
TOO_MUCH = "{amount} is more than the balance of {balance}: pay {balance} at most."
TOO_PRECISE = "{currency} amounts have {decimals} decimals at most."
WHOLE_BALANCE = "This studio takes the whole balance online: {balance}."
UNDER_WAY = "A payment of {amount} for this invoice is already waiting for your bank."

# The states of an invoice a client sees in the portal (never drafts).
VISIBLE = (
    Invoice.Status.ISSUED,
    Invoice.Status.PARTIALLY_PAID,
    Invoice.Status.PAID,
    Invoice.Status.VOID,
)
WAITING = (CardPayment.Status.PENDING, CardPayment.Status.ACTION)


def client_invoices(*, client: Client) -> QuerySet[Invoice]:
    """The client's own issued invoices, newest first: never a draft, never another's."""
    return Invoice.objects.filter(client=client, status__in=VISIBLE).order_by("-issue_date", "-id")


def _client_invoice(invoice_id: int, client: Client, *, lock: bool = False) -> Invoice:
    """The client's own issued invoice; another client's, or a draft, is refused in the same
    words as one that does not exist."""
    invoices = client_invoices(client=client)
    if lock:
        invoices = invoices.select_for_update()
    invoice = invoices.filter(pk=invoice_id).first()
    if invoice is None:
        raise StudioError(NOT_YOURS)
    return invoice


def _open_check(invoice: Invoice) -> None:
    if invoice.status not in Invoice.OPEN or invoice.balance <= 0:
        raise StudioError(
            NOTHING_TO_PAY.format(
                number=invoice.number, status=invoice.get_status_display().lower()
            )
        )


def part_payments_allowed() -> bool:
    return studio_settings_get().portal_part_payments


def invoice_pay_amount(*, invoice: Invoice, value: str | None) -> Decimal:
    """What the client asked to pay: the balance when nothing (or no part payments) is
    asked; else their amount, checked against the balance and the currency's decimals."""
    balance = invoice.balance
    currency = invoice.currency
    written = (value or "").strip().replace(" ", "").replace("\u00a0", "")
    if not written:
        return balance
    example = f"{Decimal(1234).quantize(Decimal(1).scaleb(-currency_decimals(currency)))}"
    try:
        amount = Decimal(written.replace(",", "."))
    except InvalidOperation:
        raise StudioError(
            NOT_AN_AMOUNT.format(value=written[:30], example=example), field="amount"
        ) from None
    if not amount.is_finite():
        raise StudioError(NOT_AN_AMOUNT.format(value=written[:30], example=example), field="amount")
    if amount <= 0:
        raise StudioError(NOT_POSITIVE, field="amount")
    if round_money(amount, currency) != amount:
        raise StudioError(
            TOO_PRECISE.format(currency=currency, decimals=currency_decimals(currency)),
            field="amount",
        )
    if amount > balance:
        raise StudioError(
            TOO_MUCH.format(
                amount=money_format(amount, currency), balance=money_format(balance, currency)
            ),
            field="amount",
        )
    if amount != balance and not part_payments_allowed():
        raise StudioError(
            WHOLE_BALANCE.format(balance=money_format(balance, currency)), field="amount"
        )
    return amount


def invoice_card_form(*, invoice_id: int, client: Client) -> str:
    """Open the card form to pay the invoice: the SetupIntent's client secret. Refused when
    cards cannot be taken or there is nothing left to pay."""
    cards, why = card_payments_available()
    if not cards:
        raise StudioError(why)
    with transaction.atomic():
        _open_check(_client_invoice(invoice_id, client, lock=True))
    return card_payments.card_setup_start(client=client)


def invoice_payment_waiting(invoice: Invoice) -> CardPayment | None:
    """A card payment for the invoice still under way: waiting for the card or the bank, or
    taken by Stripe and not yet recorded against the invoice (its balance not yet lowered)."""
    under_way = Q(status__in=WAITING) | Q(status=CardPayment.Status.SUCCEEDED, payment__isnull=True)
    return invoice.card_payments.filter(under_way).order_by("-created_at").first()


def invoice_pay(
    *, invoice_id: int, client: Client, setup_intent: str, amount: str | None = None, by=None
) -> CardPayment:
    """Charge `amount` (the balance by default) of the client's invoice to the card just
    saved. A second click, a second tab or a retry gets the payment already made or under way,
    never a second one."""
    cards, why = card_payments_available()
    if not cards:
        raise StudioError(why)
    with transaction.atomic():
        invoice = _client_invoice(invoice_id, client, lock=True)
        payment = invoice_payment_waiting(invoice) or _charged_with(invoice, client, setup_intent)
        if payment is None:
            payment = _charge(invoice, client, setup_intent, amount, by)
    if payment.status == CardPayment.Status.SUCCEEDED and payment.payment_id is None:
        secret = getattr(payment, "client_secret", "")
        payment = card_payments.card_payment_refresh(intent_id=payment.intent_id) or payment
        payment.client_secret = secret
    return payment


def _charge(invoice: Invoice, client: Client, setup_intent: str, amount, by) -> CardPayment:
    """The charge itself, for the caller holding the invoice's lock."""
    _open_check(invoice)
    value = invoice_pay_amount(invoice=invoice, value=amount)
    customer, method = card_payments.card_from_setup(client=client, setup_intent=setup_intent)
    attempt = invoice.card_payments.count() + 1
    payment = card_payments.card_charge(
        client=client,
        customer=customer,
        payment_method=method,
        amount=value,
        currency=invoice.currency,
        purpose=CardPayment.Purpose.INVOICE,
        key=f"invoice-{invoice.pk}-{attempt}",
        invoice=invoice,
    )
    # The card form is used up by this charge: its second submission finds this payment.
    StripeCustomer.objects.filter(pk=customer.pk).update(setup_intent_id="")
    audit_record(
        action="invoice.card_payment_attempted",
        obj=invoice,
        by=by,
        changes={"amount": [None, str(value)], "intent": [None, payment.intent_id]},
    )
    return payment


def _charged_with(invoice: Invoice, client: Client, setup_intent: str) -> CardPayment | None:
    """The charge a card form already made for this invoice, if this form was used up.

    A form still open (its SetupIntent is the customer's current one) has charged nothing. A
    used-up form is matched through its saved card: the latest charge of this invoice with the
    card the SetupIntent saved."""
    customer = StripeCustomer.objects.filter(client=client).first()
    if customer is None or not setup_intent or customer.setup_intent_id == setup_intent:
        return None
    from siteconf import stripe_gateway

    try:
        method = stripe_gateway.setup_intent_payment_method(
            account=card_payments.studio_account(), setup_intent=setup_intent
        )
    except stripe_gateway.GatewayError:
        return None
    if not method:
        return None
    return (
        invoice.card_payments.filter(client=client, payment_method_id=method)
        .order_by("-created_at")
        .first()
    )


def invoice_pay_return(*, invoice_id: int, client: Client) -> CardPayment | None:
    """After 3-D Secure in the browser: read the latest intent's outcome from Stripe."""
    with transaction.atomic():
        invoice = _client_invoice(invoice_id, client)
    return card_payments.card_payment_latest_refresh(invoice.card_payments.all())


def invoice_paid_apply(*, payment: CardPayment) -> None:
    """An invoice payment was just recorded: e-mail the client its receipt, with the PDF.
    Called once, by the refresh that recorded it, inside its transaction."""
    from studio.services.payments import payment_receipt_send

    recorded = payment.payment
    if recorded is None or not recorded.client.email:
        return
    payment_receipt_send(payment=recorded)


def invoice_seen(*, invoice: Invoice, account) -> None:
    """The client opened the invoice in the portal: the first time is kept, the last time
    moves. Staff read it as the invoice's portal state (issued documents themselves are
    frozen, so this lives beside them)."""
    from portal.models import DocumentView

    seen = DocumentView.objects.filter(
        account=account, kind=DocumentView.Kind.INVOICE, object_id=invoice.pk
    )
    if seen.update(last_viewed_at=timezone.now()):
        return
    try:
        with transaction.atomic():
            DocumentView.objects.create(
                account=account, kind=DocumentView.Kind.INVOICE, object_id=invoice.pk
            )
    except IntegrityError:  # a second tab recorded it first
        pass


def invoice_portal_url(invoice: Invoice) -> str:
    """The invoice's page in the portal (see studio.services.portal_links)."""
    return portal_document_url(
        client_id=invoice.client_id, url_name="portal:invoice", pk=invoice.pk
    )
