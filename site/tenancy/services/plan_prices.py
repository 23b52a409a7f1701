"""A plan's product and prices on the platform's Stripe account.

Stripe prices never change, so a new amount is a new price: the plan's current price per
interval is what new subscriptions get, and studios on an older price stay on it until an
operator moves them (`plan_price_subscribers_move`). Stripe is asked first and a row is written
only once it answered, so a refusal or an outage leaves the database as it was. The product is
kept as soon as Stripe made it: when a price then fails, the next sync reuses it instead of
making a second product.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from siteconf import stripe_gateway as gateway
from siteconf.tenancy.models import Plan, PlanPrice, Studio
from studio.money import minor_units
from studio.services.audit import audit_record
from studio.services.errors import StudioError

NOT_CONFIGURED = (
    "Stripe is not set up on this platform (no STRIPE_SECRET_KEY): plans cannot be sold yet."
)
BAD_YEARLY = (
    "The yearly price of {plan} must be more than 0. Leave it empty to bill {plan} monthly only."
)
BAD_MONTHLY = "The monthly price of {plan} cannot be negative."
PRODUCT_GONE = (
    "Stripe no longer has the product {product} of {plan}. Empty its Stripe product id on the "
    "plan and sync again to make a new one."
)
NO_CURRENT_PRICE = (
    "{plan} has no current {interval} price on Stripe yet. Sync its prices to Stripe first."
)
MOVE_STOPPED = (
    "Stripe stopped answering after {moved} of {total} studios were moved to the current price "
    "({reason}). Moving again moves the rest."
)


class PlanPriceError(StudioError):
    """A plan's prices could not be made or applied on Stripe; nothing was half-written."""


def _wanted(plan: Plan) -> dict[str, Decimal]:
    """The amount each interval should sell at, checked before anything reaches Stripe."""
    if plan.monthly_price is None or plan.monthly_price < 0:
        raise PlanPriceError(BAD_MONTHLY.format(plan=plan.name), field="monthly_price")
    wanted = {PlanPrice.Interval.MONTH: plan.monthly_price}
    if plan.yearly_price is not None:
        if plan.yearly_price <= 0:
            raise PlanPriceError(BAD_YEARLY.format(plan=plan.name), field="yearly_price")
        wanted[PlanPrice.Interval.YEAR] = plan.yearly_price
    return wanted


def _current(plan: Plan, interval: str) -> PlanPrice | None:
    return PlanPrice.objects.filter(plan=plan, interval=interval, is_current=True).first()


def _up_to_date(price: PlanPrice | None, amount: Decimal, currency: str) -> bool:
    return price is not None and price.amount == amount and price.currency == currency


def _refusal(exc: gateway.GatewayError, plan: Plan) -> PlanPriceError:
    if exc.code == "not_configured":
        return PlanPriceError(NOT_CONFIGURED)
    if exc.code == "resource_missing" and plan.stripe_product_id:
        return PlanPriceError(
            PRODUCT_GONE.format(product=plan.stripe_product_id, plan=plan.name),
            field="stripe_product_id",
        )
    return PlanPriceError(exc.message)


def _product_ensure(plan: Plan, *, by) -> str:
    """The plan's product on Stripe, made when it has none, else renamed to the plan's name.
    Its id is saved at once (committed with the caller's transaction, if any)."""
    metadata = {"plan": plan.slug}
    try:
        product = gateway.billing_product_upsert(
            product=plan.stripe_product_id or None, name=plan.name, metadata=metadata
        )
    except gateway.GatewayError as exc:
        raise _refusal(exc, plan) from exc
    if product != plan.stripe_product_id:
        before = plan.stripe_product_id
        Plan.objects.filter(pk=plan.pk).update(stripe_product_id=product)
        plan.stripe_product_id = product
        audit_record(
            action="plan.stripe_product_created",
            obj=plan,
            by=by,
            changes={"stripe_product_id": [before, product]},
        )
    return product


def plan_stripe_sync(*, plan: Plan, by=None) -> list[PlanPrice]:
    """Make the plan's product and, per interval, a new price when the plan's amount or
    currency is not the current price's. Returns the plan's current prices. Nobody moves:
    subscribed studios stay on the price they have."""
    wanted = _wanted(plan)
    if not gateway.enabled():
        raise PlanPriceError(NOT_CONFIGURED)
    product = _product_ensure(plan, by=by)
    for interval, amount in wanted.items():
        _price_ensure(plan, product=product, interval=interval, amount=amount, by=by)
    _retire_dropped(plan, keep=set(wanted), by=by)
    return list(PlanPrice.objects.filter(plan=plan, is_current=True).order_by("interval"))


