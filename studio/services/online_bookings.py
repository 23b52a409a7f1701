"""Bookings clients make themselves in the portal: hold a slot, pay its deposit by card, get it
confirmed (or requested, where the studio approves first); move or cancel it within the
studio's policy. Staff confirm or decline requests in the back office.

A picked slot becomes a *held* session at once: the exclusion constraint counts it, so of fifty
clients racing for one slot exactly one holds it and no one else ever reaches the card step.
The hold lasts `hold_minutes`; `holds_release` cancels what expired, with its PaymentIntent.

A deposit paid after its hold expired (the bank took longer than the hold) is not lost: the
session is booked again if its slot is still free, and refunded in full if it is not.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from studio.models import CardPayment, Client, Engineer, Project, Room, Session
from studio.money import money_format
from studio.selectors.availability import slot_check
from studio.selectors.settings import studio_settings_get
from studio.services import card_payments
from studio.services.audit import audit_record
from studio.services.booking_mail import booking_email_send, deposit_paid
from studio.services.deposits import (
    approval_required,
    card_payments_available,
    deposit_terms,
)
from studio.services.errors import BookingConflict, StudioError
from studio.services.projects import session_project_set
from studio.services.readonly import studio_writable_check
from studio.services.session_lifecycle import refund_percent_for, session_cancel
from studio.services.sessions import session_create, session_move

logger = logging.getLogger(__name__)

SLOT_TAKEN = "That time was just taken by someone else. Pick another slot."
NOT_YOURS = "This booking is not on your account."
HOLD_EXPIRED = (
    "The {minutes} minutes we kept this slot for you have passed, and it has been released. "
    "Pick it again if it is still free."
)
NOT_HELD = "This booking is not waiting for a payment any more."
NO_ROOM = "No room can be booked online at that time."
TOO_LATE_TO_MOVE = (
    "This session can be moved online until {when} before it starts; for a later change, "
    "get in touch with the studio."
)
CANNOT_CANCEL = "This session is {status}: it can no longer be cancelled online."

OPEN = (Session.Status.HELD, Session.Status.REQUESTED, Session.Status.CONFIRMED)


def _client_session(session_id: int, client: Client) -> Session:
    """The client's own session, locked; another client's is refused in the same words as one
    that does not exist."""
    session = (
        Session.objects.select_for_update()
        .filter(pk=session_id, client=client)
        .select_related("room", "client")
        .first()
    )
    if session is None:
        raise StudioError(NOT_YOURS)
    return session


def _rooms_for(room: Room | None) -> list[Room]:
    if room is not None:
        return [room]
    return list(Room.objects.filter(bookable_online=True, is_active=True).order_by("name"))


def booking_hold(
    *,
    client: Client,
    start: datetime,
    end: datetime,
    room: Room | None = None,
    engineer: Engineer | None = None,
    project: Project | None = None,
    by=None,
    now: datetime | None = None,
) -> Session:
    """Take the slot for the client (for one of their projects, when they name one). It is
    held while they pay when a deposit is due by card;
    requested when the studio approves first or cannot take cards (they pay at the studio);
    confirmed straight away when nothing is due and no approval is needed. `room=None` is any
    room: the first free room by name."""
    now = now or timezone.now()
    if project is not None and project.client_id != client.pk:
        raise StudioError("That project is not one of yours.", field="project")
    settings = studio_settings_get()
    cards, _why = card_payments_available()
    refusal = None
    for candidate in _rooms_for(room):
        try:
            slot_check(room=candidate, start=start, end=end, engineer=engineer, now=now)
        except StudioError as exc:
            # "Any room": a room taken is no reason to give; that no room is left is.
            taken = room is None and "already taken" in exc.message
            refusal = refusal or (StudioError(SLOT_TAKEN) if taken else exc)
            continue
        price_terms = _terms_for(client, candidate, start, end)
        if price_terms.amount > 0 and cards:
            status, expires = Session.Status.HELD, now + timedelta(minutes=settings.hold_minutes)
        elif price_terms.amount > 0 or approval_required():
            status, expires = Session.Status.REQUESTED, None
        else:
            status, expires = Session.Status.CONFIRMED, None
        try:
            session = session_create(
                client=client,
                room=candidate,
                start=start,
                end=end,
                engineers=[engineer] if engineer else [],
                status=status,
                hold_expires_at=expires,
                booked_online=True,
                by=None,
            )
        except BookingConflict:
            refusal = StudioError(SLOT_TAKEN)
            continue
        if project is not None:
            session_project_set(session=session, project=project)
        audit_record(action="session.booked_online", obj=session, by=by)
        if status == Session.Status.REQUESTED:
            booking_email_send(session=session, kind="booking_received")
        elif status == Session.Status.CONFIRMED:
            booking_email_send(session=session, kind="booking_confirmed")
        return session
    raise refusal or StudioError(NO_ROOM)


def _terms_for(client: Client, room: Room, start: datetime, end: datetime):
    from studio.services.sessions import room_price

    currency = studio_settings_get().currency
    price = room_price(room=room, start=start, end=end)
    return deposit_terms(client=client, price=price, currency=currency)


def deposit_card_form(*, session_id: int, client: Client) -> str:
    """Open the card form for a held session's deposit: the SetupIntent's client secret."""
    with transaction.atomic():
        session = _client_session(session_id, client)
        _hold_check(session)
    return card_payments.card_setup_start(client=client)


def _hold_check(session: Session, now: datetime | None = None) -> None:
    if session.status != Session.Status.HELD:
        raise StudioError(NOT_HELD)
    if session.hold_expires_at <= (now or timezone.now()):
        raise StudioError(HOLD_EXPIRED.format(minutes=studio_settings_get().hold_minutes))


def deposit_pay(*, session_id: int, client: Client, setup_intent: str, by=None) -> CardPayment:
    """Charge the held session's deposit to the card just saved. A second click, a second tab or
    a retry after a network error gets the payment already under way, never a second one."""
    with transaction.atomic():
        session = _client_session(session_id, client)
        under_way = session.card_payments.filter(
            status__in=[
                CardPayment.Status.PENDING,
                CardPayment.Status.ACTION,
                CardPayment.Status.SUCCEEDED,
            ]
        ).first()
        if under_way:
            return under_way
        _hold_check(session)
        customer, method = card_payments.card_from_setup(client=client, setup_intent=setup_intent)
        attempt = session.card_payments.count() + 1
        payment = card_payments.card_charge(
            client=client,
            customer=customer,
            payment_method=method,
            amount=session.deposit_due,
            currency=session.currency,
            purpose=CardPayment.Purpose.DEPOSIT,
            key=f"deposit-{session.pk}-{attempt}",
            session=session,
        )
        audit_record(action="session.deposit_attempted", obj=session, by=by)
    if payment.status == CardPayment.Status.SUCCEEDED:
        secret = getattr(payment, "client_secret", "")
        payment = card_payments.card_payment_refresh(intent_id=payment.intent_id) or payment
        payment.client_secret = secret
    return payment


def deposit_paid_apply(*, session_id: int) -> Session:
    """The deposit is in: a held session becomes confirmed (or requested, where the studio
    approves first). Applying it twice changes nothing. A session whose hold expired before the
    money arrived is booked again if its slot is still free, otherwise refunded in full."""
    with transaction.atomic():
        session = (
            Session.objects.select_for_update().select_related("room", "client").get(pk=session_id)
        )
        if session.status == Session.Status.HELD:
            to = Session.Status.REQUESTED if approval_required() else Session.Status.CONFIRMED
            _reopen(session, to=to, action="session.deposit_paid")
            booking_email_send(
                session=session,
                kind="booking_received" if to == Session.Status.REQUESTED else "booking_confirmed",
            )
        elif session.status == Session.Status.CANCELLED and session.booked_online:
            _late_deposit(session)
    return session


def _reopen(session: Session, *, to: str, action: str) -> None:
    before = session.status
    session.status = to
    session.save(update_fields=["status"])
    session.crew.update(active=True)
    session.gear.update(active=True)
    audit_record(action=action, obj=session, changes={"status": [before, to]})


def _late_deposit(session: Session) -> None:
    paid = deposit_paid(session)
    if paid <= 0 or session.refund_percent is not None:
        return  # cancelled by someone, with its refund settled by session_cancel
    try:
        with transaction.atomic():
            _reopen(session, to=Session.Status.CONFIRMED, action="session.rebooked_after_payment")
        booking_email_send(session=session, kind="booking_confirmed")
    except Exception:  # the slot went to someone else meanwhile: the client gets it all back
        _refund_all(session, note=_("Paid after the hold expired; the slot was taken."))
        booking_email_send(
            session=session,
            kind="booking_cancelled",
            refund=_("Your deposit of %(amount)s is refunded to your card in full.")
            % {"amount": money_format(paid, session.currency)},
        )


def _refund_all(session: Session, *, note: str) -> Decimal:
    total = Decimal(0)
    for payment in session.payments.filter(refund_of__isnull=True, method="stripe"):
        left = payment.amount + sum(r.amount for r in payment.refunds.all())
        if left > 0:
            card_payments.card_refund(
                payment=payment, amount=left, key=f"refund-all-{payment.pk}", note=note
            )
            total += left
    return total


def deposit_return(*, session_id: int, client: Client) -> CardPayment | None:
    """After 3-D Secure in the browser: read the intent's outcome from Stripe."""
    with transaction.atomic():
        session = _client_session(session_id, client)
    return card_payments.card_payment_latest_refresh(session.card_payments.all())


