"""Staff's "Find a free slot": the selector's answer in the back office, each slot a link to
the booking form filled in; only staff who may book see it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import OpeningHours, Session
from studio.selectors.settings import studio_settings_get
from studio.services.sessions import session_create
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import PARIS, staff_user
from tests.studio.factories import ClientFactory, EngineerFactory, RoomFactory

pytestmark = pytest.mark.django_db

FIND = "/admin/calendar/free/"
ADD = "/admin/studio/session/add/"
STAFF_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(studio, user, host=STUDIO_A.host) -> HttpClient:
    http = HttpClient(HTTP_HOST=host)
    with schema_context(studio.schema_name):
        http.force_login(user, backend=STAFF_BACKEND)
    return http


@pytest.fixture
def calendar(studio_a):
    """Studio A open 10:00-14:00 every day, one room, booked 11:00-12:00 the day after
    tomorrow, and a hidden-online room that staff still see."""
    with schema_context(studio_a.schema_name):
        settings = studio_settings_get()
        settings.slot_minutes, settings.min_booking_minutes = 60, 60
        settings.save()
        OpeningHours.objects.all().delete()
        for weekday in range(7):
            OpeningHours.objects.create(
                settings=settings, weekday=weekday, opens=time(10), closes=time(14)
            )
        room = RoomFactory(name="Live <b>Room</b>", buffer_minutes=0)
        back = RoomFactory(name="Back Room", buffer_minutes=0, bookable_online=False)
        day = timezone.localdate(timezone=PARIS) + timedelta(days=2)
        session_create(
            client=ClientFactory(),
            room=room,
            start=timezone.make_aware(datetime.combine(day, time(11)), PARIS),
            end=timezone.make_aware(datetime.combine(day, time(12)), PARIS),
        )
    return {"room": room, "back": back, "day": day}


def ask(http, calendar, **query):
    params = {"room": calendar["room"].pk, "day": calendar["day"], "days": 1, "minutes": 60}
    return http.get(FIND, {**params, **query})


def owner_http(studio_a):
    with schema_context(studio_a.schema_name):
        return signed_in(studio_a, User.objects.get(email=STUDIO_A.owner_email))


def test_the_owner_sees_the_free_slots_linking_to_the_booking_form(studio_a, calendar):
    page = ask(owner_http(studio_a), calendar)
    assert page.status_code == 200
    html = page.content.decode()
    assert "10:00–11:00" in html and "12:00–13:00" in html and "13:00–14:00" in html
    assert "11:00–12:00" not in html  # booked
    link = page.context["days"][0][1][0][2]
    assert link.startswith(ADD) and f"room={calendar['room'].pk}" in link
    assert "start=" in link and "end=" in link


def test_the_booking_form_opens_filled_in_from_a_slot(studio_a, calendar):
    http = owner_http(studio_a)
    link = ask(http, calendar).context["days"][0][1][0][2]
    form = http.get(link)
    assert form.status_code == 200
    initial = form.context["adminform"].form.initial
    assert initial["room"] == str(calendar["room"].pk)
    assert timezone.localtime(initial["start"], PARIS).hour == 10
    assert initial["end"] - initial["start"] == timedelta(hours=1)


def test_any_room_includes_rooms_not_bookable_online_for_staff(studio_a, calendar):
    page = ask(owner_http(studio_a), calendar, room="any")
    rooms = {slot.room.name for _day, slots in page.context["days"] for _l, slot, _k in slots}
    assert rooms == {"Back Room"}  # first free room by name, and it is free all day
    assert "Back Room" in page.content.decode()


def test_an_engineer_on_a_session_is_taken_into_account(studio_a, calendar):
    with schema_context(studio_a.schema_name):
        engineer = EngineerFactory()
        session = Session.objects.get(room=calendar["room"])
        session.crew.create(engineer=engineer, start=session.start, end=session.end)
    page = ask(owner_http(studio_a), calendar, room=calendar["back"].pk, engineer=engineer.pk)
    html = page.content.decode()
    assert "10:00–11:00" in html and "11:00–12:00" not in html
    assert f"engineers={engineer.pk}" in page.context["days"][0][1][0][2]


def test_front_desk_sees_the_slots(studio_a, calendar):
    with schema_context(studio_a.schema_name):
        desk = staff_user("desk@studio-a.example", "Front desk")
    page = ask(signed_in(studio_a, desk), calendar)
    assert page.status_code == 200 and "10:00–11:00" in page.content.decode()


def test_a_role_that_cannot_book_is_refused(studio_a, calendar):
    with schema_context(studio_a.schema_name):
        accountant = staff_user("books@studio-a.example", "Accountant")
        assert not accountant.has_perm("studio.add_session")
    page = ask(signed_in(studio_a, accountant), calendar)
    assert page.status_code == 403
    assert "10:00" not in page.content.decode()


def test_the_owner_of_studio_b_and_an_anonymous_visitor_are_refused(studio_a, studio_b, calendar):
    with schema_context(studio_b.schema_name):
        outsider = User.objects.get(email=STUDIO_B.owner_email)
    for http in (signed_in(studio_b, outsider), HttpClient(HTTP_HOST=STUDIO_A.host)):
        page = ask(http, calendar)
        assert page.status_code == 302 and "/login/" in page["Location"]


def test_bad_input_says_what_is_wrong_and_finds_nothing(studio_a, calendar):
    http = owner_http(studio_a)
    page = ask(http, calendar, days=15, minutes="abc")
    assert page.status_code == 200 and page.context["days"] == []
    errors = page.context["form"].errors
    assert "days" in errors and "minutes" in errors
    short = ask(http, calendar, minutes=30)
    assert "60 minutes at least" in short.content.decode()


def test_names_render_as_text(studio_a, calendar):
    html = ask(owner_http(studio_a), calendar, room="any").content.decode()
    assert "Live <b>Room</b>" not in html


def test_the_calendar_and_the_booking_form_link_to_it(studio_a, calendar):
    http = owner_http(studio_a)
    assert FIND in http.get("/admin/calendar/").content.decode()
    assert FIND in http.get(ADD).content.decode()
