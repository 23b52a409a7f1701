"""The owner's side of billing: localstripe (the payment tests' one), the plans' prices made
on it, studio A on a Pro trial, and a cast to act as (owner, manager, studio B's owner)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import Plan, Studio, SubscriptionStatus
from siteconf.tenancy.services import subscriptions
from siteconf.tenancy.services.plan_prices import plan_stripe_sync
from tests.conftest import STUDIO_A, STUDIO_B
from tests.payments.conftest import localstripe_server, staff, stripe_settings  # noqa: F401

Status = SubscriptionStatus
DECLINED_ON_CHARGE = "4000000000000341"  # saved fine, refused when charged


@pytest.fixture
def prices(stripe_settings):  # noqa: F811
    """Every public plan's monthly and yearly prices, made on localstripe."""
    connection.set_schema_to_public()
    for plan in Plan.objects.public():
        plan_stripe_sync(plan=plan)


@pytest.fixture
def on_trial(studio_a, prices) -> Studio:
    """Studio A on a Pro trial that ends in 10 days, not yet a Stripe customer."""
    Studio.objects.filter(pk=studio_a.pk).update(
        plan=Plan.objects.get(slug="pro"),
        price=None,
        subscription_status=Status.TRIALING,
        trial_ends_at=timezone.now() + timedelta(days=10),
        stripe_customer_id=None,
        stripe_subscription_id=None,
        card_label="",
        current_period_end=None,
        cancel_at_period_end=False,
        past_due_since=None,
        read_only_since=None,
    )
    return Studio.objects.get(pk=studio_a.pk)


@pytest.fixture
def owner(studio_a) -> User:
    with schema_context(studio_a.schema_name):
        return User.objects.get(email=STUDIO_A.owner_email)


@pytest.fixture
def manager(studio_a) -> User:
    with schema_context(studio_a.schema_name):
        return staff("manager@studio-a.example", "Manager")


@pytest.fixture
def owner_b(studio_b) -> User:
    with schema_context(studio_b.schema_name):
        return User.objects.get(email=STUDIO_B.owner_email)


def fresh(studio: Studio) -> Studio:
    return Studio.objects.select_related("plan", "price").get(pk=studio.pk)


def card_saved(studio: Studio, *, by, number: str = "4242424242424242") -> tuple[str, str]:
    """What the page and the browser do: start the card form, confirm the SetupIntent with a
    test card. (setup intent id, the form's token). Call it in the studio's schema."""
    secret = subscriptions.subscription_card_start(studio=studio, by=by)
    setup_intent = secret.split("_secret_")[0]
    gateway.setup_intent_confirm_test_card(
        account=None, setup_intent=setup_intent, client_secret=secret, number=number
    )
    token = subscriptions.subscription_card_token(studio=studio, client_secret=secret)
    return setup_intent, token


def subscribed(studio: Studio, *, by, plan: str = "pro", interval: str = "month") -> Studio:
    setup_intent, token = card_saved(studio, by=by)
    return subscriptions.subscription_subscribe(
        studio=studio,
        plan=Plan.objects.get(slug=plan),
        interval=interval,
        setup_intent=setup_intent,
        token=token,
        by=by,
    )
