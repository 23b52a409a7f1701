"""The subscription lifecycle: every transition, from the daily check and from Stripe's events
posted, signed, to the real webhook view; and the bad events (forged, replayed, stale, out of
order, for an unknown customer or another subscription)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from siteconf.tenancy.models import (
    BillingNotice,
    Plan,
    PlanPrice,
    PlatformAuditEntry,
    StripeEvent,
    Studio,
    SubscriptionChange,
    SubscriptionStatus,
)
from siteconf.tenancy.services import billing
from siteconf.tenancy.services.studios import studio_update
from tests.payments.conftest import stripe_event

pytestmark = pytest.mark.django_db

Status = SubscriptionStatus
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def platform_operator(db) -> User:
    return User.objects.create_superuser("op@platform.example", "op@platform.example", "x-Pw0rd!")


@pytest.fixture
def pro(db) -> Plan:
    return Plan.objects.get(slug="pro")


@pytest.fixture
def prices(pro) -> dict[str, PlanPrice]:
    starter = Plan.objects.get(slug="starter")
    return {
        "pro_month": PlanPrice.objects.create(
            plan=pro,
            interval="month",
            amount=Decimal("99"),
            currency="EUR",
            stripe_price_id="price_pro_month",
        ),
        "pro_year": PlanPrice.objects.create(
            plan=pro,
            interval="year",
            amount=Decimal("990"),
            currency="EUR",
            stripe_price_id="price_pro_year",
        ),
        "starter_month": PlanPrice.objects.create(
            plan=starter,
            interval="month",
            amount=Decimal("29"),
            currency="EUR",
            stripe_price_id="price_starter_month",
        ),
    }


@pytest.fixture
def studio(studio_a, pro) -> Studio:
    """Studio A on a Pro trial ending on NOW + 10 days, with a Stripe customer."""
    Studio.objects.filter(pk=studio_a.pk).update(
        plan=pro,
        subscription_status=Status.TRIALING,
        trial_ends_at=NOW + timedelta(days=10),
        stripe_customer_id="cus_A",
        stripe_subscription_id=None,
        past_due_since=None,
        read_only_since=None,
        owner_email="owner-a@example.com",
    )
    studio_a.refresh_from_db()
    return studio_a


def daily(at: datetime) -> dict:
    """The daily check as of `at`; its e-mails go when its transactions commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return billing.billing_daily(now=at)


def fresh(studio: Studio) -> Studio:
    return Studio.objects.select_related("plan", "price").get(pk=studio.pk)


def last_change(studio: Studio) -> SubscriptionChange:
    return SubscriptionChange.objects.filter(studio=studio).order_by("-at", "-pk").first()


def notices(studio: Studio) -> list[str]:
    return sorted(BillingNotice.objects.filter(studio=studio).values_list("kind", flat=True))


def subscription(
    status: str,
    *,
    sub_id: str = "sub_A",
    price: str = "price_pro_month",
    interval: str = "month",
    period_end: datetime = NOW + timedelta(days=30),
    trial_end: datetime | None = None,
    cancel_at_period_end: bool = False,
    customer: str = "cus_A",
) -> dict:
    """A subscription object in Stripe's shape (current_period_end on the item, as the API
    versions since 2025 put it)."""
    end = int(period_end.timestamp())
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": cancel_at_period_end,
        "created": int(NOW.timestamp()),
        "trial_end": int(trial_end.timestamp()) if trial_end else None,
        "metadata": {},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_" + secrets.token_hex(6),
                    "object": "subscription_item",
                    "current_period_end": end,
                    "current_period_start": end - 30 * 86400,
                    "price": {
                        "id": price,
                        "object": "price",
                        "recurring": {"interval": interval, "interval_count": 1},
                        "unit_amount": 9900,
                        "currency": "eur",
                    },
                    "quantity": 1,
                }
            ],
        },
    }


def invoice(kind: str, *, sub_id: str = "sub_A", period_end: datetime | None = None) -> dict:
    end = int((period_end or NOW + timedelta(days=30)).timestamp())
    return {
        "id": "in_" + secrets.token_hex(6),
        "object": "invoice",
        "customer": "cus_A",
        "subscription": sub_id,
        "status": "paid" if kind == "paid" else "open",
        "attempt_count": 1,
        "lines": {"object": "list", "data": [{"period": {"start": end - 30 * 86400, "end": end}}]},
    }


