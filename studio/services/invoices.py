"""Invoices: drafts, lines from sessions, issuing (numbered, frozen, PDF kept), voiding, and the
paid/balance/status derived from payments and credit notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from studio.models import Client, Invoice, InvoiceLine, Payment, Project, Session
from studio.pdf import render_pdf
from studio.selectors.billing import sessions_unbilled
from studio.selectors.settings import studio_settings_get, studio_today
from studio.services import totals
from studio.services.audit import audit_record
from studio.services.documents import (
    bill_to,
    document_draft_create,
    document_draft_update,
    document_recalculate,
    line_values,
    lines_create,
    pdf_store,
    status_lock,
)
from studio.services.errors import StudioError
from studio.services.numbering import number_allocate
from studio.services.permissions import permission_check
from studio.services.sessions import room_price

NOT_DRAFT = (
    "{document} is {Status}: an issued invoice cannot change. Correct it with a credit note."
)


def invoice_lock(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _draft_lock(invoice: Invoice) -> Invoice:
    return status_lock(invoice, Invoice.Status.DRAFT, refusal=NOT_DRAFT)


def invoice_void_refusal(invoice: Invoice) -> str | None:
    """Why `invoice` cannot be voided now (None when it can): the Void action is offered,
    and the void refused, by this one rule."""
    if invoice.status == Invoice.Status.DRAFT:
        return "A draft is not voided: delete it."
    if invoice.status == Invoice.Status.VOID:
        return f"{invoice} is already void."
    if invoice.status == Invoice.Status.PAID or (
        invoice.payments.exists() or invoice.credit_notes.exists()
    ):
        return f"{invoice} has payments or credit notes: credit it and refund instead of voiding."
    return None


@transaction.atomic
def invoice_create(
    *,
    client: Client,
    currency: str | None = None,
    exchange_rate=None,
    lines: Iterable[Mapping] = (),
    notes: str | None = None,
    due_date: date | None = None,
    project: Project | None = None,
    by=None,
) -> Invoice:
    permission_check(by, "studio.add_invoice")
    _project_check(project, client)
    if notes is None:  # the studio's default notes, which the person may have cleared
        notes = studio_settings_get().invoice_notes
    return document_draft_create(
        Invoice,
        client=client,
        currency=currency,
        exchange_rate=exchange_rate,
        lines=lines,
        by=by,
        notes=notes,
        due_date=due_date,
        project=project,
    )


def _project_check(project: Project | None, client: Client) -> None:
    """An invoice bills one of its own client's projects (or none)."""
    if project is not None and project.client_id != client.pk:
        raise StudioError(
            f"“{project}” is {project.client}'s project, not {client}'s.", field="project"
        )


@transaction.atomic
def invoice_lines_add(*, invoice: Invoice, lines: Iterable[Mapping], by=None) -> Invoice:
    permission_check(by, "studio.change_invoice")
    invoice = _draft_lock(invoice)
    last = invoice.lines.count()
    lines_create(invoice, [line_values(line) for line in lines], start=last)
    document_recalculate(invoice)
    invoice.save()
    return invoice


@transaction.atomic
def invoice_draft_update(
    *, invoice: Invoice, by=None, lines: Iterable[Mapping] | None = None, **fields
) -> Invoice:
    """Edit a draft invoice: client, currency and rate, due date, notes, the project it bills,
    and its lines (lines billed from a session keep their session)."""
    permission_check(by, "studio.change_invoice")
    if "project" in fields or "client" in fields:
        _project_check(fields.get("project", invoice.project), fields.get("client", invoice.client))
    return document_draft_update(invoice, by=by, lines=lines, refusal=NOT_DRAFT, **fields)


@transaction.atomic
def invoices_for_sessions(*, sessions, by=None) -> tuple[list[Invoice], int]:
    """One draft invoice per client and currency for the completed, unbilled sessions among
    `sessions` (all or nothing). Returns the drafts and how many sessions were left out."""
    permission_check(by, "studio.add_invoice")
    sessions = list(sessions)
    ready = list(
        sessions_unbilled(Session.objects.filter(pk__in=[s.pk for s in sessions]))
        .select_related("client")
        .order_by("start")
    )
    groups: dict[tuple[int, str], list[Session]] = {}
    for session in ready:
        groups.setdefault((session.client_id, session.currency), []).append(session)
    created = []
    for (_client, currency), group in groups.items():
        draft = invoice_create(client=group[0].client, currency=currency, by=by)
        invoice_sessions_add(invoice=draft, sessions=group, by=by)
        created.append(draft)
    return created, len(sessions) - len(ready)


@transaction.atomic
def invoice_draft_recalculate(*, invoice: Invoice) -> Invoice:
    """After lines of a draft were edited in place (the admin's inline rows)."""
    invoice = _draft_lock(invoice)
    document_recalculate(invoice)
    invoice.save()
    return invoice


