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


def session_cancel(*, session: Session, at: datetime | None = None, by=None) -> Session:
    permission_check(by, "studio.change_session")
    at = at or timezone.now()
    return _transition(
        session,
        allowed=STEP_FROM["cancel"],
        to=Session.Status.CANCELLED,
        verb="cancelled",
        by=by,
        refund_percent=refund_percent_for(session=session, at=at),
    )


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
