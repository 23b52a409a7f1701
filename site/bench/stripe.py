"""Stripe webhooks, applied exactly once: 200 deliveries of 50 events through the real view.

Stripe delivers at least once and in no set order. The benchmark makes 25 card payments whose
intents localstripe has charged, two events for each (50 events with ids of their own), and
delivers each event four times in a shuffled order, signed, to the platform's webhook through
Django's test client. The tasks run in line (django-q's sync mode) so the result can be read at
once. Exactly once means: every delivery answered 200, 50 event rows each processed, 50 tasks
queued (not 200), every card payment paid and recorded by exactly one Payment.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone
from django_q.conf import Conf
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf import webhooks
from siteconf.bench.stats import p50, p95
from siteconf.bench.studios import bench_studio
from siteconf.tenancy.models import StripeEvent
from siteconf.tenancy.services.provisioning import studio_destroy

PAYMENTS = 25
EVENT_TYPES = ("payment_intent.succeeded", "payment_intent.created")
COPIES = 4


def _card_payments(schema: str, count: int):
    from studio.models import CardPayment, Client, Room
    from studio.services.sessions import session_create

    room = Room.objects.create(name="Bench Room", hourly_rate=Decimal("50.00"))
    made = []
    start = timezone.now().replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
    for n in range(count):
        client = Client.objects.create(name=f"Band {n}", email=f"band{n}@bench.example")
        session = session_create(
            client=client,
            room=room,
            start=start + timedelta(hours=3 * n),
            end=start + timedelta(hours=3 * n + 2),
        )
        customer = gateway.customer_create(
            account=None, email=client.email, name=client.name, metadata={}
        )
        setup_id, secret = gateway.setup_intent_create(account=None, customer=customer, metadata={})
        method = gateway.setup_intent_confirm_test_card(
            account=None, setup_intent=setup_id, client_secret=secret, number="4242424242424242"
        )
        intent = gateway.payment_intent_create(
            account=None,
            customer=customer,
            payment_method=method,
            amount=2500,
            currency="eur",
            metadata={"studio_schema": schema},
            idempotency_key=secrets.token_hex(8),
        )
        made.append(
            CardPayment.objects.create(
                client=client,
                session=session,
                purpose=CardPayment.Purpose.FEE,
                intent_id=intent.id,
                amount=Decimal("25.00"),
                currency="EUR",
            )
        )
    return made


def _event(event_type: str, intent_id: str, schema: str) -> bytes:
    return json.dumps(
        {
            "id": "evt_" + secrets.token_hex(12),
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "metadata": {"studio_schema": schema},
                }
            },
            "livemode": False,
            "type": event_type,
        }
    ).encode()


def bench_webhooks(*, progress) -> dict[str, float]:
    from studio.models import CardPayment, Payment

    if not gateway.offline():
        progress("  skipped: needs localstripe (run without STRIPE_SECRET_KEY)")
        return {"webhook_apply_exactly_once": 0}
    studio = bench_studio(slug="bench-webhooks", name="Bench Webhooks")
    queued: list[tuple] = []
    enqueue = webhooks.task_enqueue
    sync = Conf.SYNC

    def counting_enqueue(path, *args, **kwargs):
        queued.append((path, *args))
        enqueue(path, *args, **kwargs)

    try:
        with schema_context(studio.schema_name):
            payments = _card_payments(studio.schema_name, PAYMENTS)
        events = [
            _event(kind, payment.intent_id, studio.schema_name)
            for payment in payments
            for kind in EVENT_TYPES
        ]
        deliveries = [event for event in events for _ in range(COPIES)]
        random.Random(14).shuffle(deliveries)

        webhooks.task_enqueue = counting_enqueue
        Conf.SYNC = True  # the tasks run in line, so the result is there when the loop ends
        browser = HttpClient(HTTP_HOST=settings.PLATFORM_DOMAIN)
        statuses, timings = [], []
        for payload in deliveries:
            started = time.perf_counter()
            response = browser.post(
                "/stripe/webhook/",
                data=payload,
                content_type="application/json",
                headers={"Stripe-Signature": gateway.webhook_sign(payload)},
            )
            timings.append((time.perf_counter() - started) * 1000)
            statuses.append(response.status_code)
        connection.set_schema_to_public()

        ids = [json.loads(event)["id"] for event in events]
        rows = StripeEvent.objects.filter(event_id__in=ids)
        processed = rows.exclude(processed_at=None).count()
        with schema_context(studio.schema_name):
            paid = CardPayment.objects.filter(status=CardPayment.Status.SUCCEEDED).count()
            recorded = [Payment.objects.filter(provider_id=p.intent_id).count() for p in payments]
        exactly_once = (
            statuses.count(200) == len(deliveries)
            and rows.count() == len(events)
            and processed == len(events)
            and len(queued) == len(events)
            and paid == PAYMENTS
            and recorded == [1] * PAYMENTS
        )
        progress(
            f"  {len(deliveries)} deliveries of {len(events)} events: {rows.count()} stored, "
            f"{processed} processed, {len(queued)} queued, {paid}/{PAYMENTS} paid, "
            f"{sum(recorded)} payments recorded"
        )
        return {
            "webhook_deliveries": len(deliveries),
            "webhook_events": len(events),
            "webhook_events_stored": rows.count(),
            "webhook_tasks_queued": len(queued),
            "webhook_payments_recorded": sum(recorded),
            "webhook_delivery_ms_p50": round(p50(timings), 2),
            "webhook_delivery_ms_p95": round(p95(timings), 2),
            "webhook_apply_exactly_once": int(exactly_once),
        }
    finally:
        webhooks.task_enqueue = enqueue
        Conf.SYNC = sync
        connection.set_schema_to_public()
        StripeEvent.objects.filter(schema_name=studio.schema_name).delete()
        studio_destroy(studio=studio)
