"""One way to write an amount: the currency table, the formatter in each locale, and the same
string from the back office, the PDFs and the e-mails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.admin.site import studio_admin_site
from studio.models import Invoice, StudioSettings
from studio.money import MoneyError, currency_decimals, currency_quantum, money_format
from studio.pdf.documents import InvoiceRenderer, line_rows
from studio.selectors.documents import invoice_data
from studio.selectors.documents import totals_rows as admin_totals_rows
from studio.services import totals
from studio.services.invoices import invoice_create, invoice_issue, invoice_mail_values
from tests.conftest import STUDIO_A
from tests.studio.factories import ClientFactory

D = Decimal
NBSP = "\u00a0"


def studio_locale_set(code: str) -> None:
    row = StudioSettings.objects.get()
    row.locale = code
    row.save()


@pytest.mark.parametrize(
    "code, decimals", [("EUR", 2), ("GBP", 2), ("USD", 2), ("JPY", 0), ("CHF", 2)]
)
def test_it_knows_each_currencys_decimals(code, decimals):
    assert currency_decimals(code) == decimals
    assert currency_quantum(code) == D(1).scaleb(-decimals)
    assert totals.quantum(code) == currency_quantum(code)


def test_it_refuses_an_unknown_currency():
    refused = [
        lambda: currency_decimals("XYZ"),
        lambda: currency_quantum("XYZ"),
        lambda: money_format(D(1), "XYZ", locale="en_GB"),
        lambda: totals.round_money(D(1), "XYZ"),
    ]
    for call in refused:
        with pytest.raises(MoneyError, match="“XYZ” is not a currency this studio can bill in"):
            call()
    assert totals.MoneyError is MoneyError, "callers catching totals.MoneyError still catch it"


@pytest.mark.parametrize(
    "locale, amount, currency, expected",
    [
        ("en_GB", "1234.5", "EUR", "€1,234.50"),
        ("en_GB", "99", "GBP", "£99.00"),
        ("en_GB", "1234.567", "CHF", f"CHF{NBSP}1,234.57"),
        ("en_GB", "1200", "JPY", "JP¥1,200"),
        ("en_GB", "99", "USD", "US$99.00"),
        ("de_DE", "1234.5", "EUR", f"1.234,50{NBSP}€"),
        ("de_DE", "99", "GBP", f"99,00{NBSP}£"),
        ("de_DE", "1200", "JPY", f"1.200{NBSP}¥"),
        ("en_US", "1234.5", "USD", "$1,234.50"),
        ("en_US", "1234.5", "EUR", "€1,234.50"),
        ("en_US", "1200", "JPY", "¥1,200"),
    ],
)
def test_it_writes_amounts_the_locales_way(locale, amount, currency, expected):
    assert money_format(D(amount), currency, locale=locale) == expected


@pytest.mark.parametrize(
    "locale, amount, currency, expected",
    [
        ("en_GB", "-80", "EUR", "-€80.00"),
        ("en_GB", "-1234.5", "GBP", "-£1,234.50"),
        ("de_DE", "-80", "EUR", f"-80,00{NBSP}€"),
        ("en_US", "-1200", "JPY", "-¥1,200"),
        ("en_GB", "-0.001", "EUR", "€0.00"),  # never "-€0.00"
    ],
)
def test_it_writes_negative_amounts(locale, amount, currency, expected):
    assert money_format(D(amount), currency, locale=locale) == expected


def test_it_rounds_half_up_like_the_totals():
    assert money_format(D("0.125"), "EUR", locale="en_GB") == "€0.13"
    assert money_format(D("2.5"), "JPY", locale="en_US") == "¥3"  # half-even would say ¥2
    assert money_format(D("12500.5"), "JPY", locale="en_US") == "¥12,501"


def test_it_takes_the_locale_in_either_spelling_and_lower_case_codes():
    assert money_format(D("5"), "eur", locale="de-DE") == money_format(D(5), "EUR", locale="de_DE")


def test_it_can_leave_zero_decimals_off_a_price_list():
    assert money_format(D(29), "EUR", locale="en", drop_zero_fraction=True) == "€29"
    assert money_format(D("149.5"), "EUR", locale="en", drop_zero_fraction=True) == "€149.50"
    assert money_format(D(29), "EUR", locale="de_DE", drop_zero_fraction=True) == f"29{NBSP}€"


def test_it_writes_in_the_studios_locale(in_studio_a):
    assert money_format(D("1234.5"), "EUR") == "€1,234.50"  # en-GB, the default
    studio_locale_set("de-DE")
    assert money_format(D("1234.5"), "EUR") == f"1.234,50{NBSP}€"


def test_one_studios_locale_is_not_another_studios(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        studio_locale_set("de-DE")
        assert money_format(D("1234.5"), "EUR") == f"1.234,50{NBSP}€"
    with schema_context(studio_b.schema_name):
        assert money_format(D("1234.5"), "EUR") == "€1,234.50"
    with schema_context(studio_a.schema_name):
        assert money_format(D("1234.5"), "EUR") == f"1.234,50{NBSP}€"


def test_the_public_site_writes_in_the_platform_language(db, settings):
    connection.set_schema_to_public()
    assert money_format(D(1200), "JPY") == "¥1,200"  # LANGUAGE_CODE "en"
    settings.LANGUAGE_CODE = "de-de"
    assert money_format(D("1234.5"), "EUR") == f"1.234,50{NBSP}€"


@pytest.mark.parametrize("locale", ["en-GB", "de-DE", "en-US"])
def test_the_back_office_the_pdf_and_the_email_write_the_same_amount(in_studio_a, locale):
    studio_locale_set(locale)
    band = ClientFactory(name="The Night Owls", email="owls@example.com")
    line = {"description": "Tracking", "quantity": 3, "unit_price": D("411.50"), "tax_rate": 20}
    invoice = invoice_issue(
        invoice=invoice_create(client=band, lines=[line]), today=date(2026, 3, 2)
    )
    total = money_format(D("1481.40"), "EUR")
    net = money_format(D("1234.50"), "EUR")

    admin = studio_admin_site._registry[Invoice]
    admin_rows = {label: value for label, value, _ in admin_totals_rows(_totals(invoice), "EUR")}
    data = invoice_data(invoice)
    pdf_facts = dict(InvoiceRenderer().facts(data))
    email = invoice_mail_values(invoice)

    assert admin.display_total(invoice) == admin.display_balance(invoice) == total
    assert admin_rows["Total"] == pdf_facts["Amount due"] == email["total"] == total
    assert admin_rows["Subtotal"] == line_rows(data.lines, data.currency)[1][-1] == net


def test_a_back_office_page_writes_amounts_in_the_studios_locale(in_studio_a):
    studio_locale_set("de-DE")
    band = ClientFactory(name="The Night Owls", email="owls@example.com")
    invoice_issue(
        invoice=invoice_create(
            client=band,
            lines=[{"description": "Mix", "quantity": D(1), "unit_price": D(1000)}],
        ),
        today=date(2026, 3, 2),
    )
    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    page = owner.get("/admin/studio/invoice/").content.decode()
    assert f"1.000,00{NBSP}€" in page


def _totals(invoice: Invoice) -> totals.Totals:
    return totals.document_totals(
        (
            totals.Line(li.quantity, li.unit_price, li.discount_percent, li.tax_rate)
            for li in invoice.lines.all()
        ),
        invoice.currency,
    )
