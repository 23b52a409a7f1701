"""The sample files of fixtures/imports/ import as their README says, and session imports obey
the booking rules (overlaps included) with messages that point at lines of the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.models import Client, Engineer, Equipment, MaintenanceEntry, Room, Session
from studio.services.sessions import session_create
from tests.conftest import PARIS
from tests.imports.conftest import errors_of, run
from tests.studio.conftest import paris
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
ORDER = ["rooms", "engineers", "clients", "equipment", "maintenance", "sessions"]


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_the_clean_samples_import_in_order_into_an_empty_studio(in_studio_a):
    for key in ORDER:
        report = run(key, sample(f"{key}.csv"), filename=f"{key}.csv")
        assert report.committed, report.as_text()
        assert report.counts["invalid"] == 0 and report.warnings == [], report.as_text()
    assert Room.objects.count() == 3 and Engineer.objects.count() == 3
    assert Client.objects.count() == 5 and Equipment.objects.count() == 5
    assert MaintenanceEntry.objects.count() == 3 and Session.objects.count() == 5
    mix = Session.objects.get(room__name="Mix Suite")
    assert mix.start == paris(2027, 3, 4, 10) and mix.client.name == "Low Tide Records"
    assert list(mix.engineers.values_list("name", flat=True)) == ["Jonas Becker"]
    assert Client.objects.get(email="accounts@lowtide.example").terms == "account"


def test_each_clean_sample_imported_again_changes_nothing(in_studio_a):
    for key in ORDER:
        run(key, sample(f"{key}.csv"))
    for key in ORDER:
        report = run(key, sample(f"{key}.csv"))
        assert report.counts["new"] == report.counts["update"] == 0, (key, report.as_text())
        assert not report.committed


def test_the_messy_client_file_reports_two_rows_and_reads_the_rest(in_studio_a):
    report = run("clients", sample("messy-clients.csv"), dry_run=True)
    assert report.source == "CSV, Windows-1252, semicolon-separated"
    assert report.rows == 6 and report.counts["new"] == 4
    assert errors_of(report) == [
        (
            5,
            "Courriel",
            "elodie.dubois@example.fr",
            "This e-mail is already on line 2; list each client once.",
        ),
        (6, "Courriel", "jo.smith@@example.com", "Enter a valid email address."),
    ]
    report = run("clients", sample("messy-clients.csv"), skip_invalid=True)
    assert report.committed
    elodie = Client.objects.get(email="Elodie.Dubois@Example.fr")
    assert (elodie.name, elodie.country, elodie.kind) == ("Élodie Dubois", "FR", "artist")
    assert Client.objects.get(email="jose.nunez@example.es").name == "José Núñez"
    assert Client.objects.get(email="jurgen.muller@example.de").notes == (
        "Bassiste du groupe « Nachtzug »"
    )


def test_the_messy_session_file_names_the_overlap_the_date_and_the_room(in_studio_a):
    for key in ["rooms", "engineers", "clients"]:
        run(key, sample(f"{key}.csv"))
    report = run("sessions", sample("messy-sessions.csv"))
    assert not report.committed and report.counts == {
        "new": 3,
        "update": 0,
        "skip": 0,
        "invalid": 3,
    }
    problems = errors_of(report)
    assert problems[0][:2] == (5, "Début")
    assert problems[0][3].startswith(
        "Clashes with line 4 of this file: Live Room A is already booked"
    )
    assert problems[1] == (
        6,
        "Date",
        "31/02/2027",
        "“31/02/2027” is not a date. Use 2026-03-31 or day/month/year as set in the studio's "
        "settings.",
    )
    assert problems[2] == (
        7,
        "Salle",
        "Studio Z",
        "No room is called “Studio Z” (rooms: Live Room A, Mix Suite, Vocal Booth).",
    )
    assert Session.objects.count() == 0  # all or nothing


def test_a_night_session_runs_past_midnight(in_studio_a):
    for key in ["rooms", "engineers", "clients"]:
        run(key, sample(f"{key}.csv"))
    report = run("sessions", sample("messy-sessions.csv"), skip_invalid=True)
    assert report.committed and report.counts["new"] == 3
    night = Session.objects.get(client__artist_name="The Harmattan Band")
    assert (night.start, night.end) == (paris(2027, 3, 6, 22), paris(2027, 3, 7, 2))


def test_a_row_that_conflicts_with_an_existing_session_is_reported_and_nothing_is_written(
    in_studio_a,
):
    room = RoomFactory(name="Live Room", buffer_minutes=30)
    owls = ClientFactory(name="The Night Owls", email="owls@example.com")
    existing = session_create(
        client=owls, room=room, start=paris(2027, 1, 5, 10), end=paris(2027, 1, 5, 13)
    )
    ClientFactory(name="Ana", email="ana@example.com")
    before = Session.objects.count()
    report = run(
        "sessions",
        "Client e-mail,Room,Start,End\n"
        "ana@example.com,Live Room,2027-01-06 10:00,2027-01-06 12:00\n"
        "ana@example.com,live room,2027-01-05 13:15,2027-01-05 15:00\n",
    )
    assert errors_of(report) == [
        (
            3,
            "Start",
            "2027-01-05 13:15",
            f"Live Room is already booked on Tue 05 Jan 10:00–13:00 by Session #{existing.pk} "
            "(The Night Owls), changeover included (30 min).",
        ),
    ]
    assert not report.committed and Session.objects.count() == before


def test_sessions_are_times_in_the_studios_zone_and_priced_by_the_service(in_studio_a):
    RoomFactory(name="Live Room", hourly_rate="50.00")
    ClientFactory(name="Ana", email="ana@example.com")
    report = run(
        "sessions",
        "Client,Room,Date,Start,Duration (hours)\nAna,Live Room,2027-07-01,10:00,2,5\n".replace(
            "2,5", '"2,5"'
        ),
    )
    assert report.committed, report.as_text()
    session = Session.objects.get()
    assert session.start == paris(2027, 7, 1, 10) and session.end == paris(2027, 7, 1, 12, 30)
    assert str(session.price) == "125.00"
    assert session.start.astimezone(PARIS).utcoffset().total_seconds() == 7200


def test_an_ambiguous_client_name_asks_for_an_email(in_studio_a):
    RoomFactory(name="Live Room")
    ClientFactory(name="Alex Martin", email="a1@example.com")
    ClientFactory(name="Alex Martin", email="a2@example.com")
    report = run(
        "sessions",
        "Client,Room,Start,End\nAlex Martin,Live Room,2027-01-06 10:00,2027-01-06 12:00\n",
    )
    assert errors_of(report) == [
        (
            2,
            "Client",
            "Alex Martin",
            "2 clients are called “Alex Martin”; add a Client e-mail column.",
        )
    ]


def test_a_status_change_by_import_goes_through_the_gear_service(in_studio_a):
    from studio.models import AuditEntry
    from tests.studio.factories import EquipmentFactory

    room = RoomFactory(name="Live Room")
    mic = EquipmentFactory(make="Neumann", model="U 87 Ai", serial="U87-1", notes="old")
    session = session_create(
        client=ClientFactory(),
        room=room,
        equipment=[mic],
        start=paris(2030, 1, 5, 10),
        end=paris(2030, 1, 5, 13),
    )
    report = run(
        "equipment",
        "Make,Model,Serial number,Status,Notes\nNeumann,U 87 Ai,U87-1,In repair,capsule noise\n",
    )
    assert report.committed and report.counts["update"] == 1
    mic.refresh_from_db()
    session.refresh_from_db()
    assert (mic.status, mic.notes) == ("in_repair", "capsule noise")
    assert "U 87 Ai" in session.gear_alert
    assert AuditEntry.objects.get(action="equipment.status").changes == {
        "status": ["available", "in_repair"]
    }
    assert AuditEntry.objects.get(action="equipment.changed").changes == {
        "source": "import",
        "notes": ["old", "capsule noise"],
    }
