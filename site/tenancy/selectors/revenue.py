"""The platform's revenue figures (MRR, conversion, churn, failed payments), from history only.

Everything here is computed from `SubscriptionChange` rows, never from today's plan prices or
studio fields: a past month's figure does not move when a price changes later. Only real
studios count (not the public tenant or the template).

The rules:
- **State at an instant.** A studio's row is its state from `at` until its next row (rows with
  the same `at` follow their id). Its state at the end of a month is its last row dated before
  the next month begins; at the start of a month, its last row dated before that month began.
  Rows dated after `now` have not happened yet and are ignored. Months are calendar months in
  the active time zone; the window is the last `months` of them, the current one included
  (its "end" is now).
- **MRR** is the sum of the `mrr` of each studio's state, per currency (a yearly price counts a
  twelfth; a trial and a read-only studio count 0; a studio whose payment is overdue still
  counts until it turns read-only, and is shown apart as "at risk"). ARR is 12 x MRR.
- **Paying** means an MRR above 0 at that instant.
- **MRR movements of a month**, per currency, by comparing each studio's start and end states:
  new (nothing at the start, paying at the end), expansion and contraction (paying at both,
  more or less at the end), churned (paying at the start, nothing at the end). So
  end = start + new + expansion - contraction - churned, and a studio that upgrades on the
  15th adds its difference as expansion: it is not churn.
- **Logo churn** of a month: studios paying at its start that pay nothing at its end, divided
  by the studios paying at its start. A studio that lapsed and paid again within the same
  month is not churn.
- **Revenue churn**: (churned + contraction) ÷ MRR at the start (gross); net revenue churn
  also takes the expansion off, and is negative when upgrades outweigh losses.
- **New trials** of a month: studios whose first row is a trial dated in it. **Conversion**
  is by cohort: of those trials, how many have been active at any time since. A recent
  month's cohort is still converting, so its rate only rises.
- **Failed payments** of a month: moves into `past_due` from another state dated in it (a
  renewal declined, or a trial that ended without a first payment). **Recovered**: of
  those, the ones whose next different state is active (the studio paid before or after
  its grace ended); the others turned read-only or are still overdue.

Three queries whatever the number of studios, rows or months (window functions over the
history, months as an array).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

from django.db import connection
from django.utils import timezone

from siteconf.tenancy.plans import SubscriptionStatus

Status = SubscriptionStatus
ZERO = Decimal("0")
DEFAULT_MONTHS = 12

# Each studio's history, ordered, limited to real studios and to what has happened by now.
_HISTORY = """
    SELECT c.id, c.studio_id, c.at, c.status, c.plan_id, c.mrr, c.currency
    FROM tenancy_subscriptionchange c
    JOIN tenancy_studio s ON s.id = c.studio_id
    WHERE s.kind = 'studio' AND c.at <= %(now)s
"""

_MONTHS = """
    SELECT m.start, m.stop, m.n
    FROM unnest(%(starts)s::timestamptz[], %(stops)s::timestamptz[])
        WITH ORDINALITY AS m(start, stop, n)
