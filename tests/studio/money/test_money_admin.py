"""The money pages of the back office: who may open and act on them, what the actions do, and
that nothing of studio A shows on studio B's domain."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import (
    Contract,
    ContractTemplate,
    EmailTemplate,
    Invoice,
    OutgoingEmail,
    Payment,
    Quote,
)
from studio.services.contracts import contract_create
from studio.services.credit_notes import credit_note_create
from studio.services.invoices import invoice_create, invoice_issue
from studio.services.payments import payment_record
from studio.services.quotes import quote_create
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory
from tests.studio.money.conftest import ISSUED_ON, lines

pytestmark = pytest.mark.django_db

ROLES = ["owner", "accountant", "front_desk", "engineer", "outsider", "anonymous"]


@pytest.fixture
def world(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        band = ClientFactory(name="The Night Owls", email="owls@example.com")
        issued = invoice_issue(
            invoice=invoice_create(client=band, lines=lines((4, "312.50", 0, 20))), today=ISSUED_ON
        )
        draft = invoice_create(client=band, lines=lines((1, 99, 0, 20)))
        payment = payment_record(invoice=issued, amount="500", method="bank_transfer")
        note = credit_note_create(
            invoice=issued, reason="Goodwill", lines=[{"description": "x", "unit_price": "50"}]
        )
        template = ContractTemplate.objects.create(
            name="Recording", title="Recording — {{ project }}", body="For {{ client_name }}."
        )
        objects = {
            "issued": issued,
            "draft": draft,
            "payment": payment,
            "note": note,
            "quote": quote_create(client=band, title="EP", lines=lines((2, 400, 0, 20))),
            "contract": contract_create(client=band, template=template, project="EP"),
            "template": template,
            "email": EmailTemplate.objects.get(kind="invoice"),
        }
        users = {
            "owner": User.objects.get(email=STUDIO_A.owner_email),
            "accountant": staff_user("books@studio-a.example", "Accountant"),
            "front_desk": staff_user("desk@studio-a.example", "Front desk"),
            "engineer": staff_user("eng@studio-a.example", "Engineer"),
        }
        clients = {}
        for role, user in users.items():
            clients[role] = HttpClient(HTTP_HOST=STUDIO_A.host)
            clients[role].force_login(user)
    with schema_context(studio_b.schema_name):
        outsider = HttpClient(HTTP_HOST=STUDIO_B.host)
        outsider.force_login(User.objects.get(email=STUDIO_B.owner_email))
    clients["outsider"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    clients["outsider"].cookies = outsider.cookies
    clients["outsider_at_home"] = outsider
    clients["anonymous"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    return clients, objects, studio_a


def refused(response) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/admin/login/" in response["Location"]
    )


MONEY = {"owner", "accountant"}
PAGES = {
    "/admin/studio/invoice/": MONEY | {"front_desk"},
    "/admin/studio/invoice/add/": MONEY,
    "/admin/studio/invoice/{issued}/change/": MONEY | {"front_desk"},
    "/admin/studio/invoice/{draft}/change/": MONEY | {"front_desk"},
    "/admin/studio/invoice/{issued}/pdf/": MONEY | {"front_desk"},
    "/admin/studio/invoice/{issued}/payment/": MONEY,
    "/admin/studio/invoice/{issued}/credit/": MONEY,
    "/admin/studio/invoice/{draft}/issue/": MONEY,
    "/admin/studio/quote/": MONEY | {"front_desk"},
    "/admin/studio/quote/{quote}/change/": MONEY | {"front_desk"},
    "/admin/studio/quote/{quote}/pdf/": MONEY | {"front_desk"},
    "/admin/studio/quote/{quote}/send/": MONEY | {"front_desk"},
    "/admin/studio/payment/": MONEY | {"front_desk"},
    "/admin/studio/payment/{payment}/receipt/": MONEY | {"front_desk"},
    "/admin/studio/payment/{payment}/refund/": MONEY,
    "/admin/studio/creditnote/{note}/change/": MONEY,
    "/admin/studio/creditnote/{note}/pdf/": MONEY,
    "/admin/money/receivables/": MONEY | {"front_desk"},
    "/admin/studio/contract/": MONEY | {"front_desk"},
    "/admin/studio/contract/{contract}/change/": MONEY | {"front_desk"},
    "/admin/studio/contract/{contract}/pdf/": MONEY | {"front_desk"},
    "/admin/studio/contracttemplate/{template}/change/": MONEY | {"front_desk"},
    "/admin/studio/emailtemplate/{email}/change/": MONEY,
    "/admin/studio/outgoingemail/": MONEY | {"front_desk"},
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_money_page_is_open_to_its_roles_only(world, role, path):
    clients, objects, _ = world
    response = clients[role].get(path.format(**{k: v.pk for k, v in objects.items()}))
    if role in PAGES[path]:
        assert response.status_code == 200, response.status_code
    else:
        assert refused(response), response.status_code


def test_pdfs_are_served_as_pdf_files(world):
    clients, objects, _ = world
    response = clients["owner"].get(f"/admin/studio/invoice/{objects['issued'].pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="INV-2026-0001.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_issuing_from_the_admin(world):
    clients, objects, studio = world
    draft = objects["draft"]
    response = clients["accountant"].post(f"/admin/studio/invoice/{draft.pk}/issue/")
    assert response.status_code == 302
    with schema_context(studio.schema_name):
        draft.refresh_from_db()
        assert (draft.status, draft.number) == ("issued", "INV-2026-0002")


@pytest.mark.parametrize("role", ["engineer", "outsider", "anonymous"])
def test_refused_roles_cannot_issue_or_record_payments(world, role):
    clients, objects, studio = world
    clients[role].post(f"/admin/studio/invoice/{objects['draft'].pk}/issue/")
    clients[role].post(
        f"/admin/studio/invoice/{objects['issued'].pk}/payment/",
        {"amount": "100", "method": "cash", "received_on": "2026-03-05"},
    )
    with schema_context(studio.schema_name):
        assert Invoice.objects.get(pk=objects["draft"].pk).status == "draft"
        assert Payment.objects.count() == 1


def test_recording_a_payment_in_the_admin(world):
    clients, objects, studio = world
    issued = objects["issued"]
    response = clients["accountant"].post(
        f"/admin/studio/invoice/{issued.pk}/payment/",
        {"amount": "450.00", "method": "cash", "received_on": "2026-03-05", "reference": "till"},
    )
    assert response.status_code == 302
    with schema_context(studio.schema_name):
        issued.refresh_from_db()
        assert issued.amount_paid == Decimal(950) and issued.status == "partially_paid"


def test_a_refused_payment_shows_why_and_changes_nothing(world):
    clients, objects, studio = world
    issued = objects["issued"]
    response = clients["owner"].post(
        f"/admin/studio/invoice/{issued.pk}/payment/",
        {"amount": "5000", "method": "cash", "received_on": "2026-03-05"},
    )
    assert response.status_code == 200
    assert "left to pay" in response.text
    with schema_context(studio.schema_name):
        assert Payment.objects.count() == 1


def test_an_issued_invoice_page_has_no_editable_lines(world):
    clients, objects, _ = world
    page = clients["owner"].get(f"/admin/studio/invoice/{objects['issued'].pk}/change/").text
    assert 'name="lines-0-unit_price"' not in page
    draft_page = clients["owner"].get(f"/admin/studio/invoice/{objects['draft'].pk}/change/").text
    assert 'name="lines-0-unit_price"' in draft_page
    assert "data-live-totals" in draft_page


def test_live_totals_use_the_money_rules(world):
    clients, _, _ = world
    payload = {
        "currency": "JPY",
        "lines": [
            {"quantity": "3", "unit_price": "1999", "discount_percent": "12.5", "tax_rate": "10"}
        ],
    }
    response = clients["owner"].post(
        "/admin/money/totals/", json.dumps(payload), content_type="application/json"
    )
    rows = {row["label"]: row["value"] for row in response.json()["rows"]}
    assert rows["Total"] == "JP¥5,772"  # CLDR's yen symbol in British English
    bad = clients["owner"].post(
        "/admin/money/totals/",
        json.dumps({"currency": "EUR", "lines": [{"unit_price": "1", "discount_percent": "300"}]}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "discount" in bad.json()["error"]


def test_receivables_show_what_the_client_owes(world):
    clients, _, _ = world
    page = clients["accountant"].get("/admin/money/receivables/").text
    # 1,500.00 issued, 50.00 credited (no tax on that line), 500.00 paid: 950.00 left.
    assert "The Night Owls" in page and "€950.00" in page


def test_an_email_template_with_an_unknown_placeholder_is_refused(world):
    clients, objects, studio = world
    template = objects["email"]
    response = clients["owner"].post(
        f"/admin/studio/emailtemplate/{template.pk}/change/",
        {"subject": "Invoice {{ number }}", "body": "Pay to {{ iban }}"},
    )
    assert response.status_code == 200 and "Unknown placeholder" in response.text
    with schema_context(studio.schema_name):
        assert "iban" not in EmailTemplate.objects.get(pk=template.pk).body
    preview = clients["owner"].get(f"/admin/studio/emailtemplate/{template.pk}/change/").text
    assert "Nadia Kowalczyk" in preview


def test_sending_puts_the_email_in_the_mailbox(world):
    clients, objects, studio = world
    clients["owner"].post(f"/admin/studio/invoice/{objects['issued'].pk}/send/")
    with schema_context(studio.schema_name):
        email = OutgoingEmail.objects.get()
        assert email.to == "owls@example.com" and email.attachment_kind == "invoice"
    mailbox = clients["owner"].get("/admin/studio/outgoingemail/").text
    assert "Invoice INV-2026-0001" in mailbox


def test_converting_a_quote_opens_the_new_invoice(world):
    clients, objects, studio = world
    quote = objects["quote"]
    clients["owner"].post(f"/admin/studio/quote/{quote.pk}/send/")
    response = clients["owner"].post(f"/admin/studio/quote/{quote.pk}/convert/")
    with schema_context(studio.schema_name):
        invoice = Invoice.objects.get(quote=quote)
        assert Quote.objects.get(pk=quote.pk).status == "converted"
    assert response["Location"] == f"/admin/studio/invoice/{invoice.pk}/change/"


def test_marking_a_contract_signed_on_paper(world):
    clients, objects, studio = world
    contract = objects["contract"]
    clients["accountant"].post(
        f"/admin/studio/contract/{contract.pk}/signed-on-paper/", {"name": "Ana Owl"}
    )
    with schema_context(studio.schema_name):
        signed = Contract.objects.get(pk=contract.pk)
        assert (signed.status, signed.signed_name, signed.signed_via) == (
            "signed",
            "Ana Owl",
            "paper",
        )


def test_studio_b_sees_none_of_studio_a_documents(world):
    clients, objects, _ = world
    home = clients["outsider_at_home"]
    for path in (
        "/admin/studio/invoice/",
        "/admin/studio/outgoingemail/",
        "/admin/money/receivables/",
        "/admin/studio/payment/",
    ):
        page = home.get(path)
        assert page.status_code == 200 and "Night Owls" not in page.text
    pdf = home.get(f"/admin/studio/invoice/{objects['issued'].pk}/pdf/")
    assert pdf.status_code == 404


def test_a_partial_credit_from_the_admin_carries_the_tax(world):
    clients, objects, studio = world
    issued = objects["issued"]
    form = clients["owner"].get(f"/admin/studio/invoice/{issued.pk}/credit/").text
    assert 'value="20"' in form  # the invoice's rate is proposed
    clients["owner"].post(
        f"/admin/studio/invoice/{issued.pk}/credit/",
        {"reason": "Shorter day", "amount": "100", "tax_rate": "20"},
    )
    with schema_context(studio.schema_name):
        note = issued.credit_notes.order_by("-pk").first()
        assert (note.reason, note.net, note.tax, note.total) == (
            "Shorter day",
            Decimal(100),
            Decimal(20),
            Decimal(120),
        )


@pytest.fixture
def finished_session(world):
    from studio.services.session_lifecycle import session_check_in, session_check_out
    from studio.services.sessions import session_create
    from tests.studio.conftest import paris
    from tests.studio.factories import RoomFactory

    _clients, objects, studio = world
    with schema_context(studio.schema_name):
        band = objects["issued"].client
        session = session_create(
            client=band,
            room=RoomFactory(name="Live Room", hourly_rate=Decimal("50")),
            start=paris(2026, 3, 10, 10),
            end=paris(2026, 3, 10, 13),
        )
        session_check_in(session=session, at=paris(2026, 3, 10, 10))
        session_check_out(session=session, at=paris(2026, 3, 10, 13))
    return session


def test_a_deposit_taken_on_the_session_page_goes_to_its_invoice(world, finished_session):
    clients, _, studio = world
    response = clients["accountant"].post(
        f"/admin/studio/session/{finished_session.pk}/deposit/",
        {"amount": "45", "method": "card_terminal", "reference": "terminal 0042"},
    )
    assert response.status_code == 302
    response = clients["accountant"].post(
        "/admin/studio/session/?when=past",
        {"action": "bill_selected", "_selected_action": [finished_session.pk]},
    )
    with schema_context(studio.schema_name):
        invoice = Invoice.objects.get(lines__session=finished_session)
        assert response["Location"] == f"/admin/studio/invoice/{invoice.pk}/change/"
        assert invoice.status == "draft" and invoice.total == Decimal(180)  # 150 + 20 %
        assert invoice.payments.get().amount == Decimal(45)


@pytest.mark.parametrize("role", ["engineer", "front_desk", "outsider"])
def test_only_money_roles_bill_sessions(world, finished_session, role):
    clients, _, studio = world
    clients[role].post(
        "/admin/studio/session/?when=past",
        {"action": "bill_selected", "_selected_action": [finished_session.pk]},
    )
    clients[role].post(
        f"/admin/studio/session/{finished_session.pk}/deposit/",
        {"amount": "45", "method": "cash"},
    )
    with schema_context(studio.schema_name):
        assert not Invoice.objects.filter(lines__session=finished_session).exists()
        assert not Payment.objects.filter(session=finished_session).exists()


def test_void_is_offered_only_where_it_can_work(world):
    clients, objects, studio = world
    paid_page = clients["owner"].get(f"/admin/studio/invoice/{objects['issued'].pk}/change/")
    assert "/void/" not in paid_page.content.decode()  # it has a payment: credit it instead
    with schema_context(studio.schema_name):
        fresh = invoice_issue(
            invoice=invoice_create(client=objects["issued"].client, lines=lines((1, 10, 0, 0)))
        )
    fresh_page = clients["owner"].get(f"/admin/studio/invoice/{fresh.pk}/change/")
    assert f"/admin/studio/invoice/{fresh.pk}/void/" in fresh_page.content.decode()
    refused = clients["owner"].get(f"/admin/studio/invoice/{objects['issued'].pk}/void/")
    assert refused.status_code == 403
