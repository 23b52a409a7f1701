"""The studio's audit trail: read-only, filtered and searched like any list, and on a plan with
audit-log export (studio_has("audit_export")) downloadable as CSV exactly as filtered."""

from __future__ import annotations

import csv
import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter

from siteconf.tenancy.features import (
    FeatureNotInPlan,
    current_studio,
    feature_check,
    feature_plans_sentence,
    studio_has,
    subscription_url,
)
from studio.admin.base import LargeTablePaginator
from studio.admin.site import studio_admin_site
from studio.models import AuditEntry
from studio.resources.export import neutralise
from studio.views.refusals import refusal_page

EXPORT_COLUMNS = ["When", "User", "Action", "Object type", "Object id", "Object", "Changes"]
# Rows fetched per round trip: a trail of millions streams in constant memory.
EXPORT_CHUNK = 2000


class _Echo:
    """csv.writer writes each row into this and gets the line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def audit_csv_lines(entries):
    """The CSV, one line at a time: the header, then each entry in the list's order. Text a
    spreadsheet would run as a formula (an object named "=HYPERLINK(…)") is neutralised."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)  # the BOM: Excel then reads UTF-8
    rows = entries.values_list(
        "at",
        "user__email",
        "user__username",
        "action",
        "model",
        "object_id",
        "object_repr",
        "changes",
    )
    for at, email, username, action, model, object_id, obj, changes in rows.iterator(
        chunk_size=EXPORT_CHUNK
    ):
        values = [
            timezone.localtime(at).isoformat(),
            email or username or "",
            action,
            model,
            object_id,
            obj,
            json.dumps(changes, ensure_ascii=False, sort_keys=True) if changes else "",
        ]
        yield writer.writerow([neutralise(value) for value in values])


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
    # Above the list: "Export CSV", or on another plan, which plans include it.
    list_before_template = "studio/admin/audit_export_bar.html"

    def summary(self, obj: AuditEntry) -> str:
        return ", ".join(obj.changes)[:120] or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv_view),
            name="studio_auditentry_export_csv",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        url = reverse("admin:studio_auditentry_export_csv") + (f"?{query}" if query else "")
        context = {
            "audit_export_allowed": studio_has("audit_export"),
            "audit_export_url": url,
            "audit_export_plans": feature_plans_sentence("audit_export"),
            "audit_export_upgrade_url": subscription_url(current_studio()),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def export_csv_view(self, request):
        """The trail as the list shows it (same filters, search and order), streamed. Whoever
        may read the trail may take it away; the plan decides whether the studio can."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            feature_check("audit_export")
        except FeatureNotInPlan as exc:
            return refusal_page(
                request,
                status=402,  # not in the plan, like a lapsed studio: not a role refusal
                title=_("Audit-log export is not in your plan"),
                reason=exc.message,
                links=[
                    (_("See the plans"), subscription_url(current_studio())),
                    (_("Back to the audit trail"), reverse("admin:studio_auditentry_changelist")),
                ],
            )
        entries = self.get_changelist_instance(request).get_queryset(request)
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response = StreamingHttpResponse(
            audit_csv_lines(entries), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
        return response
