from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from unfold.admin import TabularInline
from unfold.decorators import display

from studio.admin.base import AuditedModelAdmin
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Room, RoomPeakRate
from studio.resources import RoomResource
from studio.services.plan_limits import PlanLimitReached, plan_limit_check

SWATCH = (
    '<span style="display:inline-block;width:14px;height:14px;border-radius:4px;'
    'background:{}"></span>'
)


class PeakRateInline(TabularInline):
    model = RoomPeakRate
    extra = 0


class RoomForm(forms.ModelForm):
    """The admin builds the fields (RoomAdmin's own); this adds the plan's room limit."""

    def clean(self):
        data = super().clean()
        was_active = (
            self.instance.pk is not None
            and Room.objects.filter(pk=self.instance.pk, is_active=True).exists()
        )
        if data.get("is_active", True) and not was_active:
            try:
                plan_limit_check("rooms")
            except PlanLimitReached as exc:
                raise forms.ValidationError(exc.message) from None
        return data


@admin.register(Room, site=studio_admin_site)
class RoomAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    form = RoomForm
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

    def get_inlines(self, request, obj):
        return self.inlines if self.can_see_money(request) else []
