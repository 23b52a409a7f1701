"""Free time: the only code that says when a room (and an engineer) can be booked.

The portal's slot picker, the back office's "Find a free slot" and the booking code ask here,
so a client and the front desk always get the same answer. The exclusion constraint
`session_room_no_overlap` stays the final word; this module applies the same rule to the same
rows (room, [start, blocked_until) of every active session, holds included, expired or not,
until they are released) and the studio's rules on top of it.

How the studio's rules read, all in the studio's time zone:
- An opening row (weekday, opens, closes) is a window from `opens` on that day to `closes`,
  the next day when `closes <= opens`. Windows that touch or overlap (a 24-hour studio's
  00:00-00:00 days, a late shift continuing the evening) join into one span, and a session
  fits inside one span. A studio with no opening hours is open around the clock, as the
  calendar shows it.
- Slots start at a row's opening time and every `slot_minutes` of real time after it. On a
  daylight-saving day the grid keeps counting real minutes: on the spring-forward night
  01:30 is followed by 03:00 (02:00 to 03:00 does not exist) and on the fall-back night 02:00
  and 02:30 are offered twice (once in summer time, once in winter time; they are different
  instants). Opening and closing times that fall into the gap mean the moment the clocks
  jump; times that exist twice mean the first one (studio.services.pricing.local_instant,
  the rule the prices use).
- A slot is listed on the local date it starts: 01:00 on Sunday from Saturday's late window
  is a Sunday slot.
- Online (the portal): rooms bookable online and in use, no start within `lead_time_hours`,
  none past `max_advance_days` (counted in local dates), starts on the grid only. Staff
  (`online=False`) see every room in use and may book between grid points; the finder still
  offers grid points from now on, but `slot_check` lets staff record a past session.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from studio.models import Engineer, OpeningHours, Room, Session, SessionEngineer
from studio.models.sessions import ACTIVE_STATUSES, MAX_SESSION
from studio.selectors.settings import studio_settings_get
from studio.services.errors import BookingConflict, StudioError
from studio.services.pricing import local_instant

LONGEST_RANGE_DAYS = 31
ONE_DAY = timedelta(days=1)
# An existing session's changeover is at most this long; it bounds how far before a window a
# session that still blocks it can start (so the query can walk the index on start).
LONGEST_CHANGEOVER = timedelta(days=1)

BAD_RANGE = "Choose a last day on or after the first day."
RANGE_TOO_LONG = "Look at {longest} days at most at a time."
BAD_LENGTH = "A session lasts between 1 minute and 24 hours."
TOO_SHORT = "Sessions in {room} last {minimum} minutes at least."
TOO_SHORT_ANY = "Sessions last {minimum} minutes at least."
NAIVE_TIME = "Give the start and end with a time zone."
ENDS_BEFORE_START = "The session must end after it starts."
ROOM_CLOSED = "{room} is not in use; choose another room."
NOT_ONLINE = "{room} is not booked online; contact the studio to book it."
ENGINEER_INACTIVE = "{engineer} is no longer active; choose another engineer."
LEAD_TIME = "Online bookings start {hours} hours from now at the earliest."
TOO_FAR = "Online bookings go up to {days} days ahead."
STUDIO_CLOSED = "The studio is not open for all of that time."
OFF_GRID = "Sessions start at the opening time or a multiple of {step} minutes after it."
ROOM_TAKEN = "{room} is already taken at that time (changeover included)."
ENGINEER_TAKEN = "{engineer} is already booked at that time."


@dataclass(frozen=True)
class Slot:
    # Aware, in UTC: within one zone Python compares and subtracts wall-clock times, so the two
    # 02:00 of a fall-back night would be equal. Show them with localtime(..., studio zone).
    start: datetime
    end: datetime
    room: Room
    engineer: Engineer | None


class AvailabilityError(StudioError):
    """The question cannot be answered as asked (a length under the minimum, a range too long,
    a room that is not offered); the message says which."""


@dataclass(frozen=True)
class _Window:
    opens: datetime  # UTC instants
    closes: datetime
    span_end: datetime  # the end of the span of touching windows this one belongs to


# --- the studio's hours ------------------------------------------------------------------------


def _windows(first: date, last: date, tz) -> list[_Window]:
    """Opening windows of the rows whose day is in [first, last], each knowing the end of
    the span it joins (touching or overlapping windows are one span). Callers ask from the
    day before their first day (late windows reach into it) to two days after their last (a
    24-hour session begun late on the last day ends the day after, or later still the night
    the clocks go forward)."""
    rows = [(row.weekday, row.opens, row.closes) for row in OpeningHours.objects.all()]
    if not rows:
        rows = [(weekday, time(), time()) for weekday in range(7)]
    windows = []
    day = first
    while day <= last:
        for weekday, opens, closes in rows:
            if weekday != day.weekday():
                continue
            closes_on = day if closes > opens else day + ONE_DAY
            start, end = local_instant(day, opens, tz), local_instant(closes_on, closes, tz)
            if start < end:  # a window wholly inside a DST gap is no window
                windows.append((start, end))
        day += ONE_DAY
    windows.sort()
    spans: list[list[datetime]] = []
    for start, end in windows:
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    span_ends = [s for _start, s in spans]
    span_starts = [s for s, _end in spans]
    return [
        _Window(start, end, span_ends[bisect_right(span_starts, start) - 1])
        for start, end in windows
    ]


def _fits(windows: list[_Window], start: datetime, end: datetime, step: timedelta | None) -> bool:
    """Inside one span and starting within a window (on its grid, when `step` is given)."""
    return any(
        window.opens <= start < window.closes
        and end <= window.span_end
        and (step is None or (start - window.opens) % step == timedelta(0))
        for window in windows
    )


# --- what is taken -----------------------------------------------------------------------------


def _merged(intervals: list[tuple[datetime, datetime]]) -> tuple[list, list]:
    """Sorted, disjoint (starts, ends) covering the intervals, for bisecting."""
    starts, ends = [], []
    for a, b in sorted(intervals):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _free(busy: tuple[list, list], start: datetime, end: datetime) -> bool:
    """No busy interval meets [start, end) (half-open, like tstzrange '[)')."""
    starts, ends = busy
    i = bisect_left(starts, end) - 1  # the last interval starting before `end`
    return i < 0 or ends[i] <= start


def _room_busy(rooms: list[Room], lo: datetime, hi: datetime, exclude: int | None) -> dict:
    """Each room's blocked time meeting [lo, hi): one query for all the rooms."""
    rows = (
        Session.objects.filter(
            status__in=ACTIVE_STATUSES,
            room__in=[room.pk for room in rooms],
            start__lt=hi,
            start__gt=lo - MAX_SESSION - LONGEST_CHANGEOVER,
            blocked_until__gt=lo,
        )
        .exclude(pk=exclude)
        .values_list("room_id", "start", "blocked_until")
    )
    by_room: dict[int, list] = {room.pk: [] for room in rooms}
    for room_id, start, blocked_until in rows:
        by_room[room_id].append((start, blocked_until))
    return {room_id: _merged(intervals) for room_id, intervals in by_room.items()}


