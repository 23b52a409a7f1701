"""Invoices and credit notes in the back office: drafts edited with live totals, then the
actions of an invoice's life (issue, send, payment, credit note, void, PDF)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from portal.models import DocumentView
from studio.admin import actions as ui
from studio.admin.base import LabelledTabularInline, LargeTablePaginator
from studio.admin.documents import (
    DocumentForm,
    FrozenAfterDraftMixin,
    LineInline,
    pdf_response,
    totals_panel,
)
from studio.admin.invoice_forms import (
    CreditForm,
    PaymentForm,
    VoidForm,
    main_tax_rate,
    received_at,
    sessions_form,
)
from studio.admin.site import studio_admin_site
from studio.models import CardPayment, CreditNote, Invoice, InvoiceLine, OutgoingEmail, Payment
from studio.money import money_format
from studio.services import credit_notes, invoices, payments

STATUS_COLOURS = {
    "draft": "info",
    "issued": "warning",
    "partially_paid": "warning",
    "paid": "success",
    "void": "danger",
}


def portal_states(queryset):
    """Each invoice's state in the client portal, as three flags read in the list's one query:
    e-mailed (an invoice or reminder e-mail to the client), viewed (the client opened it in the
    portal), paid online (a card payment succeeded)."""
    return queryset.annotate(
        portal_sent=Exists(
            OutgoingEmail.objects.filter(
                kind__in=["invoice", "reminder"],
                about=Concat(Value("invoice:"), Cast(OuterRef("pk"), CharField())),
            )
        ),
        portal_viewed=Exists(
            DocumentView.objects.filter(kind=DocumentView.Kind.INVOICE, object_id=OuterRef("pk"))
        ),
        portal_paid=Exists(
            CardPayment.objects.filter(invoice=OuterRef("pk"), status=CardPayment.Status.SUCCEEDED)
        ),
    )


PORTAL_STATES = {
    "paid_online": (_("Paid online"), {"portal_paid": True}),
    "viewed": (_("Viewed in the portal"), {"portal_viewed": True, "portal_paid": False}),
    "sent": (
        _("Sent, not viewed"),
        {"portal_sent": True, "portal_viewed": False, "portal_paid": False},
    ),
    "not_sent": (
        _("Not sent"),
        {"portal_sent": False, "portal_viewed": False, "portal_paid": False},
    ),
}


class PortalStateFilter(admin.SimpleListFilter):
    title = _("portal")
    parameter_name = "portal"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _flags) in PORTAL_STATES.items()]

    def queryset(self, request, queryset):
        chosen = PORTAL_STATES.get(self.value())
        if chosen is None:
            return queryset
        return portal_states(queryset).filter(**chosen[1])


def portal_state_words(obj) -> str:
    if getattr(obj, "portal_paid", False):
        return str(_("Paid online"))
    if getattr(obj, "portal_viewed", False):
        return str(_("Viewed in the portal"))
    if getattr(obj, "portal_sent", False):
        return str(_("Sent"))
    return "—"


class InvoiceLineInline(LineInline):
    model = InvoiceLine


class PaymentInline(LabelledTabularInline):
    model = Payment
    fk_name = "invoice"
    fields = ["received_at", "method", "amount", "reference", "receipt_number", "refund_of"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    tab = False
    show_title = False
    verbose_name_plural = _("Payments and refunds")

    def has_add_permission(self, request, obj=None):
        return False


class CreditNoteInline(LabelledTabularInline):
    model = CreditNote
    fields = ["number", "issue_date", "reason", "total"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    tab = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class InvoiceForm(DocumentForm):
    class Meta:
        model = Invoice
        fields = ["client", "project", "currency", "exchange_rate", "due_date", "notes"]
        help_texts = {
            "due_date": _("Leave empty: the studio's payment terms count from the issue date."),
            "project": _(
                "The project this invoice bills: its masters are released once it is paid. "
                "Lines billed from the project's sessions count without it."
            ),
        }


# What an issued invoice shows and no one edits (the database freezes it too).
ISSUED_FIELDS = [
    "client",
    "project",
    "number",
    "status",
    "issue_date",
    "due_date",
    "currency",
    "exchange_rate",
    "bill_to",
    "notes",
]


@admin.register(Invoice, site=studio_admin_site)
class InvoiceAdmin(FrozenAfterDraftMixin, ModelAdmin):
    form = InvoiceForm
    inlines = [InvoiceLineInline, PaymentInline, CreditNoteInline]
    list_display = [
        "display_number",
        "client",
        "status_badge",
        "issue_date",
        "due_date",
        "display_total",
        "display_balance",
        "portal_state",
    ]
    list_filter = [
        "status",
        PortalStateFilter,
        ("issue_date", admin.DateFieldListFilter),
        "currency",
    ]
    search_fields = ["number", "client__name", "client__artist_name"]
    autocomplete_fields = ["client", "project"]
    list_per_page = 25
    show_full_result_count = False
    paginator = LargeTablePaginator
    list_select_related = ["client"]
    actions_detail = [
        "bill_sessions",
        "issue",
        "send",
        "record_payment",
        "credit",
        "void",
        "download_pdf",
    ]
    actions_row = ["download_pdf"]

    class Media:
        js = ["studio/live-totals.js"]

    # --- pages -------------------------------------------------------------------------------

    def get_queryset(self, request):
        return portal_states(super().get_queryset(request).select_related("client"))

    @display(description=_("Portal"))
    def portal_state(self, obj):
        """Sent, viewed in the portal or paid online."""
        return portal_state_words(obj)

    @display(description=_("In the portal"))
    def portal_seen(self, obj):
        """The invoice's page: its portal state, and when the client first and last opened it."""
        words = portal_state_words(obj)
        seen = DocumentView.objects.filter(
            kind=DocumentView.Kind.INVOICE, object_id=obj.pk
        ).order_by("first_viewed_at")
        if not seen:
            return words
        first = timezone.localtime(seen[0].first_viewed_at)
        last = timezone.localtime(max(view.last_viewed_at for view in seen))
        return _("%(state)s · first opened %(first)s, last %(last)s") % {
            "state": words,
            "first": f"{first:%d %b %Y %H:%M}",
            "last": f"{last:%d %b %Y %H:%M}",
        }

    def get_fieldsets(self, request, obj=None):
        main = ["client", "project", "currency", "exchange_rate", "due_date", "notes"]
        if obj and obj.status != Invoice.Status.DRAFT:
            main = [*self.frozen_fields(obj, ISSUED_FIELDS), "portal_seen"]
        return [
            (None, {"fields": main}),
        ]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        # Payments and credit notes only once there are some to show.
        empty = set()
        if obj is None or not obj.payments.exists():
            empty.add(PaymentInline)
        if obj is None or not obj.credit_notes.exists():
            empty.add(CreditNoteInline)
        return [inline for inline in inlines if type(inline) not in empty]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != Invoice.Status.DRAFT:
            return [*ISSUED_FIELDS, "portal_seen"]
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Invoice.Status.DRAFT
        )

    default_notes_setting = "invoice_notes"
    draft_create = staticmethod(invoices.invoice_create)
    draft_update = staticmethod(invoices.invoice_draft_update)
    draft_argument = "invoice"

    def delete_record(self, request, obj):
        invoices.invoice_delete(invoice=obj, by=request.user)

    @display(description=_("Totals"))
    def totals(self, obj):
        extra = []
        if obj.pk and obj.status != Invoice.Status.DRAFT:
            extra = [
                (_("Paid"), money_format(obj.amount_paid, obj.currency), False),
                (_("Credited"), money_format(obj.amount_credited, obj.currency), False),
                (_("Balance due"), money_format(obj.balance, obj.currency), True),
            ]
            if obj.currency != obj.studio_currency:
                extra.append(
                    (
                        f"At 1 {obj.currency} = {obj.exchange_rate.normalize():f} "
                        f"{obj.studio_currency}",
                        money_format(obj.total_in_studio_currency, obj.studio_currency),
                        False,
                    )
                )
        return totals_panel(obj, extra_rows=extra)

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        if obj.overdue_since and obj.is_open:
            return "void", _("Overdue")  # the red label
        return obj.status, obj.get_status_display()

    @display(description=_("Balance"), ordering="balance")
    def display_balance(self, obj):
        return money_format(obj.balance, obj.currency) if obj.status != "draft" else "—"

    # --- what applies to which invoice -------------------------------------------------------

    def has_draft_action_permission(self, request, object_id=None):
        return self.in_status(request, object_id, Invoice.Status.DRAFT)

    def has_open_action_permission(self, request, object_id=None):
        return self.in_status(request, object_id, *Invoice.OPEN)

    def has_void_action_permission(self, request, object_id=None):
        """Only an issued invoice nothing was paid or credited on; the others are credited."""
        if not self.has_open_action_permission(request, object_id):
            return False
        if object_id is None:
            return True
        return invoices.invoice_void_refusal(self.document(request, object_id)) is None

    def has_issued_action_permission(self, request, object_id=None):
        return self.in_status(request, object_id, *Invoice.OPEN, Invoice.Status.PAID)

    # --- actions -----------------------------------------------------------------------------

    @action(description=_("Bill sessions"), url_path="bill-sessions", permissions=["draft_action"])
    def bill_sessions(self, request, object_id):
        invoice = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            invoice,
            verb=_("Add to the invoice"),
            form_class=sessions_form(invoice),
            summary=[
                str(invoice.client),
                _("Room time, overtime, engineers and hired gear of each session become lines."),
            ],
            run=lambda data: invoices.invoice_sessions_add(
                invoice=invoice, sessions=data["sessions"], by=request.user
            ),
        )

    @action(description=_("Issue"), url_path="issue", permissions=["draft_action"])
    def issue(self, request, object_id):
        invoice = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            invoice,
            verb=_("Issue the invoice"),
            summary=[str(invoice.client), money_format(invoice.total, invoice.currency)],
            warning=_(
                "Issuing gives the invoice its number and freezes it: afterwards it is "
                "corrected with a credit note, not edited."
            ),
            run=lambda data: invoices.invoice_issue(invoice=invoice, by=request.user),
        )

    @action(description=_("E-mail to client"), url_path="send", permissions=["issued_action"])
    def send(self, request, object_id):
        invoice = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            invoice,
            verb=_("Send"),
            summary=[
                _("To %(to)s, with the PDF attached.")
                % {"to": invoice.client.email or _("(no e-mail address)")}
            ],
            run=lambda data: invoices.invoice_send(invoice=invoice, by=request.user),
        )

    @action(description=_("Record a payment"), url_path="payment", permissions=["open_action"])
    def record_payment(self, request, object_id):
        invoice = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            invoice,
            verb=_("Record the payment"),
            form_class=PaymentForm,
            initial={
                "amount": invoice.balance,
                "received_on": timezone.localdate(),
                "method": Payment.Method.BANK_TRANSFER,
            },
            summary=[
                str(invoice.client),
                _("Balance due: %(b)s") % {"b": money_format(invoice.balance, invoice.currency)},
            ],
            run=lambda data: payments.payment_record(
                invoice=invoice,
                amount=data["amount"],
                method=data["method"],
                received_at=received_at(data["received_on"]),
                reference=data["reference"],
                by=request.user,
                send_receipt=data["send_receipt"],
            ),
        )

    @action(description=_("Credit note"), url_path="credit", permissions=["issued_action"])
    def credit(self, request, object_id):
        invoice = self.document(request, object_id)
        left = invoice.total - invoice.amount_credited

        def run(data):
            lines = None
            if data["amount"] is not None:
                lines = [
                    {
                        "description": f"Credit on invoice {invoice.number}",
                        "unit_price": data["amount"],
                        "tax_rate": data["tax_rate"] or 0,
                    }
                ]
            return credit_notes.credit_note_create(
                invoice=invoice, reason=data["reason"], lines=lines, by=request.user
            )

        return ui.action_page(
            self,
            request,
            invoice,
            verb=_("Issue the credit note"),
            form_class=CreditForm,
            initial={"tax_rate": main_tax_rate(invoice)},
            summary=[
                str(invoice.client),
                _("Left to credit: %(l)s") % {"l": money_format(left, invoice.currency)},
            ],
            run=run,
            done=lambda note: ui.change_url(note),
        )

    @action(description=_("Void"), url_path="void", permissions=["void_action"])
    def void(self, request, object_id):
        invoice = self.document(request, object_id)
        return ui.action_page(
            self,
            request,
            invoice,
            verb=_("Void the invoice"),
            form_class=VoidForm,
            warning=_(
                "Its number stays used and the sessions on it can be billed again. "
                "An invoice with payments is credited instead."
            ),
            run=lambda data: invoices.invoice_void(
                invoice=invoice, reason=data["reason"], by=request.user
            ),
        )

    @action(description=_("PDF"), url_path="pdf", permissions=["view"])
    def download_pdf(self, request, object_id):
        invoice = self.document(request, object_id)
        name = f"{invoice.number or f'draft-invoice-{invoice.pk}'}.pdf"
        return pdf_response(invoices.invoice_pdf(invoice), name)
