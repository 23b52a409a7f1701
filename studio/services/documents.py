"""What quotes, invoices and credit notes share: lines, totals, the client block, stored PDFs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from studio.models import Client, StoredPdf
from studio.selectors.settings import studio_settings_get
from studio.services import totals
from studio.services.errors import StudioError

LINE_FIELDS = ("kind", "description", "quantity", "unit_price", "discount_percent", "tax_rate")


def exchange_rate_check(*, currency: str, rate) -> Decimal:
    """The rate to freeze on a document in `currency`: 1 for the studio's own currency."""
    studio_currency = studio_settings_get().currency
    try:
        rate = Decimal(str(rate if rate not in (None, "") else 1))
    except InvalidOperation:
        raise StudioError(f"“{rate}” is not an exchange rate.", field="exchange_rate") from None
    totals.quantum(currency)  # refuses a currency we cannot round
    if currency == studio_currency and rate != 1:
        raise StudioError(
            f"This document is in the studio's own currency ({currency}): the rate is 1.",
            field="exchange_rate",
        )
    if rate <= 0:
        raise StudioError("An exchange rate is a positive number.", field="exchange_rate")
    return rate


def line_values(line: Mapping) -> dict:
    """One line from a form, an import or a quote, checked, with Decimals."""
    values = {"kind": line.get("kind") or "other", "description": str(line["description"]).strip()}
    if not values["description"]:
        raise StudioError("Every line needs a description.", field="lines")
    for name, default in (
        ("quantity", "1"),
        ("unit_price", None),
        ("discount_percent", "0"),
        ("tax_rate", "0"),
    ):
        raw = line.get(name, default)
        try:
            values[name] = Decimal(str(raw))
        except (InvalidOperation, TypeError):
            raise StudioError(f"“{raw}” is not a number ({name.replace('_', ' ')}).") from None
    try:
        totals.Line(
            values["quantity"],
            values["unit_price"],
            values["discount_percent"],
            values["tax_rate"],
        ).check()
    except totals.MoneyError as exc:
        raise StudioError(str(exc), field="lines") from None
    return values


def lines_create(document: models.Model, lines: Iterable[Mapping], *, start: int = 0) -> list:
    """Add lines to a draft document, numbered after `start`."""
    related = document.lines
    created = []
    for position, line in enumerate(lines, start=start + 1):
        item = related.model(**{related.field.name: document}, position=position, **line)
        try:
            item.full_clean(exclude=[related.field.name, "session"])
        except ValidationError as exc:
            raise StudioError("; ".join(exc.messages), field="lines") from None
        item.save()
        created.append(item)
    return created


def document_totals(document: models.Model) -> totals.Totals:
    return totals.document_totals(
        (
            totals.Line(line.quantity, line.unit_price, line.discount_percent, line.tax_rate)
            for line in document.lines.all()
        ),
        document.currency,
    )


def document_recalculate(document: models.Model) -> totals.Totals:
    """Store the totals of a draft's current lines on the draft."""
    result = document_totals(document)
    for name in ("gross", "discount", "net", "tax", "total"):
        setattr(document, name, getattr(result, name))
    return result


def bill_to(client: Client) -> str:
    """The client block printed on a document, frozen when it is issued."""
    lines = [client.name]
    if client.artist_name and client.artist_name != client.name:
        lines.append(f"({client.artist_name})")
    lines += [part.strip() for part in client.address.splitlines() if part.strip()]
    if client.vat_number:
        lines.append(f"VAT {client.vat_number}")
    return "\n".join(lines)


def pdf_store(
    *, kind: str, object_id: int, filename: str, render: Callable[[], bytes]
) -> StoredPdf:
    """A document's kept PDF: rendered the first time it is asked for, then always that one,
    whatever later happens to the studio's logo, address or the renderer."""
    stored = StoredPdf.objects.filter(kind=kind, object_id=object_id).first()
    if stored is not None:
        return stored
    data = render()
    stored, _ = StoredPdf.objects.get_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"filename": filename, "data": data, "sha256": hashlib.sha256(data).hexdigest()},
    )
    return stored


def document_draft_create(model, *, client, currency, exchange_rate, lines, by, **fields):
    """A draft quote or invoice with its lines and totals, in `currency` (the studio's when
    empty) at a checked exchange rate."""
    from studio.services.audit import audit_record

    studio_currency = studio_settings_get().currency
    currency = currency or studio_currency
    document = model.objects.create(
        client=client,
        currency=currency,
        studio_currency=studio_currency,
        exchange_rate=exchange_rate_check(currency=currency, rate=exchange_rate),
        created_by=by if getattr(by, "pk", None) else None,
        **fields,
    )
    lines_create(document, [line_values(line) for line in lines])
    document_recalculate(document)
    document.save()
    audit_record(action=f"{model._meta.model_name}.created", obj=document, by=by)
    return document