def holds_release(*, now: datetime | None = None) -> int:
    """Release every hold whose time is up and cancel its payment. Run every minute."""
    now = now or timezone.now()
    released = 0
    expired = Session.objects.filter(status=Session.Status.HELD, hold_expires_at__lte=now)
    for pk in list(expired.values_list("pk", flat=True)):
        try:
            released += _release(pk, now)
        except Exception:  # one stuck hold must not keep the others
            logger.exception("Could not release hold on session %s", pk)
    return released


def _release(pk: int, now: datetime) -> int:
    for payment in CardPayment.objects.filter(
        session_id=pk,
        status__in=[
            CardPayment.Status.PENDING,
            CardPayment.Status.ACTION,
            CardPayment.Status.FAILED,
        ],
    ):
        card_payments.card_payment_cancel(payment=payment)  # may find it paid: then confirmed
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=pk)
        if session.status != Session.Status.HELD or session.hold_expires_at > now:
            return 0
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
        session.crew.update(active=False)
        session.gear.update(active=False)
        audit_record(
            action="session.hold_expired",
            obj=session,
            changes={"status": [Session.Status.HELD, Session.Status.CANCELLED]},
        )
    return 1


def booking_cancel(
    *, session_id: int, client: Client, by=None, now: datetime | None = None
) -> Session:
    """The client cancels: a hold is simply released; a booking is cancelled with the refund
    the studio's tiers give, paid back to the card (session_cancel does it)."""
    # Asked first: releasing a hold writes before the audited part refuses.
    studio_writable_check()
    now = now or timezone.now()
    with transaction.atomic():
        session = _client_session(session_id, client)
        if session.status not in OPEN or session.start <= now:
            raise StudioError(CANNOT_CANCEL.format(status=session.get_status_display().lower()))
        held = session.status == Session.Status.HELD
    if held:
        session.hold_expires_at = now
        Session.objects.filter(pk=session.pk).update(hold_expires_at=now)
        _release(session.pk, now)
        session.refresh_from_db()
        return session
    return session_cancel(session=session, at=now, by=None, actor=by)


