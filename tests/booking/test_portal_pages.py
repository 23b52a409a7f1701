"""The portal's booking pages, through the browser: each answers its own client only, shows
what the client needs (slots, price, deposit, policy, the card form), and refuses the rest of
the cast — staff, client Y of the same studio, a client of studio B, anonymous visitors —
without changing anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from studio.models import CardPayment, Session
from studio.services import online_bookings
from tests.booking.conftest import save_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(rooms, portal_client_x, next_week, studio_a):
    with schema_context(studio_a.schema_name):
        return online_bookings.booking_hold(
            client=portal_client_x.client, start=next_week, end=next_week + timedelta(hours=2)
        )


def test_the_booking_page_lists_free_times_with_prices(rooms, portal_client_x, next_week, studio_a):
    day = next_week.date().isoformat()
    page = portal_client_x.browser.get(f"/book/?date={day}&room=any&hours=2")
    html = page.content.decode()
    assert page.status_code == 200
    assert "14:00–16:00" in html
    assert "€100.00" in html  # 2 h in A Room at 50.00
    assert "Cancel 7 days or more before the start: 100 % of the deposit back." in html


def test_picking_a_slot_holds_it_and_opens_the_deposit_page(
    rooms, portal_client_x, next_week, studio_a
):
    answer = portal_client_x.browser.post(
        "/book/hold/",
        {
            "start": next_week.isoformat(),
            "end": (next_week + timedelta(hours=2)).isoformat(),
            "room": "any",
        },
    )
    with schema_context(studio_a.schema_name):
        session = Session.objects.get(client=portal_client_x.client)
    assert session.status == Session.Status.HELD
    assert answer.url == f"/bookings/{session.pk}/pay/"
    page = portal_client_x.browser.get(answer.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "€30.00" in html  # the deposit: 30 % of 100.00
    assert 'id="card-element"' in html
    assert "data-secret=" in html
    assert "js.stripe.com/v3/" in html


def test_a_slot_taken_meanwhile_is_refused_in_words(
    rooms, portal_client_x, portal_client_y, next_week, studio_a
):
    data = {
        "start": next_week.isoformat(),
        "end": (next_week + timedelta(hours=2)).isoformat(),
        "room": str(rooms[0].pk),
    }
    portal_client_x.browser.post("/book/hold/", data)
    answer = portal_client_y.browser.post("/book/hold/", data, follow=True)
    assert "A Room is already taken at that time" in answer.content.decode()
    with schema_context(studio_a.schema_name):
        assert not Session.objects.filter(client=portal_client_y.client).exists()


def test_a_paid_booking_page_shows_it_confirmed_and_the_deposit_paid(
    held, portal_client_x, studio_a
):
    with schema_context(studio_a.schema_name):
        setup = save_card(portal_client_x.client, held.pk)
    answer = portal_client_x.browser.post(f"/bookings/{held.pk}/pay/", {"setup_intent": setup})
    assert answer.json() == {"ok": True, "next": f"/bookings/{held.pk}/"}
    page = portal_client_x.browser.get(f"/bookings/{held.pk}/").content.decode()
    assert "Confirmed" in page
    assert "€30.00" in page
    home = portal_client_x.browser.get("/").content.decode()
    assert "Deposit paid €30.00" in home


def test_a_declined_card_answers_why_and_asks_for_another(held, portal_client_x, studio_a):
    with schema_context(studio_a.schema_name):
        setup = save_card(portal_client_x.client, held.pk, "4000000000000341")
    answer = portal_client_x.browser.post(f"/bookings/{held.pk}/pay/", {"setup_intent": setup})
    assert answer.status_code == 402, answer.content
    assert "declined" in answer.json()["message"]
    assert answer.json()["reload"] is True
    page = portal_client_x.browser.get(f"/bookings/{held.pk}/pay/").content.decode()
    assert "declined" in page


def test_three_d_secure_hands_the_browser_the_intent_to_confirm(held, portal_client_x, studio_a):
    with schema_context(studio_a.schema_name):
        setup = save_card(portal_client_x.client, held.pk, "4000002500003155")
    answer = portal_client_x.browser.post(f"/bookings/{held.pk}/pay/", {"setup_intent": setup})
    assert answer.json()["action"].startswith("pi_")
    assert answer.json()["return"] == f"/bookings/{held.pk}/pay/return/"


BOOKING_URLS = [
    ("get", "/bookings/{pk}/"),
    ("get", "/bookings/{pk}/pay/"),
    ("post", "/bookings/{pk}/pay/"),
    ("post", "/bookings/{pk}/pay/return/"),
    ("post", "/bookings/{pk}/cancel/"),
    ("get", "/bookings/{pk}/move/"),
    ("post", "/bookings/{pk}/move/"),
]


@pytest.mark.parametrize("method,url", BOOKING_URLS)
def test_client_y_of_the_same_studio_gets_nothing_of_client_x(
    held, portal_client_y, studio_a, method, url
):
    answer = getattr(portal_client_y.browser, method)(url.format(pk=held.pk))
    assert answer.status_code == 404
    with schema_context(studio_a.schema_name):
        held.refresh_from_db()
        assert held.status == Session.Status.HELD
        assert not CardPayment.objects.exists()


@pytest.mark.parametrize("who", ["owner_browser_a", "front_desk_browser_a", "anonymous_a"])
@pytest.mark.parametrize("method,url", [*BOOKING_URLS, ("get", "/book/"), ("post", "/book/hold/")])
def test_staff_and_visitors_are_sent_to_the_portal_sign_in(
    request, held, studio_a, who, method, url
):
    browser = request.getfixturevalue(who)
    answer = getattr(browser, method)(url.format(pk=held.pk))
    assert answer.status_code == 302
    assert answer.url.startswith("/sign-in/")
    with schema_context(studio_a.schema_name):
        held.refresh_from_db()
        assert held.status == Session.Status.HELD
        assert Session.objects.count() == 1


@pytest.mark.parametrize("method,url", BOOKING_URLS)
def test_a_client_of_studio_b_reaching_studio_a_is_refused(
    held, portal_client_b, studio_a, method, url
):
    from django.test import Client as Browser

    from tests.conftest import STUDIO_A

    # Studio B's session cookie presented to studio A's address: not signed in there.
    stranger = Browser(HTTP_HOST=STUDIO_A.host)
    stranger.cookies = portal_client_b.browser.cookies
    answer = getattr(stranger, method)(url.format(pk=held.pk))
    assert answer.status_code in (302, 404)
    if answer.status_code == 302:
        assert answer.url.startswith("/sign-in/")
    with schema_context(studio_a.schema_name):
        held.refresh_from_db()
        assert held.status == Session.Status.HELD


def test_cancelling_a_hold_from_the_portal_releases_it(held, portal_client_x, studio_a):
    portal_client_x.browser.post(f"/bookings/{held.pk}/cancel/")
    with schema_context(studio_a.schema_name):
        held.refresh_from_db()
        assert held.status == Session.Status.CANCELLED
