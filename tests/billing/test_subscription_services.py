"""The owner's actions on the studio's subscription, against localstripe: each refusal, a
declined card that leaves nothing behind, a downgrade the studio's data would break, cancel
and resume, and nobody but this studio's owner acting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import (
    CustomDomain,
    Plan,
    PlatformAuditEntry,
    Studio,
    SubscriptionChange,
)
from siteconf.tenancy.services import subscriptions
from studio.models import Room
from studio.services.errors import StudioError
from studio.services.readonly import studio_is_read_only
from tests.billing.conftest import DECLINED_ON_CHARGE, Status, card_saved, fresh, subscribed
from tests.studio.factories import RoomFactory

pytestmark = pytest.mark.django_db


def plan(slug: str) -> Plan:
    return Plan.objects.get(slug=slug)


def trace(studio: Studio) -> tuple:
    """What a refused action must leave as it was: the studio's billing fields and history."""
    row = fresh(studio)
    return (
        row.subscription_status,
        row.plan_id,
        row.price_id,
        row.stripe_subscription_id,
        row.trial_ends_at,
        row.cancel_at_period_end,
        SubscriptionChange.objects.filter(studio=studio).count(),
        PlatformAuditEntry.objects.filter(action="studio.subscription").count(),
    )


def test_the_card_form_makes_the_studio_a_stripe_customer_once(on_trial, owner):
    with schema_context(on_trial.schema_name):
        first = subscriptions.subscription_card_start(studio=on_trial, by=owner)
        customer = fresh(on_trial).stripe_customer_id
        second = subscriptions.subscription_card_start(studio=on_trial, by=owner)
    assert customer.startswith("cus_")
    assert fresh(on_trial).stripe_customer_id == customer
    assert first.startswith("seti_") and second.startswith("seti_") and first != second


def test_subscribing_during_the_trial_keeps_the_trial_and_its_end(on_trial, owner):
    trial_end = on_trial.trial_ends_at
    with schema_context(on_trial.schema_name):
        studio = subscribed(on_trial, by=owner)
    assert studio.subscription_status == Status.TRIALING
    assert studio.stripe_subscription_id.startswith("sub_")
    assert abs(studio.trial_ends_at - trial_end) < timedelta(seconds=1)
    assert studio.price.plan.slug == "pro" and studio.price.interval == "month"
    assert studio.card_label == "Visa •••• 4242"
    remote = gateway.billing_subscription_retrieve(subscription=studio.stripe_subscription_id)
    assert remote.trial_end == int(trial_end.timestamp())
    assert remote.price_id == studio.price.stripe_price_id


@pytest.mark.parametrize("state", [Status.PAST_DUE, Status.READ_ONLY])
def test_a_lapsed_studio_that_subscribes_is_active_and_writable_at_once(on_trial, owner, state):
    ended = timezone.now() - timedelta(days=9)
    Studio.objects.filter(pk=on_trial.pk).update(
        subscription_status=state,
        trial_ends_at=ended,
        past_due_since=ended,
        read_only_since=ended + timedelta(days=7) if state == Status.READ_ONLY else None,
    )
    studio = fresh(on_trial)
    with schema_context(studio.schema_name):
        assert studio_is_read_only() == (state == Status.READ_ONLY)
        studio = subscribed(studio, by=owner, plan="starter", interval="year")
        assert not studio_is_read_only()
    assert studio.subscription_status == Status.ACTIVE
    assert studio.past_due_since is None and studio.read_only_since is None
    assert studio.plan.slug == "starter" and studio.price.interval == "year"
    assert studio.current_period_end > timezone.now() + timedelta(days=300)
    last = SubscriptionChange.objects.filter(studio=studio).latest("at", "pk")
    assert (last.status, last.source) == (Status.ACTIVE, SubscriptionChange.Source.OWNER)


def test_a_declined_card_says_so_and_leaves_the_studio_as_it_was(on_trial, owner):
    Studio.objects.filter(pk=on_trial.pk).update(
        subscription_status=Status.PAST_DUE, past_due_since=timezone.now() - timedelta(days=2)
    )
    studio = fresh(on_trial)
    with schema_context(studio.schema_name):
        setup_intent, token = card_saved(studio, by=owner, number=DECLINED_ON_CHARGE)
        before = trace(studio)
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_subscribe(
                studio=studio,
                plan=plan("pro"),
                interval="month",
                setup_intent=setup_intent,
                token=token,
                by=owner,
            )
    assert "declined" in refused.value.message.lower()
    assert trace(studio) == before
    assert fresh(studio).subscription_status == Status.PAST_DUE


def test_a_second_click_subscribes_once(on_trial, owner):
    with schema_context(on_trial.schema_name):
        setup_intent, token = card_saved(on_trial, by=owner)
        arguments = {
            "studio": on_trial,
            "plan": plan("pro"),
            "interval": "month",
            "setup_intent": setup_intent,
            "token": token,
            "by": owner,
        }
        first = subscriptions.subscription_subscribe(**arguments).stripe_subscription_id
        history = SubscriptionChange.objects.filter(studio=on_trial).count()
        second = subscriptions.subscription_subscribe(**arguments).stripe_subscription_id
    assert first == second
    assert SubscriptionChange.objects.filter(studio=on_trial).count() == history


