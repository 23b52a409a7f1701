"""A studio's subscription to the platform: the one place its state changes.

Four states (`SubscriptionStatus`): on a free trial, active, payment overdue (`past_due`) and
read-only. Every path that moves a studio between them calls `subscription_apply`: the Stripe
webhook (through `billing_event_apply`), the daily check (`billing_daily`), the owner paying or
changing plan on Settings → Subscription, and an operator in the platform admin. It locks the
studio's row, writes the new state, a `SubscriptionChange` when what the studio pays or its
state changed (the platform dashboard reads only those), a platform audit entry, and the
billing e-mail the change calls for, each once (`BillingNotice`).

The rules:
- A trial ends at `trial_ends_at`. E-mails go 3 days and 1 day before. A trial that ends with
  no subscription behind it (no card) becomes past due from its end.
- Past due starts a grace period of the plan's `grace_days`. Dunning e-mails go on day 3 and on
  the day before the grace ends; when it ends the studio becomes read-only. Nothing is deleted.
- A payment that succeeds (or an operator) makes the studio active again at once, whatever the
  state before.
- A subscription cancelled at the end of its period is active until Stripe ends it; then the
  studio is read-only (it can subscribe again from the same page).

Stripe's events come at least once and in any order. Each is applied once (the webhook path
stores the id first); with real keys the subscription is fetched again from Stripe, so the
newest state always wins. Offline the event's own object is all there is, so an event older
than the newest state applied (`billing_synced_at`) is recorded as stale and not applied.
An event about another subscription than the studio's current one changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import django_q.tasks
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from siteconf import stripe_gateway as gateway
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

Status = SubscriptionStatus
Source = SubscriptionChange.Source
Kind = BillingNotice.Kind

# Our state for each of Stripe's subscription statuses.
STRIPE_STATUS = {
    "trialing": Status.TRIALING,
    "active": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "incomplete": Status.PAST_DUE,
    "unpaid": Status.READ_ONLY,
    "canceled": Status.READ_ONLY,
    "incomplete_expired": Status.READ_ONLY,
    "paused": Status.READ_ONLY,
}
# What the studio pays counts in MRR while it is active, and in its grace period once it has
# paid before (see `_history`).
PAYING = (Status.ACTIVE, Status.PAST_DUE)
TRIAL_REMINDERS = ((1, Kind.TRIAL_1_DAY), (3, Kind.TRIAL_3_DAYS))
FIRST_DUNNING_DAY = 3

SUBSCRIPTION_EVENTS = (
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "customer.subscription.paused",
    "customer.subscription.resumed",
)
INVOICE_EVENTS = ("invoice.paid", "invoice.payment_failed", "invoice.payment_succeeded")
EVENTS = (*SUBSCRIPTION_EVENTS, *INVOICE_EVENTS)

ALREADY = "already processed"
NO_STUDIO = "no studio has this Stripe customer"
STALE = "stale: a newer state of this subscription was already applied"
OTHER_SUBSCRIPTION = "not the studio's current subscription: nothing changed"


class _Unset:
    pass


UNSET = _Unset()


@dataclass(frozen=True)
class Applied:
    studio: Studio
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _mrr(status: str, plan: Plan | None, price: PlanPrice | None) -> tuple[Decimal, str, str]:
    """(MRR, currency, interval) a studio in `status` on `plan`/`price` brings."""
    currency = price.currency if price else (plan.currency if plan else "EUR")
    if status not in PAYING or plan is None:
        return Decimal("0"), currency, price.interval if price else ""
    if price is not None:
        return price.monthly_amount, currency, price.interval
    # Set active by an operator without a Stripe price: the plan's monthly price.
    return plan.monthly_price, currency, PlanPrice.Interval.MONTH


def grace_ends_at(studio: Studio) -> datetime | None:
    """When a past-due studio becomes read-only."""
    if studio.past_due_since is None:
        return None
    days = studio.plan.grace_days if studio.plan else Plan._meta.get_field("grace_days").default
    return studio.past_due_since + timedelta(days=days)


@transaction.atomic
def subscription_apply(
    *,
    studio: Studio,
    status: str,
    source: str,
    at: datetime | None = None,
    price: PlanPrice | _Unset | None = UNSET,
    plan: Plan | _Unset | None = UNSET,
    period_end: datetime | _Unset | None = UNSET,
    trial_ends_at: datetime | _Unset | None = UNSET,
    cancel_at_period_end: bool | None = None,
    subscription_id: str | _Unset | None = UNSET,
    card_label: str | None = None,
    synced_at: datetime | None = None,
    event_id: str = "",
    by_label: str = "",
    by=None,
    note: str = "",
    notice: str = "",
) -> Applied:
    """Move `studio` to `status` (and the rest that is given) as of `at`. `notice` names the
    e-mail the move calls for when it is a move into past due (payment failed or trial
    ended); the others follow from the move itself."""
    at = at or timezone.now()
    locked = (
        Studio.objects.select_for_update(of=("self",))
        .select_related("plan", "price")
        .get(pk=studio.pk)
    )
    before = {
        "subscription_status": locked.subscription_status,
        "plan": str(locked.plan or ""),
        "price": str(locked.price or ""),
        "current_period_end": locked.current_period_end,
        "cancel_at_period_end": locked.cancel_at_period_end,
        "trial_ends_at": locked.trial_ends_at,
    }
    previous = locked.subscription_status
    if not isinstance(price, _Unset):
        locked.price = price
        if price is not None:
            locked.plan = price.plan
    if not isinstance(plan, _Unset) and plan is not None:
        locked.plan = plan
        if locked.price is not None and locked.price.plan_id != plan.pk:
            locked.price = None
    if not isinstance(period_end, _Unset):
        locked.current_period_end = period_end
    if not isinstance(trial_ends_at, _Unset):
        locked.trial_ends_at = trial_ends_at
    if cancel_at_period_end is not None:
        locked.cancel_at_period_end = cancel_at_period_end
    if not isinstance(subscription_id, _Unset):
        locked.stripe_subscription_id = subscription_id or None
    if card_label is not None:
        locked.card_label = card_label
    if synced_at is not None and (
        locked.billing_synced_at is None or synced_at > locked.billing_synced_at
    ):
        locked.billing_synced_at = synced_at

    locked.subscription_status = status
    if status == Status.PAST_DUE:
        if previous != Status.PAST_DUE or locked.past_due_since is None:
            locked.past_due_since = at
        locked.read_only_since = None
    elif status == Status.READ_ONLY:
        if previous != Status.READ_ONLY or locked.read_only_since is None:
            locked.read_only_since = at
    else:
        locked.past_due_since = None
        locked.read_only_since = None
    locked.save()

    _history(locked, at=at, source=source, event_id=event_id, note=note)
    after = {
        "subscription_status": locked.subscription_status,
        "plan": str(locked.plan or ""),
        "price": str(locked.price or ""),
        "current_period_end": locked.current_period_end,
        "cancel_at_period_end": locked.cancel_at_period_end,
        "trial_ends_at": locked.trial_ends_at,
    }
    changes = {
        name: [_plain(before[name]), _plain(value)]
        for name, value in after.items()
        if before[name] != value
    }
    if changes:
        if by_label:
            changes["by"] = [None, by_label]
        changes["source"] = [None, source]
        PlatformAuditEntry.objects.create(
            action="studio.subscription",
            model="studio",
            object_id=str(locked.pk),
            object_repr=str(locked)[:200],
            user=by if getattr(by, "pk", None) and _public() else None,
            changes=changes,
        )
    _notices_for_move(locked, previous=previous, at=at, notice=notice)
    if studio is not locked:
        studio.refresh_from_db()
    return Applied(studio=locked, before=previous, after=locked.subscription_status)


def _public() -> bool:
    return connection.schema_name == get_public_schema_name()


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _history(studio: Studio, *, at: datetime, source: str, event_id: str, note: str) -> None:
    """A history row when what the studio pays, or its state, is not what the last row says."""
    mrr, currency, interval = _mrr(studio.subscription_status, studio.plan, studio.price)
    last = (
        SubscriptionChange.objects.filter(studio=studio)
        .order_by("-at", "-pk")
        .values("status", "plan_id", "mrr", "interval", "at")
        .first()
    )
    if studio.subscription_status == Status.PAST_DUE and not (last and last["mrr"] > 0):
        # Overdue before it ever paid (its trial ended, with a card that failed or without
        # one): there is no revenue to be at risk, so none is counted.
        mrr, interval = Decimal("0"), ""
    row = {
        "status": studio.subscription_status,
        "plan_id": studio.plan_id,
        "mrr": mrr,
        "interval": interval,
    }
    if last and all(last[key] == value for key, value in row.items()):
        return
    if last and at < last["at"]:
        # History is a timeline: a move is never dated before the state it follows.
        at = last["at"]
    SubscriptionChange.objects.create(
        studio=studio,
        at=at,
        currency=currency,
        source=source,
        event_id=event_id[:120],
        note=note[:200],
        **row,
    )


def trial_start(*, studio: Studio, at: datetime | None = None) -> None:
    """The first history row of a studio signed up on a plan (its trial)."""
    _history(
        studio,
        at=at or studio.created_at or timezone.now(),
        source=Source.SIGNUP,
        event_id="",
        note="",
    )


# --- notices -------------------------------------------------------------------------------


def _notices_for_move(studio: Studio, *, previous: str, at: datetime, notice: str) -> None:
    status = studio.subscription_status
    if status == previous:
        return
    if status == Status.PAST_DUE:
        kind = notice or Kind.PAYMENT_FAILED
        notice_send(studio=studio, kind=kind, key=f"{studio.past_due_since:%Y-%m-%d}", at=at)
    elif status == Status.READ_ONLY:
        notice_send(
            studio=studio, kind=Kind.READ_ONLY, key=f"{studio.read_only_since:%Y-%m-%d}", at=at
        )
    elif previous in (Status.PAST_DUE, Status.READ_ONLY) and status == Status.ACTIVE:
        notice_send(studio=studio, kind=Kind.REACTIVATED, key=f"{at:%Y-%m-%dT%H:%M}", at=at)


def notice_send(*, studio: Studio, kind: str, key: str, at: datetime | None = None) -> bool:
    """Record the notice and queue its e-mail, once per (studio, kind, key): a second call,
    from a second daily run or a webhook beside it, finds the row and sends nothing."""
    table = BillingNotice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} (studio_id, kind, key, "to", created_at) '
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (studio_id, kind, key) DO NOTHING "
            "RETURNING id",
            [studio.pk, kind, key[:60], studio.owner_email or "", at or timezone.now()],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    if studio.owner_email:
        pk = row[0]
        transaction.on_commit(
            lambda: django_q.tasks.async_task(NOTICE_TASK, pk, task_name=f"billing-notice@{pk}")
        )
    return True


NOTICE_TASK = "siteconf.tenancy.services.billing.billing_notice_deliver_task"


def _day(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%-d %B %Y}" if value else ""


def notice_text(notice: BillingNotice) -> tuple[str, str]:
    """(subject, body) of a billing e-mail, from the studio as it is when it is sent."""
    studio = notice.studio
    page = studio.url_for("/admin/subscription/")
    plan = studio.plan.name if studio.plan else "your plan"
    grace = grace_ends_at(studio)
    kind = notice.kind
    if kind in (Kind.TRIAL_3_DAYS, Kind.TRIAL_1_DAY):
        when = "tomorrow" if kind == Kind.TRIAL_1_DAY else "in 3 days"
        if studio.stripe_subscription_id:
            subject = f"Your {studio.name} trial ends {when}"
            body = (
                f"Your free trial of {plan} ends on {_day(studio.trial_ends_at)}. Your card "
                f"{studio.card_label or 'on file'} will be charged then and nothing else changes."
                f"\n\nYour subscription: {page}\n"
            )
        else:
            subject = f"Your {studio.name} trial ends {when}: add a card to keep working"
            body = (
                f"Your free trial of {plan} ends on {_day(studio.trial_ends_at)}. Subscribe "
                "with a card before then and nothing changes; without one, the studio's payment "
                "becomes overdue and, after the grace period, the studio turns read-only (its "
                f"data is kept).\n\nSubscribe: {page}\n"
            )
    elif kind == Kind.TRIAL_ENDED:
        subject = f"Your {studio.name} trial has ended"
        body = (
            f"Your free trial of {plan} ended on {_day(studio.trial_ends_at)} without a card. "
            f"Everything keeps working until {_day(grace)}; then the studio turns read-only "
            f"until you subscribe. Nothing is deleted.\n\nSubscribe: {page}\n"
        )
    elif kind == Kind.PAYMENT_FAILED:
        subject = f"Payment for {studio.name} failed"
        body = (
            f"We could not take the payment for {plan}. Please check your card: everything "
            f"keeps working until {_day(grace)}, then the studio turns read-only until it is "
            f"paid. Nothing is deleted.\n\nUpdate your card: {page}\n"
        )
    elif kind == Kind.DUNNING:
        subject = f"{studio.name}: payment still overdue"
        body = (
            f"The payment for {plan} is still overdue. On {_day(grace)} the studio turns "
            f"read-only: you will still see and export everything, but nothing can change "
            f"until it is paid.\n\nPay now: {page}\n"
        )
    elif kind == Kind.READ_ONLY:
        subject = f"{studio.name} is read-only"
        body = (
            f"The payment for {plan} is overdue and the grace period is over, so {studio.name} "
            "is read-only: your team can sign in, see and export everything, and clients can "
            "still pay their invoices, but nothing can change. Nothing is deleted.\n\n"
            f"Subscribe and it is writable again at once: {page}\n"
        )
    else:
        subject = f"{studio.name} is active again"
        body = f"Thank you: the payment went through and {studio.name} works as before.\n"
    return subject, f"Hello,\n\n{body}\nRecording Studio Manager\n"


def billing_notice_deliver_task(notice_pk: int) -> str:
    with schema_context(get_public_schema_name()):
        notice = BillingNotice.objects.select_related("studio__plan").get(pk=notice_pk)
        subject, body = notice_text(notice)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[notice.to])
        return f"{notice.kind} to {notice.to}"


# --- the daily check -----------------------------------------------------------------------


def billing_daily(*, now: datetime | None = None) -> dict[str, int]:
    """Trial reminders, trials that ended without a card, dunning, and grace periods that are
    over. Runs in the public schema; each studio is its own transaction, so one refusal never
    holds up the others. Running it twice the same day does nothing more."""
    now = _now(now)
    report = {"trial_reminders": 0, "trials_ended": 0, "dunning": 0, "read_only": 0}
    studios = Studio.objects.studios().select_related("plan", "price")
    trialing = studios.filter(
        subscription_status=Status.TRIALING,
        trial_ends_at__isnull=False,
        trial_ends_at__lte=now + timedelta(days=max(days for days, _ in TRIAL_REMINDERS)),
    )
    for studio in trialing:
        if studio.trial_ends_at <= now:
            if studio.stripe_subscription_id:
                continue  # Stripe charges the card at the trial's end and says so by webhook.
            subscription_apply(
                studio=studio,
                status=Status.PAST_DUE,
                source=Source.DAILY,
                at=studio.trial_ends_at,
                notice=Kind.TRIAL_ENDED,
                note="trial ended without a card",
            )
            report["trials_ended"] += 1
            continue
        left = studio.trial_ends_at - now
        for days, kind in TRIAL_REMINDERS:
            if left <= timedelta(days=days):
                key = f"{studio.trial_ends_at:%Y-%m-%d}"
                report["trial_reminders"] += notice_send(studio=studio, kind=kind, key=key, at=now)
                break
    for studio in studios.filter(subscription_status=Status.PAST_DUE):
        if studio.past_due_since is None:
            studio.past_due_since = now  # set by hand without a date: the grace starts now
            Studio.objects.filter(pk=studio.pk).update(past_due_since=now)
        ends = grace_ends_at(studio)
        if now >= ends:
            subscription_apply(
                studio=studio,
                status=Status.READ_ONLY,
                source=Source.DAILY,
                at=ends,
                note="grace period over",
            )
            report["read_only"] += 1
            continue
        for step, day in enumerate(_dunning_days(studio), start=1):
            if now >= studio.past_due_since + timedelta(days=day):
                key = f"{studio.past_due_since:%Y-%m-%d}:{step}"
                report["dunning"] += notice_send(studio=studio, kind=Kind.DUNNING, key=key, at=now)
    return report


def _dunning_days(studio: Studio) -> list[int]:
    """The days after payment became overdue that a reminder goes: day 3 and the last day of
    the grace period (one of them when the grace is short)."""
    grace = studio.plan.grace_days if studio.plan else 7
    days = sorted({day for day in (FIRST_DUNNING_DAY, grace - 1) if 0 < day < grace})
    return days


def billing_daily_task() -> str:
    with schema_context(get_public_schema_name()):
        report = billing_daily()
        from siteconf.tenancy.services.custom_domains import custom_domains_recheck

        report.update({f"domains_{k}": v for k, v in custom_domains_recheck().items()})
    return ", ".join(f"{key}: {value}" for key, value in report.items())


# --- Stripe --------------------------------------------------------------------------------


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def stripe_subscription_apply(
    *,
    studio: Studio,
    subscription,
    source: str,
    event_id: str = "",
    event_created: datetime | None = None,
    by_label: str = "",
    at: datetime | None = None,
) -> Applied:
    """Apply what Stripe says of the studio's subscription (a `gateway.Subscription`).

    A past-due subscription whose grace period is already over stays read-only: Stripe retries
    the card for weeks, the platform's grace is the operator's."""
    status = STRIPE_STATUS.get(subscription.status, Status.PAST_DUE)
    at = at or event_created or timezone.now()
    price = (
        PlanPrice.objects.select_related("plan")
        .filter(stripe_price_id=subscription.price_id)
        .first()
    )
    if status == Status.PAST_DUE and studio.subscription_status in (
        Status.PAST_DUE,
        Status.READ_ONLY,
    ):
        ends = grace_ends_at(studio)
        if ends is not None and at >= ends:
            status = Status.READ_ONLY
    changes = {
        "status": status,
        "source": source,
        "at": at,
        "period_end": _ts(subscription.current_period_end),
        "cancel_at_period_end": bool(subscription.cancel_at_period_end),
        "subscription_id": subscription.id,
        "synced_at": event_created,
        "event_id": event_id,
        "by_label": by_label,
    }
    if price is not None:
        changes["price"] = price
    if subscription.card_label:
        changes["card_label"] = subscription.card_label
    if subscription.status == "trialing" and subscription.trial_end:
        changes["trial_ends_at"] = _ts(subscription.trial_end)
    return subscription_apply(studio=studio, **changes)


def billing_studio_for(obj: dict) -> Studio | None:
    """The studio an event's object is about: by its Stripe customer (the platform's)."""
    customer = obj.get("customer")
    if isinstance(customer, dict):
        customer = customer.get("id")
    if not customer and str(obj.get("id", "")).startswith("cus_"):
        customer = obj["id"]
    if not customer:
        return None
    return Studio.objects.studios().filter(stripe_customer_id=customer).first()


def _subscription_id(event_type: str, obj: dict) -> str:
    if event_type.startswith("customer.subscription."):
        return str(obj.get("id") or "")
    subscription = obj.get("subscription")
    if subscription is None:  # newer API versions: under parent.subscription_details
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        subscription = details.get("subscription")
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    return str(subscription or "")


def _stamp(event: StripeEvent, outcome: str) -> str:
    event.processed_at = timezone.now()
    event.outcome = outcome[:200]
    event.save(update_fields=["processed_at", "outcome"])
    return outcome


def billing_event_apply(*, event_pk: int, obj: dict | None = None) -> str:
    """Apply one stored billing event, once (the row is locked, a second worker finds it
    processed). `obj` is the event's object as delivered: offline it is all there is; with
    real keys the subscription is asked of Stripe again and the delivery only says which."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return ALREADY
        obj = obj or {}
        found = billing_studio_for(obj)
        if found is None:
            return _stamp(event, NO_STUDIO)
        # The studio's row is locked before its state is compared: two events for one studio
        # take turns, and the later one sees what the earlier one applied.
        studio = (
            Studio.objects.select_for_update(of=("self",))
            .select_related("plan", "price")
            .get(pk=found.pk)
        )
        subscription_id = _subscription_id(event.type, obj)
        current = studio.stripe_subscription_id
        if subscription_id and current and subscription_id != current:
            return _stamp(event, OTHER_SUBSCRIPTION)
        if event.type == "customer.subscription.trial_will_end":
            trial_end = _ts(obj.get("trial_end")) or studio.trial_ends_at
            key = f"{trial_end:%Y-%m-%d}" if trial_end else event.event_id
            sent = notice_send(studio=studio, kind=Kind.TRIAL_3_DAYS, key=key, at=event.created)
            return _stamp(event, "trial reminder sent" if sent else "trial reminder already sent")
        if not gateway.offline() and subscription_id:
            subscription = gateway.billing_subscription_retrieve(subscription=subscription_id)
            applied = stripe_subscription_apply(
                studio=studio,
                subscription=subscription,
                source=Source.WEBHOOK,
                event_id=event.event_id,
                event_created=event.created,
                at=event.created,
            )
            return _stamp(event, f"applied: {applied.after}")
        if studio.billing_synced_at and event.created < studio.billing_synced_at:
            return _stamp(event, STALE)
        applied = _offline_apply(studio=studio, event=event, obj=obj)
        return _stamp(event, f"applied: {applied.after}")


