"""Booking pages of the portal: pick a slot, pay the deposit, see, move or cancel a booking.

Thin views over `studio.services.online_bookings` (the rules) and
`studio.selectors.availability` (the free slots). Every page is the signed-in client's own:
a session of another client answers 404, like one that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from portal.auth import portal_login_required
from portal.views.card_answers import bank_check_answer, charge_answer, refused_answer
from siteconf import stripe_gateway
from studio.models import CardPayment, Engineer, Project, Room, Session
from studio.selectors.availability import AvailabilityError, free_slots
from studio.selectors.settings import studio_settings_get
from studio.services import online_bookings
from studio.services.booking_mail import deposit_paid, session_when
from studio.services.deposits import card_payments_available, deposit_terms, policy_lines
from studio.services.errors import StudioError
from studio.services.sessions import room_price

LENGTHS_HOURS = (1, 2, 3, 4, 5, 6, 8, 10, 12)


def _client_session(request, pk: int) -> Session:
    return get_object_or_404(
        Session.objects.select_related("room", "client"), pk=pk, client=request.portal_client
    )


def _parse_day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _choices(request) -> dict:
    """The booking form: rooms clients may book, lengths, engineers, the chosen day."""
    settings = studio_settings_get()
    tz = settings.tz
    today = timezone.localdate(timezone=tz)
    first_day = (timezone.now() + timedelta(hours=settings.lead_time_hours)).astimezone(tz).date()
    rooms = list(Room.objects.filter(bookable_online=True, is_active=True).order_by("name"))
    minimum = settings.min_booking_minutes
    lengths = [h for h in LENGTHS_HOURS if h * 60 >= minimum] or [minimum / 60]
    day = _parse_day(request.GET.get("date"), max(first_day, today + timedelta(days=1)))
    room_param = request.GET.get("room", "any")
    room = next((r for r in rooms if str(r.pk) == room_param), None)
    try:
        hours = float(request.GET.get("hours", lengths[0]))
    except ValueError:
        hours = lengths[0]
    engineers = list(Engineer.objects.filter(is_active=True).order_by("name"))
    engineer = next((e for e in engineers if str(e.pk) == request.GET.get("engineer")), None)
    projects = _open_projects(request)
    project = next((p for p in projects if str(p.pk) == request.GET.get("project")), None)
    return {
        "projects": projects,
        "project": project,
        "rooms": rooms,
        "room": room,
        "room_param": "any" if room is None else str(room.pk),
        "lengths": lengths,
        "hours": hours,
        "engineers": engineers,
        "engineer": engineer,
        "day": day,
        "first_day": first_day,
        "last_day": today + timedelta(days=settings.max_advance_days),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "tz": tz,
    }


def _open_projects(request) -> list[Project]:
    """The client's projects not yet delivered: a booking may be for one of them."""
    return list(
        Project.objects.filter(client=request.portal_client, delivered_on__isnull=True)
        .exclude(stage__is_delivered=True)
        .order_by("title")
    )


def _slots(choices: dict, *, exclude_session_id: int | None = None) -> tuple[list, str]:
    try:
        slots = free_slots(
            day_from=choices["day"],
            day_to=choices["day"],
            minutes=int(choices["hours"] * 60),
            room=choices["room"],
            engineer=choices["engineer"],
            exclude_session_id=exclude_session_id,
        )
    except AvailabilityError as exc:
        return [], exc.message
    return slots, ""


@portal_login_required
def book(request):
    """Pick a day, a room (or any), a length and maybe an engineer; the free slots follow."""
    choices = _choices(request)
    slots, problem = _slots(choices)
    cards, no_cards_reason = card_payments_available()
    priced = [(slot, room_price(room=slot.room, start=slot.start, end=slot.end)) for slot in slots]
    return render(
        request,
        "portal/booking/book.html",
        {
            **choices,
            "slots": priced,
            "problem": problem,
            "cards": cards,
            "no_cards_reason": no_cards_reason,
            "policy": policy_lines(),
            "currency": studio_settings_get().currency,
        },
    )


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        raise ValueError("naive")
    return moment


@portal_login_required
@require_POST
def hold(request):
    """Take the picked slot: held while the client pays, or requested/confirmed at once."""
    try:
        start, end = _aware(request.POST["start"]), _aware(request.POST["end"])
    except (KeyError, ValueError):
        messages.error(request, "Pick a time from the list.")
        return redirect("portal:book")
    room_param = request.POST.get("room") or "any"
    room = None
    if room_param != "any":
        room = Room.objects.filter(
            pk=int(room_param) if room_param.isdigit() else None, bookable_online=True
        ).first()
        if room is None:
            messages.error(request, "That room cannot be booked online.")
            return redirect("portal:book")
    engineer_param = request.POST.get("engineer", "")
    engineer = (
        Engineer.objects.filter(pk=int(engineer_param), is_active=True).first()
        if engineer_param.isdigit()
        else None
    )
    project_param = request.POST.get("project", "")
    project = None
    if project_param:
        project = next((p for p in _open_projects(request) if str(p.pk) == project_param), None)
        if project is None:
            messages.error(request, "That project cannot take bookings.")
            return redirect("portal:book")
    try:
        session = online_bookings.booking_hold(
            client=request.portal_client,
            start=start,
            end=end,
            room=room,
            engineer=engineer,
            project=project,
            by=request.user,
        )
    except StudioError as exc:
        messages.error(request, exc.message)
        back = reverse("portal:book")
        day = timezone.localtime(start, studio_settings_get().tz).date().isoformat()
        return redirect(f"{back}?date={day}&room={room_param}")
    if session.status == Session.Status.HELD:
        return redirect("portal:pay", pk=session.pk)
    return redirect("portal:booking", pk=session.pk)


