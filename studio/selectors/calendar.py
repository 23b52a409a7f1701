"""What the back-office calendar draws: sessions per room, the studio's closed hours, the
first day of its week. Times travel as the studio's wall-clock values without an offset (see
studio/views/calendar.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from babel import Locale, UnknownLocaleError
from django.utils import timezone

from studio.models import Client, OpeningHours, Session, SessionEngineer
from studio.models.sessions import ACTIVE_STATUSES, overlapping

EDITABLE = {Session.Status.REQUESTED, Session.Status.CONFIRMED}
# A no-show stays on the calendar, marked, so the slot's story is visible; a cancelled
# session is gone from it (it holds nothing and would only hide what is bookable).
SHOWN = (*ACTIVE_STATUSES, Session.Status.NO_SHOW)
DARK_TEXT, LIGHT_TEXT = "#111827", "#ffffff"


def _wall_clock(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


def _luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour, as WCAG defines it."""
    try:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return 1.0
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on a room's colour: rooms are coloured by the
    studio, and white on a pale yellow is unreadable."""
    luminance = _luminance(colour)
    on_white = (1.05) / (luminance + 0.05)
    on_dark = (luminance + 0.05) / (0.0137 + 0.05)  # luminance of DARK_TEXT
    return LIGHT_TEXT if on_white >= on_dark else DARK_TEXT


def calendar_events(
    *,
    start: datetime,
    end: datetime,
    room_id: int | None = None,
    engineer_id: int | None = None,
) -> list[dict]:
    """Sessions between start and end, one resource (room) each, styled by status.

    Read as plain rows, not model instances: a busy week of a large studio has hundreds of
    sessions and this feed is fetched on every calendar navigation."""
    sessions = Session.objects.filter(status__in=SHOWN).overlapping(start, end).order_by("start")
    crew = SessionEngineer.objects.filter(overlapping(start, end), active=True)
    if room_id:
        sessions = sessions.filter(room_id=room_id)
        crew = crew.filter(session__room_id=room_id)
    if engineer_id:
        sessions = sessions.filter(
            pk__in=SessionEngineer.objects.filter(engineer_id=engineer_id, active=True).values(
                "session_id"
            )
        )
    engineers: dict[int, list[str]] = defaultdict(list)
    for session_id, name in crew.order_by("engineer__name").values_list(
        "session_id", "engineer__name"
    ):
        engineers[session_id].append(name)
    labels = {value: str(label) for value, label in Session.Status.choices}
    events = []
    for row in sessions.values_list(
        "pk",
        "start",
        "end",
        "status",
        "gear_alert",
        "client__name",
        "client__artist_name",
        "room_id",
        "room__name",
        "room__colour",
        "project__title",
    ):
        pk, s_start, s_end, status, alert, name, artist, room_id_, room, colour, project = row
        editable = status in EDITABLE
        classes = [f"is-{status.replace('_', '-')}"]
        if alert:
            classes.append("has-gear-alert")
        events.append(
            {
                "id": pk,
                "resourceIds": [room_id_],
                # The project, when there is one, travels in the title ("Ana Lima · Debut EP").
                "title": Client.label(name, artist) + (f" · {project}" if project else ""),
                "start": _wall_clock(s_start),
                "end": _wall_clock(s_end),
                "backgroundColor": colour,
                "textColor": text_colour_on(colour),
                "classNames": classes,
                "editable": editable,
                "extendedProps": {
                    "room": room,
                    "roomColour": colour,
                    "status": status,
                    "statusLabel": labels[status],
                    "engineers": ", ".join(engineers[pk]),
                    "project": project or "",
                    "editable": editable,
                },
            }
        )
    return events


def _open_spans(day: date, hours: list[OpeningHours]) -> list[tuple[datetime, datetime]]:
    """The spans a studio is open that start on `day`; a closing time earlier than the
    opening time runs past midnight."""
    spans = []
    for row in hours:
        if row.weekday != day.weekday():
            continue
        opens = datetime.combine(day, row.opens)
        closes = datetime.combine(day, row.closes)
        if closes <= opens:
            closes += timedelta(days=1)
        spans.append((opens, closes))
    return spans


def calendar_closed_periods(*, start: date, end: date) -> list[dict]:
    """Background events over the hours the studio is closed, from `start` up to `end`
    (dates, end excluded), in wall-clock time. A studio that has entered no opening hours is
    shown open: shading every hour would say it never opens.

    The calendar shades these and still lets staff book over them (a late session is a
    studio's call); the shading only says the studio is normally closed then."""
    hours = list(OpeningHours.objects.all())
    if not hours:
        return []
    # Spans that start the day before can reach into the first day.
    spans = []
    day = start - timedelta(days=1)
    while day < end:
        spans.extend(_open_spans(day, hours))
        day += timedelta(days=1)
    spans.sort()
    closed = []
    cursor = datetime.combine(start, time.min)
    limit = datetime.combine(end, time.min)
    for opens, closes in spans:
        if opens > cursor:
            closed.append((cursor, min(opens, limit)))
        cursor = max(cursor, closes)
        if cursor >= limit:
            break
    if cursor < limit:
        closed.append((cursor, limit))
    return [
        {
            "id": f"closed-{since:%Y%m%dT%H%M}",
            "start": since.isoformat(),
            "end": until.isoformat(),
            "display": "background",
            "classNames": ["is-closed"],
        }
        for since, until in _by_day(closed)
    ]


def _by_day(spans: list[tuple[datetime, datetime]]):
    """Cut spans at midnight: a day column shades what falls on it, and a closed weekend
    reads as two closed days."""
    for since, until in spans:
        while since < until:
            midnight = datetime.combine(since.date() + timedelta(days=1), time.min)
            yield since, min(until, midnight)
            since = midnight


def calendar_first_day(locale: str) -> int:
    """The weekday a week starts on in the studio's locale, Sunday being 0 as the calendar
    counts (en-US starts on Sunday, en-GB and most of Europe on Monday)."""
    try:
        monday_based = Locale.parse(locale.replace("-", "_")).first_week_day
    except (ValueError, UnknownLocaleError):
        monday_based = 0
    return (monday_based + 1) % 7
