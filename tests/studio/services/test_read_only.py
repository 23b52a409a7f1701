"""A lapsed studio is read-only on every path, not only over HTTP: services, tasks, imports
and commands refuse to change it, while reading and taking payments still work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Studio
from studio.models import AuditEntry, Client, Payment, Room
from studio.services import invoices, payments, reminders
from studio.services.readonly import StudioReadOnly
from studio.services.records import record_create
from studio.services.rooms import room_create
from studio.services.sessions import session_create
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(studio_a):
    """Studio A with an issued invoice, then its subscription lapsed."""
    with schema_context(studio_a.schema_name):
        client = ClientFactory(name="Nova")
        invoice = invoices.invoice_issue(
            invoice=invoices.invoice_create(
                client=client, lines=[{"description": "Mix", "unit_price": 100}]
            )
        )
    Studio.objects.filter(pk=studio_a.pk).update(subscription_status="read_only")
    with schema_context(studio_a.schema_name):
        yield {"client": client, "invoice": invoice, "room": RoomFactory.build()}


def test_services_refuse_to_change_a_read_only_studio(lapsed):
    audited = AuditEntry.objects.count()
    with pytest.raises(StudioReadOnly, match="read-only: its subscription has lapsed"):
        room_create(name="Booth", hourly_rate=Decimal(30))
    with pytest.raises(StudioReadOnly):
        record_create(model=Client, name="Someone new")
    with pytest.raises(StudioReadOnly):
        session_create(
            client=lapsed["client"],
            room=Room.objects.create(name="Live", hourly_rate=Decimal(50)),
            start=paris(2031, 1, 1, 10),
            end=paris(2031, 1, 1, 12),
        )
    assert not Room.objects.filter(name="Booth").exists()
    assert not Client.objects.filter(name="Someone new").exists()
    assert AuditEntry.objects.count() == audited


def test_a_read_only_studio_can_still_be_paid(lapsed):
    invoice = lapsed["invoice"]
    payment = payments.payment_record(
        invoice=invoice, amount=Decimal(100), method=Payment.Method.BANK_TRANSFER
    )
    invoice.refresh_from_db()
    assert payment.pk and invoice.balance == 0


def test_the_daily_round_leaves_a_read_only_studio_as_it_is(lapsed):
    assert reminders.studio_daily() == {"read_only": 1}


def test_an_import_command_refuses_a_read_only_studio(lapsed, studio_a, tmp_path):
    sample = tmp_path / "clients.csv"
    sample.write_text("Name,Email\nRiver,river@x.example\n", encoding="utf-8")
    with pytest.raises(Exception, match="read-only"):
        call_command("import_data", "--studio", studio_a.slug, "--model", "clients", str(sample))
    assert not Client.objects.filter(email="river@x.example").exists()
