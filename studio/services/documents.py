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
from studio.services.audit import audit_record, audit_value, changes_between, snapshot
from studio.services.errors import StudioError

NOT_DRAFT = "{document} is {status}: only a draft can be edited."


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


def status_lock(obj: models.Model, *allowed: str, refusal: str | None = None) -> models.Model:
    """`obj` re-read under a row lock, refused unless its status is one of `allowed`.

    Every change of a document's or a contract's state starts here, so two people acting on
    the same one queue, and the second sees what the first did."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if locked.status not in allowed:
        shown = locked.get_status_display()
        raise StudioError(
            (refusal or "{document} is {status}.").format(
                document=locked, status=shown.lower(), Status=shown
            )
        )
    return locked


def line_summary(line) -> str:
    """One line as the audit trail shows it."""
    return (
        f"{line.description} · {audit_value(line.quantity)} × {audit_value(line.unit_price)}"
        f" −{audit_value(line.discount_percent)}% +{audit_value(line.tax_rate)}% tax"
    )


def lines_replace(document: models.Model, lines: Iterable[Mapping]) -> list[str] | None:
    """Make a draft's lines exactly `lines`, in that order. A line with an `id` is one of the
    draft's own, changed in place (so a line billed from a session stays tied to it); lines
    not listed are removed. Returns the old summaries when anything changed, else None."""
    existing = {line.pk: line for line in document.lines.all()}
    old = [line_summary(line) for line in existing.values()]
    kept = set()
    for position, line in enumerate(lines, start=1):
        values = line_values(line)
        item = existing.get(line.get("id")) if line.get("id") else None
        if line.get("id") and item is None:
            raise StudioError("A line of another document was sent with this one.", field="lines")
        if item is None:
            lines_create(document, [values], start=position - 1)
            continue
        kept.add(item.pk)
        for name, value in values.items():
            setattr(item, name, value)
        item.position = position
        item.save()
    removed = [pk for pk in existing if pk not in kept]
    document.lines.filter(pk__in=removed).delete()
    new = [line_summary(line) for line in document.lines.all()]
    return old if new != old else None


def document_draft_update(
    document: models.Model,
    *,
    by=None,
    lines: Iterable[Mapping] | None = None,
    refusal: str = NOT_DRAFT,
    **fields,
) -> models.Model:
    """Change a draft quote or invoice: its header fields, and its lines when given. The
    totals follow the lines; the audit entry says which fields and lines changed. Call inside
    the transaction of the entity's own service."""
    document = status_lock(document, "draft", refusal=refusal)
    before = snapshot(document, list(fields))
    for name, value in fields.items():
        setattr(document, name, value)
    if "currency" in fields or "exchange_rate" in fields:
        document.exchange_rate = exchange_rate_check(
            currency=document.currency, rate=document.exchange_rate
        )
    changes = changes_between(before, snapshot(document, list(fields)))
    if lines is not None:
        old = lines_replace(document, lines)
        if old is not None:
            changes["lines"] = [old, [line_summary(line) for line in document.lines.all()]]
    document_recalculate(document)
    document.save()
    if changes:
        audit_record(
            action=f"{document._meta.model_name}.changed", obj=document, by=by, changes=changes
        )
    return document


def document_draft_create(model, *, client, currency, exchange_rate, lines, by, **fields):
    """A draft quote or invoice with its lines and totals, in `currency` (the studio's when
    empty) at a checked exchange rate."""
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
    created = lines_create(document, [line_values(line) for line in lines])
    document_recalculate(document)
    document.save()
    changes = {"lines": [[], [line_summary(line) for line in created]]} if created else {}
    audit_record(action=f"{model._meta.model_name}.created", obj=document, by=by, changes=changes)
    return document
