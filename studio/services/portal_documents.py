"""A client answers their quotes and signs their contracts in the portal.

The portal's views hold no rules: these functions decide what a signed-in client may see and
do with a document, and hand the change itself to `quotes.py` and `contracts.py`, which staff
use too. Every function takes the client the portal signed in and re-reads the document under
a row lock filtered by that client, so a form replayed for someone else's document, or for one
answered meanwhile in another tab, is refused or found already done, never applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from portal.models import DocumentView, PortalAccount
from studio.models import Client, Contract, Invoice, OutgoingEmail, Quote, StudioSettings
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services.contracts import contract_pdf, contract_sign, contract_text_hash
from studio.services.errors import StudioError
from studio.services.quotes import quote_accept, quote_convert, quote_decline

NOT_FOUND = "This document is not one of yours."
NAME_NEEDED = "Type your full name, as you would sign it."
CONSENT_NEEDED = "Tick the box to confirm you agree."
REASON_NEEDED = "Tell the studio why you are declining, in a few words."
REASON_TOO_LONG = "Keep the reason under 2,000 characters."
QUOTE_EXPIRED = "This quote expired on {date:%d %B %Y}: ask the studio for a new one."
QUOTE_ALREADY_ACCEPTED = "You already accepted this quote on {date:%d %B %Y}."
QUOTE_ALREADY_DECLINED = "You already declined this quote on {date:%d %B %Y}."
QUOTE_CLOSED = {
    Quote.Status.ACCEPTED: "This quote was already accepted.",
    Quote.Status.DECLINED: "This quote was declined, so it can no longer be accepted.",
    Quote.Status.EXPIRED: "This quote has expired: ask the studio for a new one.",
    Quote.Status.CONVERTED: "This quote has already been invoiced.",
}
CONTRACT_ALREADY_SIGNED = "You already signed this contract on {date:%d %B %Y}."
CONTRACT_VOID = "The studio withdrew this contract: it can no longer be signed."

NAME_MIN = 2
NAME_MAX = 200
REASON_MAX = 2000


@dataclass
class Answer:
    """What came of a client's click: the document as it now is, the invoice a converted
    quote became, and `already` when nothing changed because it had been done before."""

    document: Quote | Contract
    invoice: Invoice | None = None
    already: str = ""


def portal_quotes(client: Client) -> QuerySet[Quote]:
    """The quotes a client sees: theirs, once sent (a draft is the studio's business)."""
    return Quote.objects.filter(client=client).exclude(status=Quote.Status.DRAFT)


def portal_contracts(client: Client) -> QuerySet[Contract]:
    """The contracts a client sees: theirs, once sent (void ones stay, marked withdrawn)."""
    return Contract.objects.filter(client=client).exclude(status=Contract.Status.DRAFT)


def document_view_record(*, account: PortalAccount, kind: str, object_id: int) -> None:
    """Note that the client opened the document: the first time once, the last time always.
    One statement (INSERT … ON CONFLICT), so two tabs opening it at once make one row."""
    DocumentView.objects.bulk_create(
        [DocumentView(account=account, kind=kind, object_id=object_id)],
        update_conflicts=True,
        unique_fields=["account", "kind", "object_id"],
        update_fields=["last_viewed_at"],
    )


def _typed_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len(name) < NAME_MIN:
        raise StudioError(NAME_NEEDED, field="name")
    return name[:NAME_MAX]


def _consented(consent: bool) -> None:
    if not consent:
        raise StudioError(CONSENT_NEEDED, field="consent")


def _locked_quote(quote_id: int, client: Client) -> Quote:
    quote = portal_quotes(client).select_for_update().filter(pk=quote_id).first()
    if quote is None:
        raise StudioError(NOT_FOUND)
    return quote


def _answerable(quote: Quote, today: date) -> None:
    """Refuse a quote the client can no longer answer, saying why."""
    if quote.status != Quote.Status.SENT:
        raise StudioError(QUOTE_CLOSED[quote.status])
    if quote.valid_until and quote.valid_until < today:
        raise StudioError(QUOTE_EXPIRED.format(date=quote.valid_until))


def _answer(*, via_ip: str, user_agent: str) -> dict:
    return {
        "decided_via": Quote.DecidedVia.PORTAL,
        "decided_ip": via_ip or None,
        "decided_user_agent": (user_agent or "")[:400],
    }


@transaction.atomic
def portal_quote_accept(
    *,
    client: Client,
    quote_id: int,
    name: str,
    consent: bool,
    ip: str,
    user_agent: str,
    today: date | None = None,
) -> Answer:
    """The client accepts their quote with their typed name. Where the studio says so
    (`quote_acceptance`), the quote becomes a draft invoice at once; otherwise staff invoice it."""
    quote = _locked_quote(quote_id, client)
    if quote.accepted_name and quote.status in (Quote.Status.ACCEPTED, Quote.Status.CONVERTED):
        return Answer(quote, already=QUOTE_ALREADY_ACCEPTED.format(date=quote.decided_at))
    _answerable(quote, today or studio_today())
    answer = {**_answer(via_ip=ip, user_agent=user_agent), "accepted_name": _typed_name(name)}
    _consented(consent)
    quote = quote_accept(quote=quote, today=today, answer=answer)
    invoice = None
    if studio_settings_get().quote_acceptance == StudioSettings.QuoteAcceptance.CONVERT:
        invoice = quote_convert(quote=quote)
        quote.refresh_from_db()
    return Answer(quote, invoice=invoice)


@transaction.atomic
def portal_quote_decline(
    *,
    client: Client,
    quote_id: int,
    reason: str,
    ip: str,
    user_agent: str,
    today: date | None = None,
) -> Answer:
    """The client declines their quote and says why (the studio reads it on the quote)."""
    quote = _locked_quote(quote_id, client)
    if quote.status == Quote.Status.DECLINED and quote.decided_via == Quote.DecidedVia.PORTAL:
        return Answer(quote, already=QUOTE_ALREADY_DECLINED.format(date=quote.decided_at))
    _answerable(quote, today or studio_today())
    reason = (reason or "").strip()
    if not reason:
        raise StudioError(REASON_NEEDED, field="reason")
    if len(reason) > REASON_MAX:
        raise StudioError(REASON_TOO_LONG, field="reason")
    answer = {**_answer(via_ip=ip, user_agent=user_agent), "decline_reason": reason}
    return Answer(quote_decline(quote=quote, today=today, answer=answer))


def contract_shown_hash(contract: Contract) -> str:
    """The fingerprint of the text the contract page shows, carried by its sign form."""
    return contract_text_hash(title=contract.title, body=contract.body)


@transaction.atomic
def portal_contract_sign(
    *,
    client: Client,
    contract_id: int,
    name: str,
    consent: bool,
    shown_hash: str,
    ip: str,
    user_agent: str,
) -> Answer:
    """The client signs the text they were shown. `shown_hash` comes from the form: the
    contract service refuses it unless it is the hash of the stored text, so a contract
    edited while the client read it, or a form sent for another contract, is not signed.
    The signed PDF, with its signature page, is e-mailed to the client and the studio."""
    contract = portal_contracts(client).select_for_update().filter(pk=contract_id).first()
    if contract is None:
        raise StudioError(NOT_FOUND)
    if contract.status == Contract.Status.SIGNED:
        return Answer(contract, already=CONTRACT_ALREADY_SIGNED.format(date=contract.signed_at))
    if contract.status == Contract.Status.VOID:
        raise StudioError(CONTRACT_VOID)
    name = _typed_name(name)
    _consented(consent)
    contract = contract_sign(
        contract=contract, name=name, ip=ip, user_agent=user_agent, shown_hash=shown_hash or ""
    )
    _signed_copies_send(contract)
    return Answer(contract)


SIGNED_SUBJECT = "Signed: {title}"
SIGNED_BODY = (
    "Hello {to_name},\n\n"
    "“{title}” was signed by {name} in the client portal on {when} (UTC).\n"
    "The signed contract is attached, with a page recording the signature and the SHA-256 "
    "of the text signed:\n{sha256}\n\n{studio}"
)


def _signed_copies_send(contract: Contract) -> None:
    """The signed PDF to the client and to the studio's address, after the transaction
    commits (through the studio's mailbox and its delivery task, like every e-mail)."""
    from siteconf.tasks import task_enqueue
    from studio.selectors.settings import studio_display_name
    from studio.services.mail import DELIVER_TASK

    stored = contract_pdf(contract)
    settings = studio_settings_get()
    studio = studio_display_name()
    recipients = [(contract.client.email, contract.client.name), (settings.email, studio)]
    for to, to_name in recipients:
        if not to:
            continue
        email = OutgoingEmail.objects.create(
            kind="contract",
            to=to,
            subject=SIGNED_SUBJECT.format(title=" ".join(contract.title.split()))[:300],
            body=SIGNED_BODY.format(
                to_name=to_name,
                title=contract.title,
                name=contract.signed_name,
                when=f"{contract.signed_at:%d %B %Y, %H:%M}",
                sha256=contract.document_sha256,
                studio=studio,
            ),
            attachment_kind=stored.kind,
            attachment_id=stored.object_id,
            about=f"contract:{contract.pk}:signed",
        )
        task_enqueue(DELIVER_TASK, email.pk)


def portal_views_annotate(queryset: QuerySet, kind: str) -> QuerySet:
    """Documents with when their client first and last opened them in the portal
    (`portal_first_viewed`, `portal_last_viewed`, None if never), in the same query."""
    from django.db.models import Max, Min, OuterRef, Subquery

    views = DocumentView.objects.filter(kind=kind, object_id=OuterRef("pk")).values("object_id")
    return queryset.annotate(
        portal_first_viewed=Subquery(
            views.annotate(first=Min("first_viewed_at")).values("first")[:1]
        ),
        portal_last_viewed=Subquery(views.annotate(last=Max("last_viewed_at")).values("last")[:1]),
    )
