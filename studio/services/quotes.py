"""Quotes: draft → sent → accepted / declined / expired → converted into an invoice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from studio.models import Client, Invoice, Quote
from studio.models.billing import Line
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services.audit import audit_record
from studio.services.documents import (
    bill_to,
    document_draft_create,
    document_draft_update,
    document_recalculate,
    pdf_store,
    status_lock,
)
from studio.services.errors import StudioError
from studio.services.numbering import number_allocate
from studio.services.permissions import permission_check


def _lock(quote: Quote, *allowed: str) -> Quote:
    return status_lock(quote, *allowed)


@transaction.atomic
def quote_create(
    *,
    client: Client,
    title: str = "",
    currency: str | None = None,
    exchange_rate=None,
    lines: Iterable[Mapping] = (),
    notes: str | None = None,
    valid_until: date | None = None,
    by=None,
) -> Quote:
    permission_check(by, "studio.add_quote")
    if notes is None:  # the studio's default notes, which the person may have cleared
        notes = studio_settings_get().quote_notes
    return document_draft_create(
        Quote,
        client=client,
        currency=currency,
        exchange_rate=exchange_rate,
        lines=lines,
        by=by,
        title=title.strip(),
        notes=notes,
        valid_until=valid_until,
    )


@transaction.atomic
def quote_draft_update(
    *, quote: Quote, by=None, lines: Iterable[Mapping] | None = None, **fields
) -> Quote:
    """Edit a draft quote: title, client, currency, validity, notes, and its lines."""
    permission_check(by, "studio.change_quote")
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    return document_draft_update(quote, by=by, lines=lines, **fields)


@transaction.atomic
def quote_delete(*, quote: Quote, by=None) -> None:
    """Drop a draft quote (a sent one stays, declined or expired)."""
    permission_check(by, "studio.delete_quote")
    quote = _lock(quote, Quote.Status.DRAFT)
    audit_record(action="quote.deleted", obj=quote, by=by)
    quote.delete()


@transaction.atomic
def quote_draft_recalculate(*, quote: Quote) -> Quote:
    quote = _lock(quote, Quote.Status.DRAFT)
    document_recalculate(quote)
    quote.save()
    return quote


@transaction.atomic
def quote_send(*, quote: Quote, by=None, today: date | None = None, email: bool = True) -> Quote:
    """Number and freeze the quote, keep its PDF and e-mail it to the client."""
    permission_check(by, "studio.change_quote")
    quote = _lock(quote, Quote.Status.DRAFT)
    if not quote.lines.exists():
        raise StudioError("Add at least one line before sending the quote.")
    settings = studio_settings_get()
    today = today or studio_today()
    document_recalculate(quote)
    quote.issue_date = today
    if not quote.valid_until or quote.valid_until < today:
        quote.valid_until = today + timedelta(days=settings.quote_valid_days)
    quote.bill_to = bill_to(quote.client)
    quote.studio_currency = settings.currency
    quote.year = today.year
    quote.sequence, quote.number = number_allocate(kind="quote", year=today.year)
    quote.status = Quote.Status.SENT
    quote.sent_at = timezone.now()
    quote.save()
    stored = quote_pdf(quote)
    audit_record(action="quote.sent", obj=quote, by=by, changes={"number": [None, quote.number]})
    # A client who turned document e-mails off finds the quote in the portal.
    if email and quote.client.email and quote.client.notify_documents:
        from studio.money import money_format
        from studio.services.mail import email_queue
        from studio.services.portal_links import portal_document_url

        email_queue(
            kind="quote",
            to=quote.client.email,
            values={
                "client_name": quote.client.name,
                "number": quote.number,
                "title": quote.title or "your sessions",
                "total": money_format(quote.total, quote.currency),
                "valid_until": f"{quote.valid_until:%d %B %Y}",
                "portal_url": portal_document_url(
                    client_id=quote.client_id, url_name="portal:quote", pk=quote.pk
                ),
            },
            attachment=stored,
            about=f"quote:{quote.pk}",
        )
    return quote


def quote_pdf(quote: Quote):
    from studio.pdf import render_pdf
    from studio.selectors.documents import quote_data

    if quote.number is None:
        return render_pdf(quote_data(quote))
    return pdf_store(
        kind="quote",
        object_id=quote.pk,
        filename=f"{quote.number}.pdf",
        render=lambda: render_pdf(quote_data(quote)),
    )


def _decide(
    quote: Quote, status: str, action: str, by, today: date | None, answer: Mapping | None
) -> Quote:
    quote = _lock(quote, Quote.Status.SENT)
    if quote.valid_until and quote.valid_until < (today or studio_today()):
        raise StudioError(f"{quote} expired on {quote.valid_until:%d %B %Y}.")
    quote.status = status
    quote.decided_at = timezone.now()
    # The client's own answer (portal_documents) brings how and from where; staff record one.
    fields = dict(answer) if answer else {"decided_via": Quote.DecidedVia.STAFF}
    for name, value in fields.items():
        setattr(quote, name, value)
    quote.save(update_fields=["status", "decided_at", *fields])
    changes = {name: [None, value] for name, value in fields.items()} if answer else None
    audit_record(action=action, obj=quote, by=by, changes=changes)
    return quote


@transaction.atomic
def quote_accept(
    *, quote: Quote, by=None, today: date | None = None, answer: Mapping | None = None
) -> Quote:
    permission_check(by, "studio.change_quote")
    return _decide(quote, Quote.Status.ACCEPTED, "quote.accepted", by, today, answer)


@transaction.atomic
def quote_decline(
    *, quote: Quote, by=None, today: date | None = None, answer: Mapping | None = None
) -> Quote:
    permission_check(by, "studio.change_quote")
    return _decide(quote, Quote.Status.DECLINED, "quote.declined", by, today, answer)


@transaction.atomic
@transaction.atomic
def quotes_expire(*, today: date | None = None) -> int:
    """Sent quotes past their date, expired (the daily schedule)."""
    expired = list(
        Quote.objects.select_for_update().filter(
            status=Quote.Status.SENT, valid_until__lt=today or studio_today()
        )
    )
    count = Quote.objects.filter(pk__in=[q.pk for q in expired]).update(status=Quote.Status.EXPIRED)
    for quote in expired:
        audit_record(
            action="quote.expired",
            obj=quote,
            changes={"status": [Quote.Status.SENT, Quote.Status.EXPIRED]},
        )
    return count


@transaction.atomic
def quote_convert(*, quote: Quote, by=None) -> Invoice:
    """The invoice for a sent or accepted quote, as a draft with the quote's lines, currency and
    rate, ready to check and issue. A quote converts once."""
    permission_check(by, "studio.change_quote", "studio.add_invoice")
    from studio.services.invoices import invoice_create

    quote = _lock(quote, Quote.Status.SENT, Quote.Status.ACCEPTED)
    invoice = invoice_create(
        client=quote.client,
        currency=quote.currency,
        exchange_rate=quote.exchange_rate,
        lines=[{f: getattr(line, f) for f in Line.FIELDS} for line in quote.lines.all()],
        notes=quote.notes,
        by=by,
    )
    invoice.quote = quote
    invoice.save(update_fields=["quote"])
    quote.status = Quote.Status.CONVERTED
    quote.decided_at = quote.decided_at or timezone.now()
    quote.save(update_fields=["status", "decided_at"])
    audit_record(
        action="quote.converted", obj=quote, by=by, changes={"invoice": [None, invoice.pk]}
    )
    return invoice
