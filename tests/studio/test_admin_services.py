"""The admin's pages save through the services: what they write is audited, and a service's
refusal at save time comes back as a form error with nothing written."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.test import override_settings
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Plan, PlatformAuditEntry, Studio
from studio.models import AuditEntry, Invoice, Room
from tests.conftest import STUDIO_A, sign_in_verified
from tests.studio.factories import ClientFactory, RoomFactory

pytestmark = pytest.mark.django_db


def room_form(**overrides) -> dict:
    form = {
        "name": "Booth",
        "description": "",
        "capacity": 2,
        "hourly_rate": "35.00",
        "min_minutes": 60,
        "buffer_minutes": 15,
        "bookable_online": "on",
        "colour": "#7c3aed",
        "is_active": "on",
        "peak_rates-TOTAL_FORMS": "0",
        "peak_rates-INITIAL_FORMS": "0",
        "peak_rates-MIN_NUM_FORMS": "0",
        "peak_rates-MAX_NUM_FORMS": "1000",
    }
    form.update(overrides)
    return form


def tiny_png() -> bytes:
    """A one-pixel PNG, made here so the test needs no file on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def test_a_room_with_a_photo_is_saved_and_audited(owner_browser, studio_a, tmp_path):
    photo = SimpleUploadedFile("booth.png", tiny_png(), content_type="image/png")
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        from tests.conftest import forget_media_root

        forget_media_root()
        response = owner_browser.post("/admin/studio/room/add/", room_form(photo=photo))
    assert response.status_code == 302, response.content[:1500]
    with schema_context(studio_a.schema_name):
        room = Room.objects.get(name="Booth")
        entry = AuditEntry.objects.get(action="room.created", object_id=str(room.pk))
        assert entry.changes["photo"][1].endswith(".png")
        assert entry.user.email == STUDIO_A.owner_email


def test_a_refusal_at_save_is_a_form_error_and_writes_nothing(owner_browser, studio_a):
    plan = Plan.objects.create(name="One room", slug="one-room", monthly_price=9, max_rooms=1)
    Studio.objects.filter(pk=studio_a.pk).update(plan=plan)
    with schema_context(studio_a.schema_name):
        RoomFactory(name="Live")
        audited = AuditEntry.objects.count()
    response = owner_browser.post("/admin/studio/room/add/", room_form(name="Second"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "includes 1 rooms in use" in page
    assert 'value="Second"' in page  # what was typed is still there
    with schema_context(studio_a.schema_name):
        assert not Room.objects.filter(name="Second").exists()
        assert AuditEntry.objects.count() == audited


def test_a_draft_invoice_with_lines_is_saved_by_the_draft_service(owner_browser, studio_a):
    with schema_context(studio_a.schema_name):
        client = ClientFactory(name="Nova")
    response = owner_browser.post(
        "/admin/studio/invoice/add/",
        {
            "client": client.pk,
            "currency": "EUR",
            "exchange_rate": "1",
            "due_date": "",
            "notes": "",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-position": "2",
            "lines-0-kind": "other",
            "lines-0-description": "Mastering",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "150",
            "lines-0-discount_percent": "0",
            "lines-0-tax_rate": "20",
            "lines-1-position": "1",
            "lines-1-kind": "room",
            "lines-1-description": "Room time",
            "lines-1-quantity": "4",
            "lines-1-unit_price": "50",
            "lines-1-discount_percent": "10",
            "lines-1-tax_rate": "20",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    with schema_context(studio_a.schema_name):
        draft = Invoice.objects.get(client=client)
        assert [line.description for line in draft.lines.all()] == ["Room time", "Mastering"]
        assert draft.total == Decimal("396.00")  # (180 + 150) * 1.2, the totals stored
        entry = AuditEntry.objects.get(action="invoice.created", object_id=str(draft.pk))
        assert len(entry.changes["lines"][1]) == 2


def test_a_plan_price_change_is_in_the_platform_trail(db):
    operator = User.objects.create_superuser("op@platform.example", "op@platform.example", "pw")
    browser = sign_in_verified(HttpClient(HTTP_HOST="localhost"), operator)
    pro = Plan.objects.get(slug="pro")
    response = browser.post(
        f"/admin/tenancy/plan/{pro.pk}/change/",
        {
            "name": "Pro",
            "slug": "pro",
            "tagline": pro.tagline,
            "monthly_price": "109",
            "currency": pro.currency,
            "max_rooms": "",
            "max_sessions_per_month": "",
            "max_staff": pro.max_staff or "",
            "features": pro.features,
            "trial_days": pro.trial_days,
            "card_payments": "on",
            "platform_fee_percent": "0",
            "grace_days": "7",
            "prices-TOTAL_FORMS": "0",
            "prices-INITIAL_FORMS": "0",
            "is_public": "on",
            "order": pro.order,
        },
    )
    assert response.status_code == 302
    entry = PlatformAuditEntry.objects.get(action="plan.changed", object_id=str(pro.pk))
    assert Decimal(entry.changes["monthly_price"][1]) == Decimal(109)
    assert entry.user == operator
