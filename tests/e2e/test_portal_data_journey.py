"""A client edits their details, asks for their data, waits for it, downloads the ZIP and the
test opens it; the pages fit a phone and a desktop without an accessibility violation.

SCREENSHOTS=/some/dir keeps pictures of the profile and the export at 390 px and 1440 px."""

from __future__ import annotations

import io
import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path

from django_tenants.utils import schema_context

from portal.models import DataExport
from portal.services.data_export import data_export_build
from studio.models import Client
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.payments import payment_record
from tests.e2e.axe import axe_violations
from tests.e2e.test_portal_sign_in_journey import fits_the_screen, shoot
from tests.portal.conftest import CLIENT_PASSWORD, portal_account_make

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 1000}
EMAIL = "data@bands.example"


def _client_with_an_invoice(e2e_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        client = Client.objects.create(name="Data Journey Trio", email=EMAIL)
        portal_account_make(client=client, email=EMAIL)
        draft = invoice_create(
            client=client,
            currency="EUR",
            lines=[
                {
                    "description": "Mastering, 4 tracks",
                    "quantity": Decimal(1),
                    "unit_price": Decimal("240.00"),
                    "discount_percent": Decimal(0),
                    "tax_rate": Decimal(0),
                }
            ],
        )
        invoice = invoice_issue(invoice=draft)
        payment = payment_record(amount=Decimal("240.00"), method="cash", invoice=invoice)
        return client, invoice.number, payment.receipt_number


def test_a_client_downloads_their_data(page, live_url, e2e_studio, django_db_blocker, tmp_path):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
    client, invoice_number, receipt_number = _client_with_an_invoice(e2e_studio, django_db_blocker)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/sign-in/")
    page.click("text=Sign in with a password instead")
    page.fill("#id_password-email", EMAIL)
    page.fill("#id_password-password", CLIENT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_url}/")

    page.goto(f"{live_url}/profile/")
    page.fill("#id_country", "DE")
    page.fill("#id_vat_number", "DE 12345678")
    page.click("text=Save my details")
    assert "is not a VAT number of DE" in page.inner_text("main")
    page.fill("#id_vat_number", "DE 123 456 789")
    page.fill("#id_address", "Oranienstraße 1\n10999 Berlin <b>")
    page.click("text=Save my details")
    page.wait_for_url(f"{live_url}/profile/")
    assert "Your details are saved." in page.inner_text("main")
    assert page.input_value("#id_vat_number") == "DE123456789"
    found = axe_violations(page)
    assert fits_the_screen(page)
    shoot(page, "portal-profile-390.png")
    page.set_viewport_size(DESKTOP)
    shoot(page, "portal-profile-1440.png")

    page.set_viewport_size(PHONE)
    page.click("text=Download my data")
    page.wait_for_url(f"{live_url}/profile/data/")
    found += axe_violations(page)
    assert fits_the_screen(page)
    page.click("text=Prepare my data")
    page.wait_for_url(f"{live_url}/profile/data/*/")
    # The page refreshes itself until the task is done.
    page.wait_for_selector("[data-export-status=done]", timeout=30_000)
    assert "Ready:" in page.inner_text("main")
    found += axe_violations(page)
    assert fits_the_screen(page)
    shoot(page, "portal-export-390.png")
    page.set_viewport_size(DESKTOP)
    shoot(page, "portal-export-1440.png")

    with page.expect_download() as download_info:
        page.click("text=Download the ZIP")
    path = tmp_path / "data.zip"
    download_info.value.save_as(path)
    archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    names = set(archive.namelist())
    assert f"documents/{invoice_number}.pdf" in names
    assert f"documents/{receipt_number}.pdf" in names
    assert {"client.json", "invoices.json", "payments.json", "README.txt"} <= names
    record = json.loads(archive.read("client.json"))
    assert record["vat_number"] == "DE123456789"
    assert record["address"] == "Oranienstraße 1\n10999 Berlin <b>"
    assert [i["number"] for i in json.loads(archive.read("invoices.json"))] == [invoice_number]
    if folder := os.environ.get("SCREENSHOTS"):
        listing = "\n".join(f"{i.file_size:>8}  {i.filename}" for i in archive.infolist())
        (Path(folder) / "data-export-zip.txt").write_text(listing + "\n")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        assert DataExport.objects.get(account__client=client).status == DataExport.Status.DONE
        # A second export, waiting for a busy worker: its page shows the wait and reloads.
        waiting = DataExport.objects.create(account=client.portal_accounts.get())
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/profile/data/{waiting.pk}/")
    assert page.locator("[data-export-status=queued] progress").count() == 1
    found += axe_violations(page)
    shoot(page, "portal-export-waiting-390.png")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        data_export_build(export_id=waiting.pk)
    page.wait_for_selector("[data-export-status=done]", timeout=15_000)
    assert page.locator("[data-download]").count() == 1
    assert found == []
    assert errors == []
