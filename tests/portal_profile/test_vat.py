"""VAT numbers are checked against each country's format and written one way."""

from __future__ import annotations

import pytest

from portal.services.profile import vat_number_clean
from studio.services.errors import StudioError

GOOD = [
    ("FR", "FR 12 345678901", "FR12345678901"),
    ("FR", "fr-xx-123456789", "FRXX123456789"),
    ("FR", "XX123456789", "FRXX123456789"),
    ("DE", "DE123456789", "DE123456789"),
    ("DE", "123.456.789", "DE123456789"),
    ("AT", "ATU12345678", "ATU12345678"),
    ("BE", "0123456789", "BE0123456789"),
    ("NL", "NL123456789B01", "NL123456789B01"),
    ("ES", "ESX1234567X", "ESX1234567X"),
    ("ES", "B12345678", "ESB12345678"),
    ("IT", "12345678901", "IT12345678901"),
    ("IE", "IE1234567T", "IE1234567T"),
    ("IE", "1234567WA", "IE1234567WA"),
    ("GR", "EL123456789", "EL123456789"),
    ("SE", "556677889901", "SE556677889901"),
    ("PL", "PL 123 456 78 90", "PL1234567890"),
    ("GB", "GB123456789", "GB123456789"),
    ("GB", "GB123456789012", "GB123456789012"),
    ("GB", "GBGD123", "GBGD123"),
    ("US", "12-3456789", "123456789"),
    ("FR", "", ""),
    ("", "  ", ""),
]

BAD = [
    ("DE", "DE12345678", "is not a VAT number of DE"),
    ("DE", "FR12345678901", "not DE's prefix (DE)"),
    ("GR", "GR123456789", "not GR's prefix (EL)"),
    ("NL", "NL123456789", "NL123456789B01"),
    ("AT", "AT12345678", "ATU12345678"),
    ("SE", "SE556677889902", "is not a VAT number of SE"),
    ("GB", "GB12345", "GB123456789"),
    ("FR", "FRIO123456789", "is not a VAT number of FR"),
    ("", "FR12345678901", "Enter your country first"),
    ("US", "12<script>", "4 to 20 letters and digits"),
]


@pytest.mark.parametrize(("country", "typed", "stored"), GOOD)
def test_it_accepts_each_countrys_format_and_writes_it_one_way(country, typed, stored):
    assert vat_number_clean(typed, country=country) == stored


@pytest.mark.parametrize(("country", "typed", "said"), BAD)
def test_it_refuses_a_number_that_does_not_fit_the_country(country, typed, said):
    with pytest.raises(StudioError) as refused:
        vat_number_clean(typed, country=country)
    assert said in refused.value.message
    assert refused.value.field == "vat_number"
