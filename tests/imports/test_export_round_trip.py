"""Exports open safely in spreadsheets and import back without changing anything."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from django_tenants.utils import schema_context
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from studio.models import Client, Room
from studio.resources import RESOURCES
from studio.resources.export import neutralise_dataset
from studio.services.sessions import session_create
from tests.conftest import STUDIO_A
from tests.imports.conftest import fingerprint, run
from tests.studio.conftest import paris, staff_user
from tests.studio.factories import (
    ClientFactory,
    EngineerFactory,
    EquipmentFactory,
    RoomFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1)",
    "\tTabbed",
]


@pytest.fixture
def studio_data(in_studio_a):
    room = RoomFactory(name="Live Room", hourly_rate=Decimal("95.50"), description="=1+1")
    engineer = EngineerFactory(name="Léa Moreau", specialties="@vocals")
    for n, value in enumerate(HOSTILE):
        ClientFactory(name=f"Client {n}", notes=value, phone=value[:40], tags=["rock", "çà"])
    ClientFactory(name="Zofia Wróbel", email="", artist_name="Zosia № 1")
    EquipmentFactory(room=room, purchase_price=Decimal("3190.00"))
    session_create(
        client=Client.objects.first(),
        room=room,
        engineers=[engineer],
        start=paris(2027, 1, 5, 10),
        end=paris(2027, 1, 5, 13),
        notes="=cmd|' /C calc'!A0",
    )
    return room


def export_bytes(key: str, fmt) -> bytes:
    dataset = RESOURCES[key]().export()
    if not isinstance(fmt, type(None)):
        neutralise_dataset(dataset)
    data = fmt.export_data(dataset)
    return data if isinstance(data, bytes) else data.encode()


def test_csv_cells_that_look_like_formulas_are_prefixed(studio_data):
    rows = list(csv.DictReader(io.StringIO(export_bytes("clients", CSV()).decode())))
    notes = {row["Notes"] for row in rows}
    assert {f"'{value}" for value in HOSTILE} <= notes
    assert not any(n and n[0] in "=+-@\t\r" for n in notes)


def test_a_carriage_return_in_front_is_neutralised_too(in_studio_a):
    ClientFactory(name="CR", notes="\rcmd")
    rows = list(csv.DictReader(io.StringIO(export_bytes("clients", CSV()).decode(), newline="")))
    assert rows[0]["Notes"] == "'\rcmd"


def test_xlsx_cells_are_text_never_formulas(studio_data):
    book = load_workbook(io.BytesIO(export_bytes("clients", XLSX())))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert '\'=HYPERLINK("http://evil.example","x")' in [c.value for c in cells]


@pytest.mark.parametrize("key", ["clients", "rooms", "engineers", "equipment", "sessions"])
@pytest.mark.parametrize("fmt", [CSV, XLSX], ids=["csv", "xlsx"])
def test_an_export_imports_back_without_changing_anything(studio_data, key, fmt):
    data = export_bytes(key, fmt())
    before = fingerprint()
    report = run(key, data, filename=f"{key}.{fmt().get_extension()}")
    assert report.counts["invalid"] == 0, report.as_text()
    assert report.counts["new"] == report.counts["update"] == 0, report.as_text()
    assert report.warnings == [], report.as_text()
    assert fingerprint() == before


def test_a_client_without_email_is_matched_by_id_on_the_way_back(studio_data):
    data = export_bytes("clients", CSV()).decode().replace("Zosia № 1", "Zosia n°2")
    report = run("clients", data)
    assert report.counts["update"] == 1 and report.committed
    assert Client.objects.get(name="Zofia Wróbel").artist_name == "Zosia n°2"


def test_the_admin_export_is_neutralised_and_hides_money_from_engineers(studio_data, studio_a):
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    engineer = HttpClient(HTTP_HOST=STUDIO_A.host)
    owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    engineer.force_login(staff_user("eng@studio-a.example", "Engineer"))
    export = reverse("admin:studio_room_export", urlconf="siteconf.urls_tenant")
    form = {"format": "0", "resource": "0"}
    fields = [f"roomresource_{name}" for name in RESOURCES["rooms"]._meta.fields]
    body = owner.post(export, {**form, **dict.fromkeys(fields, "on")})
    text = body.content.decode()
    assert body.status_code == 200 and "Hourly rate" in text and "95.50" in text
    assert "'=1+1" in text
    body = engineer.post(export, {**form, **dict.fromkeys(fields, "on")})
    assert body.status_code == 200
    assert "Hourly rate" not in body.content.decode() and "95.50" not in body.content.decode()


def test_json_export_keeps_values_exactly(studio_data, studio_a):
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    export = reverse("admin:studio_client_export", urlconf="siteconf.urls_tenant")
    fields = [f"clientresource_{name}" for name in RESOURCES["clients"]._meta.fields]
    body = owner.post(export, {"format": "2", "resource": "0", **dict.fromkeys(fields, "on")})
    notes = [row["Notes"] for row in json.loads(body.content)]
    assert set(HOSTILE) <= set(notes)


def test_exports_only_hold_the_studios_own_rows(studio_data, studio_b):
    with schema_context(studio_b.schema_name):
        RoomFactory(name="B's secret room")
        text = export_bytes("rooms", CSV()).decode()
    assert "B's secret room" in text and "Live Room" not in text
    assert Room.objects.filter(name="B's secret room").count() == 0
