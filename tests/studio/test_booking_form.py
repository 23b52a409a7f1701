"""The booking form gets a first booking done: a client typed in on the spot is created with the
session (and not without it), the only room is chosen already, the price shows as the times
change, and saving goes back to where the booking was started."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.admin.session_form import (
    CLIENT_MISSING,
    CLIENT_TWICE,
    EMAIL_TAKEN,
    NEW_CLIENT_UNNAMED,
)
from studio.models import Client, Room, Session
from studio.services.audit import audit_entries
from studio.services.sessions import session_create
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import paris, staff_user
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/studio/session/add/"
PRICE = "/admin/calendar/price/"


def signed_in(studio, user, host=STUDIO_A.host) -> HttpClient:
    http = HttpClient(HTTP_HOST=host)
    with schema_context(studio.schema_name):
        http.force_login(user)
    return http


@pytest.fixture
def owner(studio_a):
    with schema_context(studio_a.schema_name):
        user = User.objects.get(email=STUDIO_A.owner_email)
        room = RoomFactory(name="Live Room", hourly_rate=Decimal("60.00"))
    return signed_in(studio_a, user), room


def booking(room, **fields) -> dict:
    """What the form posts for Tuesday 1 December 2026, 10:00 to 12:00 in `room`."""
    return {
        "room": room.pk,
        "start_0": "2026-12-01",
        "start_1": "10:00",
        "end_0": "2026-12-01",
        "end_1": "12:00",
        "status": Session.Status.CONFIRMED,
        "weeks": "1",
        **fields,
    }


def errors_of(response) -> list[str]:
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


# --- the client typed in on the spot ----------------------------------------------------------


def test_it_books_a_new_client_typed_in_the_form(owner, studio_a):
    http, room = owner

    response = http.post(
        ADD,
        booking(
            room,
            new_client_name="The Night Owls",
            new_client_email="owls@example.com",
            new_client_phone="+44 20 7946 0000",
        ),
    )

    assert response.status_code == 302
    with schema_context(studio_a.schema_name):
        client = Client.objects.get()
        assert (client.name, client.email, client.phone) == (
            "The Night Owls",
            "owls@example.com",
            "+44 20 7946 0000",
        )
        session = Session.objects.get()
        assert session.client == client
        assert session.room == room
        assert session.start == paris(2026, 12, 1, 10)
        # Created by the record service the client page uses: audited as the owner's act.
        entry = audit_entries(client)[0]
        assert entry.action == "client.created"
        assert entry.user.email == STUDIO_A.owner_email


def test_a_refused_booking_leaves_no_client_behind(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        session_create(
            client=ClientFactory(name="Already Here"),
            room=room,
            start=paris(2026, 12, 1, 9),
            end=paris(2026, 12, 1, 13),
        )

    response = http.post(ADD, booking(room, new_client_name="Late Comers"))

    assert response.status_code == 200
    assert any("Already Here" in message for message in errors_of(response))
    with schema_context(studio_a.schema_name):
        assert not Client.objects.filter(name="Late Comers").exists()
        assert Session.objects.count() == 1
    # What was typed is still there to correct.
    assert 'value="Late Comers"' in response.content.decode()


def test_it_asks_for_a_client_when_none_is_chosen_or_typed(owner, studio_a):
    http, room = owner

    response = http.post(ADD, booking(room))

    assert response.status_code == 200
    assert CLIENT_MISSING in errors_of(response)
    with schema_context(studio_a.schema_name):
        assert not Session.objects.exists()


def test_it_refuses_a_chosen_client_and_a_typed_one_together(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Glass Harbour")

    response = http.post(ADD, booking(room, client=band.pk, new_client_name="Someone Else"))

    assert CLIENT_TWICE in errors_of(response)
    with schema_context(studio_a.schema_name):
        assert list(Client.objects.values_list("name", flat=True)) == ["Glass Harbour"]
        assert not Session.objects.exists()


def test_a_new_client_needs_a_name(owner, studio_a):
    http, room = owner

    response = http.post(ADD, booking(room, new_client_email="nameless@example.com"))

    assert NEW_CLIENT_UNNAMED in errors_of(response)
    with schema_context(studio_a.schema_name):
        assert not Client.objects.exists()


def test_an_e_mail_already_on_file_points_at_its_client(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Glass Harbour", email="band@example.com")

    response = http.post(
        ADD, booking(room, new_client_name="Glass Harbor", new_client_email="BAND@example.com")
    )

    assert EMAIL_TAKEN.format(client=band) in errors_of(response)
    with schema_context(studio_a.schema_name):
        assert Client.objects.count() == 1


def test_an_engineer_picks_clients_but_cannot_create_them(studio_a):
    with schema_context(studio_a.schema_name):
        engineer = staff_user("mo@studio-a.example", "Engineer")
        room = RoomFactory(name="Live Room")
    http = signed_in(studio_a, engineer)

    page = http.get(ADD).content.decode()
    response = http.post(ADD, booking(room, new_client_name="Sneaky New Client"))

    assert 'name="new_client_name"' not in page
    assert response.status_code == 200
    with schema_context(studio_a.schema_name):
        assert not Client.objects.exists()
        assert not Session.objects.exists()


# --- what the form offers ---------------------------------------------------------------------


def test_the_client_field_has_no_related_object_menu(owner):
    http, _ = owner

    page = http.get(ADD).content.decode()

    assert "delete_id_client" not in page
    assert "change_id_client" not in page
    assert "add_id_client" not in page
    assert 'name="new_client_name"' in page


def test_the_only_room_in_use_is_chosen_already(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        RoomFactory(name="Old Booth", is_active=False)

    form = http.get(ADD).context["adminform"].form

    assert form["room"].value() == room.pk


def test_no_room_is_chosen_when_there_are_several(owner, studio_a):
    http, _ = owner
    with schema_context(studio_a.schema_name):
        RoomFactory(name="Booth")

    form = http.get(ADD).context["adminform"].form

    assert form["room"].value() is None


def test_the_price_line_is_shown_only_to_staff_who_see_money(owner, studio_a):
    http, _ = owner
    with schema_context(studio_a.schema_name):
        engineer = staff_user("mo@studio-a.example", "Engineer")

    assert "data-price-quote" in http.get(ADD).content.decode()
    assert "data-price-quote" not in signed_in(studio_a, engineer).get(ADD).content.decode()


# --- the price as the times change ------------------------------------------------------------


def test_the_price_endpoint_prices_the_room_for_the_times(owner):
    http, room = owner

    answer = http.get(
        PRICE, {"room": room.pk, "start": "2026-12-01 10:00", "end": "2026-12-01 12:30"}
    )

    assert answer.status_code == 200
    assert answer.json()["price"] == "150.00"
    assert answer.json()["room"] == "Live Room"


def test_the_price_endpoint_explains_times_that_cannot_be_priced(owner):
    http, room = owner

    backwards = http.get(
        PRICE, {"room": room.pk, "start": "2026-12-01 12:00", "end": "2026-12-01 10:00"}
    )
    half_typed = http.get(PRICE, {"room": room.pk, "start": "2026-12-01 10:00", "end": ""})

    assert backwards.status_code == 400
    assert backwards.json()["error"] == "The session must end after it starts."
    assert half_typed.status_code == 400


def test_the_price_endpoint_is_refused_to_staff_who_do_not_see_money(owner, studio_a):
    _, room = owner
    with schema_context(studio_a.schema_name):
        engineer = staff_user("mo@studio-a.example", "Engineer")

    answer = signed_in(studio_a, engineer).get(
        PRICE, {"room": room.pk, "start": "2026-12-01 10:00", "end": "2026-12-01 12:00"}
    )

    assert answer.status_code == 403
    assert "150" not in answer.content.decode()


def test_the_price_endpoint_does_not_know_another_studios_room(owner, studio_a, studio_b):
    http, _ = owner
    with schema_context(studio_a.schema_name):
        ours = set(Room.objects.values_list("pk", flat=True))
    with schema_context(studio_b.schema_name):
        # Ids are counted per studio: take one of studio B's rooms whose id A does not use.
        theirs = RoomFactory(name="Their Room", hourly_rate=Decimal("999.00"))
        while theirs.pk in ours:
            theirs = RoomFactory(hourly_rate=Decimal("999.00"))

    answer = http.get(
        PRICE, {"room": theirs.pk, "start": "2026-12-01 10:00", "end": "2026-12-01 12:00"}
    )

    assert answer.status_code == 404
    assert "999" not in answer.content.decode()


def test_the_price_endpoint_needs_a_signed_in_studio_member(owner, studio_b):
    _, room = owner
    with schema_context(studio_b.schema_name):
        outsider = User.objects.get(email=STUDIO_B.owner_email)
    # Studio B's owner, signed in on B, asking studio A's host.
    http = signed_in(studio_b, outsider, host=STUDIO_A.host)

    answer = http.get(
        PRICE, {"room": room.pk, "start": "2026-12-01 10:00", "end": "2026-12-01 12:00"}
    )

    assert answer.status_code in (302, 403)
    assert "price" not in answer.content.decode()


# --- back to where the booking started ---------------------------------------------------------


def test_saving_goes_back_to_the_calendar_it_came_from(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Glass Harbour")

    response = http.post(
        ADD + "?next=/admin/calendar/%3Fdate%3D2026-12-01", booking(room, client=band.pk)
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/calendar/?date=2026-12-01"
    message = [str(m) for m in http.get(response["Location"]).context["messages"]]
    assert any("Booked: Glass Harbour in Live Room" in m for m in message)


def test_the_calendar_opens_on_the_week_of_the_new_booking(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Glass Harbour")

    response = http.post(ADD + "?next=/admin/calendar/", booking(room, client=band.pk))

    assert response["Location"] == "/admin/calendar/?date=2026-12-01"


def test_an_address_elsewhere_in_next_is_ignored(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Glass Harbour")

    response = http.post(
        ADD + "?next=https://evil.example/admin/calendar/", booking(room, client=band.pk)
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"] == "/admin/studio/session/"
    with schema_context(studio_a.schema_name):
        assert Session.objects.get().client == band


def test_a_hostile_client_name_is_shown_as_text_in_the_message(owner, studio_a):
    http, room = owner
    hostile = "<img src=x onerror=alert(1)>"

    response = http.post(
        ADD + "?next=/admin/calendar/", booking(room, new_client_name=hostile), follow=True
    )

    page = response.content.decode()
    assert "Booked: &lt;img src=x onerror=alert(1)&gt; in Live Room" in page
    assert hostile not in page


def test_without_next_saving_lands_on_the_session_list_as_before(owner, studio_a):
    http, room = owner
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="Glass Harbour")

    response = http.post(ADD, booking(room, client=band.pk))

    assert response["Location"] == "/admin/studio/session/"
