"""The platform dashboard on 1,000 studios with three years of subscription history.

The studios are rows of the public schema only (the dashboard never enters a studio's schema,
so none is created). Their history is generated with a seeded RNG and bulk-inserted, shaped
like a small SaaS: sign-ups growing over time, a 14-day trial most studios convert from, some
yearly subscriptions, upgrades and downgrades on any day of a month, renewals that fail and
are mostly recovered within the grace period, lapsed studios that come back, cancellations.
Then the selector (12 and 36 months) and the platform admin's front page are timed, their
queries counted, and the rows deleted again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from siteconf.bench.stats import p95
from siteconf.tenancy.models import Plan, Studio, SubscriptionChange, SubscriptionStatus
from siteconf.tenancy.selectors.revenue import revenue_overview

PREFIX = "bench-revenue-"
OPERATOR = "bench-operator@platform.example"
Status = SubscriptionStatus
Source = SubscriptionChange.Source
DAY = timedelta(days=1)

# How a month of an active subscription can go (each checked once a month, in this order).
UPGRADE, DOWNGRADE, CANCEL, RENEWAL_FAILS = 0.03, 0.015, 0.02, 0.04
CONVERTS, YEARLY = 0.55, 0.2
# A declined renewal is usually paid within the grace period; a trial without a card rarely is.
RECOVERS_IN_GRACE, TRIAL_PAYS_IN_GRACE, COMES_BACK = 0.7, 0.2, 0.25


class _Timeline:
    """One studio's rows, written as the billing service would write them."""

    def __init__(self, studio: Studio, plans: list[Plan]):
        self.studio, self.plans, self.rows = studio, plans, []
        self.plan, self.yearly, self.status = studio.plan, False, Status.TRIALING

    def mrr(self, status: str) -> Decimal:
        if status not in (Status.ACTIVE, Status.PAST_DUE):
            return Decimal("0")
        if self.yearly and self.plan.yearly_price:
            return (self.plan.yearly_price / 12).quantize(Decimal("0.01"))
        return self.plan.monthly_price

    def move(self, at: datetime, status: str, source: str = Source.WEBHOOK) -> None:
        self.status = status
        self.rows.append(
            SubscriptionChange(
                studio=self.studio,
                at=at,
                status=status,
                plan=self.plan,
                interval=("year" if self.yearly else "month")
                if status in (Status.ACTIVE, Status.PAST_DUE)
                else "",
                mrr=self.mrr(status),
                currency=self.plan.currency,
                source=source,
            )
        )