@portal_login_required
@require_http_methods(["GET", "POST"])
def pay(request, pk: int):
    """The deposit page: what it is for, the policy, the card form. POST (from the page's
    script, once the card is saved) charges the deposit and answers what the browser does next."""
    session = _client_session(request, pk)
    if request.method == "POST":
        return _pay_post(request, session)
    if session.status != Session.Status.HELD:
        return redirect("portal:booking", pk=session.pk)
    try:
        secret = online_bookings.deposit_card_form(
            session_id=session.pk, client=request.portal_client
        )
    except StudioError as exc:
        messages.error(request, exc.message)
        return redirect("portal:booking", pk=session.pk)
    date_text, time_text = session_when(session)
    terms = deposit_terms(client=session.client, price=session.price, currency=session.currency)
    failed = session.card_payments.filter(status=CardPayment.Status.FAILED).first()
    return render(
        request,
        "portal/booking/pay.html",
        {
            "session": session,
            "date_text": date_text,
            "time_text": time_text,
            "terms": terms,
            "balance": session.price - session.deposit_due,
            "policy": policy_lines(),
            "setup_secret": secret,
            "publishable_key": stripe_gateway.publishable_key(),
            "stripe_js": stripe_gateway.js_url(),
            "hold_until": timezone.localtime(session.hold_expires_at, studio_settings_get().tz),
            "failed": failed,
        },
    )


def _pay_post(request, session: Session) -> JsonResponse:
    try:
        payment = online_bookings.deposit_pay(
            session_id=session.pk,
            client=request.portal_client,
            setup_intent=request.POST.get("setup_intent", ""),
            by=request.user,
        )
    except StudioError as exc:
        return refused_answer(exc.message)
    return charge_answer(
        payment,
        done=reverse("portal:booking", args=[session.pk]),
        return_url=reverse("portal:pay_return", args=[session.pk]),
    )


@portal_login_required
@require_POST
def pay_return(request, pk: int):
    """After the bank's 3-D Secure check in the browser: ask Stripe how it went."""
    session = _client_session(request, pk)
    payment = online_bookings.deposit_return(session_id=session.pk, client=request.portal_client)
    return bank_check_answer(payment, done=reverse("portal:booking", args=[session.pk]))


STATE_WORDS = {
    Session.Status.HELD: "Waiting for your payment",
    Session.Status.REQUESTED: "Waiting for the studio to confirm",
    Session.Status.CONFIRMED: "Confirmed",
    Session.Status.CHECKED_IN: "In the studio now",
    Session.Status.COMPLETED: "Done",
    Session.Status.CANCELLED: "Cancelled",
    Session.Status.NO_SHOW: "Missed",
}


def session_summary(session: Session) -> dict:
    """How a booking reads in the portal: when, where, its state and its money."""
    date_text, time_text = session_when(session)
    return {
        "session": session,
        "date_text": date_text,
        "time_text": time_text,
        "state": STATE_WORDS[session.status],
        "paid": deposit_paid(session),
    }


@portal_login_required
def booking(request, pk: int):
    session = _client_session(request, pk)
    now = timezone.now()
    summary = session_summary(session)
    can_change = session.status in online_bookings.OPEN and session.start > now
    hours = online_bookings.reschedule_deadline_hours()
    can_move = (
        can_change
        and session.status != Session.Status.HELD
        and (hours is None or session.start - now >= timedelta(hours=hours))
    )
    refunds = session.payments.filter(refund_of__isnull=False).order_by("received_at")
    return render(
        request,
        "portal/booking/detail.html",
        {
            **summary,
            "can_cancel": can_change,
            "can_move": can_move,
            "refund_now": online_bookings.refund_preview(session=session) if can_change else None,
            "refunds": refunds,
            "policy": policy_lines(),
            "payment_failed": session.card_payments.filter(
                status=CardPayment.Status.FAILED
            ).exists(),
        },
    )


@portal_login_required
@require_POST
def cancel(request, pk: int):
    session = _client_session(request, pk)
    try:
        online_bookings.booking_cancel(
            session_id=session.pk, client=request.portal_client, by=request.user
        )
    except StudioError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your booking is cancelled.")
    return redirect("portal:booking", pk=session.pk)


@portal_login_required
@require_http_methods(["GET", "POST"])
def move(request, pk: int):
    """Move a booking to another free slot of the same length, inside the studio's policy."""
    session = _client_session(request, pk)
    if request.method == "POST":
        try:
            start, end = _aware(request.POST["start"]), _aware(request.POST["end"])
            room_param = request.POST.get("room", "")
            room = Room.objects.filter(
                pk=int(room_param) if room_param.isdigit() else None, bookable_online=True
            ).first()
            online_bookings.booking_reschedule(
                session_id=session.pk,
                client=request.portal_client,
                start=start,
                end=end,
                room=room,
                by=request.user,
            )
        except (KeyError, ValueError):
            messages.error(request, "Pick a time from the list.")
            return redirect("portal:move", pk=session.pk)
        except StudioError as exc:
            messages.error(request, exc.message)
            return redirect("portal:move", pk=session.pk)
        messages.success(request, "Your booking is moved. A new confirmation is on its way.")
        return redirect("portal:booking", pk=session.pk)
    if session.status not in (Session.Status.REQUESTED, Session.Status.CONFIRMED):
        raise Http404
    choices = _choices(request)
    choices["room"] = session.room
    choices["room_param"] = str(session.room_id)
    choices["hours"] = session.hours
    slots, problem = _slots(choices, exclude_session_id=session.pk)
    return render(
        request,
        "portal/booking/move.html",
        {**choices, **session_summary(session), "slots": slots, "problem": problem},
    )
