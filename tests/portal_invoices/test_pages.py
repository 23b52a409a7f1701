"""The portal's invoice pages through the browser: the client's own invoices only, the stored
PDF, the card form, and the rest of the cast — owner, accountant, engineer, client Y, studio
B's client, anonymous — refused on every page with nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as Browser
from django_tenants.utils import schema_context

from portal.models import DocumentView
from studio.models import CardPayment, Invoice, Payment, StoredPdf
from studio.services.invoices import invoice_create
from tests.conftest import STUDIO_A
from tests.portal_invoices.conftest import issued_invoice, save_invoice_card
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db

PAGES = ("/invoices/{pk}/", "/invoices/{pk}/pdf/", "/invoices/{pk}/pay/")
POSTS = ("/invoices/{pk}/pay/", "/invoices/{pk}/pay/return/")


def staff_browser(studio, email: str, role: str) -> Browser:
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio.schema_name):
        user = staff_user(email, role)
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture
def staff_cast(studio_a, owner_browser_a):
    return {
        "owner": owner_browser_a,
        "accountant": staff_browser(studio_a, "books@studio-a.example", "Accountant"),
        "engineer": staff_browser(studio_a, "desk-eng@studio-a.example", "Engineer"),
    }


def test_the_list_shows_the_clients_own_issued_invoices_only(
    studio_a, portal_client_x, invoice_x, invoice_y
):
    with schema_context(studio_a.schema_name):
        draft = invoice_create(client=portal_client_x.client, lines=[])
    page = portal_client_x.browser.get("/invoices/")
    html = page.content.decode()
    assert page.status_code == 200
    assert invoice_x.number in html
    assert "€120.00" in html
    assert 'data-state="issued"' in html
    assert invoice_y.number not in html
    assert f'data-invoice="{draft.pk}"' not in html


def test_an_overdue_invoice_says_so(studio_a, portal_client_x, studio_cards):
    from tests.portal_invoices.conftest import overdue_invoice

    with schema_context(studio_a.schema_name):
        invoice = overdue_invoice(portal_client_x.client)
    html = portal_client_x.browser.get("/invoices/").content.decode()
    assert 'data-state="overdue"' in html
    assert invoice.number in html


def test_the_detail_shows_lines_totals_and_payments_and_records_the_view(
    studio_a, portal_client_x, invoice_x
):
    with schema_context(studio_a.schema_name):
        from studio.services.payments import payment_record

        payment_record(
            amount=Decimal("20.00"), method=Payment.Method.BANK_TRANSFER, invoice=invoice_x
        )
    page = portal_client_x.browser.get(f"/invoices/{invoice_x.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Mixing, 3 songs" in html
    assert "€100.00" in html  # the balance
    assert "Bank transfer" in html
    assert 'data-state="partially_paid"' in html
    assert f'href="/invoices/{invoice_x.pk}/pay/"' in html
    with schema_context(studio_a.schema_name):
        seen = DocumentView.objects.get(kind="invoice", object_id=invoice_x.pk)
        first = seen.first_viewed_at
        assert seen.account == portal_client_x.account
    portal_client_x.browser.get(f"/invoices/{invoice_x.pk}/")
    with schema_context(studio_a.schema_name):
        seen = DocumentView.objects.get(kind="invoice", object_id=invoice_x.pk)
        assert seen.first_viewed_at == first
        assert seen.last_viewed_at > first


def test_the_pdf_is_the_stored_document(studio_a, portal_client_x, invoice_x):
    answer = portal_client_x.browser.get(f"/invoices/{invoice_x.pk}/pdf/")
    body = b"".join(answer.streaming_content)
    with schema_context(studio_a.schema_name):
        stored = StoredPdf.objects.get(kind="invoice", object_id=invoice_x.pk)
    assert answer["Content-Type"] == "application/pdf"
    assert body == bytes(stored.data)


def test_the_pay_page_opens_the_card_form_for_the_balance(studio_a, portal_client_x, invoice_x):
    page = portal_client_x.browser.get(f"/invoices/{invoice_x.pk}/pay/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="card-element"' in html
    assert "data-secret=" in html
    assert f'action="/invoices/{invoice_x.pk}/pay/"' in html
    assert "Pay €120.00" in html
    assert 'name="amount"' not in html  # part payments are off


def test_with_part_payments_the_pay_page_asks_how_much(
    studio_a, portal_client_x, studio_cards, part_payments
):
    with schema_context(studio_a.schema_name):
        invoice = issued_invoice(portal_client_x.client, amount="12500", currency="JPY")
    html = portal_client_x.browser.get(f"/invoices/{invoice.pk}/pay/").content.decode()
    assert 'name="amount"' in html
    assert 'value="12500"' in html  # yen: no decimals


def test_posting_the_saved_card_pays_and_answers_where_to_go(studio_a, portal_client_x, invoice_x):
    with schema_context(studio_a.schema_name):
        setup = save_invoice_card(portal_client_x.client, invoice_x)
    answer = portal_client_x.browser.post(f"/invoices/{invoice_x.pk}/pay/", {"setup_intent": setup})
    assert answer.json() == {"ok": True, "next": f"/invoices/{invoice_x.pk}/"}
    again = portal_client_x.browser.post(f"/invoices/{invoice_x.pk}/pay/", {"setup_intent": setup})
    assert again.json()["ok"] is True  # the double click finds the payment made
    with schema_context(studio_a.schema_name):
        invoice_x.refresh_from_db()
        assert invoice_x.status == Invoice.Status.PAID
        assert CardPayment.objects.filter(invoice=invoice_x).count() == 1
    html = portal_client_x.browser.get(f"/invoices/{invoice_x.pk}/").content.decode()
    assert 'data-state="paid"' in html
    assert "Card online (Stripe)" in html
    page = portal_client_x.browser.get(f"/invoices/{invoice_x.pk}/pay/")
    assert page.status_code == 302  # nothing left to pay: back to the invoice


def test_an_overpayment_posted_by_hand_is_refused_with_a_message(
    studio_a, portal_client_x, invoice_x, part_payments
):
    with schema_context(studio_a.schema_name):
        setup = save_invoice_card(portal_client_x.client, invoice_x)
    answer = portal_client_x.browser.post(
        f"/invoices/{invoice_x.pk}/pay/", {"setup_intent": setup, "amount": "500"}
    )
    assert answer.status_code == 409
    assert "more than the balance of €120.00" in answer.json()["message"]
    with schema_context(studio_a.schema_name):
        assert not CardPayment.objects.exists()


def _refused(answer, *, sign_in: bool):
    if sign_in:
        assert answer.status_code == 302
        assert answer.url.startswith("/sign-in/?next=")
    else:
        assert answer.status_code == 404


def test_client_y_sees_none_of_client_xs_invoice(studio_a, portal_client_y, invoice_x):
    browser = portal_client_y.browser
    assert invoice_x.number not in browser.get("/invoices/").content.decode()
    for url in PAGES:
        _refused(browser.get(url.format(pk=invoice_x.pk)), sign_in=False)
    for url in POSTS:
        _refused(browser.post(url.format(pk=invoice_x.pk), {"amount": "1"}), sign_in=False)
    _nothing_changed(studio_a, invoice_x)


def test_studio_bs_client_finds_no_such_invoice(studio_a, portal_client_b, invoice_x):
    browser = portal_client_b.browser
    assert invoice_x.number not in browser.get("/invoices/").content.decode()
    for url in PAGES:
        _refused(browser.get(url.format(pk=invoice_x.pk)), sign_in=False)
    for url in POSTS:
        _refused(browser.post(url.format(pk=invoice_x.pk)), sign_in=False)
    _nothing_changed(studio_a, invoice_x)


@pytest.mark.parametrize("role", ["owner", "accountant", "engineer"])
def test_staff_are_asked_to_sign_in_as_a_client(studio_a, staff_cast, invoice_x, role):
    browser = staff_cast[role]
    _refused(browser.get("/invoices/"), sign_in=True)
    for url in PAGES:
        _refused(browser.get(url.format(pk=invoice_x.pk)), sign_in=True)
    for url in POSTS:
        _refused(browser.post(url.format(pk=invoice_x.pk)), sign_in=True)
    _nothing_changed(studio_a, invoice_x)


def test_anonymous_visitors_are_sent_to_sign_in_and_back(studio_a, anonymous_a, invoice_x):
    answer = anonymous_a.get(f"/invoices/{invoice_x.pk}/")
    assert answer.url == f"/sign-in/?next=%2Finvoices%2F{invoice_x.pk}%2F"
    for url in PAGES:
        _refused(anonymous_a.get(url.format(pk=invoice_x.pk)), sign_in=True)
    for url in POSTS:
        _refused(anonymous_a.post(url.format(pk=invoice_x.pk)), sign_in=True)
    _nothing_changed(studio_a, invoice_x)


def _nothing_changed(studio, invoice):
    with schema_context(studio.schema_name):
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.ISSUED
        assert not CardPayment.objects.exists()
        assert not DocumentView.objects.exists()


def test_a_hostile_line_description_renders_as_text(studio_a, portal_client_x, studio_cards):
    hostile = "<img src=x onerror=alert(1)>"
    with schema_context(studio_a.schema_name):
        invoice = issued_invoice(portal_client_x.client, description=hostile)
    html = portal_client_x.browser.get(f"/invoices/{invoice.pk}/").content.decode()
    assert hostile not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
