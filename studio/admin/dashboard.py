from __future__ import annotations

import json

from django.utils import timezone

from studio.money import money_format
from studio.selectors import dashboard, receivables
from studio.selectors.onboarding import onboarding_checklist
from studio.selectors.overview import staff_overview
from studio.selectors.projects import active_by_stage
from studio.selectors.settings import studio_settings_get
from studio.selectors.today import (
    DESK,
    ENGINEER,
    MONEY,
    desk_day,
    engineer_day,
    money_day,
    today_view_for,
)

# Booked and invoiced side by side with a legend (Unfold's default draws bars over each other).
CHART_OPTIONS = {
    "animation": False,
    "maintainAspectRatio": False,
    "responsive": True,
    "grouped": True,
    "datasets": {"bar": {"borderRadius": 6, "borderSkipped": "start"}},
    "plugins": {
        "legend": {
            "display": True,
            "align": "end",
            "labels": {"boxHeight": 8, "boxWidth": 8, "usePointStyle": True, "color": "#9ca3af"},
        },
        "tooltip": {"enabled": True},
    },
    "scales": {
        "x": {"grid": {"display": False}, "ticks": {"color": "#9ca3af"}},
        "y": {"grid": {"color": "#e5e7eb"}, "ticks": {"color": "#9ca3af"}, "beginAtZero": True},
    },
}

# A busy day has more sessions than a front page can show; the calendar has the rest.
TODAY_ROWS = 12


def dashboard_callback(request, context: dict) -> dict:
    """Today, for the kind of work the person does (studio/selectors/today.py)."""
    today = timezone.localdate()
    view = today_view_for(request.user)
    context.update(today=today, today_view=view, studio=request.tenant)
    if view == ENGINEER:
        context["day"] = engineer_day(user=request.user, today=today)
        return context
    if view == DESK:
        context["desk"] = desk_day(today=today)
        context["can_see_money"] = request.user.has_perm("studio.view_money")
        return context
    if view == MONEY:
        return _money_today(context, today=today)
    return _studio_today(request, context, today=today)


def _money_today(context: dict, *, today) -> dict:
    currency = studio_settings_get().currency
    day = money_day(today=today)
    context.update(
        money=day,
        receivables=receivables.outstanding_summary(),
        currency=currency,
        overdue=[
            (
                invoice,
                money_format(invoice.balance, invoice.currency),
                (today - invoice.due_date).days,
            )
            for invoice in day.overdue
        ],
        drafts=[(invoice, money_format(invoice.total, invoice.currency)) for invoice in day.drafts],
        payments=[(p, money_format(p.amount, p.currency)) for p in day.payments],
        quotes_waiting=[(q, money_format(q.total, q.currency)) for q in day.quotes_waiting],
        received=[money_format(amount, code) for code, amount in day.received_this_month],
    )
    return context


def _studio_today(request, context: dict, *, today) -> dict:
    can_see_money = request.user.has_perm("studio.view_money")
    settings = studio_settings_get()
    if not settings.onboarding_done and request.user.has_perm("studio.change_studiosettings"):
        context["onboarding"] = onboarding_checklist(settings)
    context.update(
        staff=staff_overview(),
        sessions_today=dashboard.sessions_today(today=today, limit=TODAY_ROWS),
        sessions_today_total=dashboard.sessions_today_count(today=today),
        week=dashboard.week_summary(today=today),
        utilisation=dashboard.room_utilisation(today=today),
        maintenance=dashboard.maintenance_due(today=today),
        no_shows=dashboard.clients_with_no_shows(),
        can_see_money=can_see_money,
    )
    if request.user.has_perm("studio.view_project"):
        # In the board's order (a counting query does not keep the stages' own ordering).
        context["projects_by_stage"] = sorted(
            active_by_stage(), key=lambda row: (row[0].position, row[0].pk)
        )
    if can_see_money:
        months = dashboard.revenue_by_month(today=today)
        invoiced = receivables.invoiced_by_month(since=months[0][0])
        context["receivables"] = receivables.outstanding_summary()
        current, previous = months[-1][1], months[-2][1]
        context["revenue"] = {
            "currency": settings.currency,
            "this_month": current,
            "last_month": previous,
            "change": round(100 * (current - previous) / previous) if previous else None,
            "chart_options": json.dumps(CHART_OPTIONS),
            "chart": json.dumps(
                {
                    "labels": [m.strftime("%b %Y") for m, _ in months],
                    "datasets": [
                        {
                            "label": "Booked (room time)",
                            "data": [round(v, 2) for _, v in months],
                            "backgroundColor": "var(--color-primary-300)",
                            "maxBarThickness": 40,
                        },
                        {
                            "label": "Invoiced, net of tax",
                            "data": [round(float(invoiced.get(m, 0)), 2) for m, _ in months],
                            "backgroundColor": "var(--color-primary-700)",
                            "maxBarThickness": 40,
                        },
                    ],
                }
            ),
        }
    return context
