"""The client's quotes and contracts in the portal: list, read, download, accept or decline a
quote, sign a contract.

Thin views over `studio.services.portal_documents`, which holds the rules. A document of
another client, or a draft, answers 404 like one that does not exist. Opening a quote or a
contract records a `DocumentView`, which staff see on the document in the back office.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.auth import portal_login_required
from portal.models import DocumentView
from studio.admin.documents import pdf_response
from studio.models import Contract, Quote
from studio.selectors.documents import totals_rows
from studio.services import portal_documents as rules
from studio.services.contracts import contract_pdf
from studio.services.documents import document_totals
from studio.services.errors import StudioError
from studio.services.lockouts import client_address
from studio.services.quotes import quote_pdf as quote_stored_pdf


def _quote(request, pk: int) -> Quote:
    quote = rules.portal_quotes(request.portal_client).filter(pk=pk).first()
    if quote is None:
        raise Http404
    return quote


def _contract(request, pk: int) -> Contract:
    contract = rules.portal_contracts(request.portal_client).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def _form_for(request, pk: int) -> bool:
    """The form names the document it was shown with: one replayed against another URL
    (another quote, another contract) is refused before anything is looked up."""
    return request.POST.get("document") == str(pk)


def _where(request) -> dict:
    return {"ip": client_address(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")}


@portal_login_required
def documents(request):
    """The client's quotes and contracts, newest first, each with where it stands."""
    client = request.portal_client
    return render(
        request,
        "portal/documents/list.html",
        {
            "quotes": rules.portal_quotes(client).order_by("-issue_date", "-pk"),
            "contracts": rules.portal_contracts(client).order_by("-sent_at", "-pk"),
        },
    )


@portal_login_required
def quote(request, pk: int):
    quote = _quote(request, pk)
    rules.document_view_record(
        account=request.portal_account, kind=DocumentView.Kind.QUOTE, object_id=quote.pk
    )
    return _quote_page(request, quote)


def _quote_page(request, quote: Quote, *, errors: dict | None = None, status: int = 200):
    from studio.selectors.settings import studio_today

    answerable = quote.status == Quote.Status.SENT and not (
        quote.valid_until and quote.valid_until < studio_today()
    )
    return render(
        request,
        "portal/documents/quote.html",
        {
            "quote": quote,
            "lines": quote.lines.all(),
            "totals": totals_rows(document_totals(quote), quote.currency),
            "answerable": answerable,
            "expired": quote.status == Quote.Status.EXPIRED
            or (quote.status == Quote.Status.SENT and not answerable),
            "errors": errors or {},
            "form": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@portal_login_required
def quote_pdf(request, pk: int):
    quote = _quote(request, pk)
    return pdf_response(quote_stored_pdf(quote), f"{quote.number}.pdf")


def _refused(request, exc: StudioError, page):
    """A refusal about a field goes back to the form beside it; any other is a message."""
    if exc.field:
        return page({exc.field: exc.message})
    messages.error(request, exc.message)
    return None


@portal_login_required
@require_POST
def quote_accept(request, pk: int):
    quote = _quote(request, pk)
    if not _form_for(request, pk):
        messages.error(request, rules.NOT_FOUND)
        return redirect("portal:quote", pk=pk)
    try:
        answer = rules.portal_quote_accept(
            client=request.portal_client,
            quote_id=quote.pk,
            name=request.POST.get("name", ""),
            consent=request.POST.get("consent") == "on",
            **_where(request),
        )
    except StudioError as exc:
        page = _refused(
            request, exc, lambda errors: _quote_page(request, quote, errors=errors, status=400)
        )
        return page or redirect("portal:quote", pk=pk)
    if answer.already:
        messages.info(request, answer.already)
    elif answer.invoice is not None:
        messages.success(
            request, "Thank you: the quote is accepted. The studio will send you the invoice."
        )
    else:
        messages.success(request, "Thank you: the quote is accepted. The studio will be in touch.")
    return redirect("portal:quote", pk=pk)


@portal_login_required
@require_POST
def quote_decline(request, pk: int):
    quote = _quote(request, pk)
    if not _form_for(request, pk):
        messages.error(request, rules.NOT_FOUND)
        return redirect("portal:quote", pk=pk)
    try:
        answer = rules.portal_quote_decline(
            client=request.portal_client,
            quote_id=quote.pk,
            reason=request.POST.get("reason", ""),
            **_where(request),
        )
    except StudioError as exc:
        page = _refused(
            request, exc, lambda errors: _quote_page(request, quote, errors=errors, status=400)
        )
        return page or redirect("portal:quote", pk=pk)
    messages.info(request, answer.already or "The quote is declined; the studio has your reason.")
    return redirect("portal:quote", pk=pk)


@portal_login_required
def contract(request, pk: int):
    contract = _contract(request, pk)
    rules.document_view_record(
        account=request.portal_account, kind=DocumentView.Kind.CONTRACT, object_id=contract.pk
    )
    return _contract_page(request, contract)


def _contract_page(request, contract: Contract, *, errors: dict | None = None, status: int = 200):
    return render(
        request,
        "portal/documents/contract.html",
        {
            "contract": contract,
            # What the page shows is what the form's hash covers: the stored title and body.
            "shown_hash": rules.contract_shown_hash(contract),
            "errors": errors or {},
            "form": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@portal_login_required
def contract_download(request, pk: int):
    contract = _contract(request, pk)
    signed = contract.status == Contract.Status.SIGNED
    filename = f"contract-{contract.pk}{'-signed' if signed else ''}.pdf"
    return pdf_response(contract_pdf(contract), filename)


@portal_login_required
@require_POST
def contract_sign(request, pk: int):
    contract = _contract(request, pk)
    if not _form_for(request, pk):
        messages.error(request, rules.NOT_FOUND)
        return redirect("portal:contract", pk=pk)
    try:
        answer = rules.portal_contract_sign(
            client=request.portal_client,
            contract_id=contract.pk,
            name=request.POST.get("name", ""),
            consent=request.POST.get("consent") == "on",
            shown_hash=request.POST.get("shown_hash", ""),
            **_where(request),
        )
    except StudioError as exc:
        page = _refused(
            request,
            exc,
            lambda errors: _contract_page(request, contract, errors=errors, status=400),
        )
        return page or redirect("portal:contract", pk=pk)
    messages.success(
        request,
        answer.already or "Signed. A copy of the signed contract is on its way to your inbox.",
    )
    return redirect("portal:contract", pk=pk)
