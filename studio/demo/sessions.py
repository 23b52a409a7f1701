"""The demo studio's sessions: months of bookings, each booked through the booking services and
walked through its life cycle to where it would be today (done, cancelled, no-show, in progress
or still ahead)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from studio.demo.catalogue import (
    CLOSES,
    CREW_WEIGHTS,
    LENGTH_WEIGHTS,
    LENGTHS,
    OPENS,
    PORTABLE,
    RECALL_NOTES,
    ROOM_KIND,
    SESSION_NOTES,
    Progress,
)
from studio.models import Client, Engineer, Equipment, Room, Session
from studio.services.errors import StudioError
from studio.services.session_lifecycle import (
    session_cancel,
    session_check_in,
    session_check_out,
    session_mark_no_show,
)
from studio.services.sessions import session_create


def _ceil_half_hour(minutes: int) -> int:
    return -(-minutes // 30) * 30


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)


class SessionCalendar:
    """Generates a day's bookings and walks them through their life cycle."""

    def __init__(
        self,
        rng: random.Random,
        *,
        tz: ZoneInfo,
        now: datetime,
        rooms: list[Room],
        engineers: list[Engineer],
        equipment: list[Equipment],
        clients: list[Client],
        by,
        progress: Progress | None,
    ):
        self.rng, self.tz, self.now, self.by, self.progress = rng, tz, now, by, progress
        self.rooms, self.engineers = rooms, engineers
        self.gear = [item for item in equipment if item.in_service and item.category in PORTABLE]
        self.clients = clients
        # Regulars book much more often than one-off visitors.
        weights = [
            (8 if i % 9 == 0 else 1) * (3 if c.kind == Client.Kind.LABEL else 1)
            for i, c in enumerate(clients)
        ]
        self.client_weights = list(accumulate(weights))
        self.companies = [c for c in clients if c.kind == Client.Kind.COMPANY] or clients
        self.booked = self.skipped = self.past = 0

    def day_plan(self, day: date) -> list[tuple[Room, int, int]]:
        """Non-overlapping (room, start, end) slots, changeover included, in local minutes."""
        r = self.rng
        wanted = r.randint(3, 6) if day.weekday() < 5 else r.randint(1, 3)
        cursor = {room.pk: OPENS + r.choice((0, 0, 60, 60, 120, 180)) for room in self.rooms}
        free = list(self.rooms)
        plan = []
        while len(plan) < wanted and free:
            room = r.choice(free)
            start = cursor[room.pk] + r.choice((0, 0, 0, 30, 60, 120))
            length = min(r.choices(LENGTHS, weights=LENGTH_WEIGHTS)[0], CLOSES - start)
            if length < max(120, _ceil_half_hour(room.min_minutes)):
                free.remove(room)
                continue
            plan.append((room, start, start + length))
            cursor[room.pk] = start + length + _ceil_half_hour(room.buffer_minutes)
        return sorted(plan, key=lambda slot: (slot[1], slot[0].pk))

    def pick_free(self, pool: list, busy: dict, start: datetime, end: datetime, count: int):
        free = [x for x in pool if all(e <= start or s >= end for s, e in busy.get(x.pk, ()))]
        picked = self.rng.sample(free, min(count, len(free)))
        for x in picked:
            busy.setdefault(x.pk, []).append((start, end))
        return picked

    def client_for(self, room: Room) -> Client:
        if ROOM_KIND[room.name] == "booth" and self.rng.random() < 0.4:
            return self.rng.choice(self.companies)
        return self.rng.choices(self.clients, cum_weights=self.client_weights)[0]

    def fill(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            if day.weekday() != 6:  # closed on Sundays
                self.book_day(day)
            day += timedelta(days=1)

    def book_day(self, day: date) -> None:
        r = self.rng
        crew_busy: dict[int, list] = {}
        gear_busy: dict[int, list] = {}
        for room, start_min, end_min in self.day_plan(day):
            start, end = _at(day, start_min, self.tz), _at(day, end_min, self.tz)
            crew_size = r.choices((0, 1, 2), weights=CREW_WEIGHTS[ROOM_KIND[room.name]])[0]
            crew = self.pick_free(self.engineers, crew_busy, start, end, crew_size)
            gear = []
            if r.random() < 0.12:
                gear = self.pick_free(self.gear, gear_busy, start, end, r.choice((1, 1, 2)))
            future = start > self.now
            status = Session.Status.CONFIRMED
            if future and start - self.now > timedelta(days=1) and r.random() < 0.08:
                status = Session.Status.REQUESTED
            try:
                session = session_create(
                    client=self.client_for(room),
                    room=room,
                    start=start,
                    end=end,
                    engineers=crew,
                    equipment=gear,
                    status=status,
                    notes=r.choice(SESSION_NOTES[ROOM_KIND[room.name]]) if r.random() < 0.6 else "",
                    recall_notes=r.choice(RECALL_NOTES) if r.random() < 0.25 else "",
                    by=self.by,
                )
            except StudioError:
                self.skipped += 1
                continue
            self.live_through(session)
            self.booked += 1
            if self.progress and self.booked % 500 == 0:
                self.progress(f"{self.booked} sessions booked (up to {day:%d %b %Y})")

    def live_through(self, session: Session) -> Session:
        """Move a session to where it would be at `now`."""
        r, start, end, now = self.rng, session.start, session.end, self.now
        if start > now:
            if r.random() < 0.03:  # cancelled ahead of time
                return session_cancel(
                    session=session, at=now - timedelta(hours=r.randint(1, 72)), by=self.by
                )
            return session
        if end > now:  # in progress
            return session_check_in(session=session, at=start, by=self.by)
        self.past += 1
        if self.past % 25 == 12:  # about 4 % cancelled, from a few hours to two weeks before
            at = start - timedelta(hours=r.choice((3, 20, 30, 60, 100, 200, 330)))
            return session_cancel(session=session, at=at, by=self.by)
        if self.past % 33 == 20:  # about 3 % no-shows
            at = start + timedelta(minutes=r.choice((30, 45, 60)))
            return session_mark_no_show(session=session, at=at, by=self.by)
        arrived = start + timedelta(minutes=r.choice((-15, -10, -5, 0, 0, 0, 5, 10)))
        checked_in = session_check_in(session=session, at=arrived, by=self.by)
        checked_in.room = session.room  # keeps the prefetched peak rates for the overtime price
        leaves = end
        if r.random() < 0.1:  # overtime
            leaves = min(end + timedelta(minutes=r.choice((30, 45, 60, 90))), now)
        return session_check_out(session=checked_in, at=leaves, by=self.by)
