"""The owner's Anonymise: the client's personal data goes, what the law requires stays."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import schema_context

from portal.models import DataExport, PortalAccount
from portal.services.data_export import data_export_start
from studio.models import AuditEntry, Client, Contract, Invoice, OutgoingEmail, Payment, Quote
from studio.services.erasure import client_anonymise
from studio.services.errors import StudioError
from tests.portal_profile.conftest import CAST, documents_for

pytestmark = pytest.mark.django_db


def _url(client) -> str:
    return f"/admin/studio/client/{client.pk}/anonymise/"


@pytest.fixture
def asked(studio_a, portal_client_x, portal_client_y):
    """Client X, with documents, a VAT number and notes, asked to be deleted; Y did not."""
    with schema_context(studio_a.schema_name):
        x = portal_client_x.client
        x.phone, x.address, x.country, x.vat_number = "+33 1", "1 rue X", "FR", "FRXX123456789"
        x.notes, x.tags = "Pays late", ["rock"]
        x.save()
        docs = documents_for(x)
        documents_for(portal_client_y.client)
        OutgoingEmail.objects.create(
            kind="invoice_issued", to=x.email, subject="Your invoice", body="Dear Xavier"
        )
        data_export_start(account=portal_client_x.account)
    portal_client_x.browser.post("/profile/delete/")
    return docs


@pytest.mark.parametrize("who", CAST)
def test_only_an_owner_opens_the_confirmation(cast, who, asked, portal_client_x):
    response = cast[who].get(_url(portal_client_x.client))
    if who == "owner":
        assert response.status_code == 200
        page = response.content.decode()
        assert "This cannot be undone." in page
        assert "asked for it on" in page
    elif who in ("accountant", "engineer"):
        assert response.status_code == 403
    else:
        # Clients and visitors are not staff: the back office sends them to its sign-in.
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["accountant", "engineer", "client_x", "client_b", "anonymous"])
def test_no_one_but_an_owner_can_anonymise(cast, who, studio_a, asked, portal_client_x):
    cast[who].post(_url(portal_client_x.client))
    with schema_context(studio_a.schema_name):
        x = Client.objects.get(pk=portal_client_x.client.pk)
        assert x.anonymised_at is None
        assert x.name == "Xavier and the Tapes"


def test_the_owner_anonymises_and_is_told_what_was_kept(
    studio_a, owner_browser_a, asked, portal_client_x, portal_client_y
):
    with schema_context(studio_a.schema_name):
        invoice_before = Invoice.objects.get(pk=asked["invoice"].pk)
        contract_before = Contract.objects.get(pk=asked["contract"].pk)
    response = owner_browser_a.post(_url(portal_client_x.client), follow=True)
    page = response.content.decode()
    assert "The client is anonymised. Kept, as the law requires:" in page
    assert "1 issued invoice(s) keep the name and address printed on them." in page
    assert "1 signed contract(s) keep the signer" in page
    assert "1 payment(s) and their receipts stay as recorded." in page
    with schema_context(studio_a.schema_name):
        x = Client.objects.get(pk=portal_client_x.client.pk)
        assert x.name == f"Anonymised client #{x.pk}"
        assert (x.artist_name, x.email, x.phone, x.address) == ("", "", "", "")
        assert (x.country, x.vat_number, x.notes, x.tags) == ("", "", "", [])
        assert x.anonymised_at is not None
        # What the law requires stays exactly as issued.
        invoice = Invoice.objects.get(pk=asked["invoice"].pk)
        assert invoice.bill_to == invoice_before.bill_to
        assert "Xavier and the Tapes" in invoice.bill_to
        assert (invoice.number, invoice.total, invoice.status) == (
            invoice_before.number,
            invoice_before.total,
            invoice_before.status,
        )
        assert Quote.objects.get(pk=asked["quote"].pk).bill_to.startswith("Xavier")
        contract = Contract.objects.get(pk=asked["contract"].pk)
        assert contract.signed_name == contract_before.signed_name
        assert contract.document_sha256 == contract_before.document_sha256
        assert Payment.objects.filter(client=x).count() == 1
        # The draft the client never received forgets them.
        assert Invoice.objects.get(pk=asked["draft"].pk).bill_to == ""
        # The portal account is closed and its exports gone.
        account = PortalAccount.objects.get(pk=portal_client_x.account.pk)
        assert not account.user.is_active
        assert not account.user.has_usable_password()
        assert "x@bands.example" not in (account.email, account.user.username)
        assert not DataExport.objects.filter(account=account).exists()
        assert not OutgoingEmail.objects.filter(to__iexact="x@bands.example").exists()
        entry = AuditEntry.objects.get(action="client.anonymised", object_id=str(x.pk))
        assert "Xavier" not in str(entry.changes) and "FRXX" not in str(entry.changes)
        # Client Y keeps everything.
        y = Client.objects.get(pk=portal_client_y.client.pk)
        assert y.name == "Yasmin Loops" and y.anonymised_at is None
        assert PortalAccount.objects.get(pk=portal_client_y.account.pk).user.is_active
    # Client X's portal session no longer opens anything.
    assert portal_client_x.browser.get("/profile/").status_code == 302
    # The client's page says so.
    page = owner_browser_a.get(f"/admin/studio/client/{x.pk}/change/").content.decode()
    assert "Anonymised on" in page
    listed = owner_browser_a.get("/admin/studio/client/?erasure=done").content.decode()
    assert f"/admin/studio/client/{x.pk}/change/" in listed


def test_anonymising_twice_is_refused(studio_a, owner_a, asked, portal_client_x):
    with schema_context(studio_a.schema_name):
        client_anonymise(client=portal_client_x.client, by=owner_a)
        count = AuditEntry.objects.filter(action="client.anonymised").count()
        with pytest.raises(StudioError, match="was already anonymised"):
            client_anonymise(client=portal_client_x.client, by=owner_a)
        assert AuditEntry.objects.filter(action="client.anonymised").count() == count


def test_an_accountant_is_refused_by_the_service_too(studio_a, asked, portal_client_x):
    from tests.studio.conftest import staff_user

    with schema_context(studio_a.schema_name):
        accountant = staff_user("acc@studio-a.example", "Accountant")
        with pytest.raises(StudioError, match="Your role does not allow this"):
            client_anonymise(client=portal_client_x.client, by=accountant)
        assert Client.objects.get(pk=portal_client_x.client.pk).anonymised_at is None
        assert User.objects.filter(portal_account__client=portal_client_x.client).get().is_active