@transaction.atomic
def _price_ensure(plan: Plan, *, product: str, interval: str, amount: Decimal, by) -> None:
    # The plan row's lock makes two syncs at once (an operator, a subscribe page) one price.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    current = _current(plan, interval)
    if _up_to_date(current, amount, plan.currency):
        return
    try:
        price_id = gateway.billing_price_create(
            product=product,
            amount=minor_units(amount, plan.currency),
            currency=plan.currency,
            interval=interval,
            metadata={"plan": plan.slug, "interval": interval},
            # A retry after Stripe answered but before the row was saved gets the same price.
            idempotency_key=(
                f"plan-price:{plan.pk}:{interval}:{amount}:{plan.currency}:"
                f"{current.pk if current else 0}"
            ),
        )
    except gateway.GatewayError as exc:
        raise _refusal(exc, plan) from exc
    if current is not None:
        PlanPrice.objects.filter(pk=current.pk).update(is_current=False)
    price = PlanPrice.objects.create(
        plan=plan,
        interval=interval,
        amount=amount,
        currency=plan.currency,
        stripe_price_id=price_id,
        is_current=True,
    )
    audit_record(
        action="plan.price_created",
        obj=price,
        by=by,
        changes={
            "amount": [str(current.amount) if current else None, str(amount)],
            "currency": [current.currency if current else None, plan.currency],
            "stripe_price_id": [current.stripe_price_id if current else None, price_id],
        },
    )


def _retire_dropped(plan: Plan, *, keep: set[str], by) -> None:
    """A yearly price emptied on the plan: new studios cannot pick it, those on it stay."""
    for price in PlanPrice.objects.filter(plan=plan, is_current=True).exclude(interval__in=keep):
        PlanPrice.objects.filter(pk=price.pk).update(is_current=False)
        audit_record(
            action="plan.price_retired", obj=price, by=by, changes={"is_current": [True, False]}
        )


def plan_price_movers(*, plan: Plan, interval: str):
    """Studios subscribed to an older price of the plan for `interval` (the ones a move would
    move)."""
    return (
        Studio.objects.studios()
        .filter(price__plan=plan, price__interval=interval, price__is_current=False)
        .exclude(stripe_subscription_id__isnull=True)
        .exclude(stripe_subscription_id="")
        .order_by("pk")
    )


def plan_price_subscribers_move(*, plan: Plan, interval: str, by=None) -> int:
    """Move the studios on an older price of the plan to its current one; returns how many.

    Without proration: the new amount is charged from each studio's next renewal, so an
    operator's price change never bills anyone mid-period. Each studio is moved on Stripe,
    then recorded through the lifecycle service (its history and the platform's trail), one
    at a time: if Stripe stops answering, those moved stay moved and a second run moves the
    rest."""
    from siteconf.tenancy.models import SubscriptionChange
    from siteconf.tenancy.services.billing import stripe_subscription_apply

    current = _current(plan, interval)
    if current is None:
        label = PlanPrice.Interval(interval).label.lower()
        raise PlanPriceError(NO_CURRENT_PRICE.format(plan=plan.name, interval=label))
    studios = list(plan_price_movers(plan=plan, interval=interval).select_related("price"))
    moved = 0
    for studio in studios:
        previous = studio.price
        try:
            subscription = gateway.billing_subscription_change_price(
                subscription=studio.stripe_subscription_id,
                price=current.stripe_price_id,
                prorate=False,
            )
        except gateway.GatewayError as exc:
            reason = _refusal(exc, plan).message
            raise PlanPriceError(
                MOVE_STOPPED.format(moved=moved, total=len(studios), reason=reason)
            ) from exc
        with transaction.atomic():
            stripe_subscription_apply(
                studio=studio,
                subscription=subscription,
                source=SubscriptionChange.Source.OPERATOR,
                by_label=str(by or ""),
            )
            audit_record(
                action="studio.price_moved",
                obj=studio,
                by=by,
                changes={"price": [str(previous), str(current)]},
            )
        moved += 1
    return moved


def plan_prices_missing(plan: Plan) -> bool:
    """True when some interval of the plan has no current price at the plan's amount."""
    try:
        wanted = _wanted(plan)
    except PlanPriceError:
        return False  # an invalid plan is reported when an operator syncs it
    current = {p.interval: p for p in PlanPrice.objects.filter(plan=plan, is_current=True)}
    return any(
        not _up_to_date(current.get(interval), amount, plan.currency)
        for interval, amount in wanted.items()
    )


def plan_prices_ensure() -> int:
    """Give every public plan its Stripe prices where one is missing or out of date; returns
    how many prices were made. Safe to call again (the demo's seeding, the subscribe page):
    a plan already in step costs one query and no call to Stripe. Without Stripe configured
    there is nothing to make."""
    if not gateway.enabled():
        return 0
    made = 0
    for plan in Plan.objects.public():
        if not plan_prices_missing(plan):
            continue
        before = set(PlanPrice.objects.filter(plan=plan).values_list("pk", flat=True))
        plan_stripe_sync(plan=plan)
        made += PlanPrice.objects.filter(plan=plan).exclude(pk__in=before).count()
    return made
