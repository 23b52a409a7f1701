"""Credit notes in the back office: read-only once issued (from an invoice), with PDF and
e-mail actions."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from studio.admin import actions as ui
from studio.admin.base import AuditedModelAdmin
from studio.admin.documents import LineInline, pdf_response, totals_panel
from studio.admin.site import studio_admin_site
from studio.models import CreditNote, CreditNoteLine
from studio.money import money_format
from studio.services import credit_notes


class CreditNoteLineInline(LineInline):
    model = CreditNoteLine

    def _editable(self, obj) -> bool:
        return False


@admin.register(CreditNote, site=studio_admin_site)
class CreditNoteAdmin(AuditedModelAdmin):
    list_display = ["number", "invoice", "issue_date", "reason", "display_total"]
    search_fields = ["number", "invoice__number", "invoice__client__name"]
    list_select_related = ["invoice"]
    inlines = [CreditNoteLineInline]
    fields = ["number", "invoice", "issue_date", "reason", "bill_to", "totals"]
    readonly_fields = fields
    actions_detail = ["download_pdf", "send"]
    actions_row = ["download_pdf"]

    def has_add_permission(self, request):
        return False  # from an invoice: Credit note

    def save_record(self, request, obj, form, change):
        # Issued at once: nothing on its page is editable, its life goes on through the actions.
        return obj

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("Total"), ordering="total")
    def display_total(self, obj):
        return money_format(obj.total, obj.currency)

    @display(description=_("Totals"))
    def totals(self, obj):
        return totals_panel(obj)

    @action(description=_("PDF"), url_path="pdf", permissions=["view"])
    def download_pdf(self, request, object_id):
        note = get_object_or_404(CreditNote, pk=object_id)
        return pdf_response(credit_notes.credit_note_pdf(note), f"{note.number}.pdf")

    @action(description=_("E-mail to client"), url_path="send", permissions=["change"])
    def send(self, request, object_id):
        note = get_object_or_404(CreditNote.objects.select_related("invoice__client"), pk=object_id)
        return ui.action_page(
            self,
            request,
            note,
            verb=_("Send"),
            summary=[_("To %(to)s, with the PDF attached.") % {"to": note.invoice.client.email}],
            run=lambda data: credit_notes.credit_note_send(note=note, by=request.user),
        )