def _engineer_busy(engineer: Engineer, lo: datetime, hi: datetime, exclude: int | None):
    rows = (
        SessionEngineer.objects.filter(
            engineer=engineer,
            active=True,
            start__lt=hi,
            start__gt=lo - MAX_SESSION,
            end__gt=lo,
        )
        .exclude(session_id=exclude)
        .values_list("start", "end")
    )
    return _merged(list(rows))


# --- the rules ---------------------------------------------------------------------------------


def _minimum(room: Room, settings) -> int:
    return max(room.min_minutes, settings.min_booking_minutes)


def _room_offered(room: Room, online: bool) -> None:
    if not room.is_active:
        raise AvailabilityError(ROOM_CLOSED.format(room=room), field="room")
    if online and not room.bookable_online:
        raise AvailabilityError(NOT_ONLINE.format(room=room), field="room")


def _engineer_offered(engineer: Engineer | None) -> None:
    if engineer is not None and not engineer.is_active:
        raise AvailabilityError(ENGINEER_INACTIVE.format(engineer=engineer), field="engineer")


def _earliest(settings, now: datetime, online: bool) -> datetime:
    return now + timedelta(hours=settings.lead_time_hours) if online else now


def _last_day(settings, now: datetime, online: bool) -> date | None:
    if not online:
        return None
    return timezone.localtime(now, settings.tz).date() + timedelta(days=settings.max_advance_days)


