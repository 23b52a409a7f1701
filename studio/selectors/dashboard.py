"""The back office's front page, in a fixed number of queries whatever the studio's size."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from studio.models import Client, Equipment, Room, Session
from studio.models.sessions import ACTIVE_STATUSES, MAX_SESSION

OPEN_HOURS = range(8, 24)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def _today(today: date):
    start, end = _day_bounds(today)
    return Session.objects.active().overlapping(start, end)


def sessions_today(*, today: date, limit: int) -> list[Session]:
    return list(
        _today(today)
        .select_related("client", "room")
        .prefetch_related("engineers")
        .order_by("start", "room__name")[:limit]
    )


def sessions_today_count(*, today: date) -> int:
    return _today(today).count()


def week_summary(*, today: date) -> dict:
    monday = today - timedelta(days=today.weekday())
    start, _ = _day_bounds(monday)
    end, _ = _day_bounds(monday + timedelta(days=7))
    return Session.objects.filter(start__gte=start, start__lt=end).aggregate(
        booked=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        requested=Count("pk", filter=Q(status=Session.Status.REQUESTED)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
    )


REVENUE_CACHE_SECONDS = 60


def revenue_by_month(*, today: date, months: int = 6) -> list[tuple[date, float]]:
    """Value of sessions booked (active) per month, for the last `months` months.

    Summing half a year of a busy studio's sessions takes tens of milliseconds, so the result is
    kept a minute (per studio: cache keys carry the schema)."""
    key = f"dashboard:revenue:{today.isoformat()}:{months}"
    cached = cache.get(key)
    if cached is None:
        cached = _revenue_by_month(today=today, months=months)
        cache.set(key, cached, REVENUE_CACHE_SECONDS)
    return cached


def _revenue_by_month(*, today: date, months: int) -> list[tuple[date, float]]:
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    start, _ = _day_bounds(first)
    rows = (
        Session.objects.filter(status__in=ACTIVE_STATUSES, start__gte=start)
        .annotate(month=TruncMonth("start", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(total=Sum("price"))
    )
    totals = {row["month"].date(): float(row["total"] or 0) for row in rows}
    result, month = [], first
    for _ in range(months):
        result.append((month, totals.get(month, 0.0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return result


_UTILISATION_SQL = """
    SELECT s.room_id,
           extract(hour FROM h AT TIME ZONE %(tz)s)::int AS hour,
           sum(extract(epoch FROM least(s."end", h + interval '1 hour') - greatest(s.start, h)))
    FROM studio_session s
    CROSS JOIN LATERAL generate_series(
        date_trunc('hour', s.start), s."end" - interval '1 microsecond', interval '1 hour'
    ) AS h
    WHERE s.status = ANY(%(active)s) AND s.start < %(end)s AND s.start > %(earliest)s
      AND s."end" > %(start)s
    GROUP BY 1, 2
"""


UTILISATION_CACHE_SECONDS = 300


def room_utilisation(*, today: date, days: int = 28) -> dict:
    """Share of each opening hour booked per room over the last `days` days (0-100).

    Summed in PostgreSQL hour by hour, in the studio's time zone, so the cost does not depend on
    how many sessions the period holds. The window ends before today, so only an edit to a past
    session changes it: the hours are kept five minutes (per studio: cache keys carry the
    schema); the rooms, their names and whether they are active are read each time."""
    tz = str(timezone.get_current_timezone())
    key = f"dashboard:utilisation:{today.isoformat()}:{days}:{tz}"
    booked = cache.get(key)
    if booked is None:
        booked = _hours_booked(today=today, days=days, tz=tz)
        cache.set(key, booked, UTILISATION_CACHE_SECONDS)
    return {
        "hours": list(OPEN_HOURS),
        "rows": [
            (
                room,
                [min(100, round(100 * booked.get((room.pk, h), 0) / days)) for h in OPEN_HOURS],
            )
            for room in Room.objects.filter(is_active=True)
        ],
    }


def _hours_booked(*, today: date, days: int, tz: str) -> dict[tuple[int, int], float]:
    """Hours booked per (room id, hour of the day) over the window."""
    start, _ = _day_bounds(today - timedelta(days=days))
    end, _ = _day_bounds(today)
    booked: dict[tuple[int, int], float] = defaultdict(float)
    with connection.cursor() as cursor:
        cursor.execute(
            _UTILISATION_SQL,
            {
                "tz": tz,
                "active": list(ACTIVE_STATUSES),
                "start": start,
                "end": end,
                "earliest": start - MAX_SESSION,
            },
        )
        for room_id, hour, seconds in cursor.fetchall():
            booked[room_id, hour] += float(seconds) / 3600
    return dict(booked)


def maintenance_due(*, today: date, within_days: int = 30) -> list[Equipment]:
    return list(
        Equipment.objects.exclude(status__in=Equipment.OUT_OF_SERVICE)
        .filter(next_maintenance_due__lte=today + timedelta(days=within_days))
        .select_related("room")
        .order_by("next_maintenance_due")[:10]
    )


def clients_with_no_shows(*, limit: int = 8) -> list[Client]:
    return list(
        Client.objects.filter(no_show_count__gt=0).order_by("-no_show_count", "name")[:limit]
    )
