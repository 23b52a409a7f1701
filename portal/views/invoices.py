"""Invoice pages of the portal: the client's invoices, one invoice with its lines and payments,
its stored PDF, and paying it by card.

Thin views over `studio.services.invoice_payments` (the rules). Every page is the signed-in
client's own: another client's invoice, or a draft, answers 404 like one that does not exist.
The card form is the deposit's (`portal/booking/_card_form.html` and `pay.js`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal.auth import portal_login_required
from portal.views.card_answers import bank_check_answer, charge_answer, refused_answer
from siteconf import stripe_gateway
from studio.models import CardPayment, Invoice
from studio.money import currency_quantum
from studio.services import invoice_payments
from studio.services.deposits import card_payments_available
from studio.services.errors import StudioError
from studio.services.invoices import invoice_pdf

STATE_WORDS = {
    Invoice.Status.ISSUED: "To pay",
    Invoice.Status.PARTIALLY_PAID: "Partly paid",
    Invoice.Status.PAID: "Paid",
    Invoice.Status.VOID: "Cancelled",
}


def _invoice(request, pk: int) -> Invoice:
    invoice = (
        invoice_payments.client_invoices(client=request.portal_client)
        .filter(pk=pk)
        .select_related("client")
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def _overdue(invoice: Invoice) -> bool:
    return invoice.is_open and bool(invoice.due_date) and invoice.due_date < timezone.localdate()


def _row(invoice: Invoice) -> dict:
    overdue = _overdue(invoice)
    return {
        "invoice": invoice,
        "state": "Overdue" if overdue else STATE_WORDS[invoice.status],
        "state_class": "overdue" if overdue else invoice.status,
    }


@portal_login_required
def invoice_list(request):
    invoices = invoice_payments.client_invoices(client=request.portal_client)
    return render(
        request, "portal/invoices/list.html", {"rows": [_row(invoice) for invoice in invoices]}
    )


@portal_login_required
def invoice_detail(request, pk: int):
    invoice = _invoice(request, pk)
    invoice_payments.invoice_seen(invoice=invoice, account=request.portal_account)
    cards, no_cards_reason = card_payments_available()
    payments = invoice.payments.order_by("received_at", "pk")
    return render(
        request,
        "portal/invoices/detail.html",
        {
            **_row(invoice),
            "lines": invoice.lines.order_by("position"),
            "payments": payments,
            "credit_notes": invoice.credit_notes.order_by("issue_date"),
            "can_pay": invoice.is_open and invoice.balance > 0 and cards,
            "no_cards_reason": "" if cards else no_cards_reason,
            "waiting": invoice_payments.invoice_payment_waiting(invoice),
        },
    )


@portal_login_required
def invoice_download(request, pk: int):
    """The PDF kept when the invoice was issued, exactly as it was sent."""
    invoice = _invoice(request, pk)
    stored = invoice_pdf(invoice)
    response = FileResponse(
        iter([bytes(stored.data)]), content_type="application/pdf", filename=stored.filename
    )
    response["Content-Disposition"] = f'inline; filename="{stored.filename}"'
    return response


@portal_login_required
@require_http_methods(["GET", "POST"])
def invoice_pay(request, pk: int):
    """The card form for the balance (or a part). POST, from the page's script once the card
    is saved, charges it and answers what the browser does next."""
    invoice = _invoice(request, pk)
    if request.method == "POST":
        return _pay_post(request, invoice)
    try:
        secret = invoice_payments.invoice_card_form(
            invoice_id=invoice.pk, client=request.portal_client
        )
    except StudioError as exc:
        messages.error(request, exc.message)
        return redirect("portal:invoice", pk=invoice.pk)
    failed = invoice.card_payments.order_by("-created_at").first()
    return render(
        request,
        "portal/invoices/pay.html",
        {
            **_row(invoice),
            "part_payments": invoice_payments.part_payments_allowed(),
            "balance_plain": invoice.balance.quantize(currency_quantum(invoice.currency)),
            "setup_secret": secret,
            "publishable_key": stripe_gateway.publishable_key(),
            "stripe_js": stripe_gateway.js_url(),
            "failed": failed if failed and failed.status == CardPayment.Status.FAILED else None,
        },
    )


def _pay_post(request, invoice: Invoice) -> JsonResponse:
    try:
        payment = invoice_payments.invoice_pay(
            invoice_id=invoice.pk,
            client=request.portal_client,
            setup_intent=request.POST.get("setup_intent", ""),
            amount=request.POST.get("amount"),
            by=request.user,
        )
    except StudioError as exc:
        return refused_answer(exc.message)
    return charge_answer(
        payment,
        done=reverse("portal:invoice", args=[invoice.pk]),
        return_url=reverse("portal:invoice_pay_return", args=[invoice.pk]),
    )


@portal_login_required
@require_POST
def invoice_pay_return(request, pk: int):
    """After the bank's 3-D Secure check in the browser: ask Stripe how it went."""
    invoice = _invoice(request, pk)
    payment = invoice_payments.invoice_pay_return(
        invoice_id=invoice.pk, client=request.portal_client
    )
    return bank_check_answer(payment, done=reverse("portal:invoice", args=[invoice.pk]))
