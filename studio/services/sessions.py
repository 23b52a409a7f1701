"""Booking services: the only code that writes sessions and what they reserve.

Every path (admin form, calendar drag, row actions, imports, the portal) calls these functions.
Each one checks the rules, writes inside a transaction and records an audit entry. Overlaps are
checked first so the usual refusal names the session in the way; the exclusion constraints in
PostgreSQL catch the rest (two requests racing for the same slot), and that refusal names the
winner too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from studio.models import Client, Engineer, Equipment, Room, Session, SessionSeries
from studio.models.sessions import ACTIVE_STATUSES, MAX_SESSION
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record, changes_between, snapshot
from studio.services.errors import BookingConflict, StudioError
from studio.services.plan_limits import plan_limit_check
from studio.services.pricing import PeakRate, session_price

NAIVE_TIME = "Give the start and end with a time zone."
ENDS_BEFORE_START = "The session must end after it starts."
TOO_LONG = "A session lasts 24 hours at most; book a longer lockout as one session per day."
TOO_SHORT = "{room} is booked for {minimum} minutes at least; this session lasts {minutes}."
ROOM_CLOSED = "{room} is not in use; choose another room."
ENGINEER_INACTIVE = "{engineer} is no longer active; choose another engineer."
GEAR_OUT = "{item} is {status}; it cannot be reserved."
ROOM_TAKEN = "{room} is already booked {when} by {other} ({client}){changeover}."
ENGINEER_TAKEN = "{engineer} is already on {other} in {room} {when}."
GEAR_TAKEN = "{item} is already reserved for {other} {when}."
BAD_TRANSITION = "{session} is {status}; it cannot be {verb}."
NO_SHOW_TOO_EARLY = "{session} has not started yet; it cannot be marked as a no-show."
REFUSED_BY_DATABASE = "The session could not be saved: it breaks {rule}. Nothing was changed."
SERIES_WEEKS = "A weekly series runs for 2 to 52 weeks."
SERIES_CONFLICT = "Week {week} ({date}): {reason} Nothing was booked."

CENT = Decimal("0.01")


# --- helpers ----------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, studio_settings_get().tz)


def _when(session: Session) -> str:
    start, end = _local(session.start), _local(session.end)
    if start.date() == end.date():
        return f"on {start:%a %d %b} {start:%H:%M}–{end:%H:%M}"
    return f"from {start:%a %d %b %H:%M} to {end:%a %d %b %H:%M}"


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


def _deposit(price: Decimal) -> Decimal:
    percent = studio_settings_get().deposit_percent
    return (price * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


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


def _check_conflicts(
    *,
    room: Room,
    start: datetime,
    end: datetime,
    blocked_until: datetime,
    engineers: list[Engineer],
    equipment: list[Equipment],
    exclude_id: int | None,
) -> None:
    """Raise BookingConflict naming the first session in the way, if any."""
    active = Session.objects.filter(status__in=ACTIVE_STATUSES).exclude(pk=exclude_id)
    other = (
        active.filter(room=room, start__lt=blocked_until, blocked_until__gt=start)
        .select_related("client")
        .order_by("start")
        .first()
    )
    if other:
        changeover = (
            f", changeover included ({room.buffer_minutes} min)" if room.buffer_minutes else ""
        )
        raise BookingConflict(
            ROOM_TAKEN.format(
                room=room,
                when=_when(other),
                other=other,
                client=other.client,
                changeover=changeover,
            ),
            field="start",
            conflicting_id=other.pk,
        )
    for engineer in engineers:
        other = (
            active.filter(crew__engineer=engineer, start__lt=end, end__gt=start)
            .select_related("room")
            .order_by("start")
            .first()
        )
        if other:
            raise BookingConflict(
                ENGINEER_TAKEN.format(
                    engineer=engineer, other=other, room=other.room, when=_when(other)
                ),
                field="engineers",
                conflicting_id=other.pk,
            )
    for item in equipment:
        other = active.filter(gear__equipment=item, start__lt=end, end__gt=start).first()
        if other:
            raise BookingConflict(
                GEAR_TAKEN.format(item=item, other=other, when=_when(other)),
                field="equipment",
                conflicting_id=other.pk,
            )


def _write_reservations(
    session: Session, engineers: Iterable[Engineer], equipment: Iterable[Equipment]
) -> None:
    active = session.status in ACTIVE_STATUSES
    session.crew.all().delete()
    session.gear.all().delete()
    session.crew.bulk_create(
        [
            session.crew.model(
                session=session, engineer=e, start=session.start, end=session.end, active=active
            )
            for e in engineers
        ]
    )
    session.gear.bulk_create(
        [
            session.gear.model(
                session=session, equipment=g, start=session.start, end=session.end, active=active
            )
            for g in equipment
        ]
    )


DEADLOCK = "40P01"
SAVE_ATTEMPTS = 5


def _is_deadlock(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == DEADLOCK


def _save(session: Session, engineers: list[Engineer], equipment: list[Equipment]) -> None:
    """Write the session and its reservations; a constraint violation (a concurrent booking
    won the slot) becomes the same BookingConflict a pre-check would have raised.

    Two transactions inserting overlapping rows each wait for the other to finish checking the
    exclusion constraint, and PostgreSQL breaks that cycle by aborting one with a deadlock
    error. The aborted insert is simply tried again: by then the other booking has committed
    (or rolled back) and the constraint gives a clean answer."""
    creating = session.pk is None
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        if creating:
            # A rolled-back attempt may have given the instance a primary key already.
            session.pk, session._state.adding = None, True
        try:
            with transaction.atomic():
                session.full_clean(
                    exclude=["blocked_until", "engineers", "equipment"],
                    validate_constraints=False,
                )
                session.save()
                _write_reservations(session, engineers, equipment)
            return
        except OperationalError as exc:
            if not _is_deadlock(exc) or attempt == SAVE_ATTEMPTS:
                raise
        except IntegrityError as exc:
            if creating:
                session.pk, session._state.adding = None, True
            _check_conflicts(
                room=session.room,
                start=session.start,
                end=session.end,
                blocked_until=session.blocked_until,
                engineers=engineers,
                equipment=equipment,
                exclude_id=session.pk,
            )
            # Not an overlap after all: still refuse cleanly, naming the rule that was broken.
            constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
            raise StudioError(REFUSED_BY_DATABASE.format(rule=constraint or "a data rule")) from exc


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
        _check_conflicts(
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
    session.deposit_due = _deposit(session.price)


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
    by=None,
) -> Session:
    if status in ACTIVE_STATUSES:
        plan_limit_check("sessions_per_month", when=start)
    engineers, equipment = list(engineers), list(equipment)
    session = Session(
        client=client,
        status=status,
        notes=notes,
        recall_notes=recall_notes,
        series=series,
        created_by=by if getattr(by, "pk", None) else None,
    )
    _prepare(session, room=room, start=start, end=end, engineers=engineers, equipment=equipment)
    _save(session, engineers, equipment)
    audit_record(
        action="session.created",
        obj=session,
        by=by,
        changes=changes_between(
            {}, snapshot(session, ["client", "room", "start", "end", "status", "price"])
        ),
    )
    return session


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
    session = Session.objects.select_for_update().get(pk=session.pk)
    fields = ["client", "room", "start", "end", "notes", "recall_notes", "price"]
    before = snapshot(session, fields)
    before["engineers"] = sorted(str(e) for e in session.engineers.all())
    before["equipment"] = sorted(str(g) for g in session.equipment.all())
    engineers = list(session.engineers.all()) if engineers is None else list(engineers)
    equipment = list(session.equipment.all()) if equipment is None else list(equipment)
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
    _save(session, engineers, equipment)
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


def _transition(
    session: Session, *, allowed: tuple[str, ...], to: str, verb: str, by, **values
) -> Session:
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status not in allowed:
            raise StudioError(
                BAD_TRANSITION.format(
                    session=session, status=session.get_status_display().lower(), verb=verb
                )
            )
        before = snapshot(session, ["status", *values])
        session.status = to
        for name, value in values.items():
            setattr(session, name, value)
        session.save()
        # Reservations follow the session: a cancelled session frees its engineers and gear.
        active = to in ACTIVE_STATUSES
        session.crew.update(active=active)
        session.gear.update(active=active)
        audit_record(
            action=f"session.{to}",
            obj=session,
            by=by,
            changes=changes_between(before, snapshot(session, ["status", *values])),
        )
        return session


def session_confirm(*, session: Session, by=None) -> Session:
    return _transition(
        session,
        allowed=(Session.Status.REQUESTED,),
        to=Session.Status.CONFIRMED,
        verb="confirmed",
        by=by,
    )


def session_check_in(*, session: Session, at: datetime | None = None, by=None) -> Session:
    return _transition(
        session,
        allowed=(Session.Status.CONFIRMED, Session.Status.REQUESTED),
        to=Session.Status.CHECKED_IN,
        verb="checked in",
        by=by,
        checked_in_at=at or timezone.now(),
    )


def session_check_out(*, session: Session, at: datetime | None = None, by=None) -> Session:
    """Close a session; time past the booked end is overtime, charged at the room's rates."""
    at = at or timezone.now()
    overtime = max(0, math.ceil((at - session.end).total_seconds() / 60))
    extra = room_price(room=session.room, start=session.end, end=at) if overtime else Decimal("0")
    return _transition(
        session,
        allowed=(Session.Status.CHECKED_IN,),
        to=Session.Status.COMPLETED,
        verb="checked out",
        by=by,
        checked_out_at=at,
        overtime_minutes=overtime,
        price=session.price + extra,
    )


