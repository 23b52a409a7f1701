"""A band answers its paperwork in the portal, in Chromium: it opens its documents, accepts a
quote with its typed name (the studio turns accepted quotes into invoices at once), then reads
and signs a contract and downloads the signed PDF, whose signature page names the signer and
the SHA-256 of the text signed. A hostile quote title never runs as script.

SCREENSHOTS=/some/dir keeps pictures of the quote and contract pages at 390 px and 1440 px and
of the signed PDF's pages (rendered with pdftoppm)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django_tenants.utils import schema_context

from studio.models import Client, Contract, ContractTemplate, Invoice, Quote, StudioSettings
from studio.selectors.settings import studio_today
from studio.services.contracts import contract_create, contract_send
from studio.services.quotes import quote_create, quote_send
from tests.portal.conftest import CLIENT_PASSWORD, portal_account_make

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 1000}
HOSTILE = "<img src=x onerror=alert(1)>"
SIGNER = "Paula Papers"


def shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def both_widths(page, name: str) -> None:
    for label, size in (("390", PHONE), ("1440", DESK)):
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label
        shoot(page, f"{name}-{label}.png")


def _paperwork(e2e_studio, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        StudioSettings.objects.update(quote_acceptance="convert", email="desk@e2e-studio.example")
        client = Client.objects.create(name="The Paper Planes", email="planes@bands.example")
        portal_account_make(client=client, email=client.email)
        quote = quote_create(
            client=client,
            title=f"EP tracking {HOSTILE}",
            lines=[
                {
                    "description": "Tracking day, Live Room",
                    "quantity": Decimal(3),
                    "unit_price": Decimal(450),
                    "discount_percent": Decimal(0),
                    "tax_rate": Decimal(20),
                }
            ],
            valid_until=studio_today() + timedelta(days=14),
        )
        quote = quote_send(quote=quote, email=False)
        template = ContractTemplate.objects.create(
            name="E2E recording agreement",
            title="Recording agreement — {{ client_name }}",
            body=(
                "1. The studio records {{ project }} for {{ client_name }}.\n"
                "2. The fee is {{ fee }}, invoiced per session.\n"
                "3. The masters belong to the artist once the fee is paid."
            ),
        )
        contract = contract_send(
            contract=contract_create(
                client=client, template=template, project="the EP", fee=Decimal(1350)
            )
        )
    return client, quote, contract


def _sign_in(page, live_url, email: str) -> None:
    page.goto(f"{live_url}/sign-in/?next=/documents/")
    page.locator("details.or summary").click()
    form = page.locator("details.or form")
    form.locator("input[type=email]").fill(email)
    form.locator("input[type=password]").fill(CLIENT_PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/documents/")


def test_a_band_accepts_a_quote_and_signs_a_contract(
    page, live_url, e2e_studio, django_db_blocker, tmp_path
):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    client, quote, contract = _paperwork(e2e_studio, django_db_blocker)
    _sign_in(page, live_url, client.email)

    page.get_by_role("link", name=quote.number, exact=False).click()
    assert HOSTILE in page.inner_text("h1")  # shown as text
    both_widths(page, "quote-accept-form")
    page.get_by_label("Your full name").fill(SIGNER)
    page.locator("[data-accept-form] input[name=consent]").check()
    page.get_by_role("button", name="Accept the quote").click()
    assert "The studio will send you the invoice" in page.inner_text("[role=status]")
    assert page.get_attribute("[data-state]", "data-state") == "converted"
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        answered = Quote.objects.get(pk=quote.pk)
        invoice = Invoice.objects.get(quote=answered)
    assert answered.accepted_name == SIGNER and answered.decided_ip == "127.0.0.1"
    assert invoice.total == Decimal("1620.00") and invoice.client_id == client.pk

    page.goto(f"{live_url}/documents/")
    page.get_by_role("link", name="Recording agreement").click()
    assert "The masters belong to the artist" in page.inner_text("[data-contract-text]")
    shown = page.inner_text("[data-shown-hash]").strip()
    both_widths(page, "contract-sign-form")
    page.get_by_label("Your full name").fill(SIGNER)
    page.locator("[data-sign-form] input[name=consent]").check()
    page.get_by_role("button", name="Sign the contract").click()
    assert "Signed." in page.inner_text("[role=status]")
    assert page.inner_text("[data-signed-hash]").strip() == shown
    shoot(page, "contract-signed-1440.png")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        signed = Contract.objects.get(pk=contract.pk)
    assert signed.status == "signed" and signed.document_sha256 == shown

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the signed PDF").click()
    pdf = tmp_path / "signed.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert SIGNER in text and shown in "".join(text.split())
    folder = os.environ.get("SCREENSHOTS")
    if folder and shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(pdf), str(Path(folder) / "signed-contract")],
            check=True,
        )
    assert dialogs == []
