from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter

from studio.admin.base import LargeTablePaginator
from studio.admin.site import studio_admin_site
from studio.models import AuditEntry


@admin.register(AuditEntry, site=studio_admin_site)
class AuditEntryAdmin(ModelAdmin):
    list_display = ["at", "user", "action", "model", "object_repr", "summary"]
    list_filter = [("at", RangeDateTimeFilter), "model", "action", "user"]
    list_filter_submit = True
    search_fields = ["object_repr", "action", "object_id"]
    list_select_related = ["user"]
    show_full_result_count = False
    paginator = LargeTablePaginator
    readonly_fields = ["at", "user", "action", "model", "object_id", "object_repr", "changes"]

    def summary(self, obj: AuditEntry) -> str:
        return ", ".join(obj.changes)[:120] or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
