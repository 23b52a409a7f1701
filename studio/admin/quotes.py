"""Quotes in the back office: a draft with live totals, then send, accept, decline, convert."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
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
from studio.services.portal_documents import portal_views_annotate

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


# How the client answered, shown once a quote is sent.
ANSWER = ["decided_via", "decided_at", "accepted_name", "decided_ip", "decided_user_agent"]


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%d %b %Y, %H:%M}"


class PortalFilter(admin.SimpleListFilter):
    """Sent documents by what the client did with them in the portal. The admin using it
    says which documents count as answered online (`portal_online`, a Q)."""

    title = _("client portal")
    parameter_name = "portal"

    def lookups(self, request, model_admin):
        return [
            ("not_viewed", _("Not opened yet")),
            ("viewed", _("Opened, not answered")),
            ("online", _("Answered online")),
        ]

    def queryset(self, request, queryset):
        online = self.model_admin_online
        sent = queryset.exclude(status="draft")
        if self.value() == "not_viewed":
            return sent.filter(portal_first_viewed__isnull=True).exclude(online)
        if self.value() == "viewed":
            return sent.filter(portal_first_viewed__isnull=False).exclude(online)
        if self.value() == "online":
            return queryset.filter(online)
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.model_admin_online = model_admin.portal_online
        super().__init__(request, params, model, model_admin)


def portal_seen(obj) -> str:
    """“Opened 1 Dec 2026, 15:32 (first 30 Nov …)”, or that the client has not opened it."""
    first = getattr(obj, "portal_first_viewed", None)
    last = getattr(obj, "portal_last_viewed", None)
    if first is None:
        return str(_("Not opened in the portal yet"))
    if last and last - first > timedelta(minutes=1):
        shown = {"last": _when(last), "first": _when(first)}
        return str(_("Opened %(last)s (first %(first)s)") % shown)
    return str(_("Opened %(first)s") % {"first": _when(first)})


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
        "portal_state",
    ]
    portal_online = Q(decided_via=Quote.DecidedVia.PORTAL)
    list_filter = ["status", PortalFilter, "currency"]
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
            answer = ["portal_state", *ANSWER]
            if obj.status == Quote.Status.DECLINED:
                answer.append("decline_reason")
            return [(None, {"fields": main}), (_("Client portal"), {"fields": answer})]
        main = ["client", "title", "currency", "exchange_rate", "valid_until", "notes"]
        return [(None, {"fields": main})]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != Quote.Status.DRAFT:
            return [*FROZEN, "portal_state", *ANSWER, "decline_reason"]
        return []

    def get_queryset(self, request):
        return portal_views_annotate(super().get_queryset(request), "quote")

    @display(description=_("In the portal"))
    def portal_state(self, obj):
        """Sent, opened, or answered online (with the typed name and when)."""
        if obj.status == Quote.Status.DRAFT:
            return "—"
        if obj.decided_via == Quote.DecidedVia.PORTAL and obj.decided_at:
            if obj.status == Quote.Status.DECLINED:
                return _("Declined online on %(when)s") % {"when": _when(obj.decided_at)}
            return _("Accepted online by %(name)s on %(when)s") % {
                "name": obj.accepted_name,
                "when": _when(obj.decided_at),
            }
        return portal_seen(obj)

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
