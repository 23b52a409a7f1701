"""The billing lifecycle driven through 400 simulated days for 1,000 studios.

Each studio gets a seeded script of what happens to it on Stripe: it signs up on a trial, may
add a card during the trial or subscribe after it lapsed, renews every month (most payments
go through, some fail and are retried, some never recover), may change plan or cancel at the
end of a period. Each step is a Stripe event in Stripe's shape, stored and applied by the same
code as the webhook's task (`stripe_event_store`, `billing_event_apply`); a few are delivered
twice with the same id (replays) and a few again after the studio's next event, with a new id
and their old time (late, out of order: they must not undo the newer state). The daily check
runs once per simulated day. No sleeps: time is the daily check's `now` and each event's
`created`.

Beside the platform, `expected_state` reads the same script with the rules written out plainly
(trial, grace, read-only, paid means active) and says where each studio should be. After every
simulated day, the studios whose stored state is not that are noted; `billing_state_mismatches`
is how many were ever wrong: it must be 0.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from unittest import mock

import django_q.tasks
from django.db import connection
from django.db.models import Count
from django.test import override_settings

from siteconf import webhooks
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

STUDIOS = 1000
DAYS = 400
PREFIX = "bench-bill"
SEED = 20261201
DAILY_HOUR = 6
START = datetime(2025, 1, 1, DAILY_HOUR, tzinfo=UTC)
Status = SubscriptionStatus


@dataclass
class Step:
    at: datetime
    type: str
    obj: dict
    replay: bool = False  # delivered twice with the same id
    late: bool = False  # delivered again later with a new id and its old time
    late_at: datetime | None = None  # when: after the studio's next event


@dataclass
class Script:
    index: int
    customer: str
    plan: str
    trial_end: datetime
    signup: datetime
    steps: list[Step] = field(default_factory=list)


def _ts(value: datetime) -> int:
    return int(value.timestamp())


def _subscription(script: Script, status: str, *, price: str, end: datetime, **extra) -> dict:
    return {
        "id": f"sub_{PREFIX}_{script.index}",
        "object": "subscription",
        "customer": script.customer,
        "status": status,
        "cancel_at_period_end": extra.get("cancel", False),
        "created": _ts(script.signup),
        "trial_end": _ts(script.trial_end) if status == "trialing" else None,
        "metadata": {},
        "items": {
            "object": "list",
            "data": [
                {
                    "object": "subscription_item",
                    "current_period_end": _ts(end),
                    "price": {"id": price, "object": "price", "recurring": {"interval": "month"}},
                }
            ],
        },
    }


def _invoice(script: Script, paid: bool, *, end: datetime, attempt: int = 1) -> dict:
    return {
        "id": f"in_{secrets.token_hex(8)}",
        "object": "invoice",
        "customer": script.customer,
        "subscription": f"sub_{PREFIX}_{script.index}",
        "status": "paid" if paid else "open",
        "attempt_count": attempt,
        "lines": {"data": [{"period": {"start": _ts(end - timedelta(days=30)), "end": _ts(end)}}]},
    }


def script_for(
    index: int, rng: random.Random, price_of: dict[str, str], *, days: int = DAYS
) -> Script:
    """What happens to studio `index` on Stripe over the simulated days."""
    plan = rng.choice(["starter", "pro", "pro", "enterprise"])
    signup = START + timedelta(days=rng.randint(0, 120), hours=rng.randint(1, 16))
    script = Script(
        index=index,
        customer=f"cus_{PREFIX}_{index}",
        plan=plan,
        trial_end=signup + timedelta(days=14),
        signup=signup,
    )
    end_of_time = START + timedelta(days=days)
    steps = script.steps
    price = price_of[plan]

    def add(at: datetime, kind: str, obj: dict) -> None:
        if at < end_of_time:
            steps.append(Step(at, kind, obj, replay=rng.random() < 0.05, late=rng.random() < 0.05))

    if rng.random() < 0.7:
        # A card during the trial: Stripe charges it when the trial ends.
        card_at = signup + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
        add(
            card_at,
            "customer.subscription.created",
            _subscription(script, "trialing", price=price, end=script.trial_end),
        )
        period_start = script.trial_end + timedelta(minutes=5)
    elif rng.random() < 0.35:
        # No card: the trial lapses; the owner subscribes some days (or weeks) later.
        period_start = script.trial_end + timedelta(days=rng.randint(1, 40), hours=3)
        add(
            period_start,
            "customer.subscription.created",
            _subscription(script, "active", price=price, end=period_start + timedelta(30)),
        )
        add(
            period_start + timedelta(seconds=2),
            "invoice.paid",
            _invoice(script, True, end=period_start + timedelta(days=30)),
        )
        period_start += timedelta(days=30)
    else:
        return script  # never pays: past due, then read-only for good

    cancel_month = rng.randint(2, 14) if rng.random() < 0.12 else None
    change_month = rng.randint(1, 12) if rng.random() < 0.15 else None
    month = 0
    renewal = period_start
    while renewal < end_of_time:
        month += 1
        end = renewal + timedelta(days=30)
        if cancel_month == month:
            add(
                renewal - timedelta(days=10),
                "customer.subscription.updated",
                _subscription(script, "active", price=price, end=renewal, cancel=True),
            )
            add(
                renewal,
                "customer.subscription.deleted",
                _subscription(script, "canceled", price=price, end=renewal),
            )
            break
        if rng.random() < 0.9:
            add(renewal, "invoice.paid", _invoice(script, True, end=end))
        else:
            add(renewal, "invoice.payment_failed", _invoice(script, False, end=end))
            recovered = False
            for attempt, days in ((2, 3), (3, 5), (4, 9)):
                at = renewal + timedelta(days=days, hours=1)
                if rng.random() < 0.45:
                    add(at, "invoice.paid", _invoice(script, True, end=end, attempt=attempt))
                    recovered = True
                    break
                add(at, "invoice.payment_failed", _invoice(script, False, end=end, attempt=attempt))
            if not recovered:
                if rng.random() < 0.4:  # pays weeks later, out of the blue
                    add(
                        renewal + timedelta(days=rng.randint(12, 40)),
                        "invoice.paid",
                        _invoice(script, True, end=end),
                    )
                else:
                    break
        if change_month == month:
            price = price_of[rng.choice([p for p in price_of if price_of[p] != price])]
            add(
                renewal + timedelta(days=15),
                "customer.subscription.updated",
                _subscription(script, "active", price=price, end=end),
            )
        renewal = end
    steps.sort(key=lambda step: step.at)
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        if step.late:
            # Out of order: the copy comes after the studio's next event, which it must not undo.
            step.late_at = (following.at if following else step.at) + timedelta(hours=1)
    return script


def expected_state(script: Script, *, until: datetime, grace: dict[str, int]) -> str:
    """Where the studio should be at `until`, from its script and the rules alone."""
    state, since, has_card = Status.TRIALING, None, False
    plan = script.plan

    def lapse(now: datetime) -> None:
        nonlocal state, since
        if state == Status.TRIALING and not has_card and now >= script.trial_end:
            state, since = Status.PAST_DUE, script.trial_end
        if state == Status.PAST_DUE and now >= since + timedelta(days=grace[plan]):
            state = Status.READ_ONLY

    for step in script.steps:
        if step.at > until:
            break
        lapse(step.at)
        price = ((step.obj.get("items") or {}).get("data") or [{}])[0].get("price", {}).get("id")
        if price:
            plan = PRICE_PLAN.get(price, plan)
        if step.type == "customer.subscription.deleted":
            state = Status.READ_ONLY
        elif step.type.startswith("customer.subscription."):
            has_card = True
            if step.obj["status"] == "trialing":
                state = Status.TRIALING
            elif step.obj["status"] == "active" and state != Status.ACTIVE:
                state, since = Status.ACTIVE, None
        elif step.type == "invoice.paid":
            state, since = Status.ACTIVE, None
        elif step.type == "invoice.payment_failed" and state != Status.READ_ONLY:
            if state != Status.PAST_DUE:
                state, since = Status.PAST_DUE, step.at
            lapse(step.at)
    # The daily check runs at DAILY_HOUR: time-based moves happen at its last run.
    last_run = until.replace(hour=DAILY_HOUR, minute=0, second=0, microsecond=0)
    if last_run > until:
        last_run -= timedelta(days=1)
    lapse(last_run)
    return state


PRICE_PLAN: dict[str, str] = {}


def _event(step: Step, *, late: bool = False) -> dict:
    return {
        "id": "evt_" + secrets.token_hex(12),
        "object": "event",
        "type": step.type,
        "created": _ts(step.at),
        "data": {"object": step.obj},
        "late": late,
    }


def _deliver(event: dict) -> str:
    pk, created = webhooks.stripe_event_store(event)
    if not created:
        return "duplicate"
    return billing.billing_event_apply(event_pk=pk, obj=event["data"]["object"])


def _setup(scripts: list[Script], plans: dict[str, Plan]) -> dict[str, int]:
    studios = Studio.objects.bulk_create(
        [
            Studio(
                kind=Studio.Kind.STUDIO,
                schema_name=f"bench_bill_{s.index}",
                slug=f"{PREFIX}-{s.index}",
                name=f"Bench billing {s.index}",
                owner_email=f"owner@{PREFIX}-{s.index}.example",
                plan=plans[s.plan],
                subscription_status=Status.TRIALING,
                trial_ends_at=s.trial_end,
                stripe_customer_id=s.customer,
            )
            for s in scripts
        ],
        batch_size=500,
    )
    SubscriptionChange.objects.bulk_create(
        [
            SubscriptionChange(
                studio=studio,
                at=s.signup,
                status=Status.TRIALING,
                plan=plans[s.plan],
                source=SubscriptionChange.Source.SIGNUP,
            )
            for studio, s in zip(studios, scripts, strict=True)
        ],
        batch_size=1000,
    )
    return {s.customer: studio.pk for studio, s in zip(studios, scripts, strict=True)}


def _cleanup() -> None:
    studios = Studio.objects.filter(slug__startswith=f"{PREFIX}-")
    ids = list(studios.values_list("pk", flat=True))
    StripeEvent.objects.filter(schema_name__startswith="bench_bill_").delete()
    PlatformAuditEntry.objects.filter(model="studio", object_id__in=[str(i) for i in ids]).delete()
    BillingNotice.objects.filter(studio_id__in=ids).delete()
    SubscriptionChange.objects.filter(studio_id__in=ids).delete()
    studios.delete()
    PlanPrice.objects.filter(stripe_price_id__startswith=f"price_{PREFIX}_").delete()


def bench_billing_lifecycle(
    *, progress: Callable[[str], None], studios: int = STUDIOS, days: int = DAYS
) -> dict:
    connection.set_schema_to_public()
    _cleanup()
    rng = random.Random(SEED)
    plans = {
        plan.slug: plan for plan in Plan.objects.filter(slug__in=["starter", "pro", "enterprise"])
    }
    price_of = {}
    for slug, plan in plans.items():
        price = PlanPrice.objects.create(
            plan=plan,
            interval="month",
            amount=plan.monthly_price,
            currency=plan.currency,
            stripe_price_id=f"price_{PREFIX}_{slug}",
            is_current=False,
        )
        price_of[slug] = price.stripe_price_id
        PRICE_PLAN[price.stripe_price_id] = slug
    grace = {slug: plan.grace_days for slug, plan in plans.items()}
    scripts = [script_for(i, rng, price_of, days=days) for i in range(studios)]
    studio_of = _setup(scripts, plans)
    steps = sorted(
        ((step.at, n, script, step) for script in scripts for n, step in enumerate(script.steps)),
        key=lambda item: (item[0], item[1]),
    )
    late_queue: list[tuple[datetime, dict]] = []
    outcomes: dict[str, int] = {}
    wrong: set[int] = set()
    delivered = 0
    started = time.perf_counter()
    try:
        # Offline: the event's object is what is applied (no Stripe to ask again), and the
        # notices are counted, not queued to the mail worker.
        with (
            override_settings(STRIPE_API_BASE="http://stripe.offline.invalid"),
            mock.patch.object(django_q.tasks, "async_task", lambda *a, **k: None),
        ):
            cursor = 0
            for day in range(1, days + 1):
                now = START + timedelta(days=day)
                while cursor < len(steps) and steps[cursor][0] <= now:
                    step = steps[cursor][3]
                    event = _event(step)
                    for _ in range(2 if step.replay else 1):
                        outcome = _deliver(event)
                        outcomes[outcome.split(":")[0]] = outcomes.get(outcome.split(":")[0], 0) + 1
                        delivered += 1
                    if step.late:
                        late_queue.append((step.late_at, _event(step, late=True)))
                    cursor += 1
                for item in [item for item in late_queue if item[0] <= now]:
                    late_queue.remove(item)
                    outcome = _deliver(item[1])
                    outcomes[outcome.split(":")[0]] = outcomes.get(outcome.split(":")[0], 0) + 1
                    delivered += 1
                billing.billing_daily(now=now)
                wrong |= _mismatches(scripts, studio_of, until=now, grace=grace)
                if day % 100 == 0 or day == days:
                    progress(
                        f"  day {day}: {delivered} deliveries, "
                        f"{time.perf_counter() - started:.0f} s, "
                        f"studios mismatched so far {len(wrong)}"
                    )
        seconds = time.perf_counter() - started
        final = dict(
            Studio.objects.filter(slug__startswith=f"{PREFIX}-")
            .values_list("subscription_status")
            .annotate(n=Count("pk"))
        )
        progress(f"  outcomes: {outcomes}; final states: {final}")
        return {
            "billing_lifecycle_days_simulated": days,
            "billing_lifecycle_studios": studios,
            "billing_lifecycle_events": delivered,
            "billing_lifecycle_seconds": round(seconds, 1),
            "billing_state_mismatches": len(wrong),
            "billing_stale_events_refused": outcomes.get(billing.STALE.split(":")[0], 0),
            "billing_replays_ignored": outcomes.get("duplicate", 0),
        }
    finally:
        _cleanup()


def _mismatches(scripts, studio_of, *, until: datetime, grace: dict[str, int]) -> set[int]:
    """The studios whose stored state is not what their script implies at `until`."""
    stored = dict(
        Studio.objects.filter(pk__in=studio_of.values()).values_list("pk", "subscription_status")
    )
    return {
        script.index
        for script in scripts
        if stored[studio_of[script.customer]] != expected_state(script, until=until, grace=grace)
    }
