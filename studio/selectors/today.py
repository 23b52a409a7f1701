"""The Today page for each kind of work: an engineer's own sessions, the front desk's check-ins
and requests, the accountant's money; owners and managers see the whole studio
(studio/selectors/dashboard.py). Each in a fixed number of queries whatever the studio's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from studio.models import Engineer, Equipment, Invoice, Payment, Quote, Session
from studio.models.sessions import overlapping
from studio.roles import OWNER_ROLE

STUDIO, DESK, MONEY, ENGINEER = "studio", "desk", "money", "engineer"
# Which Today a person gets, by the first of their roles in this order: someone who is both an
# accountant and an engineer runs the books more than the desk.
ROLE_VIEWS = (
    (OWNER_ROLE, STUDIO),
    ("Manager", STUDIO),
    ("Accountant", MONEY),
    ("Front desk", DESK),
    ("Engineer", ENGINEER),
)
ROWS = 10


def today_view_for(user) -> str:
    roles = set(user.groups.values_list("name", flat=True))
    for role, view in ROLE_VIEWS:
        if role in roles:
            return view
    # A custom role: what it may see decides.
    if user.has_perm("studio.view_money") and user.has_perm("studio.view_invoice"):
        return MONEY
    return DESK


def _bounds(first: date, days: int = 1) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    return start, start + timedelta(days=days)


@dataclass
class EngineerDay:
    engineer: Engineer | None
    today: list[Session]
    coming: list[Session]  # the next seven days after today
    # Each session carries `last_recall`: the same client's latest earlier session in that room
    # that left recall notes (or None).


def engineer_day(*, user, today: date) -> EngineerDay:
    """The sessions this engineer works today and this week, the recall notes to set the room
    up as last time, and the gear reserved on each."""
    engineer = Engineer.objects.filter(user=user).first()
    if engineer is None:
        return EngineerDay(engineer=None, today=[], coming=[])
    start, _ = _bounds(today)
    end = start + timedelta(days=8)
    sessions = list(
        Session.objects.active()
        .filter(overlapping(start, end), engineers=engineer)
        .select_related("client", "room")
        .prefetch_related(
            Prefetch("equipment", queryset=Equipment.objects.order_by("make", "model"))
        )
        .order_by("start")[: ROWS * 3]
    )
    tomorrow = start + timedelta(days=1)
    recall = _recall_notes(sessions)
    for session in sessions:
        session.last_recall = recall.get(session.pk)
    return EngineerDay(
        engineer=engineer,
        today=[s for s in sessions if s.start < tomorrow],
        coming=[s for s in sessions if s.start >= tomorrow][:ROWS],
    )


def _recall_notes(sessions: list[Session]) -> dict[int, Session]:
    """For each session, the same client's latest earlier session in the same room that left
    recall notes: one query (PostgreSQL's DISTINCT ON) for all of them."""
    if not sessions:
        return {}
    pairs = Q()
    for s in sessions:
        pairs |= Q(client_id=s.client_id, room_id=s.room_id, start__lt=s.start)
    earlier = (
        Session.objects.filter(pairs)
        .exclude(recall_notes="")
        .order_by("client_id", "room_id", "-start")
        .distinct("client_id", "room_id")
        .only("id", "client_id", "room_id", "start", "recall_notes")
    )
    latest = {(e.client_id, e.room_id): e for e in earlier}
    found = {}
    for s in sessions:
        notes = latest.get((s.client_id, s.room_id))
        if notes is not None and notes.start < s.start:
            found[s.pk] = notes
    return found


@dataclass
class DeskDay:
    arriving: list[Session]  # today, not yet checked in
    in_studio: list[Session]  # checked in now
    requests: list[Session]  # booking requests waiting for a yes or no
    requests_total: int


def desk_day(*, today: date) -> DeskDay:
    start, end = _bounds(today)
    todays = list(
        Session.objects.filter(
            overlapping(start, end),
            status__in=(
                Session.Status.REQUESTED,
                Session.Status.CONFIRMED,
                Session.Status.CHECKED_IN,
            ),
        )
        .select_related("client", "room")
        .prefetch_related("engineers")
        .order_by("start")[: ROWS * 3]
    )
    waiting = Session.objects.filter(
        status=Session.Status.REQUESTED, start__gte=timezone.now()
    ).select_related("client", "room")
    return DeskDay(
        arriving=[s for s in todays if s.status != Session.Status.CHECKED_IN],
        in_studio=[s for s in todays if s.status == Session.Status.CHECKED_IN],
        requests=list(waiting.order_by("start")[:ROWS]),
        requests_total=waiting.count(),
    )


@dataclass
class MoneyDay:
    overdue: list[Invoice]
    drafts: list[Invoice]
    payments: list[Payment]
    quotes_waiting: list[Quote]
    received_this_month: list[tuple[str, object]]  # (currency, amount)


def money_day(*, today: date) -> MoneyDay:
    month_start, _ = _bounds(today.replace(day=1))
    received = (
        Payment.objects.filter(received_at__gte=month_start)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return MoneyDay(
        overdue=list(
            Invoice.objects.filter(status__in=Invoice.OPEN, balance__gt=0, due_date__lt=today)
            .select_related("client")
            .order_by("due_date", "pk")[:ROWS]
        ),
        drafts=list(
            Invoice.objects.filter(status=Invoice.Status.DRAFT)
            .select_related("client")
            .order_by("-created_at")[:ROWS]
        ),
        payments=list(
            Payment.objects.select_related("client", "invoice").order_by("-received_at", "-pk")[
                :ROWS
            ]
        ),
        quotes_waiting=list(
            Quote.objects.filter(status=Quote.Status.SENT)
            .select_related("client")
            .order_by("valid_until", "pk")[:ROWS]
        ),
        received_this_month=[(row["currency"], row["total"]) for row in received],
    )
