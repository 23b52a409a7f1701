"""The price of a session as its booking form is filled in: the pricing service's answer for the
room and the times as typed, so the form shows what the booking will cost before it is saved."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from studio.models import Room
from studio.money import money_format
from studio.selectors.settings import studio_settings_get
from studio.services.sessions import ENDS_BEFORE_START, room_price

INCOMPLETE = "Give the room, the start and the end to see the price."


def _moment(value: str | None):
    """A date-time as the booking form's fields carry it ("01/12/2026 10:00" or ISO 8601), read
    by the same form field the booking form uses, in the studio's time zone."""
    try:
        return forms.DateTimeField().clean(value)
    except ValidationError:
        return None


@require_GET
def session_price_quote(request):
    # An engineer books sessions without ever seeing what the studio charges.
    if not request.user.has_perm("studio.view_money"):
        raise PermissionDenied
    room_id = request.GET.get("room", "")
    start, end = _moment(request.GET.get("start")), _moment(request.GET.get("end"))
    if not room_id.isdigit() or start is None or end is None:
        return JsonResponse({"error": INCOMPLETE}, status=400)
    # Only this studio's rooms exist in its schema: another studio's room id is not found.
    room = get_object_or_404(Room.objects.prefetch_related("peak_rates"), pk=int(room_id))
    if end <= start:
        return JsonResponse({"error": ENDS_BEFORE_START}, status=400)
    price = room_price(room=room, start=start, end=end)
    return JsonResponse(
        {
            "price": str(price),
            "display": money_format(price, studio_settings_get().currency),
            "room": room.name,
        }
    )
