"""The platform's Stripe webhook: verified, stored once, answered at once, queued once."""

from __future__ import annotations

import json
import time

import pytest

from siteconf import stripe_gateway as gateway
from siteconf import tasks as siteconf_tasks
from siteconf import webhooks
from siteconf.tenancy.models import PlatformAuditEntry, StripeEvent, Studio
from tests.payments.conftest import intent_object, stripe_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The tasks the webhook queues, instead of running them."""
    calls = []
    monkeypatch.setattr(
        siteconf_tasks, "async_task", lambda path, *args, **kw: calls.append((path, *args))
    )
    monkeypatch.setattr(
        webhooks.django_q.tasks, "async_task", lambda path, *args, **kw: calls.append((path, *args))
    )
    return calls


def succeeded(studio: Studio, intent_id: str = "pi_A1") -> dict:
    return stripe_event(
        "payment_intent.succeeded", intent_object(intent_id, schema=studio.schema_name)
    )


def test_a_good_event_is_stored_and_queued_once(
    webhook, studio_a, queued, django_capture_on_commit_callbacks
):
    event = succeeded(studio_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = webhook(event)

    assert response.status_code == 200
    row = StripeEvent.objects.get(event_id=event["id"])
    assert (row.type, row.schema_name, row.object_id) == (
        "payment_intent.succeeded",
        studio_a.schema_name,
        "pi_A1",
    )
    assert row.processed_at is None
    assert queued == [(webhooks.CARD_TASK, studio_a.schema_name, row.pk)]


def test_a_duplicate_delivery_is_stored_once_and_queued_once(
    webhook, studio_a, queued, django_capture_on_commit_callbacks
):
    event = succeeded(studio_a)

    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = webhook(event), webhook(event), webhook(event)

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert second.content == b"duplicate"
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert len(queued) == 1


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "t=1,v1=deadbeef",
        "nonsense",
        "FORGED-WITH-ANOTHER-SECRET",
    ],
)
def test_a_forged_event_is_refused_and_nothing_is_stored(webhook, studio_a, queued, signature):
    event = succeeded(studio_a)
    payload = json.dumps(event).encode()
    if signature == "FORGED-WITH-ANOTHER-SECRET":
        signature = gateway.webhook_sign(payload, secret="whsec_someone_else")

    response = webhook(payload, signature=signature)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert queued == []


def test_a_body_changed_after_signing_is_refused(webhook, studio_a, queued):
    payload = json.dumps(succeeded(studio_a)).encode()
    header = gateway.webhook_sign(payload)

    response = webhook(payload.replace(b"1500", b"1"), signature=header)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_stale_event_is_refused(webhook, studio_a, queued):
    response = webhook(succeeded(studio_a), timestamp=int(time.time()) - 301)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_event_signed_within_the_tolerance_is_taken(webhook, studio_a, queued):
    assert webhook(succeeded(studio_a), timestamp=int(time.time()) - 240).status_code == 200


def test_a_signed_body_that_is_not_an_event_is_refused(webhook, queued):
    assert webhook(b"not json at all").status_code == 400
    assert webhook(b'{"no": "id"}').status_code == 400
    assert webhook(b'{"id": "evt_1", "type": "payment_intent.succeeded"}').status_code == 400
    broken = {"id": "evt_2", "type": "payment_intent.succeeded", "data": {"object": "pi_1"}}
    assert webhook(broken).status_code == 400
    assert webhook("é".encode("latin-1"), signature="t=1,v1=00").status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_unknown_event_type_is_acknowledged_and_ignored(webhook, studio_a, queued):
    event = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})

    response = webhook(event)

    assert response.status_code == 200
    assert not StripeEvent.objects.exists()
    assert queued == []


def test_only_post_is_accepted(platform_client):
    assert platform_client.get("/stripe/webhook/").status_code == 405


def test_the_webhook_is_not_on_a_studios_domain(client_a, studio_a):
    payload = json.dumps(succeeded(studio_a)).encode()
    response = client_a.post(
        "/stripe/webhook/",
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": gateway.webhook_sign(payload)},
    )
    assert response.status_code == 404
    assert not StripeEvent.objects.exists()


def test_a_connected_account_maps_the_event_to_its_studio(
    webhook, studio_a, studio_b, queued, django_capture_on_commit_callbacks
):
    Studio.objects.filter(pk=studio_b.pk).update(stripe_account_id="acct_1STUDIOB")
    # The account decides; the metadata (here naming A) is only the offline fallback.
    event = stripe_event(
        "payment_intent.succeeded",
        intent_object("pi_B1", schema=studio_a.schema_name),
        account="acct_1STUDIOB",
    )

    with django_capture_on_commit_callbacks(execute=True):
        webhook(event)

    row = StripeEvent.objects.get(event_id=event["id"])
    assert row.schema_name == studio_b.schema_name
    assert queued == [(webhooks.CARD_TASK, studio_b.schema_name, row.pk)]


def test_offline_the_metadata_maps_events_of_studios_with_an_account_too(
    webhook, studio_b, queued, django_capture_on_commit_callbacks
):
    # localstripe never names the account, even for a studio connected offline (the demo).
    Studio.objects.filter(pk=studio_b.pk).update(stripe_account_id="acct_1STUDIOB")

    with django_capture_on_commit_callbacks(execute=True):
        webhook(succeeded(studio_b))

    assert StripeEvent.objects.get().schema_name == studio_b.schema_name
    assert len(queued) == 1


def test_on_stripe_metadata_cannot_claim_a_studio_that_has_a_connected_account(
    webhook, studio_b, queued, settings, django_capture_on_commit_callbacks
):
    settings.STRIPE_API_BASE = ""  # Stripe itself: Connect events always name the account
    Studio.objects.filter(pk=studio_b.pk).update(stripe_account_id="acct_1STUDIOB")

    with django_capture_on_commit_callbacks(execute=True):
        response = webhook(succeeded(studio_b))

    assert response.status_code == 200
    row = StripeEvent.objects.get()
    assert (row.schema_name, row.outcome) == ("", webhooks.NO_STUDIO)
    assert queued == []


def test_an_event_no_studio_claims_is_kept_and_not_applied(
    webhook, queued, django_capture_on_commit_callbacks
):
    event = stripe_event("payment_intent.succeeded", intent_object("pi_X", schema="nowhere"))

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook(event).status_code == 200

    assert StripeEvent.objects.get().outcome == webhooks.NO_STUDIO
    assert queued == []


@pytest.mark.parametrize(
    ("event_type", "obj"),
    [
        ("charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_R1"}),
        ("refund.created", {"id": "re_1", "object": "refund", "payment_intent": "pi_R1"}),
        ("refund.updated", {"id": "re_1", "object": "refund", "payment_intent": "pi_R1"}),
    ],
)
def test_refund_events_name_the_intent_they_belong_to(
    webhook, studio_a, queued, event_type, obj, django_capture_on_commit_callbacks
):
    obj["metadata"] = {"studio_schema": studio_a.schema_name}

    with django_capture_on_commit_callbacks(execute=True):
        webhook(stripe_event(event_type, obj))

    assert StripeEvent.objects.get().object_id == "pi_R1"
    assert len(queued) == 1


def recorded_account_updated(account: str, schema: str) -> bytes:
    return gateway.offline_account_updated_event(
        account=account, schema_name=schema, charges_enabled=True, details_submitted=True
    )


def test_the_recorded_account_updated_event_sets_the_studios_flags(
    webhook, studio_a, django_capture_on_commit_callbacks
):
    Studio.objects.filter(pk=studio_a.pk).update(stripe_account_id="acct_1STUDIOA")
    payload = recorded_account_updated("acct_1STUDIOA", studio_a.schema_name)
    assert json.loads(payload)["data"]["object"]["object"] == "account"

    with django_capture_on_commit_callbacks(execute=True):
        response = webhook(payload)

    assert response.status_code == 200
    studio_a.refresh_from_db()
    assert studio_a.stripe_charges_enabled and studio_a.stripe_details_submitted
    row = StripeEvent.objects.get()
    assert row.processed_at is not None and row.outcome == "account ready"
    assert PlatformAuditEntry.objects.filter(
        action="studio.stripe_account_updated", object_id=str(studio_a.pk)
    ).exists()


def test_account_updated_twice_is_applied_once(
    webhook, studio_a, django_capture_on_commit_callbacks
):
    Studio.objects.filter(pk=studio_a.pk).update(stripe_account_id="acct_1STUDIOA")
    payload = recorded_account_updated("acct_1STUDIOA", studio_a.schema_name)

    with django_capture_on_commit_callbacks(execute=True):
        webhook(payload)
        webhook(payload)

    assert StripeEvent.objects.count() == 1
    assert PlatformAuditEntry.objects.filter(action="studio.stripe_account_updated").count() == 1


def test_account_updated_for_an_unknown_account_changes_no_studio(
    webhook, studio_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook(recorded_account_updated("acct_1NOBODY", "x")).status_code == 200

    assert not Studio.objects.filter(stripe_charges_enabled=True).exists()
    assert StripeEvent.objects.get().outcome == webhooks.NO_STUDIO
