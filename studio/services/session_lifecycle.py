"""A booked session's life cycle: confirmed, checked in, checked out (with overtime), cancelled
(with the deposit refund its cancellation tier gives) or marked as a no-show.

Each step locks the session, checks that it may move from where it is, and records an audit
entry; its reservations follow it (a cancelled session frees its engineers and gear).
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from studio.models import Client, Session
from studio.models.sessions import ACTIVE_STATUSES
from studio.selectors.settings import studio_settings_get
from studio.services.audit import audit_record, changes_between, snapshot
from studio.services.errors import StudioError
from studio.services.permissions import permission_check
from studio.services.sessions import room_price

BAD_TRANSITION = "{session} is {status}; it cannot be {verb}."

R, C, IN = Session.Status.REQUESTED, Session.Status.CONFIRMED, Session.Status.CHECKED_IN
# Where each step may start from: the services below refuse anything else, and the back office
# offers a step only where it is in this table (session_steps).
STEP_FROM: dict[str, tuple[str, ...]] = {
    "confirm": (R,),
    "check_in": (C, R),
    "check_out": (IN,),
    "decline": (R,),
    "cancel": (R, C),
    "no_show": (R, C),
}


def session_steps(*, session: Session, at: datetime | None = None) -> list[str]:
    """The steps a session can take now, in the order they are usually taken."""
    steps = [step for step, starts in STEP_FROM.items() if session.status in starts]
    if (at or timezone.now()) < session.start:
        steps = [step for step in steps if step != "no_show"]
    return steps


NO_SHOW_TOO_EARLY = "{session} has not started yet; it cannot be marked as a no-show."


def _transition(
    session: Session, *, allowed: tuple[str, ...], to: str, verb: str, by, **values
) -> Session:
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status not in allowed:
            raise StudioError(
                BAD_TRANSITION.format(
                    session=session, status=session.get_status_display().lower(), verb=verb
                )
            )
        before = snapshot(session, ["status", *values])
        session.status = to
        for name, value in values.items():
            setattr(session, name, value)
        session.save()
        # Reservations follow the session: a cancelled session frees its engineers and gear.
        active = to in ACTIVE_STATUSES
        session.crew.update(active=active)
        session.gear.update(active=active)
        audit_record(
            action=f"session.{to}",
            obj=session,
            by=by,
            changes=changes_between(before, snapshot(session, ["status", *values])),
        )
        return session


def session_confirm(*, session: Session, by=None) -> Session:
    permission_check(by, "studio.change_session")
    return _transition(
        session,
        allowed=STEP_FROM["confirm"],
        to=Session.Status.CONFIRMED,
        verb="confirmed",
        by=by,
    )


def session_check_in(*, session: Session, at: datetime | None = None, by=None) -> Session:
    permission_check(by, "studio.change_session")
    return _transition(
        session,
        allowed=STEP_FROM["check_in"],
        to=Session.Status.CHECKED_IN,
        verb="checked in",
        by=by,
        checked_in_at=at or timezone.now(),
    )


def session_check_out(*, session: Session, at: datetime | None = None, by=None) -> Session:
    """Close a session; time past the booked end is overtime, charged at the room's rates."""
    permission_check(by, "studio.change_session")
    at = at or timezone.now()
    overtime = max(0, math.ceil((at - session.end).total_seconds() / 60))
    extra = room_price(room=session.room, start=session.end, end=at) if overtime else Decimal("0")
    return _transition(
        session,
        allowed=STEP_FROM["check_out"],
        to=Session.Status.COMPLETED,
        verb="checked out",
        by=by,
        checked_out_at=at,
        overtime_minutes=overtime,
        price=session.price + extra,
    )


def refund_percent_for(*, session: Session, at: datetime) -> Decimal:
    """The deposit refund the studio's cancellation tiers give for cancelling at `at`."""
    hours_before = (session.start - at).total_seconds() / 3600
    for tier in studio_settings_get().tiers.order_by("-min_hours_before"):
        if hours_before >= tier.min_hours_before:
            return tier.refund_percent
    return Decimal("0")


def session_cancel(*, session: Session, at: datetime | None = None, by=None, actor=None) -> Session:
    """Cancel a booking. The deposit paid by card comes back to the card at once, as much of it
    as the tier for `at` gives, recorded as a refund against the payment; the client is told.
    A deposit paid by hand is refunded by hand (the percentage is on the session).
    `actor` is who asked when it is not staff (a client in the portal), for the audit trail."""
    permission_check(by, "studio.change_session")
    at = at or timezone.now()
    return _cancel_with_refund(
        session,
        allowed=STEP_FROM["cancel"],
        percent=refund_percent_for(session=session, at=at),
        by=by or actor,
        kind="booking_cancelled",
    )


def session_decline(*, session: Session, by=None) -> Session:
    """Turn down a booking request: cancelled, with everything paid refunded."""
    permission_check(by, "studio.change_session")
    return _cancel_with_refund(
        session,
        allowed=STEP_FROM["decline"],
        percent=Decimal(100),
        by=by,
        kind="booking_declined",
    )


def _cancel_with_refund(session, *, allowed, percent: Decimal, by, kind: str) -> Session:
    from studio.services.booking_mail import booking_email_send
    from studio.services.totals import round_money

    with transaction.atomic():
        session = _transition(
            session,
            allowed=allowed,
            to=Session.Status.CANCELLED,
            verb="cancelled" if kind == "booking_cancelled" else "declined",
            by=by,
            refund_percent=percent,
        )
        card = session.payments.filter(method="stripe")
        paid = sum((p.amount for p in card), Decimal(0))
        due = round_money(paid * percent / 100, session.currency)
        refunded = _card_deposit_refund(session, due)
        if session.booked_online or refunded:
            booking_email_send(
                session=session, kind=kind, refund=_refund_words(session, paid, refunded)
            )
    return session


def _card_deposit_refund(session: Session, amount: Decimal) -> Decimal:
    """Refund `amount` over the session's card payments, oldest first."""
    from studio.services.card_payments import card_refund

    left, total = amount, Decimal(0)
    for payment in session.payments.filter(method="stripe", refund_of__isnull=True).order_by(
        "received_at", "pk"
    ):
        if left <= 0:
            break
        open_amount = payment.amount + sum(r.amount for r in payment.refunds.all())
        part = min(open_amount, left)
        if part > 0:
            card_refund(
                payment=payment,
                amount=part,
                key=f"cancel-{session.pk}-{payment.pk}",
                note=f"Cancellation of session #{session.pk}",
            )
            left, total = left - part, total + part
    return total


def _refund_words(session: Session, paid: Decimal, refunded: Decimal) -> str:
    from studio.money import money_format

    if refunded:
        return (
            f"{money_format(refunded, session.currency)} of your deposit is refunded to your "
            "card; it reaches your account in 5 to 10 days."
        )
    if paid:
        return "Under the studio's cancellation policy, the deposit is not refunded."
    return ""


def session_mark_no_show(*, session: Session, at: datetime | None = None, by=None) -> Session:
    permission_check(by, "studio.change_session")
    if (at or timezone.now()) < session.start:
        raise StudioError(NO_SHOW_TOO_EARLY.format(session=session))
    with transaction.atomic():
        session = _transition(
            session,
            allowed=STEP_FROM["no_show"],
            to=Session.Status.NO_SHOW,
            verb="marked as a no-show",
            by=by,
        )
        Client.objects.filter(pk=session.client_id).update(no_show_count=F("no_show_count") + 1)
    return session
