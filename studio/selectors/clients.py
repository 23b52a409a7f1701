from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Q, Sum

from studio.models import Client, Session
from studio.models.sessions import ACTIVE_STATUSES


@dataclass(frozen=True)
class ClientTotals:
    sessions: int
    completed: int
    cancelled: int
    no_shows: int
    booked_value: Decimal
    last_session: datetime | None
    next_session: datetime | None


def client_totals(*, client: Client, now: datetime) -> ClientTotals:
    row = Session.objects.filter(client=client).aggregate(
        sessions=Count("pk"),
        completed=Count("pk", filter=Q(status=Session.Status.COMPLETED)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
        no_shows=Count("pk", filter=Q(status=Session.Status.NO_SHOW)),
        booked_value=Sum("price", filter=Q(status__in=ACTIVE_STATUSES)),
        last_session=Max("start", filter=Q(start__lt=now, status__in=ACTIVE_STATUSES)),
    )
    upcoming = (
        Session.objects.filter(client=client, start__gte=now, status__in=ACTIVE_STATUSES)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    return ClientTotals(
        sessions=row["sessions"],
        completed=row["completed"],
        cancelled=row["cancelled"],
        no_shows=row["no_shows"],
        booked_value=row["booked_value"] or Decimal("0"),
        last_session=row["last_session"],
        next_session=upcoming,
    )


def clients_by_email(emails) -> dict[str, Client]:
    """Clients whose e-mail is one of `emails`, keyed by the lowercased address (e-mails are
    unique case-insensitively). The list goes as one text parameter split by PostgreSQL, not
    as an array of up to 100,000 values to adapt one by one."""
    wanted = sorted({e.lower() for e in emails if e})
    if not wanted:
        return {}
    return {
        c.email_lower: c
        for c in Client.objects.raw(
            "SELECT *, lower(email) AS email_lower FROM studio_client "
            "WHERE email <> '' AND lower(email) = ANY(string_to_array(%s, chr(31)))",
            ["\x1f".join(wanted)],
        )
    }


@dataclass(frozen=True)
class ClientLedger:
    """What a client has been billed and owes, in the studio's currency at each invoice's
    frozen rate (credit notes already taken off each invoice's balance)."""

    currency: str
    invoiced: Decimal  # lifetime value: issued invoices less their credit notes
    paid: Decimal
    balance: Decimal
    overdue: Decimal
    open_invoices: int
    overdue_invoices: int
    open_quotes: int
    unsigned_contracts: int


def client_ledger(*, client: Client, today, currency: str) -> ClientLedger:
    """One aggregate over the client's invoices, one over quotes and contracts: three queries
    whatever the client's history."""
    from studio.models import Contract, Invoice, Quote
    from studio.services.totals import round_money

    def in_studio_currency(expression):
        return ExpressionWrapper(
            expression * F("exchange_rate"),
            output_field=DecimalField(max_digits=24, decimal_places=10),
        )

    open_q = Q(status__in=Invoice.OPEN, balance__gt=0)
    overdue_q = open_q & Q(due_date__lt=today)
    row = (
        Invoice.objects.filter(client=client)
        .exclude(status__in=(Invoice.Status.DRAFT, Invoice.Status.VOID))
        .aggregate(
            invoiced_sum=Sum(in_studio_currency(F("total") - F("amount_credited"))),
            paid_sum=Sum(in_studio_currency(F("amount_paid"))),
            balance_sum=Sum(in_studio_currency(F("balance")), filter=open_q),
            overdue_sum=Sum(in_studio_currency(F("balance")), filter=overdue_q),
            open_invoices_sum=Count("pk", filter=open_q),
            overdue_invoices_sum=Count("pk", filter=overdue_q),
        )
    )
    open_quotes = Quote.objects.filter(
        client=client, status__in=(Quote.Status.DRAFT, Quote.Status.SENT)
    ).count()
    unsigned = Contract.objects.filter(
        client=client, status__in=(Contract.Status.DRAFT, Contract.Status.SENT)
    ).count()

    def money(value) -> Decimal:
        return round_money(value or 0, currency)

    return ClientLedger(
        currency=currency,
        invoiced=money(row["invoiced_sum"]),
        paid=money(row["paid_sum"]),
        balance=money(row["balance_sum"]),
        overdue=money(row["overdue_sum"]),
        open_invoices=row["open_invoices_sum"],
        overdue_invoices=row["overdue_invoices_sum"],
        open_quotes=open_quotes,
        unsigned_contracts=unsigned,
    )
