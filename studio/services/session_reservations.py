"""The double-booking rule: a room (with its changeover), an engineer or a piece of gear is in
one active session at a time.

Overlaps are checked first so the usual refusal names the session in the way; the exclusion
constraints in PostgreSQL catch the rest (two requests racing for the same slot), and that
refusal names the winner too. `session_save()` writes a session with its reservations (its crew
and gear rows, which carry the constraints) for the booking services in sessions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from studio.models import Engineer, Equipment, Room, Session
from studio.models.sessions import ACTIVE_STATUSES
from studio.selectors.settings import studio_settings_get
from studio.services.errors import BookingConflict, StudioError

ROOM_TAKEN = "{room} is already booked {when} by {other} ({client}){changeover}."
ENGINEER_TAKEN = "{engineer} is already on {other} in {room} {when}."
GEAR_TAKEN = "{item} is already reserved for {other} {when}."
REFUSED_BY_DATABASE = "The session could not be saved: it breaks {rule}. Nothing was changed."


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, studio_settings_get().tz)


def _when(session: Session) -> str:
    start, end = _local(session.start), _local(session.end)
    if start.date() == end.date():
        return f"on {start:%a %d %b} {start:%H:%M}–{end:%H:%M}"
    return f"from {start:%a %d %b %H:%M} to {end:%a %d %b %H:%M}"


def session_conflicts_check(
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


def session_save(session: Session, engineers: list[Engineer], equipment: list[Equipment]) -> None:
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
            session_conflicts_check(
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