def refund_percent_for(*, session: Session, at: datetime) -> Decimal:
    """The deposit refund the studio's cancellation tiers give for cancelling at `at`."""
    hours_before = (session.start - at).total_seconds() / 3600
    for tier in studio_settings_get().tiers.order_by("-min_hours_before"):
        if hours_before >= tier.min_hours_before:
            return tier.refund_percent
    return Decimal("0")


def session_cancel(*, session: Session, at: datetime | None = None, by=None) -> Session:
    at = at or timezone.now()
    return _transition(
        session,
        allowed=(Session.Status.REQUESTED, Session.Status.CONFIRMED),
        to=Session.Status.CANCELLED,
        verb="cancelled",
        by=by,
        refund_percent=refund_percent_for(session=session, at=at),
    )


def session_mark_no_show(*, session: Session, at: datetime | None = None, by=None) -> Session:
    if (at or timezone.now()) < session.start:
        raise StudioError(NO_SHOW_TOO_EARLY.format(session=session))
    with transaction.atomic():
        session = _transition(
            session,
            allowed=(Session.Status.REQUESTED, Session.Status.CONFIRMED),
            to=Session.Status.NO_SHOW,
            verb="marked as a no-show",
            by=by,
        )
        Client.objects.filter(pk=session.client_id).update(no_show_count=F("no_show_count") + 1)
    return session


def session_series_create(
    *, weeks: int, start: datetime, end: datetime, by=None, **details
) -> list[Session]:
    """Book the same slot every week for `weeks` weeks: all of them, or none."""
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
