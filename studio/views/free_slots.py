"""Staff's "Find a free slot": the availability selector's answer for the back office (every
room in use, no lead time or horizon), each slot a link to the booking form filled in."""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from django import forms
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminIntegerFieldWidget, UnfoldAdminSelectWidget

from studio.models import Engineer, Room
from studio.selectors.availability import AvailabilityError, free_slots
from studio.selectors.settings import studio_settings_get

ANY_ROOM = "any"
MAX_DAYS = 14


class FreeSlotForm(forms.Form):
    room = forms.ChoiceField(label=_("Room"), widget=UnfoldAdminSelectWidget)
    engineer = forms.ModelChoiceField(
        label=_("Engineer"),
        queryset=Engineer.objects.filter(is_active=True),
        required=False,
        empty_label=_("Anyone (or none)"),
        widget=UnfoldAdminSelectWidget,
    )
    day = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "border rounded-default px-2"}),
    )
    days = forms.IntegerField(
        label=_("Days"), min_value=1, max_value=MAX_DAYS, widget=UnfoldAdminIntegerFieldWidget
    )
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=1,
        max_value=24 * 60,
        widget=UnfoldAdminIntegerFieldWidget,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rooms = Room.objects.filter(is_active=True).values_list("pk", "name")
        self.fields["room"].choices = [(ANY_ROOM, _("Any room")), *rooms]

    def clean_room(self) -> Room | None:
        value = self.cleaned_data["room"]
        if value == ANY_ROOM:
            return None
        room = Room.objects.filter(pk=value, is_active=True).first()
        if room is None:
            raise forms.ValidationError(_("Choose a room in use."))
        return room


def _label(start, end) -> str:
    """Start to end, wall clock; on a fall-back night the repeated hour says which (CEST, CET)."""

    def text(moment):
        twice = moment.replace(fold=1 - moment.fold).utcoffset() != moment.utcoffset()
        return f"{moment:%H:%M %Z}" if twice else f"{moment:%H:%M}"

    return f"{text(start)}–{text(end)}"


def _add_link(slot, tz) -> str:
    """The booking form, filled in: it reads ?room=…&start=…&end=… (start and end carry their
    offset, so the repeated hour of a fall-back night names the right instant)."""
    query = {
        "room": slot.room.pk,
        "start": timezone.localtime(slot.start, tz).isoformat(),
        "end": timezone.localtime(slot.end, tz).isoformat(),
    }
    if slot.engineer is not None:
        query["engineers"] = slot.engineer.pk
    return f"{reverse('admin:studio_session_add')}?{urlencode(query)}"


def free_slots_view(request, *, admin_site: AdminSite):
    if not request.user.has_perm("studio.add_session"):
        raise PermissionDenied
    settings = studio_settings_get()
    tz = settings.tz
    initial = {
        "room": request.GET.get("room") or ANY_ROOM,
        "day": timezone.localdate(timezone=tz),
        "days": 7,
        "minutes": max(settings.min_booking_minutes, 60),
    }
    asked = "day" in request.GET
    form = FreeSlotForm(request.GET if asked else None, initial=initial)
    days, error = [], None
    if asked and form.is_valid():
        data = form.cleaned_data
        try:
            slots = free_slots(
                day_from=data["day"],
                day_to=data["day"] + timedelta(days=data["days"] - 1),
                minutes=data["minutes"],
                room=data["room"],
                engineer=data["engineer"],
                online=False,
            )
        except AvailabilityError as exc:
            error = exc.message
        else:
            local = [(timezone.localtime(slot.start, tz), slot) for slot in slots]
            days = [
                (
                    day,
                    [
                        (_label(start, timezone.localtime(slot.end, tz)), slot, _add_link(slot, tz))
                        for start, slot in group
                    ],
                )
                for day, group in groupby(local, key=lambda pair: pair[0].date())
            ]
    context = {
        **admin_site.each_context(request),
        "title": _("Find a free slot"),
        "form": form,
        "asked": asked,
        "days": days,
        "error": error,
        "any_room": ANY_ROOM,
    }
    return TemplateResponse(request, "studio/admin/free_slots.html", context)
