"""“Download my data”: a ZIP built in the background, served to its own account only."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from portal.models import DataExport
from portal.services.data_export import data_export_build
from studio.models import AuditEntry, Session
from tests.portal_profile.conftest import CAST, documents_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_x(studio_a, portal_client_x, portal_client_y, django_capture_on_commit_callbacks):
    """Client X with documents and a private note, client Y with an invoice of their own, and
    X's export built by the task (run as the commit would run it)."""
    with schema_context(studio_a.schema_name):
        docs = documents_for(portal_client_x.client)
        documents_for(portal_client_y.client)
        x = portal_client_x.client
        x.notes = "Pays late, keep an eye on it"
        x.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client_x.browser.post("/profile/data/")
    with schema_context(studio_a.schema_name):
        export = DataExport.objects.get(account=portal_client_x.account)
    assert response["Location"] == f"/profile/data/{export.pk}/"
    return export, docs


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("who", CAST)
def test_the_exports_page_opens_only_for_a_signed_in_client(cast, who):
    response = cast[who].get("/profile/data/")
    if who in ("client_x", "client_y"):
        assert response.status_code == 200
        assert "Prepare my data" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_the_task_builds_the_zip_with_the_clients_data_and_documents(
    studio_a, export_x, portal_client_x
):
    export, docs = export_x
    with schema_context(studio_a.schema_name):
        export.refresh_from_db()
        assert export.status == DataExport.Status.DONE
        assert export.done_steps == export.total_steps == 10 + 4 + 1
        assert AuditEntry.objects.filter(action="dataexport.requested").count() == 1
    page = portal_client_x.browser.get(f"/profile/data/{export.pk}/").content.decode()
    assert "Download the ZIP" in page
    assert f"/profile/data/{export.pk}/status/" not in page  # nothing left to wait for
    status = portal_client_x.browser.get(f"/profile/data/{export.pk}/status/").json()
    assert status == {
        "status": "done",
        "label": "Ready",
        "done_steps": 15,
        "total_steps": 15,
        "percent": 100,
    }
    response = portal_client_x.browser.get(f"/profile/data/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    archive = _zip(response)
    names = set(archive.namelist())
    invoice, quote = docs["invoice"], docs["quote"]
    receipt = docs["payment"]
    assert {
        "client.json",
        "sessions.json",
        "payments.json",
        "card_payments.json",
        "quotes.json",
        "invoices.json",
        "credit_notes.json",
        "contracts.json",
        "portal_account.json",
        "projects.json",
        "README.txt",
        f"documents/{invoice.number}.pdf",
        f"documents/{quote.number}.pdf",
        f"documents/{receipt.receipt_number}.pdf",
        f"documents/contract-{docs['contract'].pk}-signed.pdf",
    } == names
    assert archive.read(f"documents/{invoice.number}.pdf").startswith(b"%PDF")
    client = json.loads(archive.read("client.json"))
    assert client["name"] == "Xavier and the Tapes"
    assert client["email"] == "x@bands.example"
    assert "notes" not in client  # the studio's internal notes stay the studio's
    invoices = json.loads(archive.read("invoices.json"))
    # The issued invoice, not the draft the client never saw, nor client Y's.
    assert [i["number"] for i in invoices] == [invoice.number]
    assert invoices[0]["lines"][0]["description"] == "Mixing, 3 songs"
    payments = json.loads(archive.read("payments.json"))
    assert [p["amount"] for p in payments] == ["100.00"]
    contracts = json.loads(archive.read("contracts.json"))
    assert [c["signed_name"] for c in contracts] == ["Xavier and the Tapes"]
    account = json.loads(archive.read("portal_account.json"))
    assert account["email"] == "x@bands.example"
    everything = b"".join(archive.read(n) for n in names if n.endswith(".json"))
    assert b"Yasmin" not in everything and b"y@bands.example" not in everything
    assert b"Pays late" not in everything
    assert b"pbkdf2" not in everything and b"secret_hash" not in everything


def test_asking_twice_while_it_is_built_makes_one_export(studio_a, portal_client_x):
    # No commit, so the task has not run: the first export is still waiting.
    first = portal_client_x.browser.post("/profile/data/")
    second = portal_client_x.browser.post("/profile/data/")
    assert first["Location"] == second["Location"]
    with schema_context(studio_a.schema_name):
        export = DataExport.objects.get(account=portal_client_x.account)
        assert export.status == DataExport.Status.QUEUED
    page = portal_client_x.browser.get(f"/profile/data/{export.pk}/").content.decode()
    # The page asks how far it got, by a script the content policy lets run.
    assert f'var url = "/profile/data/{export.pk}/status/"' in page
    assert '<script nonce="' in page
    status = portal_client_x.browser.get(f"/profile/data/{export.pk}/status/").json()
    assert (status["status"], status["done_steps"], status["percent"]) == ("queued", 0, 0)
    assert "Download the ZIP" not in page
    # Not ready: the download says so and serves nothing.
    response = portal_client_x.browser.get(f"/profile/data/{export.pk}/download/", follow=True)
    assert "not ready yet" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_the_build_is_idempotent(studio_a, export_x):
    export, _ = export_x
    with schema_context(studio_a.schema_name):
        assert data_export_build(export_id=export.pk) is None
        export.refresh_from_db()
        assert export.status == DataExport.Status.DONE


@pytest.mark.parametrize("who", ["owner", "accountant", "engineer", "client_y", "client_b"])
@pytest.mark.parametrize("page", ["", "status/", "download/"])
def test_an_export_is_nobody_elses(cast, who, page, export_x):
    export, _ = export_x
    response = cast[who].get(f"/profile/data/{export.pk}/{page}")
    if who == "client_y":
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    assert not hasattr(response, "streaming_content")
    assert b"done_steps" not in response.content


def test_an_anonymous_visitor_gets_nothing(anonymous_a, export_x):
    export, _ = export_x
    response = anonymous_a.get(f"/profile/data/{export.pk}/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_an_export_expires_after_seven_days(studio_a, export_x, portal_client_x):
    export, _ = export_x
    with schema_context(studio_a.schema_name):
        DataExport.objects.filter(pk=export.pk).update(
            finished_at=timezone.now() - timedelta(days=7, minutes=1)
        )
    response = portal_client_x.browser.get(f"/profile/data/{export.pk}/download/", follow=True)
    assert "This export expired" in response.content.decode()
    assert not hasattr(response, "streaming_content")


def test_sessions_are_exported_without_the_studios_notes(
    studio_a, portal_client_x, django_capture_on_commit_callbacks
):
    from studio.models import Room

    with schema_context(studio_a.schema_name):
        room = Room.objects.create(name="Live room", hourly_rate=50)
        start = timezone.now() + timedelta(days=3)
        Session.objects.create(
            client=portal_client_x.client,
            room=room,
            start=start,
            end=start + timedelta(hours=4),
            blocked_until=start + timedelta(hours=4),
            notes="Bring the spare DI",
            recall_notes="Neve 1073 at +10",
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client_x.browser.post("/profile/data/")
    download = portal_client_x.browser.get(response["Location"] + "download/")
    sessions = json.loads(_zip(download).read("sessions.json"))
    assert [s["room"] for s in sessions] == ["Live room"]
    assert "notes" not in sessions[0] and "recall_notes" not in sessions[0]
