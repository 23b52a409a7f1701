from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from studio.models import Session
from studio.models.sessions import ACTIVE_STATUSES, MAX_SESSION


def _wall_clock(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


def calendar_events(*, start: datetime, end: datetime, room_id: int | None = None) -> list[dict]:
    """Active sessions between start and end, shaped for FullCalendar (local times)."""
    sessions = (
        Session.objects.filter(
            status__in=ACTIVE_STATUSES, start__lt=end, start__gt=start - MAX_SESSION, end__gt=start
        )
        .select_related("client", "room")
        .prefetch_related("engineers")
        .order_by("start")
    )
    if room_id:
        sessions = sessions.filter(room_id=room_id)
    events = []
    for session in sessions:
        engineers = ", ".join(e.name for e in session.engineers.all())
        events.append(
            {
                "id": session.pk,
                "title": f"{session.client} · {session.room}",
                # Wall-clock times in the studio's zone, without offset (see admin/calendar.py).
                "start": _wall_clock(session.start),
                "end": _wall_clock(session.end),
                "backgroundColor": session.room.colour,
                "borderColor": "#b45309" if session.gear_alert else session.room.colour,
                "extendedProps": {
                    "room": session.room.name,
                    "status": session.get_status_display(),
                    "engineers": engineers,
                    "editable": session.status in ("requested", "confirmed"),
                },
                "editable": session.status in ("requested", "confirmed"),
            }
        )
    return events
