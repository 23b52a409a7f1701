"""Who may open which back-office page: owner, engineer, accountant, an outsider from studio B
and an anonymous visitor, on every page this part of the admin adds."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import Session
from studio.services.sessions import session_create
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import paris, staff_user
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "engineer", "accountant", "outsider", "anonymous"]


@pytest.fixture
def world(studio_a, studio_b):
    """Studio A with one of everything, and a logged-in HTTP client per role."""
    with schema_context(studio_a.schema_name):
        room = RoomFactory(name="Live Room")
        client = ClientFactory(name="The Night Owls")
        session = session_create(
            client=client, room=room, start=paris(2026, 12, 1, 10), end=paris(2026, 12, 1, 13)
        )
        objects = {
            "room": room,
            "client": client,
            "session": session,
            "engineer": EngineerFactory(),
            "equipment": EquipmentFactory(),
        }
        users = {
            "owner": User.objects.get(email=STUDIO_A.owner_email),
            "engineer": staff_user("eng@studio-a.example", "Engineer"),
            "accountant": staff_user("books@studio-a.example", "Accountant"),
        }
        clients = {}
        for role, user in users.items():
            clients[role] = HttpClient(HTTP_HOST=STUDIO_A.host)
            clients[role].force_login(user)
    with schema_context(studio_b.schema_name):
        outsider = HttpClient(HTTP_HOST=STUDIO_B.host)
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email))
    # The outsider presents studio B's session cookie to studio A.
    clients["outsider"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    clients["outsider"].cookies = outsider.cookies
    clients["anonymous"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    return clients, objects, studio_a


def refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and "/admin/login/" in response["Location"]
    )


PAGES = {
    # path template: roles allowed
    "/admin/": {"owner", "engineer", "accountant"},
    "/admin/calendar/": {"owner", "engineer", "accountant"},
    "/admin/calendar/feed/?start=2026-11-30T00:00:00&end=2026-12-07T00:00:00": {
        "owner",
        "engineer",
        "accountant",
    },
    "/admin/studio/session/": {"owner", "engineer", "accountant"},
    "/admin/studio/session/add/": {"owner", "engineer"},
    "/admin/studio/session/{session}/change/": {"owner", "engineer", "accountant"},
    "/admin/studio/session/{session}/cancel/": {"owner", "engineer"},
    "/admin/studio/client/": {"owner", "engineer", "accountant"},
    "/admin/studio/client/{client}/change/": {"owner", "engineer", "accountant"},
    "/admin/studio/room/": {"owner", "engineer", "accountant"},
    "/admin/studio/room/add/": {"owner"},
    "/admin/studio/engineer/": {"owner", "engineer", "accountant"},
    "/admin/studio/equipment/": {"owner", "engineer"},
    "/admin/studio/equipment/{equipment}/change/": {"owner", "engineer"},
    "/admin/studio/studiosettings/{settings}/change/": {"owner"},
    "/admin/studio/auditentry/": {"owner", "accountant"},
    "/admin/studio/session/{session}/history/": {"owner", "engineer", "accountant"},
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_page_is_open_to_its_roles_only(world, role, path):
    clients, objects, studio = world
    with schema_context(studio.schema_name):
        from studio.selectors.settings import studio_settings_get

        ids = {name: obj.pk for name, obj in objects.items()} | {
            "settings": studio_settings_get().pk
        }
    response = clients[role].get(path.format(**ids))

    if role in PAGES[path]:
        assert response.status_code == 200, response.status_code
    else:
        assert refused(response), response.status_code


def test_an_engineer_never_sees_money(world):
    clients, objects, _ = world

    listing = clients["engineer"].get("/admin/studio/session/").text
    form = clients["engineer"].get(f"/admin/studio/session/{objects['session'].pk}/change/").text
    home = clients["engineer"].get("/admin/").text

    for page in (listing, form, home):
        assert "180.00" not in page and "150.00" not in page
    assert "Booked this month" not in home
    assert "Booked this month" in clients["owner"].get("/admin/").text


def test_an_accountant_cannot_move_a_session_on_the_calendar(world):
    clients, objects, studio = world
    session = objects["session"]

    response = clients["accountant"].post(
        f"/admin/calendar/sessions/{session.pk}/move/",
        json.dumps({"start": "2026-12-02T10:00:00", "end": "2026-12-02T12:00:00"}),
        content_type="application/json",
    )

    assert response.status_code == 403
    with schema_context(studio.schema_name):
        assert Session.objects.get(pk=session.pk).start == paris(2026, 12, 1, 10)


@pytest.mark.parametrize("role", ["accountant", "outsider", "anonymous"])
def test_refused_roles_cannot_create_a_session(world, role):
    clients, objects, studio = world
    response = clients[role].post(
        "/admin/studio/session/add/",
        {
            "client": objects["client"].pk,
            "room": objects["room"].pk,
            "start_0": "2026-12-03",
            "start_1": "10:00",
            "end_0": "2026-12-03",
            "end_1": "12:00",
            "status": "confirmed",
            "weeks": 1,
        },
    )

    assert refused(response)
    with schema_context(studio.schema_name):
        assert Session.objects.count() == 1


def test_admin_edits_land_in_the_audit_trail_with_inline_rows(world):
    from studio.models import AuditEntry, Room

    clients, objects, studio = world
    room = objects["room"]
    response = clients["owner"].post(
        f"/admin/studio/room/{room.pk}/change/",
        {
            "name": "Live Room A",
            "description": "",
            "capacity": 6,
            "hourly_rate": "75.00",
            "min_minutes": 60,
            "buffer_minutes": 30,
            "bookable_online": "on",
            "colour": "#7c3aed",
            "is_active": "on",
            "peak_rates-TOTAL_FORMS": "1",
            "peak_rates-INITIAL_FORMS": "0",
            "peak_rates-MIN_NUM_FORMS": "0",
            "peak_rates-MAX_NUM_FORMS": "1000",
            "peak_rates-0-label": "Weekend evenings",
            "peak_rates-0-weekdays": "4,5",
            "peak_rates-0-starts": "18:00",
            "peak_rates-0-ends": "23:00",
            "peak_rates-0-hourly_rate": "95.00",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    with schema_context(studio.schema_name):
        assert Room.objects.get(pk=room.pk).hourly_rate == 75
        changed = AuditEntry.objects.get(action="room.changed")
        assert changed.changes["name"] == ["Live Room", "Live Room A"]
        assert changed.changes["hourly_rate"] == ["50.00", "75.00"]
        assert changed.user.email == STUDIO_A.owner_email
        assert AuditEntry.objects.filter(action="roompeakrate.created").count() == 1
        history = clients["owner"].get(f"/admin/studio/room/{room.pk}/history/").text
        assert "room.changed" in history and "Live Room A" in history


def test_the_command_palette_finds_clients_and_never_another_studios(world, studio_b):
    clients, _objects, _studio = world
    with schema_context(studio_b.schema_name):
        ClientFactory(name="The Night Shift Of B")
        owner_b = HttpClient(HTTP_HOST=STUDIO_B.host)
        # Both owners are user #1 of their own schema: a cache keyed only by user would leak.
        owner_b.force_login(User.objects.get(email=STUDIO_B.owner_email))

    found_a = clients["owner"].get("/admin/search/?s=night").text
    found_b = owner_b.get("/admin/search/?s=night").text

    assert "The Night Owls" in found_a and "Night Shift Of B" not in found_a
    assert "Night Shift Of B" in found_b and "The Night Owls" not in found_b
    assert refused(clients["anonymous"].get("/admin/search/?s=night"))


def _session_form(objects, day: str, start: str, end: str, weeks: int = 1) -> dict:
    return {
        "client": objects["client"].pk,
        "room": objects["room"].pk,
        "start_0": day,
        "start_1": start,
        "end_0": day,
        "end_1": end,
        "engineers": [objects["engineer"].pk],
        "status": "confirmed",
        "weeks": weeks,
        "notes": "",
        "recall_notes": "",
    }


def test_staff_book_a_session_from_the_admin_form(world):
    clients, objects, studio = world

    response = clients["engineer"].post(
        "/admin/studio/session/add/",
        _session_form(objects, "2026-12-08", "10:00", "13:00", weeks=3),
    )

    assert response.status_code == 302
    with schema_context(studio.schema_name):
        booked = Session.objects.exclude(pk=objects["session"].pk).order_by("start")
        assert booked.count() == 3
        assert booked[0].start == paris(2026, 12, 8, 10)
        assert list(booked[0].engineers.all()) == [objects["engineer"]]


def test_a_refused_booking_comes_back_as_a_form_error_and_writes_nothing(world):
    clients, objects, studio = world
    existing = objects["session"]

    response = clients["owner"].post(
        "/admin/studio/session/add/", _session_form(objects, "2026-12-01", "12:00", "14:00")
    )

    assert response.status_code == 200
    assert f"Live Room is already booked on Tue 01 Dec 10:00–13:00 by Session #{existing.pk}" in (
        response.text
    )
    with schema_context(studio.schema_name):
        assert Session.objects.count() == 1
