"""The demo studios' subscriptions: one paying, one near the end of its trial, one overdue.

Run by `seed_demo` after the studios are filled, each time (the stories are told relative to
today, so they read the same whenever the demo is started):

- Studio Pro pays for Pro monthly with a Visa card, since a year ago: its subscription is made
  for real on the offline Stripe through the owner's own subscribe service;
- Beat Lab is on an Enterprise trial that ends in two days, with no card (the banner, the
  reminders);
- Home Studio's Pro trial ended three days ago without a card: payment overdue, read-only in
  four days unless it subscribes.

Offline Stripe (localstripe) starts empty each time, so the plans' products and prices are
made again there under the ids the database already has, and the demo studios' old customer
and subscription ids (which pointed into the previous, gone, instance) are forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import (
    BillingNotice,
    Plan,
    PlanPrice,
    Studio,
    SubscriptionChange,
    SubscriptionStatus,
)
from siteconf.tenancy.services.plan_prices import plan_prices_ensure
from studio.services.errors import StudioError

Status = SubscriptionStatus
Source = SubscriptionChange.Source
DEMO_CARD = "4242424242424242"


def _history(studio: Studio, rows: list[tuple[timedelta, str, Plan, Decimal]]) -> None:
    now = timezone.now()
    SubscriptionChange.objects.filter(studio=studio).delete()
    BillingNotice.objects.filter(studio=studio).delete()
    SubscriptionChange.objects.bulk_create(
        [
            SubscriptionChange(
                studio=studio,
                at=now - ago,
                status=status,
                plan=plan,
                interval="month" if mrr else "",
                mrr=mrr,
                currency=plan.currency,
                source=Source.SIGNUP if index == 0 else Source.WEBHOOK,
                note="demo",
            )
            for index, (ago, status, plan, mrr) in enumerate(rows)
        ]
    )


def _offline_restore() -> None:
    """Make the plans' products and prices again on a fresh offline Stripe, same ids."""
    if not gateway.offline():
        return
    prices = PlanPrice.objects.select_related("plan").exclude(plan__stripe_product_id="")
    gateway.offline_billing_restore(
        products={p.plan.stripe_product_id: p.plan.name for p in prices},
        prices=[
            {
                "id": p.stripe_price_id,
                "product": p.plan.stripe_product_id,
                "amount": int(p.amount * 100),
                "currency": p.currency,
                "interval": p.interval,
            }
            for p in prices
        ],
    )


def demo_billing_ensure(*, slugs: dict[str, str], progress: Callable[[str], None]) -> None:
    """`slugs`: each demo studio's slug by its role here ("paying", "trial", "overdue")."""
    now = timezone.now()
    studios = {role: Studio.objects.get(slug=slug) for role, slug in slugs.items()}
    if gateway.offline():
        Studio.objects.filter(pk__in=[s.pk for s in studios.values()]).update(
            stripe_customer_id=None, stripe_subscription_id=None, price=None, card_label=""
        )
    try:
        _offline_restore()
        made = plan_prices_ensure()
    except (gateway.GatewayError, StudioError) as exc:
        progress(f"  Stripe prices not made ({exc}); the demo studios are not subscribed")
        made = None
    if made:
        progress(f"  {made} plan prices made on Stripe")

    trial = studios["trial"]
    Studio.objects.filter(pk=trial.pk).update(
        subscription_status=Status.TRIALING,
        trial_ends_at=now + timedelta(days=2),
        past_due_since=None,
        read_only_since=None,
        current_period_end=None,
        cancel_at_period_end=False,
    )
    _history(trial, [(timedelta(days=12), Status.TRIALING, trial.plan, Decimal("0"))])

    overdue = studios["overdue"]
    Studio.objects.filter(pk=overdue.pk).update(
        subscription_status=Status.PAST_DUE,
        trial_ends_at=now - timedelta(days=3),
        past_due_since=now - timedelta(days=3),
        read_only_since=None,
        current_period_end=None,
        cancel_at_period_end=False,
    )
    _history(
        overdue,
        [
            (timedelta(days=17), Status.TRIALING, overdue.plan, Decimal("0")),
            (timedelta(days=3), Status.PAST_DUE, overdue.plan, Decimal("0")),
        ],
    )

    paying = studios["paying"]
    Studio.objects.filter(pk=paying.pk).update(
        subscription_status=Status.ACTIVE,
        trial_ends_at=now - timedelta(days=365),
        past_due_since=None,
        read_only_since=None,
        cancel_at_period_end=False,
    )
    _history(
        paying,
        [
            (timedelta(days=379), Status.TRIALING, paying.plan, Decimal("0")),
            (timedelta(days=365), Status.ACTIVE, paying.plan, paying.plan.monthly_price),
        ],
    )
    if gateway.offline() and made is not None:
        _subscribe(Studio.objects.get(pk=paying.pk))
        progress(f"  {paying.name} subscribed to {paying.plan} with a test Visa card")


def _subscribe(studio: Studio) -> None:
    from siteconf.tenancy.services.subscriptions import (
        subscription_card_start,
        subscription_card_token,
        subscription_subscribe,
    )

    with schema_context(studio.schema_name), transaction.atomic():
        owner = get_user_model().objects.get(email=studio.owner_email)
        secret = subscription_card_start(studio=studio, by=owner)
        setup_intent = secret.split("_secret_", 1)[0]
        gateway.setup_intent_confirm_test_card(
            account=None, setup_intent=setup_intent, client_secret=secret, number=DEMO_CARD
        )
        subscription_subscribe(
            studio=studio,
            plan=studio.plan,
            interval=PlanPrice.Interval.MONTH,
            setup_intent=setup_intent,
            token=subscription_card_token(studio=studio, client_secret=secret),
            by=owner,
        )