"""

_NOW_SQL = f"""
WITH latest AS (
    SELECT DISTINCT ON (h.studio_id) h.studio_id, h.status, h.plan_id, h.mrr, h.currency
    FROM ({_HISTORY}) h
    ORDER BY h.studio_id, h.at DESC, h.id DESC
)
SELECT p.id, p.name, l.status, l.currency, count(l.studio_id), coalesce(sum(l.mrr), 0)
FROM latest l
FULL JOIN tenancy_plan p ON p.id = l.plan_id
GROUP BY p.id, p.name, p."order", p.monthly_price, l.status, l.currency
ORDER BY p."order" NULLS LAST, p.monthly_price NULLS LAST, p.id
"""

# Per month and currency: MRR at the start and end, and its movements, with the studios paying
# at the start and end and those lost. Each studio's state is found once per month boundary
# (the first month's start, then each month's end); a month compares two neighbouring
# boundaries. A studio whose currency changed appears on a second line, for the old currency
# only, so each studio is counted once on its main line.
_FLOWS_SQL = f"""
WITH bounds AS (
    SELECT b.at, b.k - 1 AS k FROM unnest(%(bounds)s::timestamptz[]) WITH ORDINALITY AS b(at, k)
),
history AS (
    SELECT h.studio_id, h.at, h.mrr, h.currency,
           lead(h.at) OVER (PARTITION BY h.studio_id ORDER BY h.at, h.id) AS until
    FROM ({_HISTORY}) h
),
states AS (
    SELECT b.k, h.studio_id, h.mrr, h.currency
    FROM bounds b
    JOIN history h ON h.at < b.at AND (h.until IS NULL OR h.until >= b.at)
),
flows AS (
    SELECT coalesce(c.k, o.k + 1) AS n,
           coalesce(o.mrr, 0) AS open_mrr, o.currency AS open_currency,
           coalesce(c.mrr, 0) AS close_mrr, c.currency AS close_currency
    FROM (SELECT * FROM states WHERE k < %(months)s) o
    FULL JOIN (SELECT * FROM states WHERE k > 0) c ON c.k = o.k + 1 AND c.studio_id = o.studio_id
),
lines AS (
    SELECT n, coalesce(close_currency, open_currency) AS code, true AS main, open_mrr, close_mrr,
           CASE WHEN open_currency IS DISTINCT FROM close_currency AND close_currency IS NOT NULL
                THEN 0 ELSE open_mrr END AS open_amount,
           close_mrr AS close_amount
    FROM flows
    UNION ALL
    SELECT n, open_currency, false, open_mrr, close_mrr, open_mrr, 0
    FROM flows
    WHERE open_currency <> close_currency
)
SELECT n, code,
       sum(open_amount),
       sum(close_amount),
       coalesce(sum(close_amount) FILTER (WHERE open_amount = 0), 0),
       coalesce(sum(close_amount - open_amount)
                FILTER (WHERE open_amount > 0 AND close_amount > open_amount), 0),
       coalesce(sum(open_amount - close_amount)
                FILTER (WHERE close_amount > 0 AND close_amount < open_amount), 0),
       coalesce(sum(open_amount) FILTER (WHERE close_amount = 0), 0),
       count(*) FILTER (WHERE main AND open_mrr > 0),
       count(*) FILTER (WHERE main AND close_mrr > 0),
       count(*) FILTER (WHERE main AND open_mrr > 0 AND close_mrr = 0)
FROM lines
GROUP BY n, code
"""

# Per month: trials started (and how many of them have been active since), moves into
# past due (and how many of them were next active).
_EVENTS_SQL = f"""
WITH months AS ({_MONTHS}),
history AS (
    SELECT h.studio_id, h.at, h.status,
           lag(h.status) OVER w AS previous,
           bool_or(h.status = 'active') OVER (PARTITION BY h.studio_id) AS ever_active,
           row_number() OVER w AS seq
    FROM ({_HISTORY}) h
    WINDOW w AS (PARTITION BY h.studio_id ORDER BY h.at, h.id)
),
events AS (
    SELECT h.*,
           min(h.seq) FILTER (WHERE h.status <> 'past_due') OVER later AS next_settled,
           min(h.seq) FILTER (WHERE h.status = 'active') OVER later AS next_active
    FROM history h
    WINDOW later AS (
        PARTITION BY h.studio_id ORDER BY h.seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
    )
)
SELECT m.n,
       count(*) FILTER (WHERE e.previous IS NULL AND e.status = 'trialing'),
       count(*) FILTER (WHERE e.previous IS NULL AND e.status = 'trialing' AND e.ever_active),
       count(*) FILTER (WHERE e.status = 'past_due' AND e.previous <> 'past_due'),
       count(*) FILTER (
           WHERE e.status = 'past_due' AND e.previous <> 'past_due'
           AND e.next_settled = e.next_active
       )
FROM months m
JOIN events e ON e.at >= m.start AND e.at < m.stop
GROUP BY m.n
"""


def _share(part, whole) -> Decimal | None:
    """`part / whole` as a percentage with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class PlanLine:
    """Studios on one plan now, by state, and what they pay a month (per currency)."""

    plan_id: int | None
    name: str
    by_state: dict[str, int]
    mrr: dict[str, Decimal]

    @property
    def studios(self) -> int:
        return sum(self.by_state.values())


@dataclass(frozen=True)
class RevenueNow:
    by_state: dict[str, int]
    mrr: dict[str, Decimal]
    # The part of the MRR that comes from studios whose payment is overdue.
    at_risk: dict[str, Decimal]
    plans: list[PlanLine]

    @property
    def studios(self) -> int:
        return sum(self.by_state.values())

    @property
    def arr(self) -> dict[str, Decimal]:
        return {code: amount * 12 for code, amount in self.mrr.items()}


