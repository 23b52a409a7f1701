"""The calendar page: FullCalendar over the sessions, drag and resize through session_move."""

from __future__ import annotations

import json

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from studio.models import Room, Session
from studio.selectors.calendar import calendar_events
from studio.services.errors import StudioError
from studio.services.sessions import session_move

BAD_DATES = "Give start and end as ISO 8601 date-times (the studio's local time)."


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _parse(value: str | None):
    """The calendar speaks in the studio's wall-clock time (it runs in FullCalendar's UTC mode
    as a plain carrier of wall-clock values); read it back in the studio's time zone."""
    try:
        moment = parse_datetime(value or "")
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment.replace(tzinfo=None), timezone.get_current_timezone())


def calendar_view(request, *, admin_site: AdminSite):
    _require(request, "studio.view_session")
    context = {
        **admin_site.each_context(request),
        "title": "Calendar",
        "rooms": Room.objects.filter(is_active=True),
        "can_move": request.user.has_perm("studio.change_session"),
        "can_add": request.user.has_perm("studio.add_session"),
        # FullCalendar runs on wall-clock values (UTC mode), so "now" is the studio's wall clock.
        "studio_now": timezone.localtime().replace(tzinfo=None).isoformat(timespec="seconds"),
    }
    return TemplateResponse(request, "studio/admin/calendar.html", context)


def calendar_feed(request):
    _require(request, "studio.view_session")
    start, end = _parse(request.GET.get("start")), _parse(request.GET.get("end"))
    if start is None or end is None or end <= start:
        return HttpResponseBadRequest(BAD_DATES)
    room = request.GET.get("room")
    room_id = int(room) if room and room.isdigit() else None
    return JsonResponse(calendar_events(start=start, end=end, room_id=room_id), safe=False)


@require_POST
def calendar_move(request, session_id: int):
    _require(request, "studio.change_session")
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"error": BAD_DATES}, status=400)
    start, end = _parse(payload.get("start")), _parse(payload.get("end"))
    if start is None or end is None:
        return JsonResponse({"error": BAD_DATES}, status=400)
    session = get_object_or_404(Session, pk=session_id)
    try:
        session = session_move(session=session, start=start, end=end, by=request.user)
    except StudioError as exc:
        return JsonResponse({"error": exc.message}, status=409)
    answer = {"id": session.pk}
    if request.user.has_perm("studio.view_money"):  # an engineer never sees a price
        answer["price"] = str(session.price)
    return JsonResponse(answer)
