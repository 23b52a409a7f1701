"""The demo filler makes a studio look lived in, through the real booking services.

Filling is slow-ish (every session goes through the booking services), so the tests fill one or
two months around a fixed `now` and check several behaviours on the same fill.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F
from django_tenants.utils import schema_context

from portal.models import PortalAccount
from studio.demo import ACCOUNTANT_PASSWORD, ENGINEER_PASSWORD, demo_fill
from studio.models import (
    AudioVersion,
    Client,
    Engineer,
    Equipment,
    Invoice,
    MaintenanceEntry,
    Project,
    ReviewComment,
    Room,
    RoomPeakRate,
    Session,
    StudioSettings,
    Track,
)
from studio.models.sessions import ACTIVE_STATUSES

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 11, 0, tzinfo=UTC)  # a Monday; Europe changes clocks on the 29th
CURRENCY_FOR = {"Europe/Paris": "EUR", "Europe/London": "GBP", "America/New_York": "USD"}
PAST_ENDINGS = {Session.Status.COMPLETED, Session.Status.CANCELLED, Session.Status.NO_SHOW}


def test_demo_fill_makes_a_studio_look_alive(studio_a):
    lines: list[str] = []
    with schema_context(studio_a.schema_name):
        counts = demo_fill(seed=1, now=NOW, progress=lines.append, months_back=1, months_ahead=1)

        assert counts == {
            "rooms": Room.objects.count(),
            "engineers": Engineer.objects.count(),
            "clients": Client.objects.count(),
            "equipment": Equipment.objects.count(),
            "maintenance": MaintenanceEntry.objects.count(),
            "sessions": Session.objects.count(),
            "invoices": Invoice.objects.count(),
            "projects": Project.objects.count(),
            "audio_versions": AudioVersion.objects.count(),
        }
        assert counts["clients"] >= 200
        assert 3 <= counts["rooms"] <= 4
        assert 4 <= counts["engineers"] <= 5
        assert 25 <= counts["equipment"] <= 40
        assert counts["sessions"] >= 150  # 3 to 6 a weekday for two months
        assert lines, "progress was never called"
        past_sessions_have_ended_and_future_ones_are_booked()
        sessions_fit_the_working_day_on_half_hours_and_are_priced()
        no_room_or_engineer_is_booked_twice_at_once()
        the_studio_has_settings_rates_and_staff_logins()
        clients_are_varied_and_their_emails_unique()
        gear_has_a_maintenance_history_and_some_falls_due_soon()
        projects_fill_the_board_and_one_is_in_review()


def projects_fill_the_board_and_one_is_in_review():
    from studio.selectors.projects import masters_release

    stages = set(Project.objects.values_list("stage__name", flat=True))
    assert len(stages) >= 4, stages
    assert Project.objects.filter(sessions__isnull=False).exists()
    for track in Track.objects.prefetch_related("splits"):
        totals = {}
        for split in track.splits.all():
            totals[split.right] = totals.get(split.right, 0) + split.percent
        assert set(totals.values()) <= {100}, (track, totals)
    # The portal client's single: two mixes and a master, processed, commented, v1 approved,
    # and an invoice that holds the master back.
    account = PortalAccount.objects.get()
    review = Project.objects.get(client=account.client)
    versions = AudioVersion.objects.filter(track__project=review).order_by("number")
    assert [v.status for v in versions] == ["ready"] * 3
    assert all(v.peaks and v.lufs is not None and v.preview for v in versions)
    assert versions[1].approved_at is not None and versions[2].is_master
    assert versions[1].lufs > versions[0].lufs  # v2 is the hotter mix: A/B has work to do
    assert ReviewComment.objects.filter(version=versions[0], at_seconds=42).exists()
    release = masters_release(review)
    assert not release.allowed and release.due


def past_sessions_have_ended_and_future_ones_are_booked():
    past = set(Session.objects.filter(end__lte=NOW).values_list("status", flat=True))
    future = set(Session.objects.filter(start__gt=NOW).values_list("status", flat=True))
    assert past == PAST_ENDINGS
    assert Session.Status.CONFIRMED in future
    assert future <= {Session.Status.CONFIRMED, Session.Status.REQUESTED, Session.Status.CANCELLED}
    completed = Session.objects.filter(status=Session.Status.COMPLETED)
    assert not completed.filter(checked_in_at__isnull=True).exists()
    assert not completed.filter(checked_out_at__lt=F("end")).exists()
    assert completed.filter(overtime_minutes__gt=0).exists()
    assert Client.objects.filter(no_show_count__gt=0).exists()


def sessions_fit_the_working_day_on_half_hours_and_are_priced():
    settings = StudioSettings.objects.get()
    rows = Session.objects.values_list("start", "end", "price", "currency")
    for start, end, price, currency in rows:
        start, end = start.astimezone(settings.tz), end.astimezone(settings.tz)
        assert start.date() == end.date()
        assert start.hour >= 9 and (end.hour, end.minute) <= (23, 0)
        assert start.minute in (0, 30) and end.minute in (0, 30)
        assert timedelta(hours=2) <= end - start <= timedelta(hours=8)
        assert price > 0
        assert currency == settings.currency


def no_room_or_engineer_is_booked_twice_at_once():
    active = Session.objects.filter(status__in=ACTIVE_STATUSES)
    rooms = active.order_by("room_id", "start").values_list("room_id", "start", "blocked_until")
    for (room, _, blocked_until), (next_room, next_start, _) in pairwise(rooms):
        if room == next_room:
            assert next_start >= blocked_until
    crews = list(
        active.filter(crew__isnull=False)
        .order_by("crew__engineer_id", "start")
        .values_list("crew__engineer_id", "start", "end")
    )
    assert crews, "no session has an engineer"
    for (engineer, _, end), (next_engineer, next_start, _) in pairwise(crews):
        if engineer == next_engineer:
            assert next_start >= end


def the_studio_has_settings_rates_and_staff_logins():
    settings = StudioSettings.objects.get()
    assert settings.legal_name.startswith("Studio A ")
    assert settings.address
    assert settings.currency == CURRENCY_FOR[settings.timezone]
    assert RoomPeakRate.objects.count() >= 2
    assert len(set(Room.objects.values_list("colour", flat=True))) == Room.objects.count()

    engineers = User.objects.filter(groups__name="Engineer", is_staff=True)
    assert engineers.count() == 2
    assert all(user.check_password(ENGINEER_PASSWORD) for user in engineers)
    assert Engineer.objects.filter(user__in=engineers).count() == 2
    accountant = User.objects.get(groups__name="Accountant")
    assert accountant.username.startswith("accountant@") and accountant.is_staff
    assert accountant.check_password(ACCOUNTANT_PASSWORD)


def clients_are_varied_and_their_emails_unique():
    assert set(Client.objects.values_list("kind", flat=True)) == set(Client.Kind.values)
    emails = [e.lower() for e in Client.objects.exclude(email="").values_list("email", flat=True)]
    assert len(emails) == len(set(emails))
    assert all(e.rsplit(".", 1)[0].endswith("example") for e in emails)
    accounts = Client.objects.filter(terms=Client.Terms.ACCOUNT)
    assert accounts.exclude(vat_number="").exists()
    assert not accounts.exclude(kind__in=[Client.Kind.LABEL, Client.Kind.COMPANY]).exists()
    assert not Client.objects.filter(tags=[]).exists()
    assert Client.objects.values("country").distinct().count() >= 8


def gear_has_a_maintenance_history_and_some_falls_due_soon():
    today = NOW.date()
    gear = Equipment.objects.annotate(entries=Count("maintenance"))
    assert not gear.filter(entries=0).exists()
    assert not MaintenanceEntry.objects.filter(date__gt=today).exists()
    in_service = gear.exclude(status__in=Equipment.OUT_OF_SERVICE)
    assert in_service.filter(next_maintenance_due__lte=today + timedelta(days=30)).count() >= 5
    assert gear.filter(status=Equipment.Status.IN_REPAIR).exists()
    assert gear.filter(status=Equipment.Status.RETIRED).exists()
    assert gear.filter(make="Neumann", model="U 87 Ai").exists()


def test_filling_again_changes_nothing_and_other_studios_get_nothing(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        counts = demo_fill(seed=1, now=NOW, months_back=0, months_ahead=0)

        assert demo_fill(seed=1, now=NOW, months_back=0, months_ahead=0) == counts
        assert demo_fill(seed=2, now=NOW + timedelta(days=30)) == counts
        assert Room.objects.count() == counts["rooms"]
        assert Session.objects.count() == counts["sessions"] > 0

    with schema_context(studio_b.schema_name):
        assert not Room.objects.exists()
        assert not Client.objects.exists()
        assert not Session.objects.exists()
        assert not Equipment.objects.exists()
        assert not User.objects.filter(username__startswith="accountant@").exists()


def _snapshot() -> dict:
    return {
        "settings": list(StudioSettings.objects.values_list("timezone", "currency")),
        "rooms": list(Room.objects.order_by("name").values_list("name", "hourly_rate")),
        "clients": list(Client.objects.order_by("email", "name").values_list("name", "email")),
        "gear": list(Equipment.objects.order_by("serial").values_list("model", "serial")),
        "sessions": list(
            Session.objects.order_by("start", "room__name").values_list(
                "room__name", "client__email", "start", "end", "status", "price"
            )
        ),
    }


def test_the_same_seed_gives_the_same_studio_and_another_seed_a_different_one(studio_a):
    snapshots = []
    with schema_context(studio_a.schema_name):
        for seed in (7, 7, 8):
            with transaction.atomic():
                demo_fill(seed=seed, now=NOW, months_back=0, months_ahead=0)
                snapshots.append(_snapshot())
                transaction.set_rollback(True)

    assert snapshots[0] == snapshots[1]
    assert snapshots[0]["sessions"], "no session today"
    assert snapshots[0]["clients"] != snapshots[2]["clients"]
    assert snapshots[0]["settings"] != snapshots[2]["settings"]


def test_filling_outside_a_studio_schema_is_refused(db):
    with pytest.raises(RuntimeError, match="schema_context"):
        demo_fill(seed=1, now=NOW)


def test_demo_money_is_consistent(studio_a):
    from django.db.models import Sum

    from studio.models import Payment, Quote

    with schema_context(studio_a.schema_name):
        demo_fill(seed=2, now=NOW, months_back=2, months_ahead=0)
        issued = Invoice.objects.exclude(number=None).order_by("year", "sequence")
        assert issued.count() >= 5
        for year in set(issued.values_list("year", flat=True)):
            sequences = list(issued.filter(year=year).values_list("sequence", flat=True))
            assert sequences == list(range(1, len(sequences) + 1))
        for invoice in issued:
            paid = invoice.payments.aggregate(s=Sum("amount"))["s"] or 0
            credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or 0
            assert invoice.balance == invoice.total - credited - paid
        statuses = set(issued.values_list("status", flat=True))
        assert {"paid"} <= statuses and statuses & {"issued", "partially_paid"}
        assert Invoice.objects.filter(status="draft").exists()
        assert Payment.objects.filter(refund_of__isnull=False).exists()
        assert set(Quote.objects.values_list("status", flat=True)) >= {
            "draft",
            "sent",
            "accepted",
            "converted",
        }
