"""Card payments online: the client's customer record and card on the studio's Stripe account,
PaymentIntents taken with the card the client just entered, and refunds back to that card.

Every call to Stripe goes through `siteconf.stripe_gateway`. A CardPayment row mirrors one
PaymentIntent; `card_payment_refresh` re-reads the intent from Stripe (never trusting what a
browser or a webhook says about it) and moves the row forward only, recording the Payment once
when the intent has succeeded. The webhook task, the browser's return after 3-D Secure and the
release of expired holds all call it, in any order, as often as they like.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siteconf import stripe_gateway
from siteconf.tenancy.models import Studio
from studio.models import CardPayment, Client, Payment, StripeCustomer
from studio.money import from_minor_units, minor_units
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.payments import payment_record, payment_refund

CARD_NOT_READY = "Enter your card again: the card form has expired."
CARD_NOT_SAVED = "Your card was not saved by the bank yet; try again."

# Stripe's PaymentIntent statuses, as ours.
STATUS_FROM_STRIPE = {
    "succeeded": CardPayment.Status.SUCCEEDED,
    "requires_action": CardPayment.Status.ACTION,
    "requires_payment_method": CardPayment.Status.FAILED,
    "canceled": CardPayment.Status.CANCELED,
}


def studio_account() -> str | None:
    """The connected Stripe account the current studio is paid into."""
    return (
        Studio.objects.filter(schema_name=connection.schema_name)
        .values_list("stripe_account_id", flat=True)
        .first()
    )


def stripe_customer_for(client: Client) -> StripeCustomer:
    """The client's customer on the studio's account, created on first use."""
    existing = StripeCustomer.objects.filter(client=client).first()
    if existing:
        return existing
    customer_id = stripe_gateway.customer_create(
        account=studio_account(),
        email=client.email,
        name=str(client),
        metadata={"studio_schema": connection.schema_name, "client": str(client.pk)},
    )
    try:
        with transaction.atomic():
            return StripeCustomer.objects.create(client=client, customer_id=customer_id)
    except IntegrityError:  # a second tab created it first: use theirs
        return StripeCustomer.objects.get(client=client)


def card_setup_start(*, client: Client) -> str:
    """Open the card form: a SetupIntent for the client's customer. Returns its client secret
    for Stripe.js; only a card saved through this SetupIntent may then be charged."""
    customer = stripe_customer_for(client)
    setup_id, secret = stripe_gateway.setup_intent_create(
        account=studio_account(),
        customer=customer.customer_id,
        metadata={"studio_schema": connection.schema_name, "client": str(client.pk)},
    )
    StripeCustomer.objects.filter(pk=customer.pk).update(setup_intent_id=setup_id)
    return secret


def card_from_setup(*, client: Client, setup_intent: str) -> tuple[StripeCustomer, str]:
    """The card the client saved in the form just opened for them (never another client's or
    an older form's), kept on file for a balance or a fee the policy allows."""
    customer = StripeCustomer.objects.filter(client=client).first()
    if customer is None or not setup_intent or customer.setup_intent_id != setup_intent:
        raise StudioError(CARD_NOT_READY)
    account = studio_account()
    method = stripe_gateway.setup_intent_payment_method(account=account, setup_intent=setup_intent)
    if not method:
        raise StudioError(CARD_NOT_SAVED)
    if method != customer.payment_method_id:
        customer.payment_method_id = method
        customer.card_label = stripe_gateway.card_label(account=account, payment_method=method)
        customer.save(update_fields=["payment_method_id", "card_label"])
    return customer, method


def card_charge(
    *,
    client: Client,
    customer: StripeCustomer,
    payment_method: str,
    amount: Decimal,
    currency: str,
    purpose: str,
    key: str,
    session=None,
    invoice=None,
) -> CardPayment:
    """Create and confirm a PaymentIntent for `amount` and record it. Called inside the
    caller's transaction (which holds the lock on what is being paid); if recording fails the
    intent is cancelled, so no charge is ever left without its row."""
    account = studio_account()
    metadata = {
        "studio_schema": connection.schema_name,
        "client": str(client.pk),
        "purpose": purpose,
        "session": str(getattr(session, "pk", "") or ""),
        "invoice": str(getattr(invoice, "pk", "") or ""),
    }
    try:
        intent = stripe_gateway.payment_intent_create(
            account=account,
            customer=customer.customer_id,
            payment_method=payment_method,
            amount=minor_units(amount, currency),
            currency=currency.lower(),
            metadata=metadata,
            idempotency_key=f"{connection.schema_name}:{key}",
            application_fee=_platform_fee(amount, currency),
        )
    except stripe_gateway.GatewayError as exc:
        raise StudioError(exc.message) from None
    try:
        with transaction.atomic():
            payment = CardPayment.objects.create(
                client=client,
                session=session,
                invoice=invoice,
                purpose=purpose,
                intent_id=intent.id,
                payment_method_id=payment_method,
                amount=amount,
                currency=currency,
                status=STATUS_FROM_STRIPE.get(intent.status, CardPayment.Status.PENDING),
                failure_message=intent.error[:300],
            )
    except Exception:
        stripe_gateway.payment_intent_cancel(account=account, intent=intent.id)
        raise
    payment.client_secret = intent.client_secret  # for confirmCardPayment, never stored
    return payment


def _platform_fee(amount: Decimal, currency: str) -> int | None:
    studio = Studio.objects.select_related("plan").get(schema_name=connection.schema_name)
    percent = studio.plan.platform_fee_percent if studio.plan else Decimal(0)
    if not percent:
        return None
    from studio.services.totals import round_money

    return minor_units(round_money(amount * percent / 100, currency), currency)


def card_payment_refresh(*, intent_id: str, event_type: str = "") -> CardPayment | None:
    """Re-read the intent from Stripe and move our record forward; on success record the
    Payment (once: its provider id is unique) and tell what it paid for. An intent this studio
    never created is ignored (None)."""
    with transaction.atomic():
        payment = CardPayment.objects.select_for_update().filter(intent_id=intent_id).first()
        if payment is None:
            return None
        intent = stripe_gateway.payment_intent_retrieve(account=studio_account(), intent=intent_id)
        status = STATUS_FROM_STRIPE.get(intent.status, CardPayment.Status.PENDING)
        if status != payment.status and status in CardPayment.FORWARD[payment.status]:
            payment.status = status
            payment.failure_message = intent.error[:300]
            payment.save(update_fields=["status", "failure_message", "updated_at"])
            audit_record(
                action=f"card_payment.{status}",
                obj=payment,
                changes={"status": [None, status]},
            )
        if payment.status == CardPayment.Status.SUCCEEDED and payment.payment_id is None:
            _record(payment, intent)
            if payment.purpose == CardPayment.Purpose.INVOICE:
                # In the transaction that recorded it: the receipt goes once, with the payment.
                from studio.services.invoice_payments import invoice_paid_apply

                invoice_paid_apply(payment=payment)
        succeeded = payment.status == CardPayment.Status.SUCCEEDED
    if succeeded and payment.purpose == CardPayment.Purpose.DEPOSIT:
        from studio.services.online_bookings import deposit_paid_apply

        deposit_paid_apply(session_id=payment.session_id)
    return payment


def card_payment_latest_refresh(payments) -> CardPayment | None:
    """After the bank's check in the browser: re-read the newest of these card payments (a
    session's or an invoice's) from Stripe."""
    latest = payments.order_by("-created_at").first()
    return card_payment_refresh(intent_id=latest.intent_id) if latest else None


def _record(payment: CardPayment, intent) -> None:
    amount = from_minor_units(intent.amount, payment.currency)
    recorded = payment_record(
        amount=amount,
        method=Payment.Method.STRIPE,
        invoice=payment.invoice,
        session=payment.session,
        received_at=timezone.now(),
        reference=_("Card %(card)s") % {"card": _card(payment)},
        provider_id=intent.id,
    )
    payment.payment = recorded
    payment.save(update_fields=["payment", "updated_at"])


def _card(payment: CardPayment) -> str:
    customer = StripeCustomer.objects.filter(client_id=payment.client_id).first()
    return (customer.card_label if customer else "") or payment.payment_method_id


def card_payment_cancel(*, payment: CardPayment) -> CardPayment:
    """Cancel an intent not yet paid (an expired hold). If Stripe says it succeeded meanwhile,
    the refresh records that instead."""
    if (
        payment.status in (CardPayment.Status.PENDING, CardPayment.Status.ACTION)
        or payment.status == CardPayment.Status.FAILED
    ):
        stripe_gateway.payment_intent_cancel(account=studio_account(), intent=payment.intent_id)
    return card_payment_refresh(intent_id=payment.intent_id) or payment


def card_refund(*, payment: Payment, amount: Decimal, key: str, note: str = "") -> Payment:
    """Give `amount` of a card payment back to the card through Stripe and record the refund
    against the original payment. Idempotent on `key` (Stripe) and on the refund's id (ours)."""
    if amount <= 0:
        raise StudioError("Nothing to refund.")
    try:
        refund = stripe_gateway.refund_create(
            account=studio_account(),
            intent=payment.provider_id,
            amount=minor_units(amount, payment.currency),
            idempotency_key=f"{connection.schema_name}:{key}",
        )
    except stripe_gateway.GatewayError as exc:
        raise StudioError(
            _("The card refund did not go through (%(reason)s); nothing was changed.")
            % {"reason": exc.message}
        ) from None
    return payment_refund(
        payment=payment,
        amount=from_minor_units(refund.amount, payment.currency),
        provider_id=refund.id,
        reference=_("Refund to the card"),
        note=note,
    )