def _lapse(
    line: _Timeline, rng: random.Random, at: datetime, now: datetime, *, recovers: float
) -> datetime | None:
    """Past due from `at`: paid within the grace period, or read-only and perhaps back later.
    Returns when the studio is active again (None if it is not by `now`)."""
    line.move(at, Status.PAST_DUE)
    grace = timedelta(days=line.plan.grace_days)
    if rng.random() < recovers:
        hours = max(3, int(grace.total_seconds() // 3600))
        paid = at + timedelta(hours=rng.randint(2, hours - 1))
        if paid > now:
            return None
        line.move(paid, Status.ACTIVE)
        return paid
    if at + grace > now:
        return None
    line.move(at + grace, Status.READ_ONLY, Source.DAILY)
    back = at + grace + timedelta(days=rng.randint(3, 90))
    if rng.random() < COMES_BACK and back <= now:
        line.move(back, Status.ACTIVE, Source.OWNER)
        return back
    return None


def _history(line: _Timeline, rng: random.Random, signup: datetime, now: datetime) -> None:
    line.move(signup, Status.TRIALING, Source.SIGNUP)
    trial_end = signup + timedelta(days=line.plan.trial_days)
    if trial_end > now:
        return
    if rng.random() < CONVERTS:
        line.yearly = rng.random() < YEARLY
        line.move(trial_end, Status.ACTIVE)
        renewal = trial_end
    else:
        renewal = _lapse(line, rng, trial_end, now, recovers=TRIAL_PAYS_IN_GRACE)
        if renewal is None:
            return
    while True:
        period = timedelta(days=365 if line.yearly else 30)
        # A plan change or a cancellation happens on any day of the period.
        during = renewal + timedelta(days=rng.randint(1, 29), hours=rng.randint(0, 23))
        renewal += period
        if during > now:
            return
        draw = rng.random()
        index = line.plans.index(line.plan)
        if draw < UPGRADE and index < len(line.plans) - 1:
            line.plan = line.plans[index + 1]
            line.move(during, Status.ACTIVE, Source.OWNER)
        elif draw < UPGRADE + DOWNGRADE and index > 0:
            line.plan = line.plans[index - 1]
            line.move(during, Status.ACTIVE, Source.OWNER)
        if renewal > now:
            return
        draw = rng.random()
        if draw < CANCEL:
            line.move(renewal, Status.READ_ONLY)
            return
        if draw < CANCEL + RENEWAL_FAILS:
            back = _lapse(line, rng, renewal, now, recovers=RECOVERS_IN_GRACE)
            if back is None:
                return
            renewal = back


def history_generate(
    *, studios: int, years: int = 3, seed: int = 17, now: datetime | None = None
) -> int:
    """Bulk-insert `studios` studios (public schema rows only) and their subscription history
    over the last `years`. Returns the number of history rows."""
    now = now or timezone.now()
    rng = random.Random(seed)
    plans = list(Plan.objects.order_by("monthly_price"))
    weights = [5, 3.5, 1.5][: len(plans)] + [1] * max(0, len(plans) - 3)
    span = timedelta(days=365 * years)
    made = []
    for i in range(studios):
        # Sign-ups grow over time: more studios joined recently than three years ago.
        signup = now - span * (1 - rng.random() ** 0.6)
        slug = f"{PREFIX}{i:04d}"
        made.append(
            Studio(
                kind=Studio.Kind.STUDIO,
                # Suspended: the schedules fan out to active studios only, and these have no
                # schema to run in. The dashboard reads their history, not this field.
                status=Studio.Status.SUSPENDED,
                name=f"Bench revenue {i:04d}",
                slug=slug,
                schema_name=slug.replace("-", "_"),
                owner_email=f"owner@{slug}.example",
                plan=rng.choices(plans, weights)[0],
                provisioned_at=signup,
            )
        )
    Studio.objects.bulk_create(made, batch_size=1000)
    rows = []
    for studio in made:
        line = _Timeline(studio, plans)
        _history(line, rng, studio.provisioned_at, now)
        rows.extend(line.rows)
        studio.created_at = studio.provisioned_at
        studio.plan, studio.subscription_status = line.plan, line.status
    # The sign-up time is the history's first row, not when this ran.
    Studio.objects.bulk_update(made, ["created_at", "plan", "subscription_status"], batch_size=1000)
    SubscriptionChange.objects.bulk_create(rows, batch_size=5000)
    # As autovacuum would after a load this size: the planner needs the new row counts.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tenancy_subscriptionchange, tenancy_studio")
    return len(rows)


def history_remove() -> None:
    SubscriptionChange.objects.filter(studio__slug__startswith=PREFIX).delete()
    Studio.objects.filter(slug__startswith=PREFIX).delete()


def _time(call: Callable[[], object], repeat: int) -> tuple[float, int]:
    call()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    return p95(timings), len(queries)


def _operator() -> HttpClient:
    """A platform operator signed in with both factors, as the platform admin requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.create_superuser(OPERATOR, OPERATOR, None)
    device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    http = HttpClient(HTTP_HOST=settings.PLATFORM_DOMAIN)
    http.force_login(user)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return http


_REFERENCES_TO_USERS = """
    SELECT c.conrelid::regclass::text, a.attname
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = 'auth_user'::regclass
"""


def _operator_remove() -> None:
    """Delete the bench's operator and what points at it (its device, its sign-in in the audit
    trail...). Not through the ORM: its cascade also looks for studio-only tables (a portal
    account), which the public schema does not have."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM auth_user WHERE username = %s", [OPERATOR])
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        cursor.execute(_REFERENCES_TO_USERS)
        # Table and column names come from the catalog, not from input.
        for table, column in cursor.fetchall():
            cursor.execute(
                f'DELETE FROM {table} WHERE "{column}" = ANY(%s)',
                [ids],
            )
        cursor.execute("DELETE FROM auth_user WHERE id = ANY(%s)", [ids])


def _page(http: HttpClient) -> None:
    response = http.get("/admin/")
    if response.status_code != 200:
        raise RuntimeError(f"the platform admin's front page answered {response.status_code}")


def bench_platform_dashboard(
    *, repeat: int, progress: Callable[[str], None], studios: int = 1000
) -> dict:
    connection.set_schema_to_public()
    history_remove()
    _operator_remove()
    try:
        started = time.perf_counter()
        rows = history_generate(studios=studios)
        progress(
            f"  {studios} studios, {rows} history rows in {time.perf_counter() - started:.1f} s"
        )
        ms, queries = _time(lambda: revenue_overview(months=12), repeat)
        ms_36, queries_36 = _time(lambda: revenue_overview(months=36), repeat)
        http = _operator()
        page_ms, page_queries = _time(lambda: _page(http), repeat)
        progress(
            f"  selector p95 {ms:.1f} ms ({queries} queries), 36 months {ms_36:.1f} ms "
            f"({queries_36}), page p95 {page_ms:.1f} ms ({page_queries} queries)"
        )
        return {
            "platform_dashboard_p95_ms": round(ms, 1),
            "platform_dashboard_queries": queries,
            "platform_dashboard_36_months_p95_ms": round(ms_36, 1),
            "platform_dashboard_36_months_queries": queries_36,
            "platform_dashboard_page_p95_ms": round(page_ms, 1),
            "platform_dashboard_page_queries": page_queries,
            "platform_dashboard_history_rows": rows,
        }
    finally:
        connection.set_schema_to_public()
        _operator_remove()
        history_remove()
