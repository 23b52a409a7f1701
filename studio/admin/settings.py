from __future__ import annotations

from django.contrib import admin
from django.shortcuts import redirect
from unfold.admin import TabularInline

from studio.admin.base import AuditedModelAdmin, model_values
from studio.admin.site import studio_admin_site
from studio.models import CancellationTier, OpeningHours, StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.settings import studio_settings_update


class OpeningHoursInline(TabularInline):
    model = OpeningHours
    extra = 0


class CancellationTierInline(TabularInline):
    model = CancellationTier
    extra = 0


@admin.register(StudioSettings, site=studio_admin_site)
class StudioSettingsAdmin(AuditedModelAdmin):
    inlines = [OpeningHoursInline, CancellationTierInline]
    fieldsets = [
        (
            "Studio",
            {
                "fields": [
                    "legal_name",
                    "address",
                    "timezone",
                    "currency",
                    "default_tax_rate",
                    "locale",
                ]
            },
        ),
        (
            "Booking rules",
            {
                "fields": [
                    "slot_minutes",
                    "min_booking_minutes",
                    "lead_time_hours",
                    "default_buffer_minutes",
                    "deposit_percent",
                    "approval_required",
                ]
            },
        ),
    ]

    def save_record(self, request, obj, form, change):
        return studio_settings_update(
            settings=obj, by=request.user, **model_values(form, obj, changed_only=True)
        )

    def changelist_view(self, request, extra_context=None):
        # One settings row per studio: the list is its form.
        return redirect("admin:studio_studiosettings_change", studio_settings_get().pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
