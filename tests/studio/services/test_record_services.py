"""The services that replaced writes the admin, onboarding and the daily round used to do
themselves: rooms, staff, gear, settings, drafts, contracts, bulk invoicing, expiries. Each
leaves an audit entry, and a refusal writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, PlatformAuditEntry, Studio
from siteconf.tenancy.services.studios import studio_update
from studio.models import (
    AuditEntry,
    Contract,
    ContractTemplate,
    Equipment,
    Invoice,
    Quote,
    Room,
    Session,
    StudioSettings,
)
from studio.services import contracts, invoices, quotes, reminders
from studio.services.equipment import equipment_update
from studio.services.errors import StudioError
from studio.services.plan_limits import PlanLimitReached
from studio.services.records import record_create, record_delete, record_update
from studio.services.rooms import room_create, room_update
from studio.services.session_lifecycle import session_check_in, session_check_out
from studio.services.sessions import session_create
from studio.services.settings import onboarding_advance, studio_settings_update
from studio.services.staff import staff_create, staff_password_set, staff_update
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, EquipmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


def entries(action: str, obj=None):
    found = AuditEntry.objects.filter(action=action)
    return found.filter(object_id=str(obj.pk)) if obj is not None else found


@pytest.fixture
def tiny_plan(studio_a):
    """Studio A on a plan of one room and two staff seats (the owner holds one)."""
    plan = Plan.objects.create(
        name="Tiny", slug="tiny", monthly_price=Decimal(9), max_rooms=1, max_staff=2
    )
    Studio.objects.filter(pk=studio_a.pk).update(plan=plan)
    with schema_context(studio_a.schema_name):
        yield plan


# --- generic records ---------------------------------------------------------------------


def test_a_record_created_changed_and_deleted_leaves_three_entries(in_studio_a):
    client = record_create(model=ClientFactory._meta.model, name="Nova", email="n@x.example")
    record_update(obj=client, phone="+33 1 23 45 67 89")
    pk = str(client.pk)
    record_delete(obj=client)
    trail = AuditEntry.objects.filter(object_id=pk, model="client")
    assert trail.filter(action="client.created").count() == 1
    change = trail.get(action="client.changed")
    assert change.changes == {"phone": ["", "+33 1 23 45 67 89"]}
    assert trail.get(action="client.deleted").changes["name"] == ["Nova", None]


def test_an_invalid_record_is_refused_with_the_models_message_and_not_written(in_studio_a):
    with pytest.raises(StudioError) as refused:
        record_create(model=Room, name="Booth", hourly_rate=Decimal("-5"))
    assert "greater than or equal to 0" in refused.value.message
    assert not Room.objects.filter(name="Booth").exists()
    assert not entries("room.created").exists()


def test_deleting_a_record_still_in_use_is_refused_and_nothing_is_lost(in_studio_a):
    room = RoomFactory()
    session_create(
        client=ClientFactory(), room=room, start=paris(2027, 3, 1, 10), end=paris(2027, 3, 1, 12)
    )
    with pytest.raises(StudioError, match="still used by"):
        record_delete(obj=room)
    assert Room.objects.filter(pk=room.pk).exists()


# --- rooms and staff count against the plan -----------------------------------------------


def test_room_create_takes_a_room_of_the_plan(tiny_plan):
    room_create(name="A", hourly_rate=Decimal(40))
    with pytest.raises(PlanLimitReached, match="1 rooms in use"):
        room_create(name="B", hourly_rate=Decimal(40))
    assert list(Room.objects.values_list("name", flat=True)) == ["A"]
    assert entries("room.created").count() == 1


def test_putting_a_room_back_in_use_is_counted_again(tiny_plan):
    room_create(name="A", hourly_rate=Decimal(40))
    spare = room_create(name="Spare", hourly_rate=Decimal(20), is_active=False)
    with pytest.raises(PlanLimitReached):
        room_update(room=spare, is_active=True)
    spare.refresh_from_db()
    assert spare.is_active is False


def test_staff_create_takes_a_seat_and_records_the_roles(tiny_plan):
    user = staff_create(
        username="eng@studio-a.example",
        password="x-Passw0rd!",
        roles=[Group.objects.get(name="Engineer")],
    )
    assert user.is_staff and user.check_password("x-Passw0rd!")
    entry = entries("user.created", user).get()
    assert entry.changes["groups"] == [[], ["Engineer"]]
    assert "password" not in entry.changes
    with pytest.raises(PlanLimitReached, match="2 staff accounts"):
        staff_create(username="third@studio-a.example")
    assert not User.objects.filter(username="third@studio-a.example").exists()


def test_enabling_a_disabled_account_takes_a_seat(tiny_plan):
    """Created inactive, then switched on: the seat is counted when it becomes active staff."""
    staff_create(username="second@studio-a.example")
    parked = staff_create(username="parked@studio-a.example", is_active=False)
    with pytest.raises(PlanLimitReached):
        staff_update(user=parked, is_active=True)
    parked.refresh_from_db()
    assert parked.is_active is False


def test_a_password_set_is_audited_without_the_password(in_studio_a):
    user = staff_create(username="fd@studio-a.example")
    staff_password_set(user=user, password="n3w-Passw0rd!")
    user.refresh_from_db()
    assert user.check_password("n3w-Passw0rd!")
    assert entries("user.password_set", user).get().changes == {}


# --- gear, settings, onboarding ------------------------------------------------------------


def test_a_status_change_with_other_edits_flags_the_sessions_once(in_studio_a):
    mic = EquipmentFactory()
    session = session_create(
        client=ClientFactory(),
        room=RoomFactory(),
        start=paris(2031, 3, 1, 10),
        end=paris(2031, 3, 1, 12),
        equipment=[mic],
    )
    flagged = equipment_update(equipment=mic, notes="dropped", status=Equipment.Status.IN_REPAIR)
    assert flagged == [session]
    mic.refresh_from_db()
    assert mic.status == Equipment.Status.IN_REPAIR and mic.notes == "dropped"
    assert entries("equipment.changed", mic).get().changes == {"notes": ["", "dropped"]}
    assert entries("equipment.status", mic).get().changes == {"status": ["available", "in_repair"]}


def test_settings_and_onboarding_progress_are_audited(in_studio_a):
    studio_settings_update(address="1 Rue de la Paix")
    onboarding_advance(step=1)
    settings = StudioSettings.objects.get()
    assert settings.address == "1 Rue de la Paix" and settings.onboarding_step == 2
    assert entries("studiosettings.changed").get().changes["address"] == ["", "1 Rue de la Paix"]
    assert entries("studiosettings.onboarding").exists()


# --- drafts, bulk invoicing, voiding, contracts, the daily round ---------------------------


def test_editing_a_draft_keeps_session_lines_tied_and_audits_the_lines(in_studio_a):
    client = ClientFactory()
    session = session_create(
        client=client, room=RoomFactory(), start=paris(2026, 1, 5, 10), end=paris(2026, 1, 5, 12)
    )
    session_check_in(session=session, at=paris(2026, 1, 5, 10))
    session_check_out(session=session, at=paris(2026, 1, 5, 12))
    draft = invoices.invoice_create(client=client)
    invoices.invoice_sessions_add(invoice=draft, sessions=[session])
    room_line = draft.lines.get()
    lines = [
        {
            "id": room_line.pk,
            "description": "Room time, edited",
            "unit_price": room_line.unit_price,
        },
        {"description": "Mastering", "unit_price": "150", "tax_rate": "20"},
    ]
    invoices.invoice_draft_update(invoice=draft, lines=lines, notes="Thanks!")
    draft.refresh_from_db()
    room_line.refresh_from_db()
    assert room_line.session == session and room_line.description == "Room time, edited"
    assert draft.lines.count() == 2 and draft.notes == "Thanks!"
    assert draft.total == room_line.unit_price + Decimal("180.00")
    change = entries("invoice.changed", draft).get()
    assert set(change.changes) == {"notes", "lines"}


def test_an_issued_invoice_is_not_edited(in_studio_a):
    draft = invoices.invoice_create(
        client=ClientFactory(), lines=[{"description": "x", "unit_price": 10}]
    )
    issued = invoices.invoice_issue(invoice=draft)
    with pytest.raises(StudioError, match="cannot change"):
        invoices.invoice_draft_update(invoice=issued, notes="sneaky")
    issued.refresh_from_db()
    assert issued.notes == ""


def test_invoices_for_sessions_makes_one_draft_per_client_and_skips_the_rest(in_studio_a):
    room = RoomFactory()
    done = []
    for day, client in ((5, ClientFactory()), (6, ClientFactory())):
        session = session_create(
            client=client, room=room, start=paris(2026, 1, day, 10), end=paris(2026, 1, day, 12)
        )
        session_check_in(session=session, at=paris(2026, 1, day, 10))
        done.append(session_check_out(session=session, at=paris(2026, 1, day, 12)))
    upcoming = session_create(
        client=done[0].client, room=room, start=paris(2031, 1, 5, 10), end=paris(2031, 1, 5, 12)
    )
    created, skipped = invoices.invoices_for_sessions(sessions=Session.objects.all())
    assert skipped == 1 and upcoming.status == Session.Status.CONFIRMED
    assert sorted(d.client_id for d in created) == sorted(s.client_id for s in done)
    assert all(d.status == Invoice.Status.DRAFT and d.lines.exists() for d in created)
    again, skipped_again = invoices.invoices_for_sessions(sessions=Session.objects.all())
    assert again == [] and skipped_again == 3


def test_void_is_offered_and_refused_by_one_rule(in_studio_a):
    draft = invoices.invoice_create(
        client=ClientFactory(), lines=[{"description": "x", "unit_price": 10}]
    )
    assert invoices.invoice_void_refusal(draft) == "A draft is not voided: delete it."
    issued = invoices.invoice_issue(invoice=draft)
    assert invoices.invoice_void_refusal(issued) is None
    invoices.invoice_void(invoice=issued, reason="typo")
    assert "already void" in invoices.invoice_void_refusal(Invoice.objects.get(pk=issued.pk))


def test_a_contract_draft_edit_is_audited_and_a_sent_one_refused(in_studio_a):
    template = ContractTemplate.objects.create(
        name="Session", title="Agreement", body="Between us and {{ client_name }}."
    )
    contract = contracts.contract_create(client=ClientFactory(name="Nova"), template=template)
    contracts.contract_draft_update(contract=contract, body="Between us and Nova, amended.")
    assert entries("contract.changed", contract).get().changes["body"][1].endswith("amended.")
    contracts.contract_send(contract=contract)
    with pytest.raises(StudioError, match="This contract is sent"):
        contracts.contract_draft_update(contract=contract, body="changed after sending")
    assert Contract.objects.get(pk=contract.pk).body == "Between us and Nova, amended."


def test_the_daily_round_audits_what_it_changes(in_studio_a):
    client = ClientFactory()
    invoice = invoices.invoice_issue(
        invoice=invoices.invoice_create(
            client=client, lines=[{"description": "x", "unit_price": 10}]
        ),
        today=date(2026, 1, 1),
    )
    quote = quotes.quote_send(
        quote=quotes.quote_create(client=client, lines=[{"description": "y", "unit_price": 5}]),
        today=date(2026, 1, 1),
        email=False,
    )
    later = invoice.due_date + timedelta(days=40)
    report = reminders.studio_daily(today=later)
    assert report["marked_overdue"] == 1 and report["quotes_expired"] == 1
    assert entries("invoice.overdue", invoice).exists()
    assert entries("invoice.reminded", invoice).exists()
    assert entries("quote.expired", quote).get().changes == {"status": ["sent", "expired"]}
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.EXPIRED


# --- the platform's own trail ---------------------------------------------------------------


def test_a_studios_subscription_change_is_in_the_platform_trail(studio_a):
    studio_update(studio=studio_a, subscription_status="past_due")
    # The state is the billing lifecycle's: the operator's edit goes through it.
    entry = PlatformAuditEntry.objects.get(action="studio.subscription", object_id=str(studio_a.pk))
    assert entry.changes["subscription_status"] == ["trialing", "past_due"]
    assert entry.changes["source"] == [None, "operator"]
