"""Card events end to end: webhook → stored → tenant task → the intent re-read from localstripe
→ the studio's CardPayment moved forward and its Payment recorded once."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf import webhooks
from siteconf.tenancy.models import StripeEvent
from studio.models import CardPayment, Payment
from studio.services.sessions import session_create
from studio.tasks import stripe_event_process_task
from tests.payments.conftest import saved_card, stripe_event
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


def pending_card_payment(schema: str, *, number: str = "4242424242424242"):
    """In `schema`: a session, and the card payment for it whose intent localstripe has already
    charged, as when the browser never came back to say so. Returns (payment, intent)."""
    with schema_context(schema):
        client = ClientFactory()
        start = timezone.now().replace(microsecond=0) + timedelta(days=2)
        session = session_create(
            client=client, room=RoomFactory(), start=start, end=start + timedelta(hours=2)
        )
        customer = gateway.customer_create(
            account=None, email=client.email, name=client.name, metadata={}
        )
        intent = gateway.payment_intent_create(
            account=None,
            customer=customer,
            payment_method=saved_card(customer=customer, number=number),
            amount=1500,
            currency="eur",
            metadata={"studio_schema": schema},
            idempotency_key=secrets.token_hex(8),
        )
        payment = CardPayment.objects.create(
            client=client,
            session=session,
            purpose=CardPayment.Purpose.FEE,
            intent_id=intent.id,
            amount=Decimal("15.00"),
            currency="EUR",
        )
        return payment, intent


def intent_event(intent, *, schema: str, event_type: str = "payment_intent.succeeded"):
    return stripe_event(
        event_type,
        {
            "id": intent.id,
            "object": "payment_intent",
            "amount": intent.amount,
            "currency": intent.currency,
            # What the event says is not believed: the task asks Stripe.
            "status": "requires_payment_method",
            "metadata": {"studio_schema": schema},
        },
    )


def state(schema: str, payment: CardPayment) -> tuple[str, int]:
    with schema_context(schema):
        payment.refresh_from_db()
        return payment.status, Payment.objects.filter(provider_id=payment.intent_id).count()


def test_a_succeeded_intent_is_recorded_as_paid_once(
    webhook, studio_a, django_capture_on_commit_callbacks
):
    payment, intent = pending_card_payment(studio_a.schema_name)
    event = intent_event(intent, schema=studio_a.schema_name)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert webhook(event).status_code == 200
    # Stripe also sends other events about the same intent, with ids of their own.
    with django_capture_on_commit_callbacks(execute=True):
        webhook(intent_event(intent, schema=studio_a.schema_name))

    assert state(studio_a.schema_name, payment) == (CardPayment.Status.SUCCEEDED, 1)
    row = StripeEvent.objects.get(event_id=event["id"])
    assert row.processed_at is not None and row.outcome.startswith("applied")


def test_an_event_is_applied_once_even_when_its_task_runs_twice(
    webhook, studio_a, django_capture_on_commit_callbacks
):
    payment, intent = pending_card_payment(studio_a.schema_name)
    event = intent_event(intent, schema=studio_a.schema_name)
    with django_capture_on_commit_callbacks(execute=True):
        webhook(event)
    row = StripeEvent.objects.get(event_id=event["id"])

    assert stripe_event_process_task(studio_a.schema_name, row.pk) == webhooks.ALREADY
    assert state(studio_a.schema_name, payment) == (CardPayment.Status.SUCCEEDED, 1)


def test_a_declined_intent_is_recorded_as_declined(
    webhook, studio_a, django_capture_on_commit_callbacks
):
    payment, intent = pending_card_payment(studio_a.schema_name, number="4000000000000341")

    with django_capture_on_commit_callbacks(execute=True):
        webhook(
            intent_event(
                intent, schema=studio_a.schema_name, event_type="payment_intent.payment_failed"
            )
        )

    assert state(studio_a.schema_name, payment) == (CardPayment.Status.FAILED, 0)
    with schema_context(studio_a.schema_name):
        assert CardPayment.objects.get(pk=payment.pk).failure_message == "Your card was declined."


def test_an_event_for_another_studios_intent_never_touches_this_studio(
    webhook, studio_a, studio_b, django_capture_on_commit_callbacks
):
    payment_a, _intent_a = pending_card_payment(studio_a.schema_name)
    payment_b, intent_b = pending_card_payment(studio_b.schema_name)

    # Studio B's intent, in an event that names studio A: A has no such card payment.
    with django_capture_on_commit_callbacks(execute=True):
        webhook(intent_event(intent_b, schema=studio_a.schema_name))

    assert StripeEvent.objects.get().outcome == webhooks.NOT_OURS
    assert state(studio_a.schema_name, payment_a) == (CardPayment.Status.PENDING, 0)
    assert state(studio_b.schema_name, payment_b) == (CardPayment.Status.PENDING, 0)

    with django_capture_on_commit_callbacks(execute=True):
        webhook(intent_event(intent_b, schema=studio_b.schema_name))

    assert state(studio_b.schema_name, payment_b) == (CardPayment.Status.SUCCEEDED, 1)
    assert state(studio_a.schema_name, payment_a) == (CardPayment.Status.PENDING, 0)


def test_the_task_refuses_an_event_stored_for_another_studio(
    webhook, studio_a, studio_b, monkeypatch, django_capture_on_commit_callbacks
):
    payment_b, intent_b = pending_card_payment(studio_b.schema_name)
    monkeypatch.setattr(webhooks, "task_enqueue", lambda *a, **k: None)
    webhook(intent_event(intent_b, schema=studio_b.schema_name))
    row = StripeEvent.objects.get()

    # Queued by mistake in studio A's schema: A's task does not apply B's event.
    assert stripe_event_process_task(studio_a.schema_name, row.pk) == webhooks.NO_STUDIO
    assert state(studio_b.schema_name, payment_b) == (CardPayment.Status.PENDING, 0)


def test_a_stripe_outage_leaves_the_event_to_be_retried(
    webhook, studio_a, monkeypatch, django_capture_on_commit_callbacks
):
    payment, intent = pending_card_payment(studio_a.schema_name)
    monkeypatch.setattr(webhooks, "task_enqueue", lambda *a, **k: None)
    webhook(intent_event(intent, schema=studio_a.schema_name))
    row = StripeEvent.objects.get()

    def down(**kwargs):
        raise gateway.GatewayError(gateway.UNAVAILABLE)

    monkeypatch.setattr(gateway, "payment_intent_retrieve", down)
    with pytest.raises(gateway.GatewayError):
        stripe_event_process_task(studio_a.schema_name, row.pk)

    row.refresh_from_db()
    assert row.processed_at is None
    assert state(studio_a.schema_name, payment) == (CardPayment.Status.PENDING, 0)
    monkeypatch.undo()
    assert stripe_event_process_task(studio_a.schema_name, row.pk).startswith("applied")
    assert state(studio_a.schema_name, payment) == (CardPayment.Status.SUCCEEDED, 1)
