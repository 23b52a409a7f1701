"""The e-mails a booking sends the client: received, confirmed (with the session as a calendar
file), declined, cancelled (with the refund), and the reminder the day before."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import icalendar
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from siteconf.tenancy.models import Studio
from studio.models import Session
from studio.money import money_format
from studio.selectors.settings import studio_display_name, studio_settings_get
from studio.services.mail import email_queue

# Sent once per session: a reminder goes out when the session starts within this window.
REMINDER_AHEAD = timedelta(hours=24)


def deposit_paid(session: Session) -> Decimal:
    """What the client has paid towards the session, net of refunds."""
    return session.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def session_when(session: Session) -> tuple[str, str]:
    """The session's date and times as the studio writes them, in its own zone."""
    tz = studio_settings_get().tz
    start, end = timezone.localtime(session.start, tz), timezone.localtime(session.end, tz)
    return f"{start:%a} {start.day} {start:%b %Y}", f"{start:%H:%M}–{end:%H:%M}"


def _values(session: Session, **extra) -> dict:
    date, time = session_when(session)
    studio = Studio.objects.prefetch_related("domains").get(schema_name=connection.schema_name)
    return {
        "client_name": str(session.client),
        "date": date,
        "time": time,
        "room": session.room.name,
        "price": money_format(session.price, session.currency),
        "deposit": money_format(session.deposit_due, session.currency),
        "deposit_paid": money_format(deposit_paid(session), session.currency),
        "portal_url": studio.url_for("/"),
        **extra,
    }


def booking_email_send(*, session: Session, kind: str, refund: str = "") -> None:
    """Queue one booking e-mail to the session's client (nothing when they have no address:
    staff bookings for clients without e-mail stay silent)."""
    if not session.client.email:
        return
    email_queue(
        kind=kind,
        to=session.client.email,
        values=_values(session, refund=refund),
        calendar_session_id=session.pk if kind in ("booking_confirmed",) else None,
        about=f"session:{session.pk}",
    )


def session_ics(*, session_id: int) -> bytes:
    """The session as an iCalendar event, for the client's calendar app."""
    session = Session.objects.select_related("room").get(pk=session_id)
    settings = studio_settings_get()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Recording Studio Manager//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@{connection.schema_name}.recording-studio-manager")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", f"{session.room.name} — {studio_display_name()}")
    if settings.address:
        event.add("location", " ".join(settings.address.split()))
    event.add("status", "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def session_reminders_send(*, now=None) -> int:
    """E-mail every confirmed session starting within the next 24 hours its reminder, exactly
    once: the conditional update claims the session before its e-mail is queued."""
    now = now or timezone.now()
    due = Session.objects.filter(
        status=Session.Status.CONFIRMED,
        client__notify_reminders=True,
        reminder_sent_at__isnull=True,
        start__gt=now,
        start__lte=now + REMINDER_AHEAD,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Session.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                session = Session.objects.select_related("client", "room").get(pk=pk)
                booking_email_send(session=session, kind="session_reminder")
                sent += 1
    return sent
