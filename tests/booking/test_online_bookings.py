"""Booking in the portal, through the services, against localstripe: hold, pay, 3-D Secure,
declines, expiry, approval, cancellation refunds, rescheduling and plan gating."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from siteconf.tenancy.models import Plan, Studio
from studio.models import (
    CardPayment,
    OutgoingEmail,
    Payment,
    Session,
    StripeCustomer,
    StudioSettings,
)
from studio.services import online_bookings
from studio.services.booking_mail import session_ics, session_reminders_send
from studio.services.card_payments import card_payment_refresh
from studio.services.errors import StudioError
from studio.services.session_lifecycle import session_cancel, session_decline
from tests.booking.conftest import authenticate_3ds, save_card, stripe_intent, stripe_refunds

pytestmark = pytest.mark.django_db


def hold(client, start, hours=3, room=None):
    return online_bookings.booking_hold(
        client=client, start=start, end=start + timedelta(hours=hours), room=room
    )


def pay(client, session, number="4242424242424242"):
    setup = save_card(client, session.pk, number)
    return online_bookings.deposit_pay(session_id=session.pk, client=client, setup_intent=setup)


def test_a_picked_slot_is_held_while_the_client_pays(rooms, artist, next_week):
    session = hold(artist, next_week)
    assert session.status == Session.Status.HELD
    assert session.booked_online
    assert session.room == rooms[0]  # any room: the first free one by name
    expires = session.hold_expires_at - timezone.now()
    assert timedelta(minutes=14) < expires <= timedelta(minutes=15)
    assert session.deposit_due == Decimal("45.00")  # 30 % of 3 h at 50.00


def test_paying_the_deposit_confirms_the_booking_and_records_the_payment(rooms, artist, next_week):
    session = hold(artist, next_week)
    payment = pay(artist, session)
    session.refresh_from_db()
    assert payment.status == CardPayment.Status.SUCCEEDED
    assert session.status == Session.Status.CONFIRMED
    recorded = Payment.objects.get(session=session)
    assert (recorded.amount, recorded.method, recorded.provider_id) == (
        Decimal("45.00"),
        Payment.Method.STRIPE,
        payment.intent_id,
    )
    assert stripe_intent(payment.intent_id)["amount"] == 4500
    assert "Visa" in StripeCustomer.objects.get(client=artist).card_label
    email = OutgoingEmail.objects.get(kind="booking_confirmed", about=f"session:{session.pk}")
    assert email.attachment_kind == "ics"


def test_a_second_click_on_pay_gets_the_same_payment(rooms, artist, next_week):
    session = hold(artist, next_week)
    first = pay(artist, session)
    again = online_bookings.deposit_pay(
        session_id=session.pk, client=artist, setup_intent=artist.stripe.setup_intent_id
    )
    assert again.pk == first.pk
    assert CardPayment.objects.filter(session=session).count() == 1
    assert Payment.objects.filter(session=session).count() == 1


def test_refreshing_an_intent_twice_records_one_payment(rooms, artist, next_week):
    session = hold(artist, next_week)
    payment = pay(artist, session)
    card_payment_refresh(intent_id=payment.intent_id)
    card_payment_refresh(intent_id=payment.intent_id)
    assert Payment.objects.filter(session=session).count() == 1


def test_three_d_secure_waits_for_the_bank_then_confirms(rooms, artist, next_week):
    session = hold(artist, next_week)
    payment = pay(artist, session, "4000002500003155")
    assert payment.status == CardPayment.Status.ACTION
    assert payment.client_secret
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    authenticate_3ds(payment, success=True)
    online_bookings.deposit_return(session_id=session.pk, client=artist)
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED
    assert Payment.objects.filter(session=session, amount=Decimal("45.00")).exists()


def test_three_d_secure_refused_leaves_the_slot_held_and_nothing_paid(rooms, artist, next_week):
    session = hold(artist, next_week)
    payment = pay(artist, session, "4000002500003155")
    authenticate_3ds(payment, success=False)
    refreshed = online_bookings.deposit_return(session_id=session.pk, client=artist)
    session.refresh_from_db()
    assert refreshed.status == CardPayment.Status.FAILED
    assert session.status == Session.Status.HELD
    assert not Payment.objects.filter(session=session).exists()


def test_a_card_declined_on_charging_says_so_and_may_be_replaced(rooms, artist, next_week):
    session = hold(artist, next_week)
    declined = pay(artist, session, "4000000000000341")
    assert declined.status == CardPayment.Status.FAILED
    assert "declined" in declined.failure_message.lower()
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert not Payment.objects.filter(session=session).exists()
    second = pay(artist, session)  # another card, same hold
    session.refresh_from_db()
    assert second.status == CardPayment.Status.SUCCEEDED
    assert session.status == Session.Status.CONFIRMED


def test_a_card_declined_on_saving_changes_nothing(rooms, artist, next_week):
    from siteconf.stripe_gateway import GatewayError

    session = hold(artist, next_week)
    with pytest.raises(GatewayError, match="declined"):
        save_card(artist, session.pk, "4000000000000002")
    assert not CardPayment.objects.filter(session=session).exists()


def test_an_expired_hold_cannot_be_paid_and_is_released_with_its_intent(rooms, artist, next_week):
    session = hold(artist, next_week)
    payment = pay(artist, session, "4000002500003155")  # waiting for the bank
    Session.objects.filter(pk=session.pk).update(hold_expires_at=timezone.now())
    with pytest.raises(StudioError, match="passed"):
        online_bookings.deposit_card_form(session_id=session.pk, client=artist)
    assert online_bookings.holds_release() == 1
    session.refresh_from_db()
    payment.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert payment.status == CardPayment.Status.CANCELED
    assert stripe_intent(payment.intent_id)["status"] == "canceled"
    assert hold(artist, next_week).status == Session.Status.HELD  # the slot is free again


def test_releasing_holds_twice_releases_once(rooms, artist, next_week):
    session = hold(artist, next_week)
    Session.objects.filter(pk=session.pk).update(hold_expires_at=timezone.now())
    assert online_bookings.holds_release() == 1
    assert online_bookings.holds_release() == 0


def test_client_y_cannot_reach_client_x_booking(rooms, artist, other_artist, next_week):
    session = hold(artist, next_week)
    setup = save_card(artist, session.pk)
    for call in (
        lambda: online_bookings.deposit_card_form(session_id=session.pk, client=other_artist),
        lambda: online_bookings.deposit_pay(
            session_id=session.pk, client=other_artist, setup_intent=setup
        ),
        lambda: online_bookings.booking_cancel(session_id=session.pk, client=other_artist),
    ):
        with pytest.raises(StudioError, match="not on your account"):
            call()
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert not CardPayment.objects.exists()


def test_a_client_cannot_pay_with_another_clients_saved_card(
    rooms, artist, other_artist, next_week
):
    theirs = hold(artist, next_week)
    their_setup = save_card(artist, theirs.pk)
    mine = hold(other_artist, next_week + timedelta(hours=5))
    online_bookings.deposit_card_form(session_id=mine.pk, client=other_artist)
    with pytest.raises(StudioError, match="card form"):
        online_bookings.deposit_pay(
            session_id=mine.pk, client=other_artist, setup_intent=their_setup
        )
    assert not CardPayment.objects.exists()


def test_cancelling_inside_the_fifty_percent_tier_refunds_half_to_the_card(
    rooms, artist, next_week
):
    session = hold(artist, next_week - timedelta(days=5))  # 3 days ahead: the 50 % tier
    payment = pay(artist, session)
    online_bookings.booking_cancel(session_id=session.pk, client=artist)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.refund_percent == Decimal("50")
    refund = Payment.objects.get(refund_of__isnull=False, session=session)
    assert refund.amount == Decimal("-22.50")
    assert [r["amount"] for r in stripe_refunds(payment.intent_id)] == [2250]
    email = OutgoingEmail.objects.get(kind="booking_cancelled")
    assert "€22.50" in email.body


def test_staff_cancellations_refund_the_card_too(rooms, artist, next_week):
    session = hold(artist, next_week + timedelta(days=1))  # 9 days: full refund
    payment = pay(artist, session)
    session_cancel(session=session)
    assert Payment.objects.get(refund_of__isnull=False).amount == Decimal("-45.00")
    assert [r["amount"] for r in stripe_refunds(payment.intent_id)] == [4500]


def test_refunds_are_exact_in_yen(rooms, artist, next_week):
    StudioSettings.objects.filter().update(currency="JPY")
    rooms[0].hourly_rate = Decimal("3333")
    rooms[0].save()
    session = hold(artist, next_week - timedelta(days=5), room=rooms[0])
    assert session.deposit_due == Decimal("3000")  # 30 % of 9999, whole yen
    payment = pay(artist, session)
    assert stripe_intent(payment.intent_id)["amount"] == 3000
    online_bookings.booking_cancel(session_id=session.pk, client=artist)
    assert Payment.objects.get(refund_of__isnull=False).amount == Decimal("-1500")
    assert [r["amount"] for r in stripe_refunds(payment.intent_id)] == [1500]


def test_with_approval_a_paid_booking_waits_for_the_studio(rooms, artist, next_week):
    StudioSettings.objects.update(approval_required=True)
    session = hold(artist, next_week)
    pay(artist, session)
    session.refresh_from_db()
    assert session.status == Session.Status.REQUESTED
    assert OutgoingEmail.objects.filter(kind="booking_received").exists()


def test_declining_a_request_refunds_everything(rooms, artist, next_week):
    StudioSettings.objects.update(approval_required=True)
    session = hold(artist, next_week - timedelta(days=6))  # inside the last tier: no matter
    payment = pay(artist, session)
    session_decline(session=session)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert Payment.objects.get(refund_of__isnull=False).amount == Decimal("-45.00")
    assert [r["amount"] for r in stripe_refunds(payment.intent_id)] == [4500]
    assert OutgoingEmail.objects.filter(kind="booking_declined").exists()


def test_on_a_plan_without_cards_the_portal_takes_a_request(rooms, artist, next_week):
    Studio.objects.filter(schema_name=connection.schema_name).update(
        plan=Plan.objects.get(slug="starter")
    )
    session = hold(artist, next_week, hours=2)
    assert session.status == Session.Status.REQUESTED
    assert session.hold_expires_at is None


def test_a_label_on_account_terms_is_confirmed_without_paying(rooms, artist, next_week):
    artist.terms = "account"
    artist.save()
    session = hold(artist, next_week)
    assert session.status == Session.Status.CONFIRMED
    assert session.deposit_due == Decimal("0.00")


def test_a_deposit_paid_after_its_hold_expired_rebooks_a_free_slot(rooms, artist, next_week):
    session = hold(artist, next_week)
    payment = pay(artist, session, "4000002500003155")
    authenticate_3ds(payment, success=True)  # the bank said yes, but late
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.CANCELLED, hold_expires_at=timezone.now()
    )
    card_payment_refresh(intent_id=payment.intent_id)
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED


def test_a_deposit_paid_after_its_slot_went_to_someone_else_is_refunded(
    rooms, artist, other_artist, next_week
):
    session = hold(artist, next_week, room=rooms[0])
    payment = pay(artist, session, "4000002500003155")
    authenticate_3ds(payment, success=True)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    hold(other_artist, next_week, room=rooms[0])
    card_payment_refresh(intent_id=payment.intent_id)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert Payment.objects.get(refund_of__isnull=False).amount == Decimal("-45.00")
    assert [r["amount"] for r in stripe_refunds(payment.intent_id)] == [4500]


def test_moving_inside_the_policy_keeps_the_deposit(rooms, artist, next_week):
    session = hold(artist, next_week)
    pay(artist, session)
    moved = online_bookings.booking_reschedule(
        session_id=session.pk,
        client=artist,
        start=next_week + timedelta(days=1),
        end=next_week + timedelta(days=1, hours=3),
    )
    assert moved.start == next_week + timedelta(days=1)
    assert Payment.objects.filter(session=session, amount=Decimal("45.00")).count() == 1


def test_moving_too_close_to_the_session_is_refused(rooms, artist, next_week):
    session = hold(artist, next_week - timedelta(days=5))
    pay(artist, session)
    with pytest.raises(StudioError, match="can be moved online until 7 days"):
        online_bookings.booking_reschedule(
            session_id=session.pk,
            client=artist,
            start=next_week,
            end=next_week + timedelta(hours=3),
        )
    session.refresh_from_db()
    assert session.start == next_week - timedelta(days=5)


def test_the_reminder_is_sent_exactly_once(rooms, artist, next_week):
    session = hold(artist, next_week)
    pay(artist, session)
    soon = next_week - timedelta(hours=20)
    assert session_reminders_send(now=soon) == 1
    assert session_reminders_send(now=soon) == 0
    assert OutgoingEmail.objects.filter(kind="session_reminder").count() == 1


def test_the_calendar_file_holds_the_session(rooms, artist, next_week):
    session = hold(artist, next_week)
    ics = session_ics(session_id=session.pk).decode()
    assert "BEGIN:VEVENT" in ics
    assert next_week.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in ics
    assert "A Room" in ics
