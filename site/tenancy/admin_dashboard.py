"""The platform admin's front page: provisioning health, and the revenue figures a founder
watches (from `selectors/revenue.py`; this module only shapes them for cards, charts and
tables)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils.translation import gettext as _

from siteconf.tenancy.plans import SubscriptionStatus
from siteconf.tenancy.selectors.overview import platform_overview
from siteconf.tenancy.selectors.revenue import RevenueMonth, RevenueOverview, revenue_overview
from studio.money import money_format

Status = SubscriptionStatus
REVENUE_PERMISSION = "tenancy.view_subscriptionchange"

# Unfold's defaults hide the legend and the y axis' labels; these charts need both to read.
CHART_OPTIONS = {
    "animation": False,
    "maintainAspectRatio": False,
    "responsive": True,
    "interaction": {"mode": "index", "intersect": False},
    "datasets": {
        "bar": {"borderRadius": 4, "borderSkipped": "start", "maxBarThickness": 28},
        "line": {"borderWidth": 2, "pointRadius": 2, "tension": 0},
    },
    "plugins": {
        "legend": {
            "display": True,
            "align": "end",
            "labels": {"boxHeight": 8, "boxWidth": 8, "usePointStyle": True, "color": "#9ca3af"},
        },
        "tooltip": {"enabled": True},
    },
    "scales": {
        "x": {
            "grid": {"display": False},
            "ticks": {"color": "#9ca3af", "maxRotation": 0, "autoSkipPadding": 8},
        },
        "y": {
            "grid": {"color": "#e5e7eb"},
            "ticks": {"color": "#9ca3af", "precision": 0},
            "beginAtZero": True,
        },
    },
}
LIGHT, DARK, WARN, BAD = (
    "var(--color-primary-300)",
    "var(--color-primary-700)",
    "#f59e0b",
    "#ef4444",
)


def _money(amounts: dict[str, Decimal]) -> str:
    """Every currency's amount in whole units, the largest first ("€12,340 · $800"). Cents
    only make a dashboard harder to scan; the selector keeps them."""
    shown = [
        money_format(amount.quantize(Decimal(1)), code, drop_zero_fraction=True)
        for code, amount in sorted(amounts.items(), key=lambda item: -item[1])
        if amount
    ]
    return " · ".join(shown) or money_format(0, "EUR", drop_zero_fraction=True)


def _rate(value: Decimal | None, *, whole: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1)) if whole else value} %"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _chart(labels: list[str], datasets: list[dict]) -> str:
    return json.dumps({"labels": labels, "datasets": datasets})


def _label(month: RevenueMonth, *, first: bool, current: bool) -> str:
    """ "Jan 2026", then "Feb", "Mar"... (a year only where it starts): short enough for the
    axis to stay level. The current month is not over, and says so."""
    text = month.month.strftime("%b %Y" if first or month.month.month == 1 else "%b")
    return _("%(month)s (so far)") % {"month": text} if current else text


def _charts(months: list[RevenueMonth], currency: str) -> dict[str, str]:
    labels = [_label(m, first=i == 0, current=i == len(months) - 1) for i, m in enumerate(months)]
    bar = {"type": "bar"}
    # A month still going has lost less than it will: its churn is not drawn.
    complete = months[:-1]
    return {
        "mrr": _chart(
            labels,
            [
                {
                    **bar,
                    "label": _("MRR at month end (%(currency)s)") % {"currency": currency},
                    "data": [float(m.mrr.get(currency, 0)) for m in months],
                    "backgroundColor": DARK,
                },
            ],
        ),
        "trials": _chart(
            labels,
            [
                {
                    **bar,
                    "label": _("New trials"),
                    "data": [m.trials for m in months],
                    "backgroundColor": LIGHT,
                },
                {
                    **bar,
                    "label": _("Of them, paid since"),
                    "data": [m.converted for m in months],
                    "backgroundColor": DARK,
                },
            ],
        ),
        "churn": _chart(
            labels,
            [
                {
                    "type": "line",
                    "label": _("Logo churn %"),
                    "data": [_number(m.logo_churn_rate) for m in complete] + [None],
                    "borderColor": DARK,
                    "backgroundColor": DARK,
                },
                {
                    "type": "line",
                    "label": _("Revenue churn %% (%(currency)s)") % {"currency": currency},
                    "data": [_number(m.revenue_churn_rate(currency)) for m in complete] + [None],
                    "borderColor": WARN,
                    "backgroundColor": WARN,
                },
            ],
        ),
        "failed": _chart(
            labels,
            [
                {
                    **bar,
                    "label": _("Failed payments"),
                    "data": [m.failed for m in months],
                    "backgroundColor": BAD,
                },
                {
                    **bar,
                    "label": _("Of them, recovered"),
                    "data": [m.recovered for m in months],
                    "backgroundColor": DARK,
                },
            ],
        ),
    }


def _tables(overview: RevenueOverview) -> dict[str, dict]:
    states = Status.choices
    now = overview.now
    by_plan = {
        "headers": [_("Plan"), *[label for _value, label in states], _("Studios"), _("MRR")],
        "rows": [
            [
                line.name,
                *[line.by_state.get(value, 0) for value, _label in states],
                line.studios,
                _money(line.mrr),
            ]
            for line in now.plans
        ],
    }
    by_state = {
        "headers": [_("State"), _("Studios"), _("Share")],
        "rows": [
            [label, now.by_state.get(value, 0), _rate(_share(now.by_state.get(value, 0), now))]
            for value, label in states
        ],
    }
    currencies = overview.currencies
    latest_first = list(reversed(overview.months))

    def month_name(m: RevenueMonth) -> str:
        so_far = _(" (so far)") if m is overview.months[-1] else ""
        return m.month.strftime("%b %Y") + so_far

    money_by_month = {
        "headers": [
            _("Month"),
            _("MRR at end"),
            _("New"),
            _("Expansion"),
            _("Contraction"),
            _("Churned"),
            _("Revenue churn"),
        ],
        "rows": [
            [
                month_name(m),
                _money(m.mrr),
                _money(m.new),
                _money(m.expansion),
                _money(m.contraction),
                _money(m.churned),
                " · ".join(_rate(m.revenue_churn_rate(code)) for code in currencies) or "—",
            ]
            for m in latest_first
        ],
    }
    studios_by_month = {
        "headers": [
            _("Month"),
            _("Paying at start"),
            _("Lost (logo churn)"),
            _("Trials → paid since"),
            _("Failed → recovered"),
        ],
        "rows": [
            [
                month_name(m),
                m.paying_at_start,
                f"{m.churned_studios} · {_rate(m.logo_churn_rate)}",
                f"{m.trials} → {m.converted} · {_rate(m.conversion_rate, whole=True)}",
                f"{m.failed} → {m.recovered} · {_rate(m.recovery_rate, whole=True)}",
            ]
            for m in latest_first
        ],
    }
    return {
        "by_plan": by_plan,
        "by_state": by_state,
        "money_by_month": money_by_month,
        "studios_by_month": studios_by_month,
    }


def _share(count: int, now) -> Decimal | None:
    if not now.studios:
        return None
    return (Decimal(count) * 100 / now.studios).quantize(Decimal("0.1"))


def revenue_context(overview: RevenueOverview) -> dict:
    """What the revenue part of the page shows, formatted."""
    now = overview.now
    currencies = overview.currencies
    current, previous = (
        overview.months[-1],
        overview.months[-2] if len(overview.months) > 1 else None,
    )
    main = currencies[0] if currencies else "EUR"
    change = None
    if previous is not None and previous.mrr.get(main):
        change = (
            (current.mrr.get(main, 0) - previous.mrr[main]) * 100 / previous.mrr[main]
        ).quantize(Decimal("0.1"))
    return {
        "has_history": overview.has_history,
        "currency": main,
        "other_currencies": currencies[1:],
        "mrr": _money(now.mrr),
        "arr": _money(now.arr),
        "at_risk": _money(now.at_risk) if now.at_risk else "",
        "mrr_change": None if change is None else f"{change:+}",
        "paying": now.by_state[Status.ACTIVE] + now.by_state[Status.PAST_DUE],
        "active": now.by_state[Status.ACTIVE],
        "trials": now.by_state[Status.TRIALING],
        "past_due": now.by_state[Status.PAST_DUE],
        "read_only": now.by_state[Status.READ_ONLY],
        "studios": now.studios,
        "this_month": current,
        "window": len(overview.months),
        "chart_options": json.dumps(CHART_OPTIONS),
        "charts": _charts(overview.months, main),
        "tables": _tables(overview),
    }


def dashboard_callback(request, context: dict) -> dict:
    overview = platform_overview()
    context["overview"] = overview
    # Operators see what the business makes; a CMS editor signing in here does not.
    if request.user.has_perm(REVENUE_PERMISSION):
        context["revenue"] = revenue_context(revenue_overview())
    context["recent_table"] = {
        "headers": ["Studio", "Domain", "Provisioned", "Seconds"],
        "rows": [
            [
                studio.name,
                next((d.domain for d in studio.domains.all() if d.is_primary), "—"),
                studio.provisioned_at.strftime("%d %b %Y %H:%M") if studio.provisioned_at else "—",
                f"{studio.provision_seconds:.2f}" if studio.provision_seconds else "—",
            ]
            for studio in overview["recent"]
        ],
    }
    return context
