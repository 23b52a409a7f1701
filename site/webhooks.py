"""Stripe's webhook on the platform domain: verify, store once, answer, and queue the work.

Stripe delivers each event at least once and in no set order, so the view does as little as it
can: it checks the signature on the raw body (five minutes' tolerance), inserts the event id
into StripeEvent with `ON CONFLICT DO NOTHING`, and queues a task only when that insert made the
row. A delivery that finds its row already there is acknowledged and nothing else happens.

The work is never taken from the payload as it is: the task re-fetches the object from Stripe
and moves it forward (studio/services/card_payments.py), so an old or out-of-order event
cannot undo a newer state. Events are mapped to a studio by their top-level `account` (Stripe
Connect: the studio's own account); localstripe sends none, so offline the studio is the one
named in the object's `metadata["studio_schema"]`, which the platform wrote when it created the
intent. An event no studio claims is stored as such and not applied.

Card events run in the studio's schema (`studio.tasks.stripe_event_process_task`);
`account.updated` is about the studio row itself and runs in the public schema here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import django_q.tasks
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name, schema_context

from siteconf import stripe_gateway as gateway
from siteconf.stripe_accounts import studio_stripe_status_apply
from siteconf.tasks import task_enqueue
from siteconf.tenancy.models import StripeEvent, Studio

# Events whose object leads to a card payment (an intent, or a charge/refund naming one).
INTENT_EVENT_PREFIXES = ("payment_intent.", "refund.")
INTENT_EVENT_TYPES = {"charge.refunded"}
ACCOUNT_UPDATED = "account.updated"
CARD_TASK = "studio.tasks.stripe_event_process_task"
ACCOUNT_TASK = "siteconf.webhooks.account_event_process_task"
BILLING_TASK = "siteconf.tenancy.services.billing.billing_event_process_task"

NO_STUDIO = "no studio for this event"
ALREADY = "already processed"
NOT_OURS = "no card payment of this studio has this intent"


def is_billing(event_type: str) -> bool:
    """The platform billing its studios (subscriptions and their invoices), not a studio's
    clients paying it."""
    from siteconf.tenancy.services.billing import EVENTS

    return event_type in EVENTS


def handled(event_type: str) -> bool:
    return (
        is_billing(event_type)
        or event_type.startswith(INTENT_EVENT_PREFIXES)
        or event_type in INTENT_EVENT_TYPES
        or event_type == ACCOUNT_UPDATED
    )


def event_object_id(event: dict) -> str:
    """The id the task re-fetches: the account for account.updated, else the intent (a charge
    or a refund carries the id of the intent it belongs to)."""
    obj = event.get("data", {}).get("object", {}) or {}
    if event["type"] == ACCOUNT_UPDATED:
        return str(event.get("account") or obj.get("id") or "")
    if is_billing(event["type"]):
        return str(obj.get("id") or "")
    if event["type"].startswith("payment_intent."):
        return str(obj.get("id") or "")
    intent = obj.get("payment_intent") or ""
    return str(intent.get("id", "") if isinstance(intent, dict) else intent)


def event_schema(event: dict) -> str:
    """The schema of the studio the event belongs to, or "" when none claims it. A connected
    account decides when there is one; the metadata is the offline fallback only."""
    if is_billing(event["type"]):
        from siteconf.tenancy.services.billing import billing_studio_for

        # The platform's own account bills the studios: its customer names the studio.
        studio = billing_studio_for(event.get("data", {}).get("object", {}) or {})
        return studio.schema_name if studio else ""
    account = event.get("account") or ""
    if event["type"] == ACCOUNT_UPDATED and not account:
        account = (event.get("data", {}).get("object", {}) or {}).get("id") or ""
    studios = Studio.objects.studios()
    if account:
        found = studios.filter(stripe_account_id=account).values_list("schema_name", flat=True)
        return next(iter(found), "")
    metadata = (event.get("data", {}).get("object", {}) or {}).get("metadata") or {}
    schema = metadata.get("studio_schema") or ""
    if not isinstance(schema, str) or not schema:
        return ""
    found = studios.filter(schema_name=schema)
    if not gateway.offline():
        # On Stripe, a studio with a connected account gets its events with that account, so
        # an event without one (the platform's own account) cannot speak for it.
        found = found.filter(stripe_account_id__isnull=True)
    return schema if found.exists() else ""


def stripe_event_store(event: dict) -> tuple[int, bool]:
    """(row id, whether this delivery created it). One INSERT ... ON CONFLICT DO NOTHING, so
    two deliveries racing each other make one row and exactly one of them sees `True`."""
    schema = event_schema(event)
    created = datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
    table = StripeEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(event_id, type, account, schema_name, object_id, created, received_at, outcome) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING id",
            [
                event["id"],
                event["type"][:80],
                str(event.get("account") or "")[:60],
                schema,
                event_object_id(event)[:120],
                created,
                timezone.now(),
                "" if schema else NO_STUDIO,
            ],
        )
        row = cursor.fetchone()
    if row:
        return row[0], True
    return StripeEvent.objects.filter(event_id=event["id"]).values_list("pk", flat=True)[0], False


def _queue(pk: int, event: dict, schema: str) -> None:
    if is_billing(event["type"]):
        obj = event.get("data", {}).get("object", {}) or {}
        transaction.on_commit(
            lambda: django_q.tasks.async_task(
                BILLING_TASK, pk, obj, task_name=f"stripe-billing@{pk}"
            )
        )
    elif event["type"] == ACCOUNT_UPDATED:
        obj = event.get("data", {}).get("object", {}) or {}
        said = (bool(obj.get("charges_enabled")), bool(obj.get("details_submitted")))
        transaction.on_commit(
            lambda: django_q.tasks.async_task(
                ACCOUNT_TASK, pk, *said, task_name=f"stripe-account@{pk}"
            )
        )
    else:
        task_enqueue(CARD_TASK, pk, schema_name=schema)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's deliveries. 400 for a bad or stale signature (nothing is stored), 200 for the
    rest, at once: Stripe retries anything else, and the work is queued, not done here."""
    try:
        event = gateway.webhook_event(request.body, request.headers.get("Stripe-Signature", ""))
    except gateway.GatewayError as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain")
    if not handled(event["type"]):
        return HttpResponse("ignored", content_type="text/plain")
    with transaction.atomic():
        pk, created = stripe_event_store(event)
        schema = StripeEvent.objects.filter(pk=pk).values_list("schema_name", flat=True)[0]
        if created and schema:
            _queue(pk, event, schema)
    return HttpResponse("queued" if created else "duplicate", content_type="text/plain")