def test_a_card_form_of_another_studio_is_refused(on_trial, owner, studio_b, owner_b):
    """Studio B's owner saved a card on B's page; its SetupIntent id posted to A's page (by
    A's owner, or with A's token for another SetupIntent) charges nothing."""
    with schema_context(studio_b.schema_name):
        b_setup, b_token = card_saved(studio_b, by=owner_b)
    with schema_context(on_trial.schema_name):
        a_setup, a_token = card_saved(on_trial, by=owner)
        before = trace(on_trial)
        for setup_intent, token in ((b_setup, b_token), (b_setup, a_token), (a_setup, "")):
            with pytest.raises(StudioError) as refused:
                subscriptions.subscription_subscribe(
                    studio=on_trial,
                    plan=plan("pro"),
                    interval="month",
                    setup_intent=setup_intent,
                    token=token,
                    by=owner,
                )
            assert refused.value.message == subscriptions.CARD_FORM_EXPIRED
    assert trace(on_trial) == before


def test_only_the_owner_acts_and_a_refusal_changes_nothing(on_trial, owner, manager):
    with schema_context(on_trial.schema_name):
        subscribed(on_trial, by=owner)
        before = trace(on_trial)
        actions = [
            lambda: subscriptions.subscription_card_start(studio=on_trial, by=manager),
            lambda: subscriptions.subscription_change(
                studio=on_trial, plan=plan("enterprise"), interval="month", by=manager
            ),
            lambda: subscriptions.subscription_cancel(studio=on_trial, by=manager),
            lambda: subscriptions.subscription_resume(studio=on_trial, by=manager),
            lambda: subscriptions.subscription_portal_url(
                studio=on_trial, return_url="http://x/", by=manager
            ),
            lambda: subscriptions.subscription_cancel(studio=on_trial, by=None),
        ]
        for action in actions:
            with pytest.raises(StudioError) as refused:
                action()
            assert refused.value.message.startswith("Only the studio's owner")
    assert trace(on_trial) == before


def test_another_studios_owner_is_never_recognised(on_trial, owner_b, studio_b):
    """B's owner, brought into A's schema (a primary key may match someone there), and A's
    studio acted on from B's schema: both refused."""
    before = trace(on_trial)
    with schema_context(on_trial.schema_name):
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_card_start(studio=on_trial, by=owner_b)
        assert refused.value.message.startswith("Only the studio's owner")
    with schema_context(studio_b.schema_name):
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_card_start(studio=on_trial, by=owner_b)
        assert refused.value.message == subscriptions.WRONG_STUDIO
    assert trace(on_trial) == before
    assert fresh(on_trial).stripe_customer_id is None


def test_an_upgrade_and_a_change_of_period_go_to_stripe(on_trial, owner):
    with schema_context(on_trial.schema_name):
        studio = subscribed(on_trial, by=owner)
        studio = subscriptions.subscription_change(
            studio=studio, plan=plan("enterprise"), interval="year", by=owner
        )
    assert (studio.plan.slug, studio.price.interval) == ("enterprise", "year")
    remote = gateway.billing_subscription_retrieve(subscription=studio.stripe_subscription_id)
    assert remote.price_id == studio.price.stripe_price_id


def test_a_downgrade_the_rooms_would_break_is_refused_with_what_to_do(on_trial, owner):
    with schema_context(on_trial.schema_name):
        studio = subscribed(on_trial, by=owner)
        Room.objects.update(is_active=False)
        RoomFactory.create_batch(3)
        before = trace(studio)
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_change(
                studio=studio, plan=plan("starter"), interval="month", by=owner
            )
    assert "Starter includes 1 room; you have 3 rooms in use. Deactivate 2 rooms first." in (
        refused.value.message
    )
    assert trace(studio) == before
    remote = gateway.billing_subscription_retrieve(subscription=studio.stripe_subscription_id)
    assert remote.price_id == fresh(studio).price.stripe_price_id  # still Pro on Stripe


def test_a_downgrade_is_refused_while_a_feature_it_lacks_is_in_use(on_trial, owner):
    with schema_context(on_trial.schema_name):
        studio = subscribed(on_trial, by=owner, plan="enterprise")
        Room.objects.update(is_active=False)
        CustomDomain.objects.create(
            studio=studio, hostname="book.studio-a.example", verified_at=timezone.now()
        )
        Studio.objects.filter(pk=studio.pk).update(stripe_account_id="acct_studio_a_test")
        studio = fresh(studio)
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_change(
                studio=studio, plan=plan("pro"), interval="month", by=owner
            )
        assert "book.studio-a.example" in refused.value.message
        assert "Remove that domain on Settings → Custom domains first." in refused.value.message
        # Pro keeps card payments: only the domain is in the way.
        assert "card payments" not in refused.value.message
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_change(
                studio=studio, plan=plan("starter"), interval="month", by=owner
            )
        assert "does not include card payments" in refused.value.message
    assert fresh(studio).plan.slug == "enterprise"