def _offline_apply(*, studio: Studio, event: StripeEvent, obj: dict) -> Applied:
    common = {"source": Source.WEBHOOK, "event_id": event.event_id, "at": event.created}
    if event.type.startswith("customer.subscription."):
        subscription = gateway.billing_subscription_from_payload(obj)
        return stripe_subscription_apply(
            studio=studio,
            subscription=subscription,
            event_created=event.created,
            **common,
        )
    if event.type == "invoice.payment_failed":
        status = Status.PAST_DUE
        ends = grace_ends_at(studio)
        if studio.subscription_status == Status.READ_ONLY or (ends and event.created >= ends):
            status = Status.READ_ONLY
        return subscription_apply(
            studio=studio,
            status=status,
            synced_at=event.created,
            notice=Kind.PAYMENT_FAILED,
            note=f"payment failed (attempt {obj.get('attempt_count') or 1})",
            **common,
        )
    # invoice.paid / payment_succeeded: active at once, paid until the invoice's period end.
    period_end = _invoice_period_end(obj)
    return subscription_apply(
        studio=studio,
        status=Status.ACTIVE,
        synced_at=event.created,
        period_end=period_end if period_end else UNSET,
        note="invoice paid",
        **common,
    )


def _invoice_period_end(obj: dict) -> datetime | None:
    lines = ((obj.get("lines") or {}).get("data")) or []
    ends = [((line.get("period") or {}).get("end")) for line in lines]
    ends = [end for end in ends if end]
    return _ts(max(ends)) if ends else _ts(obj.get("period_end"))


