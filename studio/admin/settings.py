from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from studio.admin.base import AuditedModelAdmin, LabelledTabularInline, model_values
from studio.admin.site import studio_admin_site
from studio.models import CancellationTier, OpeningHours, StudioSettings
from studio.selectors.settings import studio_settings_get
from studio.services.settings import studio_settings_update
from studio.services.staff import staff_is_owner


class OpeningHoursInline(LabelledTabularInline):
    model = OpeningHours
    extra = 0
    tab = True


class CancellationTierInline(LabelledTabularInline):
    model = CancellationTier
    extra = 0
    tab = True
    verbose_name_plural = _("cancellation refunds")


@admin.register(StudioSettings, site=studio_admin_site)
class StudioSettingsAdmin(AuditedModelAdmin):
    inlines = [OpeningHoursInline, CancellationTierInline]
    # Tabs, in the order a new studio fills them: who it is, what its invoices say, how it books.
    fieldsets = [
        (
            _("Studio"),
            {
                "classes": ["tab"],
                "fields": [
                    "legal_name",
                    "address",
                    "email",
                    "phone",
                    "timezone",
                    "currency",
                    "default_tax_rate",
                    "locale",
                ],
            },
        ),
        (
            _("Invoices and quotes"),
            {
                "classes": ["tab"],
                "fields": [
                    "logo",
                    ("vat_number", "company_number"),
                    "account_holder",
                    ("iban", "bic"),
                    ("sort_code", "account_number"),
                    "payment_details",
                    ("payment_terms_days", "quote_valid_days"),
                    "reminder_days",
                    "invoice_notes",
                    "quote_notes",
                ],
                "description": _(
                    "Printed on every invoice, quote, credit note and receipt, and in the "
                    "e-mails that send them. Give an IBAN, a UK sort code and account number, or "
                    "both."
                ),
            },
        ),
        (
            _("Numbering"),
            {
                "classes": ["tab"],
                "fields": [
                    "invoice_number_format",
                    "quote_number_format",
                    "credit_note_number_format",
                    "receipt_number_format",
                ],
                "description": _(
                    "Numbers run without gaps and restart at 1 each year. {year} is the year of "
                    "issue; {number:04} pads the number to four digits (INV-{year}-{number:04} "
                    "gives INV-2026-0042). A change applies to documents issued from then on."
                ),
            },
        ),
        (
            _("Booking rules"),
            {
                "classes": ["tab"],
                "fields": [
                    "slot_minutes",
                    "min_booking_minutes",
                    "lead_time_hours",
                    "default_buffer_minutes",
                ],
            },
        ),
        (
            _("Client portal"),
            {
                "classes": ["tab"],
                "fields": [
                    "booking_mode",
                    ("max_advance_days", "hold_minutes"),
                    "deposit_percent",
                    ("account_deposit_percent", "no_show_deposit_percent"),
                    "approval_required",
                    ("portal_part_payments", "quote_acceptance"),
                    "brand_colour",
                ],
                "description": _(
                    "Who may sign in to your portal, how far ahead clients book online, what "
                    "they pay to hold a session, whether they may pay part of an invoice, what "
                    "a quote accepted online becomes, and the portal's colour (your logo, from "
                    "Invoices and quotes, is shown there too)."
                ),
            },
        ),
        (
            _("Projects and audio"),
            {
                "classes": ["tab"],
                "fields": [("audio_retention_days", "retention_warning_days")],
                "description": _(
                    "The studio's retention rule for project audio. Staff can keep one "
                    "project's files longer from its page (“keep audio until”)."
                ),
            },
        ),
        (_("Sign-in"), {"classes": ["tab"], "fields": ["two_factor_required"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and field is not None:
            field.widget.attrs["rows"] = 3  # addresses and notes are a few lines
        return field

    def get_readonly_fields(self, request, obj=None):
        # Whether two factors are required is the owners' call (the service refuses others).
        fields = list(super().get_readonly_fields(request, obj))
        if not staff_is_owner(request.user):
            fields.append("two_factor_required")
        return fields

    def save_record(self, request, obj, form, change):
        return studio_settings_update(
            settings=obj, by=request.user, **model_values(form, obj, changed_only=True)
        )

    def changelist_view(self, request, extra_context=None):
        # One settings row per studio: the list is its form (for those who may open it).
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:studio_studiosettings_change", studio_settings_get().pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