def _session_lines(session: Session, tax_rate: Decimal) -> list[dict]:
    """What a completed session bills: room time (at the price it was booked for), overtime
    at the room's rate, each engineer's hours and each piece of hired gear."""
    tz = studio_settings_get().tz
    start, end = timezone.localtime(session.start, tz), timezone.localtime(session.end, tz)
    when = f"{start:%d %b %Y %H:%M}–{end:%H:%M}"
    hours = Decimal(str(round(session.hours, 2)))
    # The session's price includes overtime charged at check-out: bill it as its own line.
    overtime = Decimal(0)
    if session.overtime_minutes:
        overtime = room_price(
            room=session.room,
            start=session.end,
            end=session.end + timedelta(minutes=session.overtime_minutes),
        )
    lines = [
        {
            "source": "room",
            "kind": "room",
            "description": f"{session.room.name}, {when} ({hours:g} h)",
            "quantity": Decimal(1),
            "unit_price": session.price - overtime,
        }
    ]
    if overtime:
        lines.append(
            {
                "source": "overtime",
                "kind": "overtime",
                "description": (
                    f"Overtime, {session.room.name}, {start:%d %b %Y} "
                    f"({session.overtime_minutes} min)"
                ),
                "quantity": Decimal(1),
                "unit_price": overtime,
            }
        )
    for crew in session.crew.select_related("engineer"):
        if crew.engineer.hourly_rate > 0:
            lines.append(
                {
                    "source": f"engineer:{crew.engineer_id}",
                    "kind": "engineer",
                    "description": f"Engineer {crew.engineer.name}, {start:%d %b %Y}",
                    "quantity": hours,
                    "unit_price": crew.engineer.hourly_rate,
                }
            )
    for hire in session.gear.select_related("equipment"):
        if hire.equipment.hire_price > 0:
            lines.append(
                {
                    "source": f"gear:{hire.equipment_id}",
                    "kind": "gear",
                    "description": f"Gear hire: {hire.equipment}, {start:%d %b %Y}",
                    "quantity": Decimal(1),
                    "unit_price": hire.equipment.hire_price,
                }
            )
    for line in lines:
        line["tax_rate"] = tax_rate
    return lines


@transaction.atomic
def invoice_sessions_add(*, invoice: Invoice, sessions: Iterable[Session], by=None) -> Invoice:
    """Bill completed sessions on a draft. A session (or an engineer or gear of it) already on
    another live invoice is refused; the session's deposits are allocated to this invoice."""
    permission_check(by, "studio.change_invoice")
    invoice = _draft_lock(invoice)
    tax_rate = studio_settings_get().default_tax_rate
    position = invoice.lines.count()
    sessions = list(
        Session.objects.select_for_update(of=("self",))
        .select_related("room")
        .filter(pk__in=[s.pk for s in sessions])
        .order_by("start")
    )
    for session in sessions:
        if session.client_id != invoice.client_id:
            raise StudioError(f"{session} is booked for another client, {session.client}.")
        if session.status != Session.Status.COMPLETED:
            raise StudioError(
                f"{session} is {session.get_status_display().lower()}: only completed "
                "sessions are billed."
            )
        if session.currency != invoice.currency:
            raise StudioError(
                f"{session} was priced in {session.currency}; this invoice is in "
                f"{invoice.currency}."
            )
        billed = (
            InvoiceLine.objects.filter(session=session, billed=True)
            .select_related("invoice")
            .first()
        )
        if billed:
            raise StudioError(f"{session} is already billed on {billed.invoice}.")
        for line in _session_lines(session, tax_rate):
            position += 1
            source = line.pop("source")
            try:
                with transaction.atomic():
                    InvoiceLine.objects.create(
                        invoice=invoice, session=session, source=source, position=position, **line
                    )
            except IntegrityError as exc:
                if "session_billed_once" not in str(exc):
                    raise
                raise StudioError(f"{session} was billed on another invoice meanwhile.") from None
        Payment.objects.filter(session=session, invoice__isnull=True).update(invoice=invoice)
    document_recalculate(invoice)
    invoice.save()
    audit_record(
        action="invoice.sessions_added",
        obj=invoice,
        by=by,
        changes={"sessions": [None, [s.pk for s in sessions]]},
    )
    return invoice


@transaction.atomic
def invoice_delete(*, invoice: Invoice, by=None) -> None:
    """Drop a draft. Deposits allocated to it go back to their sessions."""
    permission_check(by, "studio.delete_invoice")
    invoice = _draft_lock(invoice)
    Payment.objects.filter(invoice=invoice).update(invoice=None)
    audit_record(action="invoice.deleted", obj=invoice, by=by)
    invoice.delete()


