"""What a studio's owner does with the studio's subscription to the platform, on Settings →
Subscription: save a card, subscribe, change plan, cancel at the period's end and resume.

Each action is the owner's alone (other staff see the page read-only) and acts on the studio
the request is for, in its own schema: a user of another studio is never recognised here.
Stripe is asked first; only what it answered is applied, through the lifecycle's one
transition (`stripe_subscription_apply`), so a studio that pays is writable at once, and a
declined card or an outage leaves the studio exactly as it was.

The card is saved with a SetupIntent confirmed in the browser (the portal's card flow). The
page carries, beside it, a token signed for this studio naming that SetupIntent: the id the
browser posts back is used only when the token vouches for it, so a SetupIntent (and the card
behind it) of another studio can never be charged for this one.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import Plan, PlanPrice, Studio, SubscriptionChange
from siteconf.tenancy.plans import SubscriptionStatus
from studio.services.errors import StudioError
from studio.services.plan_limits import plan_fit
from studio.services.staff import staff_is_owner

Status = SubscriptionStatus
OWNER = SubscriptionChange.Source.OWNER

OWNER_ONLY = (
    "Only the studio's owner can change its subscription. Ask {owner} to do it, or to give "
    "you the Owner role."
)
WRONG_STUDIO = "This subscription is not this studio's. Nothing was changed."
NOT_CONFIGURED = (
    "Subscriptions cannot be paid on this platform yet (Stripe is not set up). Nothing was "
    "changed; your studio keeps working as it is."
)
PLAN_NOT_FOR_SALE = "Choose one of the plans on this page."
NO_PRICE = "{plan} cannot be bought {interval} yet. Choose another billing period or plan."
CARD_FORM_EXPIRED = (
    "This card form has expired or is not this studio's. Reload the page and enter the card "
    "again; nothing was charged."
)
CARD_NOT_SAVED = "The card was not saved. Enter it again; nothing was charged."
ALREADY_SUBSCRIBED = (
    "The studio already has a subscription ({plan}). Change its plan below instead of "
    "subscribing again."
)
RETRY_WITH_STRIPE = (
    "The subscription's last payment failed and Stripe is retrying it. Update the card in "
    "Stripe's billing portal (the link on this page) rather than subscribing again."
)
NOT_SUBSCRIBED = "The studio has no subscription yet. Subscribe with a card first."
SAME_PLAN = "The studio is already on {plan}, billed {interval}. Nothing was changed."
SAME_TRIAL = "The trial is already on {plan}. Nothing was changed."
DOES_NOT_FIT = "The studio cannot move to {plan} yet: {problems}"
NOT_CANCELLING = "The subscription is not set to end. Nothing was changed."
CANNOT_CANCEL = "Only a running subscription can be cancelled. Nothing was changed."

CARD_TOKEN_SALT = "subscription-card"
# A card form stays good for a day (a SetupIntent waits that long in a forgotten tab).
CARD_TOKEN_SECONDS = 24 * 60 * 60
# Stripe states in which the subscription bills the studio: a new one is not needed.
RUNNING = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)
# Stripe states after which the studio may subscribe again, afresh.
ENDED_ON_STRIPE = ("canceled", "incomplete_expired")
INTERVAL_WORDS = {PlanPrice.Interval.MONTH: "monthly", PlanPrice.Interval.YEAR: "yearly"}


# --- checks --------------------------------------------------------------------------------


def _owner_check(*, studio: Studio, by) -> None:
    """The acting user is an active owner of `studio`, looked up in the studio's own schema
    (a user object brought from another schema could share a primary key with one here, so
    the row is fetched again by id and user name)."""
    if connection.schema_name != studio.schema_name:
        raise StudioError(WRONG_STUDIO)
    user = (
        get_user_model()
        .objects.filter(pk=getattr(by, "pk", None), username=getattr(by, "username", None))
        .first()
    )
    if not staff_is_owner(user):
        raise StudioError(OWNER_ONLY.format(owner=studio.owner_email or "the owner"))


def _configured_check() -> None:
    if not gateway.enabled():
        raise StudioError(NOT_CONFIGURED)


def _price(*, plan: Plan, interval: str) -> PlanPrice:
    """The plan's current Stripe price for `interval`, only for a plan on sale."""
    if plan is None or not Plan.objects.public().filter(pk=plan.pk).exists():
        raise StudioError(PLAN_NOT_FOR_SALE, field="plan")
    price = PlanPrice.objects.filter(plan=plan, interval=interval, is_current=True).first()
    if price is None:
        words = INTERVAL_WORDS.get(interval, interval)
        raise StudioError(NO_PRICE.format(plan=plan.name, interval=words), field="interval")
    return price


def _locked(studio: Studio) -> Studio:
    """The studio's row, locked for the rest of the transaction: two clicks of one button,
    or two tabs, take turns and the second sees what the first did."""
    return (
        Studio.objects.select_for_update(of=("self",))
        .select_related("plan", "price")
        .get(pk=studio.pk)
    )


