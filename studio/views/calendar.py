"""The calendar page: the rooms side by side (EventCalendar's resource views) over the sessions;
drag, resize and their undo all go through session_move."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from studio.models import Engineer, Room, Session
from studio.selectors.calendar import (
    calendar_closed_periods,
    calendar_events,
    calendar_first_day,
)
from studio.selectors.settings import studio_settings_get
from studio.services.errors import StudioError
from studio.services.sessions import session_move

BAD_DATES = "Give start and end as ISO 8601 date-times (the studio's local time)."
NO_SUCH_ROOM = "That room is not one of this studio's rooms."
# A week view asks for 7 days; the timeline's month for 31. Anything much longer is not the
# calendar asking, and would make the closed-hours shading arbitrarily long.
LONGEST_RANGE = timedelta(days=62)


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _parse(value: str | None):
    """The calendar speaks in the studio's wall-clock time (its dates carry no offset and it
    shows them as they are); read them back in the studio's time zone."""
    try:
        moment = parse_datetime(value or "")
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment.replace(tzinfo=None), timezone.get_current_timezone())


def _number(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def _without_charts(response):
    """Unfold's page skeleton loads Chart.js (about 200 KB) on every admin page; the calendar
    draws no chart and Unfold's app.js only calls Chart for a chart it finds on the page."""
    tag = f'<script src="{static("unfold/js/chart/chart.js")}"></script>'.encode()
    response.content = response.content.replace(tag, b"", 1)
    return response


def calendar_view(request, *, admin_site: AdminSite):
    _require(request, "studio.view_session")
    rooms = list(Room.objects.filter(is_active=True).values("pk", "name", "colour"))
    locale = studio_settings_get().locale or "en-GB"
    here = reverse("admin:calendar")
    context = {
        **admin_site.each_context(request),
        "title": "Calendar",
        "rooms": rooms,
        "engineers": Engineer.objects.filter(is_active=True).values("pk", "name"),
        "calendar_resources": [
            {"id": room["pk"], "title": room["name"], "eventBackgroundColor": room["colour"]}
            for room in rooms
        ],
        "can_move": request.user.has_perm("studio.change_session"),
        "can_add": request.user.has_perm("studio.add_session"),
        "locale": locale,
        "first_day": calendar_first_day(locale),
        "here": here,
        # The calendar runs on wall-clock values, so "now" is the studio's wall clock.
        "studio_now": timezone.localtime().replace(tzinfo=None).isoformat(timespec="seconds"),
    }
    response = TemplateResponse(request, "studio/admin/calendar.html", context)
    response.add_post_render_callback(_without_charts)
    return response


def calendar_feed(request):
    _require(request, "studio.view_session")
    start, end = _parse(request.GET.get("start")), _parse(request.GET.get("end"))
    if start is None or end is None or end <= start or end - start > LONGEST_RANGE:
        return HttpResponseBadRequest(BAD_DATES)
    events = calendar_events(
        start=start,
        end=end,
        room_id=_number(request.GET.get("room")),
        engineer_id=_number(request.GET.get("engineer")),
    )
    # Whole days, the last one being the day the range ends in (an end at midnight is the
    # end of the day before).
    last_day = (end - timedelta(microseconds=1)).date()
    closed = calendar_closed_periods(start=start.date(), end=last_day + timedelta(days=1))
    return JsonResponse(events + closed, safe=False)


@require_POST
def calendar_move(request, session_id: int):
    _require(request, "studio.change_session")
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"error": BAD_DATES}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": BAD_DATES}, status=400)
    start, end = _parse(payload.get("start")), _parse(payload.get("end"))
    if start is None or end is None:
        return JsonResponse({"error": BAD_DATES}, status=400)
    room = None
    if payload.get("room") not in (None, ""):
        # Looked up in this studio's schema only: another studio's room id names nothing here.
        room = Room.objects.filter(pk=_number(payload["room"])).first()
        if room is None:
            return JsonResponse({"error": NO_SUCH_ROOM}, status=400)
    session = get_object_or_404(Session, pk=session_id)
    try:
        session = session_move(session=session, start=start, end=end, room=room, by=request.user)
    except StudioError as exc:
        return JsonResponse({"error": exc.message}, status=409)
    answer = {"id": session.pk}
    if request.user.has_perm("studio.view_money"):  # an engineer never sees a price
        answer["price"] = str(session.price)
    return JsonResponse(answer)