@dataclass
class RevenueMonth:
    month: date
    opening: dict[str, Decimal] = field(default_factory=dict)
    mrr: dict[str, Decimal] = field(default_factory=dict)
    new: dict[str, Decimal] = field(default_factory=dict)
    expansion: dict[str, Decimal] = field(default_factory=dict)
    contraction: dict[str, Decimal] = field(default_factory=dict)
    churned: dict[str, Decimal] = field(default_factory=dict)
    paying_at_start: int = 0
    paying_at_end: int = 0
    churned_studios: int = 0
    trials: int = 0
    converted: int = 0
    failed: int = 0
    recovered: int = 0

    @property
    def logo_churn_rate(self) -> Decimal | None:
        return _share(self.churned_studios, self.paying_at_start)

    def revenue_churn_rate(self, currency: str) -> Decimal | None:
        lost = self.churned.get(currency, ZERO) + self.contraction.get(currency, ZERO)
        return _share(lost, self.opening.get(currency, ZERO))

    def net_revenue_churn_rate(self, currency: str) -> Decimal | None:
        lost = (
            self.churned.get(currency, ZERO)
            + self.contraction.get(currency, ZERO)
            - self.expansion.get(currency, ZERO)
        )
        return _share(lost, self.opening.get(currency, ZERO))

    @property
    def conversion_rate(self) -> Decimal | None:
        return _share(self.converted, self.trials)

    @property
    def recovery_rate(self) -> Decimal | None:
        return _share(self.recovered, self.failed)


@dataclass(frozen=True)
class RevenueOverview:
    now: RevenueNow
    months: list[RevenueMonth]

    @property
    def currencies(self) -> list[str]:
        """Every currency in the window or now, the one with the most MRR now first."""
        seen = set(self.now.mrr)
        for month in self.months:
            seen.update(month.mrr, month.opening)
        return sorted(seen, key=lambda code: (-self.now.mrr.get(code, ZERO), code))

    @property
    def has_history(self) -> bool:
        return self.now.studios > 0


def _month_bounds(now: datetime, months: int) -> list[tuple[datetime, datetime]]:
    """(start, start of the next) for the last `months` calendar months, the oldest first."""
    local = timezone.localtime(now)
    zone = local.tzinfo
    index = local.year * 12 + local.month - 1  # months since year 0, the current one
    firsts = [
        datetime(i // 12, i % 12 + 1, 1, tzinfo=zone) for i in range(index - months + 1, index + 2)
    ]
    return list(pairwise(firsts))


def _now_figures(cursor, *, now: datetime) -> RevenueNow:
    cursor.execute(_NOW_SQL, {"now": now})
    by_state = {status: 0 for status in Status.values}
    mrr: dict[str, Decimal] = {}
    at_risk: dict[str, Decimal] = {}
    plans: dict[int | None, PlanLine] = {}
    for plan_id, name, status, currency, count, amount in cursor.fetchall():
        line = plans.get(plan_id)
        if line is None:
            line = plans[plan_id] = PlanLine(
                plan_id=plan_id,
                name=name or "No plan",
                by_state={status: 0 for status in Status.values},
                mrr={},
            )
        if status is None:  # a plan no studio is on
            continue
        line.by_state[status] = line.by_state.get(status, 0) + count
        by_state[status] = by_state.get(status, 0) + count
        if amount:
            line.mrr[currency] = line.mrr.get(currency, ZERO) + amount
            mrr[currency] = mrr.get(currency, ZERO) + amount
            if status == Status.PAST_DUE:
                at_risk[currency] = at_risk.get(currency, ZERO) + amount
    return RevenueNow(by_state=by_state, mrr=mrr, at_risk=at_risk, plans=list(plans.values()))


def revenue_overview(
    *, months: int = DEFAULT_MONTHS, now: datetime | None = None
) -> RevenueOverview:
    """The figures the platform dashboard shows: now, and for each of the last `months`."""
    if months < 1:
        raise ValueError("A revenue window has at least one month.")
    now = now or timezone.now()
    bounds = _month_bounds(now, months)
    window = {
        "now": now,
        "months": months,
        "bounds": [bounds[0][0], *(stop for _, stop in bounds)],
        "starts": [start for start, _ in bounds],
        "stops": [stop for _, stop in bounds],
    }
    rows = [RevenueMonth(month=timezone.localtime(start).date()) for start, _ in bounds]
    with connection.cursor() as cursor:
        current = _now_figures(cursor, now=now)
        cursor.execute(_FLOWS_SQL, window)
        for (
            n,
            code,
            opening,
            closing,
            new,
            up,
            down,
            lost,
            start,
            end,
            lost_studios,
        ) in cursor.fetchall():
            month = rows[n - 1]
            # Each studio is on one main line a month: the counts add up over currencies.
            month.paying_at_start += start
            month.paying_at_end += end
            month.churned_studios += lost_studios
            month.opening[code], month.mrr[code] = opening, closing
            month.new[code], month.expansion[code] = new, up
            month.contraction[code], month.churned[code] = down, lost
        cursor.execute(_EVENTS_SQL, window)
        for n, trials, converted, failed, recovered in cursor.fetchall():
            month = rows[n - 1]
            month.trials, month.converted = trials, converted
            month.failed, month.recovered = failed, recovered
    return RevenueOverview(now=current, months=rows)