def _apply(*, studio: Studio, subscription, by) -> None:
    """What Stripe answered, through the lifecycle's one transition."""
    from siteconf.tenancy.services.billing import stripe_subscription_apply

    stripe_subscription_apply(
        studio=studio,
        subscription=subscription,
        source=OWNER,
        by_label=getattr(by, "email", "") or getattr(by, "username", ""),
    )


def _refreshed(studio: Studio) -> Studio:
    studio.refresh_from_db()
    return studio


# --- the card ------------------------------------------------------------------------------


def subscription_card_start(*, studio: Studio, by) -> str:
    """A SetupIntent on the platform's account for the owner's card: its client secret, for
    the page's card form. The studio becomes a Stripe customer the first time."""
    _owner_check(studio=studio, by=by)
    _configured_check()
    with transaction.atomic():
        locked = _locked(studio)
        if not locked.stripe_customer_id:
            try:
                locked.stripe_customer_id = gateway.billing_customer_create(
                    email=locked.owner_email,
                    name=locked.name,
                    metadata={"studio_id": str(locked.pk), "studio_schema": locked.schema_name},
                )
            except gateway.GatewayError as exc:
                raise StudioError(exc.message) from exc
            locked.save(update_fields=["stripe_customer_id"])
        studio.stripe_customer_id = locked.stripe_customer_id
    try:
        _, secret = gateway.billing_setup_intent_create(
            customer=studio.stripe_customer_id,
            metadata={"studio_id": str(studio.pk), "purpose": "subscription"},
        )
    except gateway.GatewayError as exc:
        raise StudioError(exc.message) from exc
    return secret


def _setup_intent_id(client_secret: str) -> str:
    # Stripe (and localstripe) write a client secret as "<SetupIntent id>_secret_<random>".
    return client_secret.split("_secret_", 1)[0]


def subscription_card_token(*, studio: Studio, client_secret: str) -> str:
    """What the card form carries back with the SetupIntent's id: a token signed for this
    studio, which `subscription_subscribe` requires."""
    return signing.dumps(
        {"studio": studio.pk, "setup_intent": _setup_intent_id(client_secret)},
        salt=CARD_TOKEN_SALT,
    )


def _card_token_check(*, studio: Studio, setup_intent: str, token: str) -> None:
    try:
        data = signing.loads(token, salt=CARD_TOKEN_SALT, max_age=CARD_TOKEN_SECONDS)
    except signing.BadSignature as exc:
        raise StudioError(CARD_FORM_EXPIRED) from exc
    if data != {"studio": studio.pk, "setup_intent": setup_intent}:
        raise StudioError(CARD_FORM_EXPIRED)


# --- subscribing ---------------------------------------------------------------------------


def _trial_end(studio: Studio, now: datetime) -> int | None:
    """A studio still in its free trial keeps it: Stripe charges the card when it ends."""
    trial_ends_at = studio.trial_ends_at
    if studio.subscription_status == Status.TRIALING and trial_ends_at and trial_ends_at > now:
        return int(trial_ends_at.timestamp())
    return None


def subscription_subscribe(
    *, studio: Studio, plan: Plan, interval: str, setup_intent: str, token: str, by
) -> Studio:
    """Subscribe to `plan` billed every `interval` with the card the browser saved through
    `setup_intent`. During the trial the first charge is at the trial's end; after it (past
    due, read-only), at once, and the studio is writable again as soon as Stripe says paid.

    A second click (or tab) with the same card finds the subscription the first one made and
    changes nothing more. A declined card raises the bank's message and nothing is written."""
    _owner_check(studio=studio, by=by)
    _configured_check()
    price = _price(plan=plan, interval=interval)
    _card_token_check(studio=studio, setup_intent=setup_intent, token=token)
    with transaction.atomic():
        # The lock is held across the call to Stripe on purpose: it is what makes a double
        # click subscribe once (localstripe ignores idempotency keys; Stripe's last a day).
        locked = _locked(studio)
        if locked.stripe_subscription_id and locked.subscription_status == Status.PAST_DUE:
            raise StudioError(RETRY_WITH_STRIPE)
        if locked.stripe_subscription_id and locked.subscription_status in RUNNING:
            if locked.price_id == price.pk:
                return _refreshed(studio)
            raise StudioError(ALREADY_SUBSCRIBED.format(plan=locked.plan or "another plan"))
        if not locked.stripe_customer_id:
            raise StudioError(CARD_FORM_EXPIRED)
        if price.plan_id != locked.plan_id:
            _fit_check(plan=price.plan, studio=locked)
        try:
            if locked.stripe_subscription_id:
                _lapsed_check(locked.stripe_subscription_id)
            method = gateway.setup_intent_payment_method(account=None, setup_intent=setup_intent)
            if not method:
                raise StudioError(CARD_NOT_SAVED)
            subscription = gateway.billing_subscription_create(
                customer=locked.stripe_customer_id,
                price=price.stripe_price_id,
                payment_method=method,
                trial_end=_trial_end(locked, timezone.now()),
                metadata={"studio_id": str(locked.pk), "studio_schema": locked.schema_name},
                idempotency_key=f"subscribe:{locked.pk}:{setup_intent}",
            )
        except gateway.GatewayError as exc:
            raise StudioError(exc.message) from exc
        _apply(studio=locked, subscription=subscription, by=by)
    return _refreshed(studio)