# --- the work, done by tasks ---------------------------------------------------------------


def _stamp(event: StripeEvent, outcome: str) -> str:
    event.processed_at = timezone.now()
    event.outcome = outcome[:200]
    event.save(update_fields=["processed_at", "outcome"])
    return outcome


def card_event_apply(*, event_pk: int) -> str:
    """Apply one card event in the current studio's schema, once: the row is locked, so two
    workers given the same event take turns, and the second finds it processed. A Stripe
    outage raises (the queue retries, the row stays unprocessed); a refusal by the business
    rules is the outcome."""
    from studio.services.card_payments import card_payment_refresh
    from studio.services.errors import StudioError

    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return ALREADY
        if event.schema_name != connection.schema_name:
            return _stamp(event, NO_STUDIO)
        try:
            result = card_payment_refresh(intent_id=event.object_id, event_type=event.type)
        except StudioError as exc:
            return _stamp(event, exc.message)
        return _stamp(event, NOT_OURS if result is None else f"applied: {result}")


def account_event_process_task(event_pk: int, charges_enabled: bool, details_submitted: bool):
    """account.updated, in the public schema: ask Stripe for the account's state now (the
    event may be older than another already applied) and record it on the studio. Offline
    there is no account to ask and the signed event is what the offline Stripe said."""
    with schema_context(get_public_schema_name()), transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return ALREADY
        studio = Studio.objects.filter(stripe_account_id=event.object_id).first()
        if studio is None:
            return _stamp(event, NO_STUDIO)
        if not gateway.offline():
            charges_enabled, details_submitted = gateway.account_status(account=event.object_id)
        changed = studio_stripe_status_apply(
            studio=studio, charges_enabled=charges_enabled, details_submitted=details_submitted
        )
        state = "ready" if charges_enabled else "incomplete"
        return _stamp(event, f"account {state}" + ("" if changed else ", unchanged"))
