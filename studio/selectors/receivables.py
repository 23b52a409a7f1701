"""What clients owe: open invoices by client and age, in the studio's currency at each
invoice's frozen rate, and invoiced revenue by month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth

from studio.models import Invoice
from studio.services import totals

# (label, first day overdue, last day overdue); "Not yet due" has no lower bound.
BUCKETS = (
    ("Not yet due", None, 0),
    ("1–30 days", 1, 30),
    ("31–60 days", 31, 60),
    ("61–90 days", 61, 90),
    ("Over 90 days", 91, None),
)


@dataclass
class ClientRow:
    client_id: int
    name: str
    buckets: list[Decimal]
    invoices: int
    total: Decimal


@dataclass
class Receivables:
    currency: str
    rows: list[ClientRow] = field(default_factory=list)
    totals: list[Decimal] = field(default_factory=list)
    total: Decimal = Decimal(0)
    clients: int = 0  # clients owing, of whom `rows` are the largest


def _bucket_filters(today: date) -> list[Q]:
    filters = []
    for _label, low, high in BUCKETS:
        q = Q()
        if low is not None:  # overdue by at least `low` days: due on or before today - low
            q &= Q(due_date__lte=today - timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gte=today - timedelta(days=high))
        filters.append(q)
    return filters


def receivables_by_client(*, today: date, currency: str, limit: int = 100) -> Receivables:
    """The `limit` clients owing most, with their balance by age, and the totals over all
    clients. Summed by PostgreSQL in two queries, whatever the number of open invoices;
    amounts in the studio's currency at each invoice's frozen rate."""
    owed = ExpressionWrapper(
        F("balance") * F("exchange_rate"),
        output_field=DecimalField(max_digits=24, decimal_places=10),
    )
    sums = {
        f"b{i}": Sum(owed, filter=q, default=Decimal(0))
        for i, q in enumerate(_bucket_filters(today))
    }
    open_invoices = Invoice.objects.filter(status__in=Invoice.OPEN, balance__gt=0)
    per_client = (
        open_invoices.values("client_id", "client__name")
        .annotate(**sums, owed=Sum(owed), invoices=Count("id"))
        .order_by("-owed", "client__name")[:limit]
    )

    def money(value) -> Decimal:
        return totals.round_money(value or 0, currency)

    rows = [
        ClientRow(
            client_id=row["client_id"],
            name=row["client__name"],
            buckets=[money(row[f"b{i}"]) for i in range(len(BUCKETS))],
            invoices=row["invoices"],
            total=money(row["owed"]),
        )
        for row in per_client
    ]
    overall = open_invoices.aggregate(
        **sums, owed=Sum(owed), clients=Count("client_id", distinct=True)
    )
    return Receivables(
        currency=currency,
        rows=rows,
        totals=[money(overall[f"b{i}"]) for i in range(len(BUCKETS))],
        total=money(overall["owed"]),
        clients=overall["clients"],
    )


def invoiced_by_month(*, since: date) -> dict[date, Decimal]:
    """Revenue invoiced (net of tax, not void) by month of issue, in the studio's currency at
    each invoice's frozen rate."""
    in_studio_currency = ExpressionWrapper(
        F("net") * F("exchange_rate"), output_field=DecimalField(max_digits=24, decimal_places=10)
    )
    rows = (
        Invoice.objects.filter(issue_date__gte=since)
        .exclude(status__in=[Invoice.Status.DRAFT, Invoice.Status.VOID])
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(amount=Sum(in_studio_currency))
        .order_by("month")
    )
    return {row["month"]: row["amount"] for row in rows}


def outstanding_summary() -> dict:
    """What is owed and how much of it is overdue, in one pass over the open invoices."""
    owed = F("balance") * F("exchange_rate")
    overdue = Q(overdue_since__isnull=False)
    return Invoice.objects.filter(status__in=Invoice.OPEN).aggregate(
        outstanding=Sum(owed, default=Decimal(0)),
        overdue_count=Count("pk", filter=overdue),
        overdue=Sum(owed, filter=overdue, default=Decimal(0)),
    )
