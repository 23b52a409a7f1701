"""Plan limits on every path that creates a limited thing: the booking service (and so the
admin, the calendar and the import), the room form and import, and staff accounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, Studio
from studio.imports.values import Locale
from studio.models import Room, Session
from studio.services.plan_limits import PlanLimitReached, plan_limit_check
from studio.services.session_lifecycle import session_cancel
from studio.services.sessions import session_create
from tests.conftest import STUDIO_A
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_starter(studio_a):
    """Studio A on a small plan: 1 room, 3 sessions a month, 2 staff."""
    plan = Plan.objects.create(
        name="Tiny",
        slug="tiny",
        monthly_price=Decimal(9),
        max_rooms=1,
        max_sessions_per_month=3,
        max_staff=2,
        is_public=False,
    )
    Studio.objects.filter(pk=studio_a.pk).update(plan=plan)
    with schema_context(studio_a.schema_name):
        yield plan


def book(room, client, day, hour=10):
    return session_create(
        client=client, room=room, start=paris(2027, 3, day, hour), end=paris(2027, 3, day, hour + 2)
    )


def test_the_session_past_the_monthly_limit_is_refused_with_a_link_to_upgrade(on_starter):
    room, client = RoomFactory(), ClientFactory()
    for day in (1, 2, 3):
        book(room, client, day)
    with pytest.raises(PlanLimitReached, match="Tiny plan includes 3 sessions a month") as exc:
        book(room, client, 4)
    assert exc.value.upgrade_url == "http://studio-a.localhost:8000/admin/subscription/"
    assert "http://studio-a.localhost:8000/admin/subscription/" in exc.value.message
    assert Session.objects.count() == 3
    # Another month has its own allowance; a cancelled session frees its place.
    session_create(client=client, room=room, start=paris(2027, 4, 1, 10), end=paris(2027, 4, 1, 12))
    session_cancel(session=Session.objects.filter(start__month=3).first())
    book(room, client, 5)


def test_unlimited_plans_do_not_count(studio_a):
    Studio.objects.filter(pk=studio_a.pk).update(plan=Plan.objects.get(slug="pro"))
    with schema_context(studio_a.schema_name):
        room, client = RoomFactory(), ClientFactory()
        for day in range(1, 8):
            book(room, client, day)
        assert Session.objects.count() == 7


def test_the_room_form_refuses_a_second_room(on_starter):
    RoomFactory(name="Live Room")
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    response = owner.post(
        "/admin/studio/room/add/",
        {
            "name": "Mix Suite",
            "hourly_rate": "40",
            "capacity": "4",
            "min_minutes": "60",
            "buffer_minutes": "30",
            "colour": "#7c3aed",
            "is_active": "on",
            "peak_rates-TOTAL_FORMS": "0",
            "peak_rates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Tiny plan includes 1 rooms in use" in response.content.decode()
    assert list(Room.objects.values_list("name", flat=True)) == ["Live Room"]


def test_a_room_import_past_the_limit_writes_nothing(on_starter):
    from studio.imports.engine import import_run
    from studio.resources import resource_for

    data = b"Name,Hourly rate\nLive Room,50\nMix Suite,40\n"
    report = import_run(
        resource=resource_for("rooms")(),
        data=data,
        filename="rooms.csv",
        locale=Locale.from_code("en-GB"),
        tz=paris(2027, 1, 1).tzinfo,
    )
    assert not report.committed
    assert any("Tiny plan includes 1 rooms" in e for e in report.file_errors)
    assert not Room.objects.exists()


def test_a_third_staff_account_is_refused(on_starter):
    User.objects.create_user("desk@studio-a.example", "desk@studio-a.example", is_staff=True)
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    response = owner.post(
        "/admin/auth/user/add/",
        {"email": "eng@studio-a.example", "first_name": "", "last_name": ""},
    )
    assert "Tiny plan includes 2 staff accounts" in response.content.decode()
    assert not User.objects.filter(username="eng@studio-a.example").exists()


def test_no_plan_means_no_limit(in_studio_a):
    plan_limit_check("rooms", adding=100)
    assert Studio.objects.get(schema_name=in_studio_a.schema_name).plan is None


def test_another_studios_sessions_do_not_count(on_starter, studio_b):
    with schema_context(studio_b.schema_name):  # no plan: no limit, and not counted for A
        room, client = RoomFactory(), ClientFactory()
        for day in (1, 2, 3, 4):
            book(room, client, day)
    room, client = RoomFactory(), ClientFactory()  # back in studio A, on Tiny
    for day in (1, 2, 3):
        book(room, client, day)
    assert Session.objects.count() == 3
    with schema_context(studio_b.schema_name):
        assert Session.objects.count() == 4


def test_a_lapsed_studio_is_read_only_not_gone(studio_a):
    Studio.objects.filter(pk=studio_a.pk).update(subscription_status="read_only")
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
        ClientFactory(name="Still Here")
    listing = owner.get("/admin/studio/client/")
    assert listing.status_code == 200 and "Still Here" in listing.content.decode()
    refused = owner.post("/admin/studio/client/add/", {"name": "New", "kind": "artist"})
    assert refused.status_code == 402
    assert "read-only" in refused.content.decode()
    with schema_context(studio_a.schema_name):
        from studio.models import Client

        assert list(Client.objects.values_list("name", flat=True)) == ["Still Here"]
