"""A client signs their contract in the portal: the typed name, consent, when, from where, the
browser and the SHA-256 of the exact text shown are kept; the signed PDF carries them on its
signature page and is e-mailed to the client and the studio. A contract changed meanwhile, a
form replayed for another contract, a second signature: refused or a no-op, nothing changed."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from portal.models import DocumentView
from studio.models import Contract, ContractTemplate, OutgoingEmail, StoredPdf
from studio.services import portal_documents as rules
from studio.services.contracts import contract_text_hash
from tests.portal_documents.conftest import HOSTILE, sent_contract

pytestmark = pytest.mark.django_db


def shown_hash(contract) -> str:
    return contract_text_hash(title=contract.title, body=contract.body)


def sign(cast_member, contract, **form):
    values = {
        "document": contract.pk,
        "name": "Xavier Tape",
        "consent": "on",
        "shown_hash": shown_hash(contract),
        **form,
    }
    return cast_member.browser.post(
        f"/documents/contracts/{contract.pk}/sign/",
        values,
        HTTP_USER_AGENT="Chromium/141",
        REMOTE_ADDR="198.51.100.4",
    )


def reread(studio_a, contract) -> Contract:
    with schema_context(studio_a.schema_name):
        return Contract.objects.get(pk=contract.pk)


def test_the_contract_page_shows_the_text_and_the_hash_it_will_sign(portal_client_x, contract_x):
    html = portal_client_x.browser.get(f"/documents/contracts/{contract_x.pk}/").content.decode()
    assert "The artist books the EP for €1,500.00." in html
    assert f'name="shown_hash" value="{shown_hash(contract_x)}"' in html


def test_opening_a_contract_records_the_view_once_with_first_and_last_time(
    portal_client_x, contract_x, studio_a
):
    portal_client_x.browser.get(f"/documents/contracts/{contract_x.pk}/")
    with schema_context(studio_a.schema_name):
        first = DocumentView.objects.get(kind="contract", object_id=contract_x.pk)
    portal_client_x.browser.get(f"/documents/contracts/{contract_x.pk}/")
    with schema_context(studio_a.schema_name):
        again = DocumentView.objects.get(kind="contract", object_id=contract_x.pk)
    assert again.first_viewed_at == first.first_viewed_at
    assert again.last_viewed_at > first.last_viewed_at


def test_signing_keeps_the_evidence_and_mails_the_signed_pdf(portal_client_x, contract_x, studio_a):
    answer = sign(portal_client_x, contract_x)
    assert answer.status_code == 302
    contract = reread(studio_a, contract_x)
    assert contract.status == Contract.Status.SIGNED
    assert (contract.signed_name, contract.signed_via) == ("Xavier Tape", "portal")
    assert contract.signed_ip == "198.51.100.4" and contract.signed_user_agent == "Chromium/141"
    assert contract.document_sha256 == shown_hash(contract_x)
    with schema_context(studio_a.schema_name):
        stored = StoredPdf.objects.get(kind="contract", object_id=contract.pk)
        mails = OutgoingEmail.objects.filter(about=f"contract:{contract.pk}:signed")
        assert sorted(mails.values_list("to", flat=True)) == [
            "bookings@studio-a.example",
            portal_client_x.email,
        ]
        assert {m.attachment_kind for m in mails} == {"contract"}
        assert all(contract.document_sha256 in m.body for m in mails)
    assert bytes(stored.data).startswith(b"%PDF")
    pdf = portal_client_x.browser.get(f"/documents/contracts/{contract.pk}/pdf/")
    assert pdf.content == bytes(stored.data)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_signed_pdf_has_a_signature_page_with_name_and_hash(
    portal_client_x, contract_x, studio_a, tmp_path
):
    sign(portal_client_x, contract_x)
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(
        portal_client_x.browser.get(f"/documents/contracts/{contract_x.pk}/pdf/").content
    )
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    joined = "".join(text.split())
    assert "XavierTape" in joined and "198.51.100.4" in text
    assert shown_hash(contract_x) in joined


def test_a_contract_changed_since_it_was_shown_is_not_signed(portal_client_x, contract_x, studio_a):
    old_hash = shown_hash(contract_x)
    with schema_context(studio_a.schema_name):
        # Staff reword a sent contract (no service does it; the database does not forbid it).
        Contract.objects.filter(pk=contract_x.pk).update(body="Different terms.")
    answer = sign(portal_client_x, contract_x, shown_hash=old_hash)
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert "The contract changed since it was opened" in page
    contract = reread(studio_a, contract_x)
    assert contract.status == Contract.Status.SENT and contract.signed_name == ""
    with schema_context(studio_a.schema_name):
        assert not OutgoingEmail.objects.filter(about__endswith=":signed").exists()


def test_a_form_replayed_for_another_contract_is_refused(portal_client_x, contract_x, studio_a):
    with schema_context(studio_a.schema_name):
        other = sent_contract(portal_client_x.client)
        connection.set_schema_to_public()
    # The right document id, the hash of the other contract: the hash decides.
    answer = sign(portal_client_x, other, shown_hash=shown_hash(contract_x) + "0")
    assert "changed since it was opened" in portal_client_x.browser.get(answer.url).content.decode()
    # The form of contract X posted to the other contract's address.
    answer = portal_client_x.browser.post(
        f"/documents/contracts/{other.pk}/sign/",
        {
            "document": contract_x.pk,
            "name": "Xavier Tape",
            "consent": "on",
            "shown_hash": shown_hash(contract_x),
        },
    )
    assert rules.NOT_FOUND in portal_client_x.browser.get(answer.url).content.decode()
    assert reread(studio_a, other).status == reread(studio_a, contract_x).status == "sent"


@pytest.mark.parametrize(
    "form, message",
    [({"name": "x"}, rules.NAME_NEEDED), ({"consent": ""}, rules.CONSENT_NEEDED)],
)
def test_a_name_and_consent_are_needed(portal_client_x, contract_x, studio_a, form, message):
    answer = sign(portal_client_x, contract_x, **form)
    assert answer.status_code == 400 and message in answer.content.decode()
    assert reread(studio_a, contract_x).status == Contract.Status.SENT


def test_signing_twice_is_a_no_op_with_a_message(portal_client_x, contract_x, studio_a):
    sign(portal_client_x, contract_x)
    first = reread(studio_a, contract_x)
    answer = sign(portal_client_x, contract_x, name="Someone Else")
    assert (
        "You already signed this contract"
        in portal_client_x.browser.get(answer.url).content.decode()
    )
    again = reread(studio_a, contract_x)
    assert (again.signed_name, again.signed_at) == (first.signed_name, first.signed_at)
    with schema_context(studio_a.schema_name):
        assert OutgoingEmail.objects.filter(about__endswith=":signed").count() == 2


def test_a_later_change_to_the_template_leaves_a_signed_contract_alone(
    portal_client_x, contract_x, studio_a
):
    sign(portal_client_x, contract_x)
    with schema_context(studio_a.schema_name):
        ContractTemplate.objects.update(body="New wording for everyone.")
        pdf = bytes(StoredPdf.objects.get(kind="contract", object_id=contract_x.pk).data)
    contract = reread(studio_a, contract_x)
    assert contract.body == contract_x.body
    assert contract.document_sha256 == shown_hash(contract_x)
    download = portal_client_x.browser.get(f"/documents/contracts/{contract_x.pk}/pdf/")
    assert download.content == pdf


def test_a_void_contract_cannot_be_signed(portal_client_x, contract_x, studio_a):
    from studio.services.contracts import contract_void

    with schema_context(studio_a.schema_name):
        contract_void(contract=contract_x)
    answer = sign(portal_client_x, contract_x)
    assert rules.CONTRACT_VOID in portal_client_x.browser.get(answer.url).content.decode()
    assert reread(studio_a, contract_x).status == Contract.Status.VOID


def test_a_hostile_name_signs_as_text(portal_client_x, contract_x, studio_a):
    answer = sign(portal_client_x, contract_x, name=HOSTILE)
    assert reread(studio_a, contract_x).signed_name == HOSTILE
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
