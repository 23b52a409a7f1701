from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

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