def test_during_a_trial_without_a_card_only_the_trials_plan_changes(on_trial, owner):
    with schema_context(on_trial.schema_name):
        Room.objects.update(is_active=False)
        studio = subscriptions.subscription_change(
            studio=on_trial, plan=plan("starter"), interval="month", by=owner
        )
    assert studio.plan.slug == "starter"
    assert studio.subscription_status == Status.TRIALING
    assert studio.stripe_customer_id is None and studio.stripe_subscription_id is None


def test_cancel_at_the_periods_end_then_resume(on_trial, owner):
    with schema_context(on_trial.schema_name):
        studio = subscribed(on_trial, by=owner)
        studio = subscriptions.subscription_cancel(studio=studio, by=owner)
        assert studio.cancel_at_period_end
        assert studio.subscription_status == Status.TRIALING  # works until the period ends
        remote = gateway.billing_subscription_retrieve(subscription=studio.stripe_subscription_id)
        assert remote.cancel_at_period_end
        assert subscriptions.subscription_cancel(studio=studio, by=owner).cancel_at_period_end
        studio = subscriptions.subscription_resume(studio=studio, by=owner)
        assert not studio.cancel_at_period_end
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_resume(studio=studio, by=owner)
        assert refused.value.message == subscriptions.NOT_CANCELLING
    remote = gateway.billing_subscription_retrieve(subscription=studio.stripe_subscription_id)
    assert not remote.cancel_at_period_end


def test_without_a_subscription_there_is_nothing_to_cancel_or_change(on_trial, owner):
    Studio.objects.filter(pk=on_trial.pk).update(subscription_status=Status.PAST_DUE)
    studio = fresh(on_trial)
    before = trace(studio)
    with schema_context(studio.schema_name):
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_cancel(studio=studio, by=owner)
        assert refused.value.message == subscriptions.CANNOT_CANCEL
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_change(
                studio=studio, plan=plan("starter"), interval="month", by=owner
            )
        assert refused.value.message == subscriptions.NOT_SUBSCRIBED
    assert trace(studio) == before


def test_a_plan_not_on_sale_or_a_missing_period_is_refused(on_trial, owner):
    hidden = Plan.objects.create(name="Hidden", slug="hidden", monthly_price=1, is_public=False)
    with schema_context(on_trial.schema_name):
        setup_intent, token = card_saved(on_trial, by=owner)
        for chosen, interval, message in (
            (hidden, "month", subscriptions.PLAN_NOT_FOR_SALE),
            (plan("pro"), "week", "Pro cannot be bought week yet"),
        ):
            with pytest.raises(StudioError) as refused:
                subscriptions.subscription_subscribe(
                    studio=on_trial,
                    plan=chosen,
                    interval=interval,
                    setup_intent=setup_intent,
                    token=token,
                    by=owner,
                )
            assert refused.value.message.startswith(message)
    assert fresh(on_trial).stripe_subscription_id is None


def test_without_stripe_keys_nothing_is_offered_and_the_trial_runs(on_trial, owner, settings):
    settings.STRIPE_SECRET_KEY = ""
    with schema_context(on_trial.schema_name):
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_card_start(studio=on_trial, by=owner)
        assert refused.value.message == subscriptions.NOT_CONFIGURED
        assert (
            subscriptions.subscription_portal_url(studio=on_trial, return_url="/", by=owner) is None
        )
    assert fresh(on_trial).subscription_status == Status.TRIALING


def test_subscribing_to_a_plan_the_studio_does_not_fit_is_refused(on_trial, owner):
    with schema_context(on_trial.schema_name):
        Room.objects.update(is_active=False)
        RoomFactory.create_batch(2)
        setup_intent, token = card_saved(on_trial, by=owner)
        before = trace(on_trial)
        with pytest.raises(StudioError) as refused:
            subscriptions.subscription_subscribe(
                studio=on_trial,
                plan=plan("starter"),
                interval="month",
                setup_intent=setup_intent,
                token=token,
                by=owner,
            )
    assert "you have 2 rooms in use. Deactivate 1 room first." in refused.value.message
    assert trace(on_trial) == before


def test_a_read_only_studio_whose_old_subscription_stripe_still_bills_is_not_billed_twice(
    on_trial, owner
):
    with schema_context(on_trial.schema_name):
        studio = subscribed(on_trial, by=owner)
        old = studio.stripe_subscription_id
        studio = fresh(studio)
        Studio.objects.filter(pk=studio.pk).update(subscription_status=Status.READ_ONLY)
        with pytest.raises(StudioError) as refused:
            subscribed(fresh(studio), by=owner)
    assert refused.value.message == subscriptions.RETRY_WITH_STRIPE
    assert fresh(studio).stripe_subscription_id == old
