"""Each role's Today shows its own work: an engineer their sessions, recall notes and gear; the
front desk arrivals and requests; the accountant the money; owners and managers the studio."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import Engineer, Session
from studio.selectors.today import DESK, ENGINEER, MONEY, STUDIO, today_view_for
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.payments import payment_record
from studio.services.sessions import session_create
from tests.conftest import PARIS, STUDIO_A
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory, EngineerFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


def browser_for(studio, user) -> HttpClient:
    http = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio.schema_name):
        http.force_login(user)
    return http


def at(hours: int):
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


def today_at(hour: int):
    """An hour of today in the studio's time zone (whatever the time the tests run)."""
    return timezone.localtime(timezone=PARIS).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def cast(studio_a):
    with schema_context(studio_a.schema_name):
        people = {
            role: staff_user(f"{role.replace(' ', '-').lower()}@studio-a.example", role)
            for role in ("Manager", "Engineer", "Front desk", "Accountant")
        }
        mo = EngineerFactory(name="Mo Mixer", user=people["Engineer"])
        other = EngineerFactory(name="Someone Else")
        room = RoomFactory(name="Live Room")
        band = ClientFactory(name="The Recallers")
        past = session_create(client=band, room=room, start=at(-72), end=at(-70), engineers=[mo])
        Session.objects.filter(pk=past.pk).update(recall_notes="U87 on the kick, desk at -6 dB")
        mic = EquipmentFactory(make="Neumann", model="U87")
        session_create(
            client=band,
            room=room,
            start=today_at(10),
            end=today_at(12),
            engineers=[mo],
            equipment=[mic],
        )
        session_create(
            client=ClientFactory(name="Not Mo's Band"),
            room=RoomFactory(name="Booth"),
            start=today_at(10),
            end=today_at(11),
            engineers=[other],
        )
        session_create(
            client=ClientFactory(name="Asking Band"),
            room=room,
            start=at(30),
            end=at(32),
            status=Session.Status.REQUESTED,
        )
        late = invoice_issue(
            invoice=invoice_create(
                client=ClientFactory(name="Slow Payer"),
                lines=[
                    {
                        "description": "Mix",
                        "quantity": Decimal(1),
                        "unit_price": Decimal(500),
                        "discount_percent": Decimal(0),
                        "tax_rate": Decimal(0),
                    }
                ],
            ),
            today=timezone.localdate() - timedelta(days=60),
        )
        payment_record(amount=Decimal(100), method="cash", invoice=late)
    return people


def test_each_role_gets_its_own_today(studio_a, cast):
    with schema_context(studio_a.schema_name):
        assert today_view_for(cast["Manager"]) == STUDIO
        assert today_view_for(cast["Engineer"]) == ENGINEER
        assert today_view_for(cast["Front desk"]) == DESK
        assert today_view_for(cast["Accountant"]) == MONEY


def test_an_engineer_sees_their_sessions_recall_notes_and_gear(studio_a, cast):
    page = browser_for(studio_a, cast["Engineer"]).get("/admin/").content.decode()
    assert 'id="today-engineer"' in page
    assert "The Recallers" in page
    assert "U87 on the kick, desk at -6 dB" in page  # from their last session in this room
    assert "Neumann U87" in page
    assert "Not Mo&#x27;s Band" not in page and "Not Mo's Band" not in page
    assert "Booked and invoiced" not in page  # no money


def test_an_engineer_without_an_engineer_record_is_told_why(studio_a, cast):
    with schema_context(studio_a.schema_name):
        Engineer.objects.filter(user=cast["Engineer"]).update(user=None)
    page = browser_for(studio_a, cast["Engineer"]).get("/admin/").content.decode()
    assert "not linked to an engineer yet" in page


def test_the_front_desk_sees_arrivals_and_requests_with_their_buttons(studio_a, cast):
    page = browser_for(studio_a, cast["Front desk"]).get("/admin/").content.decode()
    assert 'id="today-desk"' in page
    assert "The Recallers" in page and "Not Mo" in page  # everyone arriving today
    assert "Asking Band" in page and "/confirm/?next=" in page
    assert "/check-in/?next=" in page


def test_the_accountant_sees_what_is_owed_and_what_came_in(studio_a, cast):
    page = browser_for(studio_a, cast["Accountant"]).get("/admin/").content.decode()
    assert 'id="today-money"' in page
    assert "Slow Payer" in page and "days late" in page
    assert "Latest payments" in page
    assert "The Recallers" not in page  # not the calendar


def test_the_manager_keeps_the_studio_view(studio_a, cast):
    page = browser_for(studio_a, cast["Manager"]).get("/admin/").content.decode()
    assert "Room utilisation" in page and 'id="today-engineer"' not in page


@pytest.mark.parametrize("role", ["Engineer", "Front desk", "Accountant"])
def test_each_today_costs_the_same_queries_with_more_data(studio_a, cast, role):
    http = browser_for(studio_a, cast[role])

    def count() -> int:
        http.get("/admin/")
        with CaptureQueriesContext(connection) as captured:
            assert http.get("/admin/").status_code == 200
        return len(captured)

    before = count()
    with schema_context(studio_a.schema_name):
        mo = Engineer.objects.get(user=cast["Engineer"])
        room = RoomFactory()
        for day in range(2, 8):
            session_create(
                client=ClientFactory(),
                room=room,
                start=at(24 * day),
                end=at(24 * day + 2),
                engineers=[mo],
                status=Session.Status.REQUESTED,
            )
    assert count() == before
