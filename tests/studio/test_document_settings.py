"""What a studio prints on its documents comes from its settings: registration numbers, a bank
account checked the way banks check it, a logo, default notes; the PDFs and e-mails use them."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from studio.models import AuditEntry, StudioSettings
from studio.models.banking import iban_grouped, iban_valid
from studio.pdf import InvoiceRenderer
from studio.selectors.documents import invoice_data
from studio.selectors.settings import studio_settings_get
from studio.services.errors import StudioError
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.mail import email_render
from studio.services.settings import studio_settings_update
from tests.conftest import STUDIO_A
from tests.studio.factories import ClientFactory

pytestmark = pytest.mark.django_db

FR_IBAN = "FR76 3000 6000 0112 3456 7890 189"
GB_IBAN = "GB29 NWBK 6016 1331 9268 19"


def png(width: int = 400, height: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 40, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def owner() -> User:
    return User.objects.get(email=STUDIO_A.owner_email)


@pytest.mark.parametrize("iban", [FR_IBAN, GB_IBAN, "de89370400440532013000"])
def test_real_ibans_pass_their_check_digits(iban):
    assert iban_valid(iban)


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR76 3000 6000 0112 3456 7890 180", "check digits do not match"),
        ("FR76 3000 6000 0112 3456 7890", "has 27 characters; this one has 24"),
        ("hello", "not a valid IBAN"),
    ],
)
def test_a_mistyped_iban_is_refused_and_nothing_changes(in_studio_a, iban, message):
    before = studio_settings_get().iban
    with pytest.raises(StudioError, match=message) as refused:
        studio_settings_update(iban=iban, by=owner())
    assert refused.value.field == "iban"
    assert StudioSettings.objects.get().iban == before


def test_a_valid_account_is_stored_compact_and_printed_grouped(in_studio_a):
    studio_settings_update(
        account_holder="Studio A SARL", iban=FR_IBAN.lower(), bic="bnpa frpp", by=owner()
    )
    settings = StudioSettings.objects.get()
    assert settings.iban == "FR7630006000011234567890189" and settings.bic == "BNPAFRPP"
    assert settings.bank_lines == [
        "Account holder: Studio A SARL",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC BNPAFRPP",
    ]
    assert iban_grouped(settings.iban) == FR_IBAN
    assert AuditEntry.objects.filter(action="studiosettings.changed").exists()


def test_a_uk_account_needs_both_halves(in_studio_a):
    with pytest.raises(StudioError, match="needs both the sort code and the number"):
        studio_settings_update(sort_code="60-16-13", by=owner())
    with pytest.raises(StudioError, match="six digits"):
        studio_settings_update(sort_code="60-16", account_number="31926819", by=owner())
    studio_settings_update(sort_code="60-16-13", account_number="31926819", by=owner())
    assert "Sort code 60-16-13 · Account 31926819" in StudioSettings.objects.get().bank_lines


def test_a_bic_without_an_iban_is_refused(in_studio_a):
    with pytest.raises(StudioError, match="IBAN the BIC belongs to"):
        studio_settings_update(bic="NWBKGB2L", by=owner())


def test_a_logo_must_be_a_real_image_of_sensible_size(in_studio_a):
    with pytest.raises(StudioError, match="PNG or JPEG"):
        studio_settings_update(
            logo=SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image"), by=owner()
        )
    with pytest.raises(StudioError, match="between 32 and 4000 pixels"):
        studio_settings_update(logo=SimpleUploadedFile("dot.png", png(10, 10)), by=owner())
    assert not StudioSettings.objects.get().logo

    studio_settings_update(logo=SimpleUploadedFile("logo.png", png()), by=owner())
    assert StudioSettings.objects.get().logo.name.startswith("branding/logo")


def _printed(pdf: bytes) -> str:
    return " ".join(
        piece.decode("latin-1") for piece in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    )


def test_the_invoice_prints_the_studio_s_numbers_bank_account_and_logo(in_studio_a):
    studio_settings_update(
        vat_number="FR 61 852 419 637",
        company_number="852 419 637 00018",
        account_holder="Studio A SARL",
        iban=FR_IBAN,
        bic="BNPAFRPP",
        payment_details="Cheques to Studio A SARL",
        logo=SimpleUploadedFile("logo.png", png()),
        by=owner(),
    )
    band = ClientFactory(name="The Printers", email="band@printers.example")
    invoice = invoice_issue(
        invoice=invoice_create(
            client=band,
            lines=[
                {
                    "description": "Mixing",
                    "quantity": Decimal(1),
                    "unit_price": Decimal("300"),
                    "discount_percent": Decimal(0),
                    "tax_rate": Decimal(20),
                }
            ],
        )
    )
    data = invoice_data(invoice)
    pdf = type("Clear", (InvoiceRenderer,), {"compress": False})().render(data)
    text = _printed(pdf)
    for expected in (
        "VAT FR 61 852 419 637",
        "Company No. 852 419 637 00018",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC BNPAFRPP",
        "Cheques to Studio A SARL",
        f"Payment reference: {invoice.number}",
    ):
        assert expected in text, expected
    assert b"/Subtype /Image" in pdf  # the logo


def test_the_invoice_e_mail_says_how_to_pay_and_who_sends_it(in_studio_a):
    studio_settings_update(
        address="12 Rue des Lilas\n75011 Paris",
        phone="+33 1 84 88 42 10",
        vat_number="FR 61 852 419 637",
        iban=FR_IBAN,
        by=owner(),
    )
    _subject, body = email_render(
        kind="invoice",
        values={
            "client_name": "Ana",
            "number": "INV-2026-0001",
            "total": "€360.00",
            "balance": "€360.00",
            "due_date": "31 Dec 2026",
        },
    )
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in body
    assert "Please quote INV-2026-0001 as the payment reference." in body
    assert "12 Rue des Lilas\n75011 Paris\n+33 1 84 88 42 10" in body
    assert "VAT FR 61 852 419 637" in body


def test_new_documents_start_with_the_studio_s_default_notes(in_studio_a):
    from studio.services.quotes import quote_create

    studio_settings_update(
        invoice_notes="Late payment: 40 € fixed fee.",
        quote_notes="Includes one revision.",
        by=owner(),
    )
    band = ClientFactory(name="Noted Band")
    assert invoice_create(client=band).notes == "Late payment: 40 € fixed fee."
    assert quote_create(client=band, title="EP").notes == "Includes one revision."
    assert invoice_create(client=band, notes="").notes == ""  # cleared on purpose


def test_the_add_form_offers_the_default_notes(in_studio_a, owner_browser):
    studio_settings_update(invoice_notes="Thanks for recording with us.", by=owner())
    page = owner_browser.get("/admin/studio/invoice/add/").content.decode()
    assert "Thanks for recording with us." in page
