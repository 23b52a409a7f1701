"""Demo money for one studio: months of invoices from its completed sessions, paid, part-paid
and overdue, a credit note and a refund, quotes at every stage, contracts and the e-mails
they sent. Everything goes through the services, as staff would do it."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from studio.demo.catalogue import Locale, Progress
from studio.models import Client, ContractTemplate, Equipment, Invoice, Session
from studio.selectors.settings import studio_settings_get
from studio.services import contracts, credit_notes, invoices, payments, quotes
from studio.services.reminders import invoices_overdue_process

# Bank accounts with valid check digits (the banks' published examples), so the settings'
# validation accepts them when the demo owner saves their settings.
BANK = {
    "US": {"payment_details": "Brooklyn Community Bank · ABA 021000089 · Account 4471 2290 15"},
    "GB": {
        "iban": "GB29NWBK60161331926819",
        "bic": "NWBKGB2L",
        "sort_code": "601613",
        "account_number": "31926819",
    },
    "FR": {"iban": "FR7630006000011234567890189", "bic": "BNPAFRPP"},
}
COMPANY_NUMBER = {"US": "", "GB": "09876543", "FR": "SIRET 852 419 637 00018"}
VAT = {"US": "EIN 84-2931770", "GB": "GB 284 7719 06", "FR": "FR 61 852 419 637"}
FOREIGN = {
    "USD": ("EUR", Decimal("1.08")),
    "GBP": ("EUR", Decimal("0.86")),
    "EUR": ("USD", Decimal("0.92")),
}

RECORDING_AGREEMENT = """This agreement is between {{ studio_name }} (“the Studio”) and \
{{ client_name }} (“the Artist”) for the project {{ project }}.

1. Sessions. The Studio books its rooms and engineers for the Artist from {{ start_date }} to \
{{ end_date }}, on the days agreed in writing. Each session starts and ends at the booked times; \
time beyond the booked end is charged as overtime at the room's hourly rate.

2. Fee and payment. The fee for the booked sessions is {{ fee }}, plus tax. A deposit of 30 % \
secures the dates; the balance is invoiced after the last session and is due within 30 days.

3. Cancellation. Sessions cancelled more than 14 days ahead are refunded in full, 7 to 14 days \
ahead at 50 %, later not at all. Sessions cancelled by the Studio are always refunded in full.

4. Recordings. The Artist owns the recordings made during the sessions. Multitracks are kept for \
90 days after the last session and delivered on request; masters are released once every \
invoice for the project is paid.

5. Credits. The Artist credits the Studio and the engineers on every release of the recordings, \
in the form “Recorded at {{ studio_name }}”.

6. Care of the rooms. The Artist is responsible for damage caused by the Artist's party to the \
Studio's rooms and equipment, fair wear excepted.

Prepared on {{ today }}."""

MIXING_AGREEMENT = """{{ studio_name }} will mix {{ project }} for {{ client_name }} between \
{{ start_date }} and {{ end_date }} for {{ fee }}, including two rounds of revisions per song. \
Further revisions are charged at the engineer's hourly rate. Stems and the final mixes are \
delivered as 24-bit WAV files."""


def _noon(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), tzinfo=tz)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def money_fill(
    rng: random.Random,
    *,
    locale: Locale,
    today: date,
    domain: str,
    by,
    progress: Progress | None = None,
    months: int = 4,
) -> None:
    settings = studio_settings_get()
    settings.email = f"accounts@{domain}"
    settings.phone = {"US": "+1 718 555 0142", "GB": "+44 20 7946 0821", "FR": "+33 1 84 88 42 10"}[
        locale.country
    ]
    settings.vat_number = VAT[locale.country]
    settings.company_number = COMPANY_NUMBER[locale.country]
    settings.account_holder = settings.legal_name
    for name, value in BANK[locale.country].items():
        setattr(settings, name, value)
    settings.invoice_notes = "Thank you for recording with us."
    settings.save()

    # Premium microphones are hired out per session.
    for mic in Equipment.objects.filter(category=Equipment.Category.MICROPHONE).order_by("-pk")[:3]:
        mic.hire_price = Decimal(rng.choice((45, 60, 75)))
        mic.save(update_fields=["hire_price"])

    issued = _invoices(rng, today=today, tz=settings.tz, by=by, months=months)
    _quotes(rng, today=today, currency=settings.currency, by=by)
    _contracts(rng, today=today, currency=settings.currency, by=by)
    invoices_overdue_process(today=today)
    if progress:
        progress(f"{issued} invoices issued, with their payments, quotes and contracts")