def billing_event_process_task(event_pk: int, obj: dict | None = None) -> str:
    with schema_context(get_public_schema_name()):
        return billing_event_apply(event_pk=event_pk, obj=obj)


# --- the operator -------------------------------------------------------------------------


def operator_subscription_set(*, studio: Studio, by=None, **changes) -> Applied:
    """An operator's edit of a studio's plan, state or trial end in the platform admin."""
    status = changes.pop("subscription_status", studio.subscription_status)
    kwargs = {}
    if "plan" in changes:
        kwargs["plan"] = changes.pop("plan")
    if "trial_ends_at" in changes:
        kwargs["trial_ends_at"] = changes.pop("trial_ends_at")
    if changes:
        raise ValueError(f"Not a subscription field: {', '.join(sorted(changes))}")
    label = getattr(by, "email", "") or getattr(by, "username", "")
    return subscription_apply(
        studio=studio, status=status, source=Source.OPERATOR, by=by, by_label=label, **kwargs
    )


def studios_due_for_check(now: datetime | None = None):
    """The studios the daily check has something to do for (the dashboard shows the count)."""
    now = _now(now)
    return Studio.objects.studios().filter(
        Q(subscription_status=Status.PAST_DUE)
        | Q(subscription_status=Status.TRIALING, trial_ends_at__lte=now + timedelta(days=3))
    )
