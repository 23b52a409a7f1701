"""What a client may change about themselves in the portal, and their "delete my account".

The client edits how to reach them and bill them: phone, address (the address printed on the
documents the studio issues, so it is the billing address too), country, VAT number, and which
e-mails they want. Their name and artist name stay the studio's to edit: they head contracts and
invoices, and the studio has to know who it is dealing with. The e-mail address is how they
sign in, so it changes through the studio, not here.

Deleting an account is a request, not a deletion: the studio must keep some records by law
(issued invoices, payments, signed contracts), so the client files the request and the studio's
owner carries it out with `studio.services.erasure.client_anonymise`.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from portal.models import PortalAccount
from studio.models import Client
from studio.services.audit import audit_record
from studio.services.errors import StudioError
from studio.services.records import record_save

# The VAT number's prefix and what follows it, per country. Greece's prefix is EL, not GR.
# Formats as the EU's VIES service and HMRC publish them; the check digits are not verified.
VAT_FORMATS: dict[str, tuple[str, str]] = {
    "AT": ("AT", r"U\d{8}"),
    "BE": ("BE", r"[01]\d{9}"),
    "BG": ("BG", r"\d{9,10}"),
    "CY": ("CY", r"\d{8}[A-Z]"),
    "CZ": ("CZ", r"\d{8,10}"),
    "DE": ("DE", r"\d{9}"),
    "DK": ("DK", r"\d{8}"),
    "EE": ("EE", r"\d{9}"),
    "ES": ("ES", r"[A-Z0-9]\d{7}[A-Z0-9]"),
    "FI": ("FI", r"\d{8}"),
    "FR": ("FR", r"[A-HJ-NP-Z0-9]{2}\d{9}"),
    "GB": ("GB", r"\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2}"),
    "GR": ("EL", r"\d{9}"),
    "HR": ("HR", r"\d{11}"),
    "HU": ("HU", r"\d{8}"),
    "IE": ("IE", r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]"),
    "IT": ("IT", r"\d{11}"),
    "LT": ("LT", r"\d{9}|\d{12}"),
    "LU": ("LU", r"\d{8}"),
    "LV": ("LV", r"\d{11}"),
    "MT": ("MT", r"\d{8}"),
    "NL": ("NL", r"\d{9}B\d{2}"),
    "PL": ("PL", r"\d{10}"),
    "PT": ("PT", r"\d{9}"),
    "RO": ("RO", r"[1-9]\d{1,9}"),
    "SE": ("SE", r"\d{10}01"),
    "SI": ("SI", r"\d{8}"),
    "SK": ("SK", r"\d{10}"),
}
# What a VAT number may look like in a country whose format is not in the table.
OTHER_VAT = r"[A-Z0-9]{4,20}"

BAD_COUNTRY = "Enter your country as its two-letter code, for example FR or GB."
VAT_NEEDS_COUNTRY = "Enter your country first: the VAT number's format depends on it."
VAT_OTHER_PREFIX = (
    "This VAT number starts with {prefix}, which is not {country}'s prefix ({expected}). "
    "Check the country or the number."
)
VAT_BAD_FORMAT = "{number} is not a VAT number of {country}: it should look like {example}."
VAT_BAD_OTHER = "A VAT number is 4 to 20 letters and digits."
PHONE_BAD = "A phone number has digits, spaces, and + ( ) - . only."
ALREADY_ASKED = "You already asked the studio to delete your data, on {date}."
ANONYMISED = "This account's data was deleted."

# One example per format, shown when a number does not match.
VAT_EXAMPLES = {
    "AT": "ATU12345678",
    "BE": "BE0123456789",
    "DE": "DE123456789",
    "ES": "ESX1234567X",
    "FR": "FRXX123456789",
    "GB": "GB123456789",
    "GR": "EL123456789",
    "IE": "IE1234567T",
    "IT": "IT12345678901",
    "NL": "NL123456789B01",
    "PL": "PL1234567890",
    "SE": "SE123456789001",
}

PHONE = re.compile(r"[0-9+()\-. ]{0,40}")
COUNTRY = re.compile(r"[A-Z]{2}")


def country_clean(country: str) -> str:
    country = (country or "").strip().upper()
    if country and not COUNTRY.fullmatch(country):
        raise StudioError(BAD_COUNTRY, field="country")
    return country


def vat_number_clean(number: str, *, country: str) -> str:
    """The VAT number written the one way (upper case, prefix first, no spaces, dots or
    dashes), or a refusal that says what the country's numbers look like. Empty stays empty."""
    number = re.sub(r"[\s.\-]", "", number or "").upper()
    if not number:
        return ""
    if not country:
        raise StudioError(VAT_NEEDS_COUNTRY, field="vat_number")
    if country not in VAT_FORMATS:
        if not re.fullmatch(OTHER_VAT, number):
            raise StudioError(VAT_BAD_OTHER, field="vat_number")
        return number
    prefix, pattern = VAT_FORMATS[country]
    if number[:2].isalpha() and not re.fullmatch(pattern, number):
        if number[:2] != prefix:
            raise StudioError(
                VAT_OTHER_PREFIX.format(prefix=number[:2], country=country, expected=prefix),
                field="vat_number",
            )
        number = number[2:]
    if not re.fullmatch(pattern, number):
        example = VAT_EXAMPLES.get(country, f"{prefix} followed by its digits")
        raise StudioError(
            VAT_BAD_FORMAT.format(number=prefix + number, country=country, example=example),
            field="vat_number",
        )
    return prefix + number


@transaction.atomic
def profile_update(
    *,
    account: PortalAccount,
    phone: str,
    address: str,
    country: str,
    vat_number: str,
    notify_documents: bool,
    notify_reminders: bool,
) -> Client:
    """Save what the client changed on their profile, audited as the client's own change
    (no staff user: `by=None` is the studio acting for its client)."""
    client = Client.objects.select_for_update().get(pk=account.client_id)
    if client.anonymised_at:
        raise StudioError(ANONYMISED)
    phone = (phone or "").strip()
    if not PHONE.fullmatch(phone):
        raise StudioError(PHONE_BAD, field="phone")
    country = country_clean(country)
    client.phone = phone
    # Browsers send a textarea's lines with CRLF; documents and exports write them with LF.
    client.address = "\n".join(line.rstrip() for line in (address or "").strip().splitlines())
    client.country = country
    client.vat_number = vat_number_clean(vat_number, country=country)
    client.notify_documents = bool(notify_documents)
    client.notify_reminders = bool(notify_reminders)
    return record_save(obj=client, by=None)


@transaction.atomic
def erasure_request(*, account: PortalAccount) -> Client:
    """The client asks the studio to delete their data. Asked once; the studio sees the date
    on the client's page and in the client list."""
    client = Client.objects.select_for_update().get(pk=account.client_id)
    if client.anonymised_at:
        raise StudioError(ANONYMISED)
    if client.erasure_requested_at:
        raise StudioError(
            ALREADY_ASKED.format(date=timezone.localdate(client.erasure_requested_at).isoformat())
        )
    client.erasure_requested_at = timezone.now()
    client.save(update_fields=["erasure_requested_at"])
    audit_record(
        action="client.erasure_requested",
        obj=client,
        changes={"erasure_requested_at": [None, client.erasure_requested_at.isoformat()]},
    )
    return client
