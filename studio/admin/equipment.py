from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import display

from studio.admin.base import AuditedModelAdmin, LabelledTabularInline, model_values
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Equipment, MaintenanceEntry
from studio.resources import EquipmentResource
from studio.services.equipment import equipment_create, equipment_update, maintenance_record

STATUS_COLOURS = {
    "available": "success",
    "in_use": "info",
    "in_repair": "warning",
    "retired": "danger",
    "lost": "danger",
}


class MaintenanceInline(LabelledTabularInline):
    model = MaintenanceEntry
    extra = 0
    fields = ["date", "description", "cost", "done_by"]


@admin.register(Equipment, site=studio_admin_site)
class EquipmentAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [EquipmentResource]
    list_display = [
        "__str__",
        "category",
        "room",
        "status_badge",
        "maintenance_due",
        "warranty_end",
    ]
    list_filter = ["status", "category", "room", ("next_maintenance_due", RangeDateFilter)]
    list_filter_submit = True
    search_fields = ["make", "model", "serial"]
    inlines = [MaintenanceInline]
    money_fields = ("purchase_price",)

    @display(description=_("Status"), label=STATUS_COLOURS)
    def status_badge(self, obj: Equipment):
        return obj.status, obj.get_status_display()

    @display(description=_("Maintenance due"))
    def maintenance_due(self, obj: Equipment):
        due = obj.next_maintenance_due
        if due is None:
            return "—"
        if due <= timezone.localdate() + datetime.timedelta(days=30):
            return f"⚠ {due:%d %b %Y}"
        return f"{due:%d %b %Y}"

    def save_record(self, request, obj, form, change):
        if not change:
            return equipment_create(by=request.user, **model_values(form, obj))
        flagged = equipment_update(
            equipment=obj, by=request.user, **model_values(form, obj, changed_only=True)
        )
        if flagged:
            messages.warning(
                request,
                _("%(n)s upcoming session(s) reserved %(item)s and are now flagged: %(list)s")
                % {
                    "n": len(flagged),
                    "item": obj,
                    "list": ", ".join(str(s) for s in flagged[:10]),
                },
            )
        return obj

    def save_inline_row(self, request, parent, row, change):
        if row.pk is None:  # a new maintenance entry is recorded with who recorded it
            return maintenance_record(
                equipment=parent,
                date=row.date,
                description=row.description,
                cost=row.cost,
                done_by=row.done_by,
                by=request.user,
            )
        return super().save_inline_row(request, parent, row, change)