def reschedule_deadline_hours() -> int | None:
    """A session may be moved online while cancelling it would still refund the most: until
    the first cancellation tier's notice. No tiers: moving is always allowed before the start."""
    first = studio_settings_get().tiers.order_by("-min_hours_before").first()
    return first.min_hours_before if first else None


def booking_reschedule(
    *,
    session_id: int,
    client: Client,
    start: datetime,
    end: datetime,
    room: Room | None = None,
    by=None,
    now: datetime | None = None,
) -> Session:
    """Move a booking to another free slot; the deposit stays with it."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _client_session(session_id, client)
        if session.status not in (Session.Status.REQUESTED, Session.Status.CONFIRMED):
            raise StudioError(NOT_HELD)
        hours = reschedule_deadline_hours()
        if hours is not None and session.start - now < timedelta(hours=hours):
            raise StudioError(TOO_LATE_TO_MOVE.format(when=_hours_words(hours)))
        target = room or session.room
        engineer = session.engineers.first()
        slot_check(
            room=target,
            start=start,
            end=end,
            engineer=engineer,
            now=now,
            exclude_session_id=session.pk,
        )
        try:
            session = session_move(session=session, start=start, end=end, room=target, by=None)
        except BookingConflict:
            raise StudioError(SLOT_TAKEN) from None
        audit_record(action="session.rescheduled_online", obj=session, by=by)
        Session.objects.filter(pk=session.pk).update(reminder_sent_at=None)
        booking_email_send(session=session, kind="booking_confirmed")
    return session


def _hours_words(hours: int) -> str:
    if hours % 24 == 0:
        return _("%(n)s days") % {"n": hours // 24} if hours != 24 else _("1 day")
    return _("%(n)s hours") % {"n": hours}


def refund_preview(*, session: Session, now: datetime | None = None) -> Decimal:
    """What cancelling now would give back, for the portal's "Cancel" page."""
    percent = refund_percent_for(session=session, at=now or timezone.now())
    from studio.services.totals import round_money

    return round_money(deposit_paid(session) * percent / 100, session.currency)
