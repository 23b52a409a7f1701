"""The portal's slot list: the free times of one day as an HTML fragment the booking page
swaps in (GET /book/slots/?room=<id|any>&date=YYYY-MM-DD&minutes=N&engineer=<id|>).

The answer is the availability selector's, online rules and all; this view only reads the
query and writes the times in the studio's zone. Nothing here says who booked the taken times.
"""

from __future__ import annotations

from datetime import date

from django.shortcuts import render
from django.utils import timezone

from portal.auth import portal_login_required
from portal.templatetags.booking_tags import wall_clock
from studio.models import Engineer, Room
from studio.selectors.availability import AvailabilityError, free_slots
from studio.selectors.settings import studio_timezone

BAD_DATE = "Give the day as YYYY-MM-DD."
BAD_MINUTES = "Give the length as a whole number of minutes."
NO_ROOM = "Choose one of the rooms offered, or any room."
NO_ENGINEER = "Choose one of the engineers offered, or none."


class _BadQuery(Exception):
    pass


def _number(value: str, problem: str) -> int:
    if not value.isdigit():
        raise _BadQuery(problem)
    return int(value)


def _query(params) -> dict:
    try:
        day = date.fromisoformat(params.get("date", ""))
    except ValueError:
        raise _BadQuery(BAD_DATE) from None
    minutes = _number(params.get("minutes", ""), BAD_MINUTES)
    room_param = params.get("room", "any") or "any"
    room = None
    if room_param != "any":
        room = Room.objects.filter(pk=_number(room_param, NO_ROOM)).first()
        if room is None:
            raise _BadQuery(NO_ROOM)
    engineer = None
    if params.get("engineer"):
        engineer = Engineer.objects.filter(pk=_number(params["engineer"], NO_ENGINEER)).first()
        if engineer is None:
            raise _BadQuery(NO_ENGINEER)
    return {"day_from": day, "day_to": day, "minutes": minutes, "room": room, "engineer": engineer}


@portal_login_required
def slot_list(request):
    """The day's free times; a question that cannot be answered gets a 400 and a sentence
    (the booking page shows it where the times would be)."""
    try:
        asked = _query(request.GET)
        slots = free_slots(**asked, online=True)
    except (_BadQuery, AvailabilityError) as exc:
        problem = exc.message if isinstance(exc, AvailabilityError) else str(exc)
        return render(request, "portal/booking/_slots.html", {"problem": problem}, status=400)
    tz = studio_timezone()
    times = []
    for slot in slots:
        start, end = timezone.localtime(slot.start, tz), timezone.localtime(slot.end, tz)
        times.append(
            {
                "slot": slot,
                "start": start,
                "end": end,
                "label": wall_clock(start),
                "until": wall_clock(end),
            }
        )
    return render(
        request,
        "portal/booking/_slots.html",
        {"times": times, "day": asked["day_from"], "any_room": asked["room"] is None},
    )
