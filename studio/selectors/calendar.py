from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from studio.models import Client, Session, SessionEngineer
from studio.models.sessions import overlapping

EDITABLE = {Session.Status.REQUESTED, Session.Status.CONFIRMED}


def _wall_clock(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


def calendar_events(*, start: datetime, end: datetime, room_id: int | None = None) -> list[dict]:
    """Active sessions between start and end, shaped for FullCalendar (local wall-clock times).

    Read as plain rows, not model instances: a busy week of a large studio has hundreds of
    sessions and this feed is fetched on every calendar navigation."""
    sessions = Session.objects.active().overlapping(start, end).order_by("start")
    crew = SessionEngineer.objects.filter(overlapping(start, end), active=True)
    if room_id:
        sessions = sessions.filter(room_id=room_id)
        crew = crew.filter(session__room_id=room_id)
    engineers: dict[int, list[str]] = defaultdict(list)
    for session_id, name in crew.order_by("engineer__name").values_list(
        "session_id", "engineer__name"
    ):
        engineers[session_id].append(name)
    labels = {value: str(label) for value, label in Session.Status.choices}
    events = []
    for pk, s_start, s_end, status, alert, name, artist, room, colour in sessions.values_list(
        "pk",
        "start",
        "end",
        "status",
        "gear_alert",
        "client__name",
        "client__artist_name",
        "room__name",
        "room__colour",
    ):
        editable = status in EDITABLE
        events.append(
            {
                "id": pk,
                "title": f"{Client.label(name, artist)} · {room}",
                # Wall-clock times in the studio's zone, without offset (see views/calendar.py).
                "start": _wall_clock(s_start),
                "end": _wall_clock(s_end),
                "backgroundColor": colour,
                "borderColor": "#b45309" if alert else colour,
                "editable": editable,
                "extendedProps": {
                    "room": room,
                    "status": labels[status],
                    "engineers": ", ".join(engineers[pk]),
                    "editable": editable,
                },
            }
        )
    return events