def _lapsed_check(subscription_id: str) -> None:
    """A read-only studio's old subscription must be over on Stripe before a new one starts:
    one Stripe still retries (unpaid, past due) would bill the studio twice."""
    old = gateway.billing_subscription_retrieve(subscription=subscription_id)
    if old.status not in ENDED_ON_STRIPE:
        raise StudioError(RETRY_WITH_STRIPE)


# --- changing, cancelling, resuming --------------------------------------------------------


def subscription_change(*, studio: Studio, plan: Plan, interval: str, by) -> Studio:
    """Move to another plan or billing period, prorated by Stripe. A plan the studio's data
    does not fit (more rooms in use than it includes, a verified custom domain...) is refused
    with what to change first. During a trial without a card, only the trial's plan changes."""
    _owner_check(studio=studio, by=by)
    with transaction.atomic():
        locked = _locked(studio)
        if not locked.stripe_subscription_id:
            if locked.subscription_status != Status.TRIALING:
                raise StudioError(NOT_SUBSCRIBED)
            if plan is None or not Plan.objects.public().filter(pk=plan.pk).exists():
                raise StudioError(PLAN_NOT_FOR_SALE, field="plan")
            if plan.pk == locked.plan_id:
                raise StudioError(SAME_TRIAL.format(plan=plan.name))
            _fit_check(plan=plan, studio=locked)
            return _trial_plan_set(studio=studio, locked=locked, plan=plan, by=by)
        _configured_check()
        price = _price(plan=plan, interval=interval)
        if price.pk == locked.price_id:
            words = INTERVAL_WORDS.get(interval, interval)
            raise StudioError(SAME_PLAN.format(plan=plan.name, interval=words))
        _fit_check(plan=plan, studio=locked)
        try:
            subscription = gateway.billing_subscription_change_price(
                subscription=locked.stripe_subscription_id, price=price.stripe_price_id
            )
        except gateway.GatewayError as exc:
            raise StudioError(exc.message) from exc
        _apply(studio=locked, subscription=subscription, by=by)
    return _refreshed(studio)


def _fit_check(*, plan: Plan, studio: Studio) -> None:
    problems = plan_fit(plan=plan, studio=studio)
    if problems:
        raise StudioError(DOES_NOT_FIT.format(plan=plan.name, problems=" ".join(problems)))


def _trial_plan_set(*, studio: Studio, locked: Studio, plan: Plan, by) -> Studio:
    from siteconf.tenancy.services.billing import subscription_apply

    subscription_apply(
        studio=locked,
        status=locked.subscription_status,
        plan=plan,
        source=OWNER,
        by_label=getattr(by, "email", ""),
        note="trial plan changed by the owner",
    )
    return _refreshed(studio)


def _cancel_set(*, studio: Studio, cancel: bool, by) -> Studio:
    _owner_check(studio=studio, by=by)
    _configured_check()
    with transaction.atomic():
        locked = _locked(studio)
        if not locked.stripe_subscription_id or locked.subscription_status not in RUNNING:
            raise StudioError(CANNOT_CANCEL if cancel else NOT_SUBSCRIBED)
        if locked.cancel_at_period_end == cancel:
            if not cancel:
                raise StudioError(NOT_CANCELLING)
            return _refreshed(studio)
        try:
            subscription = gateway.billing_subscription_cancel_at_period_end(
                subscription=locked.stripe_subscription_id, cancel=cancel
            )
        except gateway.GatewayError as exc:
            raise StudioError(exc.message) from exc
        _apply(studio=locked, subscription=subscription, by=by)
    return _refreshed(studio)


def subscription_cancel(*, studio: Studio, by) -> Studio:
    """End the subscription when the paid period ends: the studio works until then, and its
    owner may resume before. Cancelling twice changes nothing more."""
    return _cancel_set(studio=studio, cancel=True, by=by)


def subscription_resume(*, studio: Studio, by) -> Studio:
    """Keep a subscription that was set to end at its period's end."""
    return _cancel_set(studio=studio, cancel=False, by=by)


def subscription_portal_url(*, studio: Studio, return_url: str, by) -> str | None:
    """Stripe's Customer Portal (cards, invoices) for the owner; None offline or before the
    studio is a Stripe customer, when the page shows no link."""
    _owner_check(studio=studio, by=by)
    if not gateway.enabled() or not studio.stripe_customer_id:
        return None
    try:
        return gateway.billing_portal_url(customer=studio.stripe_customer_id, return_url=return_url)
    except gateway.GatewayError:
        return None