@transaction.atomic
def invoice_issue(*, invoice: Invoice, by=None, today: date | None = None) -> Invoice:
    """Number the draft, freeze what it says, keep its PDF. The number is allocated in this
    transaction: concurrent issues queue on the counter and never leave a gap."""
    permission_check(by, "studio.change_invoice")
    invoice = _draft_lock(invoice)
    if not invoice.lines.exists():
        raise StudioError("Add at least one line before issuing the invoice.")
    result = document_recalculate(invoice)
    if result.total < 0:
        raise StudioError("The total is negative: issue a credit note instead.")
    settings = studio_settings_get()
    today = today or studio_today()
    invoice.issue_date = today
    if not invoice.due_date or invoice.due_date < today:
        invoice.due_date = today + timedelta(days=settings.payment_terms_days)
    invoice.bill_to = bill_to(invoice.client)
    invoice.studio_currency = settings.currency
    invoice.total_in_studio_currency = totals.convert(
        result.total, rate=invoice.exchange_rate, to_currency=settings.currency
    )
    invoice.year = today.year
    invoice.sequence, invoice.number = number_allocate(kind="invoice", year=today.year)
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_at = timezone.now()
    invoice.save()
    invoice_settle_locked(invoice=invoice)
    invoice_pdf(invoice)
    audit_record(
        action="invoice.issued", obj=invoice, by=by, changes={"number": [None, invoice.number]}
    )
    return invoice


def invoice_pdf(invoice: Invoice):
    """The stored PDF of an issued invoice (a draft's PDF is rendered fresh, never kept)."""
    from studio.selectors.documents import invoice_data

    if invoice.number is None:
        return render_pdf(invoice_data(invoice))
    return pdf_store(
        kind="invoice",
        object_id=invoice.pk,
        filename=f"{invoice.number}.pdf",
        render=lambda: render_pdf(invoice_data(invoice)),
    )


@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, by=None) -> Invoice:
    permission_check(by, "studio.change_invoice")
    invoice = invoice_lock(invoice)
    refusal = invoice_void_refusal(invoice)
    if refusal:
        raise StudioError(refusal)
    if not reason.strip():
        raise StudioError("Say why the invoice is voided.", field="reason")
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    invoice.void_reason = reason.strip()
    invoice.balance = Decimal(0)
    invoice.overdue_since = None
    invoice.save()
    # Its sessions can be billed again.
    invoice.lines.filter(session__isnull=False).update(billed=False)
    audit_record(action="invoice.voided", obj=invoice, by=by, changes={"reason": [None, reason]})
    return invoice


def invoice_settle_locked(*, invoice: Invoice) -> Invoice:
    """Derive paid, credited, balance and status from the payments and credit notes, for a
    caller that already holds the invoice's row lock (`invoice_lock`). An invoice this settles
    may release the masters of the projects it bills."""
    was_paid = invoice.status == Invoice.Status.PAID
    paid = invoice.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or Decimal(0)
    invoice.amount_paid = paid
    invoice.amount_credited = credited
    invoice.balance = invoice.total - credited - paid
    if invoice.status not in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        if invoice.balance <= 0:
            invoice.status = Invoice.Status.PAID
            invoice.overdue_since = None
        elif paid > 0:
            invoice.status = Invoice.Status.PARTIALLY_PAID
        else:
            invoice.status = Invoice.Status.ISSUED
    invoice.save(
        update_fields=[
            "amount_paid",
            "amount_credited",
            "balance",
            "status",
            "overdue_since",
        ]
    )
    if not was_paid and invoice.status == Invoice.Status.PAID:
        _projects_paid(invoice)
    return invoice


def _projects_paid(invoice: Invoice) -> None:
    """The invoice is settled (by a payment or a credit note): the projects it bills may now
    release their masters. Inside the settling transaction, so the "masters ready" e-mail goes
    only if it commits. Masters staff released already were announced then, and are left out."""
    from studio.services.audio_review import masters_ready_notify

    projects = Project.objects.filter(
        Q(pk=invoice.project_id) | Q(sessions__invoice_lines__invoice=invoice),
        masters_released_at__isnull=True,
    ).distinct()
    for project in projects:
        masters_ready_notify(project=project)


@transaction.atomic
def invoice_settle(*, invoice: Invoice) -> Invoice:
    return invoice_settle_locked(invoice=invoice_lock(invoice))


@transaction.atomic
def invoice_send(*, invoice: Invoice, by=None, to: str | None = None):
    permission_check(by, "studio.change_invoice")
    from studio.services.mail import email_queue

    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        raise StudioError(f"{invoice} is {invoice.get_status_display().lower()}: issue it first.")
    stored = invoice_pdf(invoice)
    email = email_queue(
        kind="invoice",
        to=to or invoice.client.email,
        values=invoice_mail_values(invoice),
        attachment=stored,
        about=f"invoice:{invoice.pk}",
    )
    audit_record(action="invoice.sent", obj=invoice, by=by, changes={"to": [None, email.to]})
    return email


def invoice_mail_values(invoice: Invoice) -> dict:
    """The placeholders of the invoice and reminder e-mails. `portal_url` is the invoice's
    plain address in the portal, never a sign-in link (see `invoice_portal_url`)."""
    from studio.money import money_format
    from studio.services.invoice_payments import invoice_portal_url

    return {
        "client_name": invoice.client.name,
        "number": invoice.number,
        "total": money_format(invoice.total, invoice.currency),
        "balance": money_format(invoice.balance, invoice.currency),
        "due_date": f"{invoice.due_date:%d %B %Y}" if invoice.due_date else "",
        "portal_url": invoice_portal_url(invoice),
    }
