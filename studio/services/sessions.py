"""Booking services: the only code that writes sessions and what they reserve.

Every path (admin form, calendar drag, row actions, imports; the client portal too, when it
lands) calls these functions.
Each one checks the rules, writes inside a transaction and records an audit entry. This module
books, changes and moves sessions (one at a time or as a weekly series);
`studio.services.session_reservations` holds the double-booking rule they apply and
`studio.services.session_lifecycle` what happens to a session once booked (confirm, check in
and out, cancel, no-show).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from studio.models import Client, Engineer, Equipment, Room, Session, SessionSeries
from studio.models.sessions import ACTIVE_STATUSES, MAX_SESSION
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record, changes_between, snapshot
from studio.services.deposits import deposit_terms
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.plan_limits import plan_limit_check
from studio.services.pricing import PeakRate, session_price
from studio.services.session_reservations import session_conflicts_check, session_save

NAIVE_TIME = "Give the start and end with a time zone."
ENDS_BEFORE_START = "The session must end after it starts."
TOO_LONG = "A session lasts 24 hours at most; book a longer lockout as one session per day."
TOO_SHORT = "{room} is booked for {minimum} minutes at least; this session lasts {minutes}."
ROOM_CLOSED = "{room} is not in use; choose another room."
ENGINEER_INACTIVE = "{engineer} is no longer active; choose another engineer."
GEAR_OUT = "{item} is {status}; it cannot be reserved."
SERIES_WEEKS = "A weekly series runs for 2 to 52 weeks."
SERIES_CONFLICT = "Week {week} ({date}): {reason} Nothing was booked."

CENT = Decimal("0.01")


# --- helpers ----------------------------------------------------------------------------------


def room_price(*, room: Room, start: datetime, end: datetime) -> Decimal:
    peak = [
        PeakRate(
            weekdays=frozenset(rate.weekdays),
            starts=rate.starts,
            ends=rate.ends,
            hourly_rate=rate.hourly_rate,
        )
        for rate in room.peak_rates.all()
    ]
    return session_price(
        start=start,
        end=end,
        tz=studio_settings_get().tz,
        base_rate=room.hourly_rate,
        peak_rates=peak,
    )


def _check_times(room: Room, start: datetime, end: datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise StudioError(NAIVE_TIME, field="start")
    if end <= start:
        raise StudioError(ENDS_BEFORE_START, field="end")
    if end - start > MAX_SESSION:
        raise StudioError(TOO_LONG, field="end")
    minimum = max(room.min_minutes, studio_settings_get().min_booking_minutes)
    minutes = int((end - start).total_seconds() // 60)
    if minutes < minimum:
        raise StudioError(
            TOO_SHORT.format(room=room, minimum=minimum, minutes=minutes), field="end"
        )


def _check_resources(room: Room, engineers: list[Engineer], equipment: list[Equipment]) -> None:
    if not room.is_active:
        raise StudioError(ROOM_CLOSED.format(room=room), field="room")
    for engineer in engineers:
        if not engineer.is_active:
            raise StudioError(ENGINEER_INACTIVE.format(engineer=engineer), field="engineers")
    for item in equipment:
        if not item.in_service:
            raise StudioError(
                GEAR_OUT.format(item=item, status=item.get_status_display().lower()),
                field="equipment",
            )


def _prepare(
    session: Session,
    *,
    room: Room,
    start: datetime,
    end: datetime,
    engineers: list[Engineer],
    equipment: list[Equipment],
) -> None:
    _check_times(room, start, end)
    _check_resources(room, engineers, equipment)
    session.room, session.start, session.end = room, start, end
    session.blocked_until = end + timedelta(minutes=room.buffer_minutes)
    # A cancelled or no-show session (history brought in by an import) holds nothing.
    if session.status in ACTIVE_STATUSES:
        session_conflicts_check(
            room=room,
            start=start,
            end=end,
            blocked_until=session.blocked_until,
            engineers=engineers,
            equipment=equipment,
            exclude_id=session.pk,
        )
    session.price = room_price(room=room, start=start, end=end)
    session.currency = studio_settings_get().currency
    session.deposit_due = deposit_terms(
        client=session.client, price=session.price, currency=session.currency
    ).amount


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    client: Client,
    room: Room,
    start: datetime,
    end: datetime,
    engineers: Iterable[Engineer] = (),
    equipment: Iterable[Equipment] = (),
    status: str = Session.Status.CONFIRMED,
    notes: str = "",
    recall_notes: str = "",
    series: SessionSeries | None = None,
    hold_expires_at: datetime | None = None,
    booked_online: bool = False,
    by=None,
) -> Session:
    permission_check(by, "studio.add_session")
    if status in ACTIVE_STATUSES:
        plan_limit_check("sessions_per_month", when=start)
    engineers, equipment = list(engineers), list(equipment)
    session = Session(
        client=client,
        status=status,
        notes=notes,
        recall_notes=recall_notes,
        series=series,
        hold_expires_at=hold_expires_at,
        booked_online=booked_online,
        created_by=by if getattr(by, "pk", None) and by.is_staff else None,
    )
    _prepare(session, room=room, start=start, end=end, engineers=engineers, equipment=equipment)
    session_save(session, engineers, equipment)
    audit_record(
        action="session.created",
        obj=session,
        by=by,
        changes=changes_between(
            {}, snapshot(session, ["client", "room", "start", "end", "status", "price"])
        ),
    )
    return session


MOVE_CLOSED = "{session} is {status}: only a requested or confirmed session can be moved."
MOVE_CHECKED_IN = "{session} is checked in: only its end can change (check it out to close it)."


def _when_change_check(session: Session, *, room: Room, start: datetime, end: datetime) -> None:
    """A session that has happened stays where it happened: a checked-in one may run longer or
    shorter, a completed, cancelled or no-show one does not move at all."""
    if (room.pk, start, end) == (session.room_id, session.start, session.end):
        return
    status = session.get_status_display().lower()
    if session.status == Session.Status.CHECKED_IN:
        if room.pk != session.room_id or start != session.start:
            raise StudioError(MOVE_CHECKED_IN.format(session=session))
    elif session.status not in (Session.Status.REQUESTED, Session.Status.CONFIRMED):
        raise StudioError(MOVE_CLOSED.format(session=session, status=status))


@transaction.atomic
def session_update(
    *,
    session: Session,
    client: Client | None = None,
    room: Room | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    engineers: Iterable[Engineer] | None = None,
    equipment: Iterable[Equipment] | None = None,
    notes: str | None = None,
    recall_notes: str | None = None,
    by=None,
) -> Session:
    """Change a session's details; anything left as None stays as it is."""
    permission_check(by, "studio.change_session")
    session = Session.objects.select_for_update().get(pk=session.pk)
    fields = ["client", "room", "start", "end", "notes", "recall_notes", "price"]
    before = snapshot(session, fields)
    before["engineers"] = sorted(str(e) for e in session.engineers.all())
    before["equipment"] = sorted(str(g) for g in session.equipment.all())
    engineers = list(session.engineers.all()) if engineers is None else list(engineers)
    equipment = list(session.equipment.all()) if equipment is None else list(equipment)
    _when_change_check(
        session, room=room or session.room, start=start or session.start, end=end or session.end
    )
    if client is not None:
        session.client = client
    if notes is not None:
        session.notes = notes
    if recall_notes is not None:
        session.recall_notes = recall_notes
    _prepare(
        session,
        room=room or session.room,
        start=start or session.start,
        end=end or session.end,
        engineers=engineers,
        equipment=equipment,
    )
    session_save(session, engineers, equipment)
    after = snapshot(session, fields)
    after["engineers"] = sorted(str(e) for e in engineers)
    after["equipment"] = sorted(str(g) for g in equipment)
    changes = changes_between(before, after)
    if changes:
        audit_record(action="session.changed", obj=session, by=by, changes=changes)
    return session


