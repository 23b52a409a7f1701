"""The back office's front page, in a fixed number of queries whatever the studio's size."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from studio.models import Client, Equipment, Room, Session
from studio.models.sessions import ACTIVE_STATUSES

OPEN_HOURS = range(8, 24)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def sessions_today(*, today: date) -> list[Session]:
    start, end = _day_bounds(today)
    return list(
        Session.objects.filter(status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start)
        .select_related("client", "room")
        .prefetch_related("engineers")
        .order_by("start")
    )


def week_summary(*, today: date) -> dict:
    monday = today - timedelta(days=today.weekday())
    start, _ = _day_bounds(monday)
    end, _ = _day_bounds(monday + timedelta(days=7))
    return Session.objects.filter(start__gte=start, start__lt=end).aggregate(
        booked=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        requested=Count("pk", filter=Q(status=Session.Status.REQUESTED)),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED)),
    )


def revenue_by_month(*, today: date, months: int = 6) -> list[tuple[date, float]]:
    """Value of sessions booked (active) per month, for the last `months` months."""
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


def room_utilisation(*, today: date, days: int = 28) -> dict:
    """Share of each opening hour booked per room over the last `days` days (0-100)."""
    start, _ = _day_bounds(today - timedelta(days=days))
    end, _ = _day_bounds(today)
    rooms = list(Room.objects.filter(is_active=True))
    booked: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    sessions = Session.objects.filter(
        status__in=ACTIVE_STATUSES, start__lt=end, end__gt=start
    ).values_list("room_id", "start", "end")
    for room_id, s_start, s_end in sessions:
        cursor = timezone.localtime(max(s_start, start))
        finish = timezone.localtime(min(s_end, end))
        while cursor < finish:
            hour_end = (cursor + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            booked[room_id][cursor.hour] += (min(hour_end, finish) - cursor).total_seconds() / 3600
            cursor = hour_end
    return {
        "hours": list(OPEN_HOURS),
        "rows": [
            (room, [round(100 * booked[room.pk][h] / days) for h in OPEN_HOURS]) for room in rooms
        ],
    }


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