def event(kind: str, obj: dict, *, at: datetime) -> dict:
    data = stripe_event(kind, obj)
    data["created"] = int(at.timestamp())
    return data


@pytest.fixture
def deliver(webhook, django_capture_on_commit_callbacks):
    """Post a signed event to the webhook view; the queued task runs (tasks are synchronous
    in tests) when the view's transaction commits."""

    def post(data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            response = webhook(data)
        assert response.status_code == 200, response.content
        return StripeEvent.objects.get(event_id=data["id"])

    return post


# --- the daily check -----------------------------------------------------------------------


def test_sign_up_starts_the_history_with_the_trial(studio):
    # Provisioned studios have their first row from sign-up (here: from the migration's backfill
    # or provisioning); a trial adds nothing more until it moves.
    rows = SubscriptionChange.objects.filter(studio=studio)
    assert rows.exists()
    assert rows.order_by("at").first().status == Status.TRIALING


def test_trial_reminders_go_three_days_and_one_day_before_and_once(studio):
    trial_end = studio.trial_ends_at
    assert daily(trial_end - timedelta(days=4))["trial_reminders"] == 0
    assert daily(trial_end - timedelta(days=2, hours=20))["trial_reminders"] == 1
    assert daily(trial_end - timedelta(days=2, hours=10))["trial_reminders"] == 0
    assert daily(trial_end - timedelta(hours=20))["trial_reminders"] == 1
    assert daily(trial_end - timedelta(hours=2))["trial_reminders"] == 0

    assert notices(studio) == ["trial_1d", "trial_3d"]
    subjects = [message.subject for message in mail.outbox]
    assert any("ends in 3 days: add a card" in subject for subject in subjects)
    assert any("ends tomorrow" in subject for subject in subjects)
    assert all(message.to == ["owner-a@example.com"] for message in mail.outbox)
    assert fresh(studio).subscription_status == Status.TRIALING


def test_a_trial_that_ends_without_a_card_is_past_due_from_its_end(studio):
    trial_end = studio.trial_ends_at

    report = daily(trial_end + timedelta(hours=3))

    studio = fresh(studio)
    assert report["trials_ended"] == 1
    assert studio.subscription_status == Status.PAST_DUE
    assert studio.past_due_since == trial_end
    assert "trial_ended" in notices(studio)
    last = last_change(studio)
    assert (last.status, last.source, last.at) == (Status.PAST_DUE, "daily", trial_end)
    # Still working: past due is not read-only.
    assert billing.grace_ends_at(studio) == trial_end + timedelta(days=7)


def test_a_trial_with_a_card_is_left_to_stripe(studio):
    Studio.objects.filter(pk=studio.pk).update(stripe_subscription_id="sub_A")

    daily(studio.trial_ends_at + timedelta(hours=3))

    assert fresh(studio).subscription_status == Status.TRIALING


def test_dunning_then_read_only_when_the_grace_is_over_and_nothing_twice(studio):
    start = studio.trial_ends_at
    daily(start + timedelta(hours=1))  # past due
    assert daily(start + timedelta(days=3, hours=1))["dunning"] == 1
    assert daily(start + timedelta(days=3, hours=2))["dunning"] == 0
    assert daily(start + timedelta(days=6, hours=1))["dunning"] == 1
    assert fresh(studio).subscription_status == Status.PAST_DUE

    report = daily(start + timedelta(days=7, hours=1))

    studio = fresh(studio)
    assert report["read_only"] == 1
    assert studio.subscription_status == Status.READ_ONLY
    assert studio.read_only_since == start + timedelta(days=7)
    assert notices(studio).count("dunning") == 2
    assert "read_only" in notices(studio)
    # A second run the same day changes nothing and sends nothing.
    sent = len(mail.outbox)
    assert daily(start + timedelta(days=7, hours=2)) == {
        "trial_reminders": 0,
        "trials_ended": 0,
        "dunning": 0,
        "read_only": 0,
    }
    assert len(mail.outbox) == sent


def test_the_grace_period_is_the_operators(studio, pro):
    Plan.objects.filter(pk=pro.pk).update(grace_days=2)
    start = studio.trial_ends_at
    daily(start + timedelta(hours=1))
    daily(start + timedelta(days=1, hours=1))
    assert fresh(studio).subscription_status == Status.PAST_DUE
    daily(start + timedelta(days=2, hours=1))
    assert fresh(studio).subscription_status == Status.READ_ONLY


# --- Stripe's events -------------------------------------------------------------------------


def test_a_read_only_studio_that_pays_is_active_at_once(studio, prices, deliver):
    daily(studio.trial_ends_at + timedelta(hours=1))
    daily(studio.trial_ends_at + timedelta(days=8))
    assert fresh(studio).subscription_status == Status.READ_ONLY
    Studio.objects.filter(pk=studio.pk).update(stripe_subscription_id="sub_A")
    at = studio.trial_ends_at + timedelta(days=9)

    row = deliver(event("customer.subscription.created", subscription("active"), at=at))

    studio = fresh(studio)
    assert row.outcome == "applied: active"
    assert studio.subscription_status == Status.ACTIVE
    assert (studio.past_due_since, studio.read_only_since) == (None, None)
    assert studio.price == prices["pro_month"]
    assert "reactivated" in notices(studio)
    last = last_change(studio)
    assert (last.status, last.mrr, last.interval) == (Status.ACTIVE, Decimal("99"), "month")


def test_a_failed_renewal_is_past_due_and_a_paid_invoice_ends_it(studio, prices, deliver):
    billing.subscription_apply(
        studio=studio,
        status=Status.ACTIVE,
        source="owner",
        price=prices["pro_month"],
        subscription_id="sub_A",
        at=NOW,
    )
    failed_at = NOW + timedelta(days=30)

    row = deliver(event("invoice.payment_failed", invoice("failed"), at=failed_at))

    assert row.outcome == "applied: past_due"
    assert fresh(studio).past_due_since == failed_at
    assert "payment_failed" in notices(studio)
    assert any("failed" in message.subject for message in mail.outbox)

    paid = deliver(event("invoice.paid", invoice("paid"), at=failed_at + timedelta(days=2)))

    studio = fresh(studio)
    assert paid.outcome == "applied: active"
    assert studio.subscription_status == Status.ACTIVE
    assert studio.past_due_since is None
    # History: active, past due, active again: the dashboard counts a recovery, not churn.
    statuses = list(
        SubscriptionChange.objects.filter(studio=studio)
        .exclude(source="signup")
        .values_list("status", flat=True)
    )
    assert statuses == [Status.ACTIVE, Status.PAST_DUE, Status.ACTIVE]


def test_a_failed_payment_after_the_grace_is_read_only(studio, prices, deliver):
    billing.subscription_apply(
        studio=studio,
        status=Status.PAST_DUE,
        source="webhook",
        price=prices["pro_month"],
        subscription_id="sub_A",
        at=NOW,
    )
    later = NOW + timedelta(days=8)

    deliver(event("customer.subscription.updated", subscription("past_due"), at=later))

    assert fresh(studio).subscription_status == Status.READ_ONLY


def test_a_plan_change_mid_month_moves_the_plan_and_what_it_pays(studio, prices, deliver):
    billing.subscription_apply(
        studio=studio,
        status=Status.ACTIVE,
        source="owner",
        price=prices["pro_month"],
        subscription_id="sub_A",
        at=NOW,
    )

    deliver(
        event(
            "customer.subscription.updated",
            subscription("active", price="price_starter_month"),
            at=NOW + timedelta(days=15),
        )
    )

    studio = fresh(studio)
    assert studio.plan.slug == "starter"
    last = last_change(studio)
    assert (last.plan.slug, last.mrr) == ("starter", Decimal("29"))


def test_a_yearly_price_counts_a_twelfth_a_month(studio, prices):
    billing.subscription_apply(
        studio=studio, status=Status.ACTIVE, source="owner", price=prices["pro_year"], at=NOW
    )
    last = last_change(studio)
    assert (last.mrr, last.interval) == (Decimal("82.50"), "year")


def test_cancelled_at_period_end_stays_active_then_read_only(studio, prices, deliver):
    billing.subscription_apply(
        studio=studio,
        status=Status.ACTIVE,
        source="owner",
        price=prices["pro_month"],
        subscription_id="sub_A",
        at=NOW,
    )
    deliver(
        event(
            "customer.subscription.updated",
            subscription("active", cancel_at_period_end=True),
            at=NOW + timedelta(days=1),
        )
    )
    studio = fresh(studio)
    assert (studio.subscription_status, studio.cancel_at_period_end) == (Status.ACTIVE, True)

    deliver(
        event("customer.subscription.deleted", subscription("canceled"), at=NOW + timedelta(30))
    )

    studio = fresh(studio)
    assert studio.subscription_status == Status.READ_ONLY
    last = last_change(studio)
    assert (last.status, last.mrr) == (Status.READ_ONLY, Decimal("0"))


def test_trial_will_end_sends_the_reminder_the_daily_check_would_not_repeat(studio, deliver):
    trial_end = studio.trial_ends_at
    obj = subscription("trialing", trial_end=trial_end)
    Studio.objects.filter(pk=studio.pk).update(stripe_subscription_id="sub_A")

    row = deliver(event("customer.subscription.trial_will_end", obj, at=trial_end - timedelta(3)))

    assert row.outcome == "trial reminder sent"
    assert daily(trial_end - timedelta(days=2, hours=20))["trial_reminders"] == 0
    assert notices(studio) == ["trial_3d"]


def test_a_stale_event_is_recorded_and_not_applied(studio, prices, deliver):
    Studio.objects.filter(pk=studio.pk).update(stripe_subscription_id="sub_A")
    deliver(event("invoice.paid", invoice("paid"), at=NOW + timedelta(days=2)))
    assert fresh(studio).subscription_status == Status.ACTIVE

    # Older than the state applied: delivered late, out of order.
    row = deliver(event("invoice.payment_failed", invoice("failed"), at=NOW + timedelta(days=1)))

    assert row.outcome == billing.STALE
    assert fresh(studio).subscription_status == Status.ACTIVE


def test_an_event_for_another_subscription_changes_nothing(studio, deliver):
    Studio.objects.filter(pk=studio.pk).update(stripe_subscription_id="sub_A")

    row = deliver(
        event("customer.subscription.deleted", subscription("canceled", sub_id="sub_OLD"), at=NOW)
    )

    assert row.outcome == billing.OTHER_SUBSCRIPTION
    assert fresh(studio).subscription_status == Status.TRIALING


def test_an_event_for_an_unknown_customer_is_stored_and_not_applied(studio, webhook, deliver):
    data = event(
        "customer.subscription.deleted", subscription("canceled", customer="cus_NOBODY"), at=NOW
    )

    response = webhook(data)

    assert response.status_code == 200
    row = StripeEvent.objects.get(event_id=data["id"])
    assert (row.schema_name, row.outcome) == ("", "no studio for this event")
    assert fresh(studio).subscription_status == Status.TRIALING
    assert not SubscriptionChange.objects.filter(studio=studio).exclude(source="signup").exists()


def test_a_replayed_event_is_applied_once(studio, prices, webhook, deliver):
    billing.subscription_apply(
        studio=studio,
        status=Status.ACTIVE,
        source="owner",
        price=prices["pro_month"],
        subscription_id="sub_A",
        at=NOW,
    )
    data = event("invoice.payment_failed", invoice("failed"), at=NOW + timedelta(days=30))
    deliver(data)
    count = SubscriptionChange.objects.filter(studio=studio).count()

    again = webhook(data)

    assert again.content == b"duplicate"
    assert SubscriptionChange.objects.filter(studio=studio).count() == count
    assert notices(studio).count("payment_failed") == 1


def test_a_forged_or_stale_signature_changes_nothing(studio, webhook):
    data = event("customer.subscription.deleted", subscription("canceled"), at=NOW)

    forged = webhook(data, signature="t=1,v1=" + "0" * 64)
    old = webhook(data, timestamp=int(timezone.now().timestamp()) - 3600)

    assert (forged.status_code, old.status_code) == (400, 400)
    assert not StripeEvent.objects.filter(event_id=data["id"]).exists()
    assert fresh(studio).subscription_status == Status.TRIALING


# --- the operator ----------------------------------------------------------------------------


def test_an_operator_edit_goes_through_the_lifecycle(studio, platform_operator):
    studio_update(studio=studio, by=platform_operator, subscription_status=Status.READ_ONLY)

    studio = fresh(studio)
    assert studio.subscription_status == Status.READ_ONLY
    assert studio.read_only_since is not None
    entry = PlatformAuditEntry.objects.filter(action="studio.subscription").latest("at")
    assert entry.changes["subscription_status"] == ["trialing", "read_only"]
    assert entry.changes["source"] == [None, "operator"]
    last = last_change(studio)
    assert (last.status, last.source) == (Status.READ_ONLY, "operator")

    studio_update(studio=studio, by=platform_operator, subscription_status=Status.ACTIVE)

    assert fresh(studio).read_only_since is None
    assert "reactivated" in notices(studio)