def session_move(
    *, session: Session, start: datetime, end: datetime, room: Room | None = None, by=None
) -> Session:
    """Move or resize a session (the calendar's drag and drop)."""
    return session_update(session=session, start=start, end=end, room=room, by=by)


def session_series_create(
    *, weeks: int, start: datetime, end: datetime, by=None, **details
) -> list[Session]:
    """Book the same slot every week for `weeks` weeks: all of them, or none."""
    permission_check(by, "studio.add_session")
    if not 2 <= weeks <= 52:
        raise StudioError(SERIES_WEEKS, field="weeks")
    tz = studio_settings_get().tz
    local_start, local_end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    with transaction.atomic():
        series = SessionSeries.objects.create(weeks=weeks)
        sessions = []
        for week in range(weeks):
            # Same wall-clock time each week, across daylight-saving changes.
            week_start = (local_start.replace(tzinfo=None) + timedelta(weeks=week)).replace(
                tzinfo=tz
            )
            week_end = (local_end.replace(tzinfo=None) + timedelta(weeks=week)).replace(tzinfo=tz)
            try:
                sessions.append(
                    session_create(start=week_start, end=week_end, series=series, by=by, **details)
                )
            except StudioError as exc:
                raise type(exc)(
                    SERIES_CONFLICT.format(
                        week=week + 1, date=f"{week_start:%a %d %b}", reason=exc.message
                    ),
                    field=exc.field,
                ) from None
        return sessions
