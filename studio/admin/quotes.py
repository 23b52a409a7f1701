"""Quotes in the back office: a draft with live totals, then send, accept, decline, convert."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from studio.admin import actions as ui
from studio.admin.documents import (
    DocumentForm,
    FrozenAfterDraftMixin,
    LineInline,
    pdf_response,
    totals_panel,
)
from studio.admin.site import studio_admin_site
from studio.models import Quote, QuoteLine
from studio.money import money_format
from studio.services import quotes

STATUS_COLOURS = {
    "draft": "info",
    "sent": "warning",
    "accepted": "success",
    "converted": "success",
    "declined": "danger",
    "expired": "danger",
}
FROZEN = [
    "client",
    "title",
    "number",
    "status",
    "issue_date",
    "valid_until",
    "currency",
    "exchange_rate",
    "bill_to",
    "notes",
]


class QuoteLineInline(LineInline):
    model = QuoteLine


class QuoteForm(DocumentForm):
    class Meta:
        model = Quote
        fields = ["client", "title", "currency", "exchange_rate", "valid_until", "notes"]


@admin.register(Quote, site=studio_admin_site)
class QuoteAdmin(FrozenAfterDraftMixin, ModelAdmin):
    form = QuoteForm
    inlines = [QuoteLineInline]
    list_display = [
        "display_number",
        "client",
        "title",
        "status_badge",
        "issue_date",
        "valid_until",
        "display_total",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["number", "title", "client__name"]
    autocomplete_fields = ["client"]
    list_select_related = ["client"]
    list_per_page = 25
    actions_detail = ["send", "accept", "decline", "convert", "download_pdf"]
    actions_row = ["download_pdf"]

    class Media:
        js = ["studio/live-totals.js"]

    def get_fieldsets(self, request, obj=None):
        if obj and obj.status != Quote.Status.DRAFT:
            main = self.frozen_fields(obj, FROZEN)
        else:
            main = ["client", "title", "currency", "exchange_rate", "valid_until", "notes"]
        return [(None, {"fields": main})]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != Quote.Status.DRAFT:
            return FROZEN
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Quote.Status.DRAFT
        )

    default_notes_setting = "quote_notes"
    draft_create = staticmethod(quotes.quote_create)
    draft_update = staticmethod(quotes.quote_draft_update)
    draft_argument = "quote"

    def delete_record(self, request, obj):
        quotes.quote_delete(quote=obj, by=request.user)

    @display(description=_("Totals"))
    def totals(self, obj):
        return totals_panel(obj)

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def has_draft_action_permission(self, request, object_id=None):
        return self.in_status(request, object_id, Quote.Status.DRAFT)

    def has_sent_action_permission(self, request, object_id=None):
        return self.in_status(request, object_id, Quote.Status.SENT)

    def has_convert_action_permission(self, request, object_id=None):
        return self.in_status(request, object_id, Quote.Status.SENT, Quote.Status.ACCEPTED) and (
            request.user.has_perm("studio.add_invoice")
        )

    @action(description=_("Send"), url_path="send", permissions=["draft_action"])
    def send(self, request, object_id):
        quote = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            quote,
            verb=_("Send the quote"),
            summary=[
                str(quote.client),
                money_format(quote.total, quote.currency),
                _("E-mailed to %(to)s with the PDF.")
                % {"to": quote.client.email or _("nobody (no e-mail address)")},
            ],
            warning=_("Sending numbers the quote and freezes it."),
            run=lambda data: quotes.quote_send(quote=quote, by=request.user),
        )

    @action(description=_("Client accepted"), url_path="accept", permissions=["sent_action"])
    def accept(self, request, object_id):
        quote = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            quote,
            verb=_("Mark accepted"),
            summary=[str(quote.client), money_format(quote.total, quote.currency)],
            run=lambda data: quotes.quote_accept(quote=quote, by=request.user),
        )

    @action(description=_("Client declined"), url_path="decline", permissions=["sent_action"])
    def decline(self, request, object_id):
        quote = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            quote,
            verb=_("Mark declined"),
            summary=[str(quote.client), money_format(quote.total, quote.currency)],
            run=lambda data: quotes.quote_decline(quote=quote, by=request.user),
        )

    @action(description=_("Convert to invoice"), url_path="convert", permissions=["convert_action"])
    def convert(self, request, object_id):
        quote = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            quote,
            verb=_("Create the invoice"),
            summary=[
                str(quote.client),
                money_format(quote.total, quote.currency),
                _(
                    "A draft invoice with the same lines, currency and rate; check it, "
                    "then issue it."
                ),
            ],
            run=lambda data: quotes.quote_convert(quote=quote, by=request.user),
            done=ui.change_url,
        )

    @action(description=_("PDF"), url_path="pdf", permissions=["view"])
    def download_pdf(self, request, object_id):
        quote = self.document(request, object_id)
        return pdf_response(
            quotes.quote_pdf(quote), f"{quote.number or f'draft-quote-{quote.pk}'}.pdf"
        )
