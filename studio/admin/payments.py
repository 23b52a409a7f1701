"""Payments: read-only, recorded from an invoice and corrected by refunds."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from studio.admin import actions as ui
from studio.admin.documents import pdf_response
from studio.admin.site import studio_admin_site
from studio.models import Payment
from studio.money import money_format
from studio.services import payments


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to give back"), widget=ui.MONEY)
    reference = forms.CharField(label=_("Reference"), required=False, widget=ui.TEXT)


@admin.register(Payment, site=studio_admin_site)
class PaymentAdmin(ModelAdmin):
    list_display = [
        "received_at",
        "client",
        "invoice",
        "method",
        "display_amount",
        "receipt_number",
        "reference",
    ]
    list_filter = ["method", ("received_at", admin.DateFieldListFilter)]
    search_fields = ["receipt_number", "reference", "invoice__number", "client__name"]
    list_select_related = ["client", "invoice"]
    fields = [
        "received_at",
        "client",
        "invoice",
        "session",
        "method",
        "amount",
        "currency",
        "reference",
        "receipt_number",
        "provider_id",
        "refund_of",
        "note",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields
    actions_detail = ["refund", "receipt"]
    actions_row = ["receipt"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # from the invoice: Record a payment

    def has_delete_permission(self, request, obj=None):
        return False  # corrected by a refund, never erased

    def has_change_permission(self, request, obj=None):
        return False

    def has_refund_permission(self, request, object_id=None):
        if not request.user.has_perm("studio.add_payment"):
            return False
        return (
            object_id is None
            or Payment.objects.filter(pk=object_id, refund_of__isnull=True).exists()
        )

    @display(description=_("Amount"), ordering="amount")
    def display_amount(self, obj):
        return money_format(obj.amount, obj.currency)

    @action(description=_("Refund"), url_path="refund", permissions=["refund"])
    def refund(self, request, object_id):
        payment = get_object_or_404(Payment.objects.select_related("client"), pk=object_id)
        return ui.action_page(
            self,
            request,
            payment,
            verb=_("Record the refund"),
            form_class=RefundForm,
            permission="refund",
            initial={"amount": payment.amount},
            summary=[
                str(payment.client),
                f"{payment.get_method_display()}, "
                f"{timezone.localtime(payment.received_at):%d %b %Y}",
            ],
            warning=_(
                "Record money already given back by bank transfer, in cash or on the card "
                "terminal: nothing is sent or refunded from here."
            ),
            run=lambda data: payments.payment_refund(
                payment=payment,
                amount=data["amount"],
                reference=data["reference"],
                by=request.user,
            ),
        )

    @action(description=_("Receipt PDF"), url_path="receipt", permissions=["view"])
    def receipt(self, request, object_id):
        payment = get_object_or_404(Payment, pk=object_id)
        return pdf_response(payments.payment_receipt_pdf(payment), f"{payment.receipt_number}.pdf")
