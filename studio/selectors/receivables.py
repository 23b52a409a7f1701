"""What clients owe: open invoices by client and age, in the studio's currency at each
invoice's frozen rate, and invoiced revenue by month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
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
    invoices: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, Decimal(0))


@dataclass
class Receivables:
    currency: str
    rows: list[ClientRow] = field(default_factory=list)
    totals: list[Decimal] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.totals, Decimal(0))


def _bucket(days_overdue: int) -> int:
    for index, (_, low, high) in enumerate(BUCKETS):
        if (low is None or days_overdue >= low) and (high is None or days_overdue <= high):
            return index
    return len(BUCKETS) - 1


def receivables_by_client(*, today: date, currency: str) -> Receivables:
    """One row per client with an open balance, largest first. A single pass over the open
    invoices (indexed on status), grouped in Python: there are few open invoices per studio."""
    rows: dict[int, ClientRow] = {}
    open_invoices = (
        Invoice.objects.filter(status__in=Invoice.OPEN, balance__gt=0)
        .values_list("client_id", "client__name", "due_date", "balance", "exchange_rate")
        .order_by()
    )
    for client_id, name, due, balance, rate in open_invoices:
        row = rows.setdefault(client_id, ClientRow(client_id, name, [Decimal(0)] * len(BUCKETS)))
        index = _bucket((today - due).days if due else 0)
        row.buckets[index] += totals.convert(balance, rate=rate, to_currency=currency)
        row.invoices += 1
    ordered = sorted(rows.values(), key=lambda r: r.total, reverse=True)
    column_totals = [sum((r.buckets[i] for r in ordered), Decimal(0)) for i in range(len(BUCKETS))]
    return Receivables(currency=currency, rows=ordered, totals=column_totals)


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
    data = Invoice.objects.filter(status__in=Invoice.OPEN).aggregate(
        outstanding=Sum(F("balance") * F("exchange_rate")),
    )
    overdue = Invoice.objects.filter(status__in=Invoice.OPEN, overdue_since__isnull=False)
    return {
        "outstanding": data["outstanding"] or Decimal(0),
        "overdue_count": overdue.count(),
        "overdue": overdue.aggregate(s=Sum(F("balance") * F("exchange_rate")))["s"] or Decimal(0),
    }