def free_slots(
    *,
    day_from: date,
    day_to: date,
    minutes: int,
    room: Room | None = None,
    engineer: Engineer | None = None,
    online: bool = True,
    now: datetime | None = None,
    exclude_session_id: int | None = None,
) -> list[Slot]:
    """Bookable slots of `minutes` starting on the local days day_from..day_to, by start.

    `room=None` is "any room": each start once, in the room a booking would get (the first
    free one by name). `exclude_session_id` leaves one session out (the one being moved).
    Three or four queries whatever the range: settings, hours, rooms, the sessions of the
    window (and the engineer's bookings); the rest is bisecting sorted lists.
    """
    if day_to < day_from:
        raise AvailabilityError(BAD_RANGE, field="day_to")
    if (day_to - day_from).days + 1 > LONGEST_RANGE_DAYS:
        raise AvailabilityError(RANGE_TOO_LONG.format(longest=LONGEST_RANGE_DAYS), field="day_to")
    if not 0 < minutes <= MAX_SESSION // timedelta(minutes=1):
        raise AvailabilityError(BAD_LENGTH, field="minutes")
    settings = studio_settings_get()
    now = (now or timezone.now()).astimezone(UTC)
    _engineer_offered(engineer)
    if room is not None:
        _room_offered(room, online)
        if minutes < _minimum(room, settings):
            minimum = _minimum(room, settings)
            raise AvailabilityError(TOO_SHORT.format(room=room, minimum=minimum), field="minutes")
        rooms = [room]
    else:
        offered = Room.objects.filter(is_active=True).order_by("name")
        if online:
            offered = offered.filter(bookable_online=True)
        offered = list(offered)
        rooms = [r for r in offered if minutes >= _minimum(r, settings)]
        if offered and not rooms:
            minimum = min(_minimum(r, settings) for r in offered)
            raise AvailabilityError(TOO_SHORT_ANY.format(minimum=minimum), field="minutes")
        if not rooms:
            return []

    tz, length = settings.tz, timedelta(minutes=minutes)
    step = timedelta(minutes=settings.slot_minutes or 1)
    earliest, last_day = _earliest(settings, now, online), _last_day(settings, now, online)
    windows = _windows(day_from - ONE_DAY, day_to + 2 * ONE_DAY, tz)
    starts = set()
    for window in windows:
        start = window.opens
        while start < window.closes and start + length <= window.span_end:
            local_day = start.astimezone(tz).date()
            if (
                day_from <= local_day <= day_to
                and start >= earliest
                and (last_day is None or local_day <= last_day)
            ):
                starts.add(start)
            start += step
    if not starts:
        return []
    starts = sorted(starts)
    longest_buffer = timedelta(minutes=max(r.buffer_minutes for r in rooms))
    lo, hi = starts[0], starts[-1] + length + longest_buffer
    busy = _room_busy(rooms, lo, hi, exclude_session_id)
    crew = _engineer_busy(engineer, lo, hi, exclude_session_id) if engineer else None

    slots = []
    for start in starts:
        end = start + length
        if crew is not None and not _free(crew, start, end):
            continue
        for candidate in rooms:
            blocked_until = end + timedelta(minutes=candidate.buffer_minutes)
            if _free(busy[candidate.pk], start, blocked_until):
                slots.append(Slot(start, end, candidate, engineer))
                break
    return slots


def slot_check(
    *,
    room: Room,
    start: datetime,
    end: datetime,
    engineer: Engineer | None = None,
    online: bool = True,
    now: datetime | None = None,
    exclude_session_id: int | None = None,
) -> None:
    """Raise StudioError saying which rule refuses a session in `room` from `start` to `end`;
    return quietly if `free_slots` would offer it (the same rules, read the same way)."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise StudioError(NAIVE_TIME, field="start")
    if end <= start:
        raise StudioError(ENDS_BEFORE_START, field="end")
    if end - start > MAX_SESSION:
        raise StudioError(BAD_LENGTH, field="end")
    # Compare in UTC: within one zone Python compares wall-clock times (PEP 495).
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    settings = studio_settings_get()
    now = (now or timezone.now()).astimezone(UTC)
    _room_offered(room, online)
    _engineer_offered(engineer)
    minimum = _minimum(room, settings)
    if end - start < timedelta(minutes=minimum):
        raise StudioError(TOO_SHORT.format(room=room, minimum=minimum), field="end")
    tz = settings.tz
    if online:
        if start < _earliest(settings, now, online):
            raise StudioError(LEAD_TIME.format(hours=settings.lead_time_hours), field="start")
        if start.astimezone(tz).date() > _last_day(settings, now, online):
            raise StudioError(TOO_FAR.format(days=settings.max_advance_days), field="start")
    local_day = start.astimezone(tz).date()
    windows = _windows(local_day - ONE_DAY, local_day + 2 * ONE_DAY, tz)
    if not _fits(windows, start, end, None):
        raise StudioError(STUDIO_CLOSED, field="start")
    if online and not _fits(windows, start, end, timedelta(minutes=settings.slot_minutes or 1)):
        raise StudioError(OFF_GRID.format(step=settings.slot_minutes), field="start")
    blocked_until = end + timedelta(minutes=room.buffer_minutes)
    busy = _room_busy([room], start, blocked_until, exclude_session_id)[room.pk]
    if not _free(busy, start, blocked_until):
        raise BookingConflict(ROOM_TAKEN.format(room=room), field="start")
    if engineer is not None and not _free(
        _engineer_busy(engineer, start, end, exclude_session_id), start, end
    ):
        raise BookingConflict(ENGINEER_TAKEN.format(engineer=engineer), field="engineer")