def _invoices(rng: random.Random, *, today: date, tz: ZoneInfo, by, months: int) -> int:
    first = today.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    this_month = today.replace(day=1)
    groups: dict[tuple[date, int], list[Session]] = defaultdict(list)
    completed = Session.objects.filter(
        status=Session.Status.COMPLETED, start__date__gte=first
    ).order_by("start")
    for session in completed:
        month = session.start.astimezone(tz).date().replace(day=1)
        groups[(month, session.client_id)].append(session)

    issued = 0
    for (month, client_id), sessions in sorted(groups.items()):
        if month >= this_month:
            continue
        client = Client.objects.get(pk=client_id)
        draft = invoices.invoice_create(client=client, by=by)
        invoices.invoice_sessions_add(invoice=draft, sessions=sessions, by=by)
        issue_day = _next_month(month)
        invoice = invoices.invoice_issue(invoice=draft, today=issue_day, by=by)
        issued += 1
        _pay(rng, invoice, today=today, tz=tz, by=by)

    # This month's sessions of one client: a draft, ready to issue.
    current = [s for (m, _), group in groups.items() if m >= this_month for s in group]
    if current:
        client_sessions = [s for s in current if s.client_id == current[0].client_id]
        draft = invoices.invoice_create(client=current[0].client, by=by)
        invoices.invoice_sessions_add(invoice=draft, sessions=client_sessions, by=by)

    # A credit note and a refund on one paid invoice; an invoice voided for a wrong client.
    paid = Invoice.objects.filter(status=Invoice.Status.PAID).order_by("issue_date").first()
    if paid is not None:
        amount = (paid.total / 10).quantize(Decimal("1"))
        credit_notes.credit_note_create(
            invoice=paid,
            reason="Half an hour lost to a console fault",
            lines=[
                {
                    "description": "Goodwill credit: console fault",
                    "unit_price": amount,
                    "tax_rate": paid.lines.first().tax_rate,
                }
            ],
            by=by,
            today=paid.issue_date + timedelta(days=9),
        )
        paid.refresh_from_db()
        payments.payment_refund(
            payment=paid.payments.first(),
            amount=-paid.balance,
            reference="Refund of credit note",
            by=by,
        )
    return issued


def _pay(rng: random.Random, invoice: Invoice, *, today: date, tz: ZoneInfo, by) -> None:
    age = (today - invoice.issue_date).days
    luck = rng.random()
    method = rng.choice(("bank_transfer", "bank_transfer", "card_terminal", "cash"))
    if (age > 45 and luck < 0.86) or (age <= 45 and luck < 0.45):
        paid_on = min(invoice.issue_date + timedelta(days=rng.randint(2, 34)), today)
        payments.payment_record(
            invoice=invoice,
            amount=invoice.balance,
            method=method,
            received_at=_noon(paid_on, tz),
            reference=f"{invoice.number} {invoice.client.name[:20]}",
            by=by,
        )
    elif luck < 0.93:
        part = (invoice.balance * Decimal("0.4")).quantize(Decimal("1"))
        if part > 0:
            payments.payment_record(
                invoice=invoice,
                amount=part,
                method="bank_transfer",
                received_at=_noon(min(invoice.issue_date + timedelta(days=12), today), tz),
                reference=f"{invoice.number} part payment",
                by=by,
            )


def _quotes(rng: random.Random, *, today: date, currency: str, by) -> None:
    clients = list(Client.objects.exclude(email="").order_by("?")[:5])
    if len(clients) < 5:
        return
    day_rate = {"USD": 880, "GBP": 720, "EUR": 800}.get(currency, 800)
    tax = studio_settings_get().default_tax_rate

    def lines(days: int, mix_songs: int) -> list[dict]:
        rows = [
            {
                "kind": "room",
                "description": "Live Room, full day (10 h) with engineer",
                "quantity": days,
                "unit_price": day_rate,
                "tax_rate": tax,
            },
        ]
        if mix_songs:
            rows.append(
                {
                    "kind": "other",
                    "description": "Mixing, per song, two revisions",
                    "quantity": mix_songs,
                    "unit_price": day_rate // 2,
                    "tax_rate": tax,
                    "discount_percent": 10,
                }
            )
        return rows

    quotes.quote_create(client=clients[0], title="EP tracking, 3 days", lines=lines(3, 0), by=by)
    sent = quotes.quote_create(
        client=clients[1], title="Album: tracking and mixing", lines=lines(8, 10), by=by
    )
    quotes.quote_send(quote=sent, today=today - timedelta(days=3), by=by)
    accepted = quotes.quote_create(
        client=clients[2], title="Single, record and mix", lines=lines(1, 1), by=by
    )
    quotes.quote_send(quote=accepted, today=today - timedelta(days=10), by=by)
    quotes.quote_accept(quote=accepted, today=today - timedelta(days=6), by=by)
    converted = quotes.quote_create(
        client=clients[3], title="Live session video, 2 days", lines=lines(2, 0), by=by
    )
    quotes.quote_send(quote=converted, today=today - timedelta(days=20), by=by)
    quotes.quote_convert(quote=converted, by=by)
    other, rate = FOREIGN.get(currency, ("USD", Decimal("1")))
    foreign = quotes.quote_create(
        client=clients[4],
        title=f"Remote mixing, billed in {other}",
        currency=other,
        exchange_rate=rate,
        lines=[
            {"description": "Remote mix, per song", "quantity": 6, "unit_price": 450, "tax_rate": 0}
        ],
        notes="Export of services: no tax charged.",
        by=by,
    )
    quotes.quote_send(quote=foreign, today=today - timedelta(days=2), by=by)


def _contracts(rng: random.Random, *, today: date, currency: str, by) -> None:
    recording = ContractTemplate.objects.create(
        name="Recording agreement",
        title="Recording agreement — {{ project }}",
        body=RECORDING_AGREEMENT,
    )
    ContractTemplate.objects.create(
        name="Mixing agreement", title="Mixing agreement — {{ project }}", body=MIXING_AGREEMENT
    )
    clients = list(Client.objects.exclude(email="").order_by("?")[:3])
    for n, client in enumerate(clients):
        contract = contracts.contract_create(
            client=client,
            template=recording,
            project=rng.choice(("the debut album", "the second EP", "the live record")),
            start_date=today + timedelta(days=14 + 7 * n),
            end_date=today + timedelta(days=24 + 7 * n),
            fee=Decimal(rng.choice((4800, 6400, 9600))),
            currency=currency,
            by=by,
        )
        if n == 0:
            contracts.contract_mark_signed_on_paper(contract=contract, name=client.name, by=by)
        elif n == 1:
            contracts.contract_send(contract=contract, by=by)
