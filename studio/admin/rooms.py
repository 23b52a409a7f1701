from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from unfold.decorators import display

from studio.admin.base import AuditedModelAdmin, LabelledTabularInline, model_values
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Room, RoomPeakRate
from studio.resources import RoomResource
from studio.services.rooms import room_create, room_delete, room_update

SWATCH = (
    '<span style="display:inline-block;width:14px;height:14px;border-radius:4px;'
    'background:{}"></span>'
)


class PeakRateInline(LabelledTabularInline):
    model = RoomPeakRate
    extra = 0


@admin.register(Room, site=studio_admin_site)
class RoomAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [RoomResource]
    list_display = [
        "swatch",
        "name",
        "hourly_rate",
        "capacity",
        "buffer_minutes",
        "bookable_online",
        "is_active",
    ]
    list_display_links = ["name"]
    list_filter = ["is_active", "bookable_online"]
    search_fields = ["name", "description"]
    inlines = [PeakRateInline]
    money_fields = ("hourly_rate",)

    @display(description="")
    def swatch(self, obj: Room):
        return format_html(SWATCH, obj.colour)

    def save_record(self, request, obj, form, change):
        if change:
            return room_update(
                room=obj, by=request.user, **model_values(form, obj, changed_only=True)
            )
        return room_create(by=request.user, **model_values(form, obj))

    def delete_record(self, request, obj):
        room_delete(room=obj, by=request.user)

    def get_inlines(self, request, obj):
        return self.inlines if self.can_see_money(request) else []
