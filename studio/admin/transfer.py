"""Import and export buttons on the back-office lists.

Export is django-import-export's ExportMixin with Unfold's form (choose the columns and the
format), limited to what the list shows (filters and search apply), and made safe to open in a
spreadsheet. Import links to the studio's own import pages (studio/views/imports.py), which
preview every row before anything is written.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from studio.resources.export import export_file
from studio.views.imports import can_import


class TransferMixin(ExportMixin):
    export_form_class = SelectableFieldsExportForm
    export_formats = [CSV, XLSX, JSON]
    import_export_change_list_template = "studio/admin/change_list_transfer.html"

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"show_money": request.user.has_perm("studio.view_money")}

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = export_file(self.get_data_for_export(request, queryset, **kwargs), file_format)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            data = data.encode(encoding)
        return data

    def get_export_filename(self, request, queryset, file_format):
        stem = self.resource_classes[0].key
        return f"{stem}.{file_format.get_extension()}"

    def changelist_view(self, request, extra_context=None):
        key = self.resource_classes[0].key
        extra_context = extra_context or {}
        if can_import(request.user, key):
            extra_context["studio_import_url"] = reverse("admin:studio_import_upload", args=[key])
        return super().changelist_view(request, extra_context)
