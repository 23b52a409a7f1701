from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from studio.models import Contract, ContractTemplate, OutgoingEmail, Quote, StoredPdf
from studio.services.contracts import (
    contract_create,
    contract_mark_signed_on_paper,
    contract_send,
    contract_sign,
    contract_template_check,
    contract_text_hash,
    contract_void,
)
from studio.services.errors import StudioError
from studio.services.quotes import (
    quote_accept,
    quote_convert,
    quote_create,
    quote_decline,
    quote_send,
    quotes_expire,
)
from tests.studio.money.conftest import ISSUED_ON, lines


@pytest.fixture
def sent_quote(band):
    quote = quote_create(client=band, title="Album tracking", lines=lines((5, 400, 10, 20)))
    return quote_send(quote=quote, today=ISSUED_ON)


def test_sending_numbers_freezes_and_mails_the_quote(sent_quote):
    assert sent_quote.status == "sent" and sent_quote.number == "Q-2026-0001"
    assert sent_quote.valid_until == date(2026, 4, 1)
    assert sent_quote.total == Decimal(2160)  # 2000 - 10 % = 1800, + 20 %
    assert StoredPdf.objects.filter(kind="quote", object_id=sent_quote.pk).exists()
    email = OutgoingEmail.objects.get(about=f"quote:{sent_quote.pk}")
    assert email.subject.startswith("Quote Q-2026-0001 from ")
    assert "€2,160.00" in email.body and "01 April 2026" in email.body


def test_accept_then_convert_creates_the_invoice_once(sent_quote):
    quote_accept(quote=sent_quote, today=ISSUED_ON)
    invoice = quote_convert(quote=sent_quote)
    sent_quote.refresh_from_db()
    assert sent_quote.status == Quote.Status.CONVERTED
    assert invoice.status == "draft" and invoice.quote_id == sent_quote.pk
    assert (invoice.total, invoice.lines.count()) == (sent_quote.total, 1)
    with pytest.raises(StudioError, match="converted"):
        quote_convert(quote=sent_quote)


def test_a_declined_quote_cannot_be_converted(sent_quote):
    quote_decline(quote=sent_quote, today=ISSUED_ON)
    with pytest.raises(StudioError, match="declined"):
        quote_convert(quote=sent_quote)


def test_quotes_expire_after_their_date(sent_quote):
    assert quotes_expire(today=date(2026, 4, 1)) == 0
    assert quotes_expire(today=date(2026, 4, 2)) == 1
    sent_quote.refresh_from_db()
    assert sent_quote.status == "expired"
    with pytest.raises(StudioError, match="expired"):
        quote_accept(quote=sent_quote)


def test_an_accepted_late_quote_is_refused(sent_quote):
    with pytest.raises(StudioError, match="expired on 01 April 2026"):
        quote_accept(quote=sent_quote, today=date(2026, 4, 5))
    sent_quote.refresh_from_db()
    assert sent_quote.status == "sent"


def test_a_sent_quote_is_frozen_in_the_database(sent_quote):
    with (
        pytest.raises(DatabaseError, match="cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE studio_quoteline SET unit_price = 1 WHERE quote_id = %s", [sent_quote.pk]
        )
    assert sent_quote.lines.get().unit_price == Decimal(400)


@pytest.fixture
def template(in_studio_a):
    return ContractTemplate.objects.create(
        name="Recording agreement",
        title="Recording agreement — {{ project }}",
        body="Between {{ studio_name }} and {{ client_name }}.\n\n"
        "Sessions from {{ start_date }} to {{ end_date }} for a fee of {{ fee }}.",
    )


def test_a_contract_is_rendered_from_its_template(band, template):
    contract = contract_create(
        client=band,
        template=template,
        project="Second album",
        start_date=date(2026, 5, 4),
        end_date=date(2026, 5, 15),
        fee=Decimal("4800"),
    )
    assert contract.title == "Recording agreement — Second album"
    assert "and Les Ondes Řízek." in contract.body
    assert "from 04 May 2026 to 15 May 2026 for a fee of €4,800.00" in contract.body


def test_unknown_placeholders_are_refused():
    with pytest.raises(StudioError, match=r"Unknown placeholder \{\{ budget \}\}"):
        contract_template_check(title="T", body="Fee: {{ budget }}")


def test_signing_records_the_signature_and_the_hash(band, template):
    contract = contract_send(contract=contract_create(client=band, template=template))
    shown = contract_text_hash(title=contract.title, body=contract.body)
    signed = contract_sign(
        contract=contract,
        name="  Jana   Řízková ",
        ip="203.0.113.7",
        user_agent="Mozilla/5.0",
        shown_hash=shown,
    )
    assert signed.status == "signed" and signed.signed_name == "Jana Řízková"
    assert signed.document_sha256 == shown and len(shown) == 64
    assert (signed.signed_ip, signed.signed_via) == ("203.0.113.7", "portal")
    assert StoredPdf.objects.filter(kind="contract", object_id=signed.pk).exists()
    with pytest.raises(StudioError, match="signed"):
        contract_void(contract=signed)


def test_a_contract_changed_since_it_was_shown_is_not_signed(band, template):
    contract = contract_send(contract=contract_create(client=band, template=template))
    with pytest.raises(StudioError, match="changed since it was opened"):
        contract_sign(
            contract=contract, name="Jana", ip="203.0.113.7", user_agent="x", shown_hash="0" * 64
        )
    contract.refresh_from_db()
    assert contract.status == "sent" and contract.document_sha256 == ""


def test_staff_record_a_paper_signature(band, template):
    from tests.studio.conftest import staff_user

    manager = staff_user("manager@studio-a.example", "Manager")
    contract = contract_create(client=band, template=template)
    signed = contract_mark_signed_on_paper(contract=contract, name="Jana Řízková", by=manager)
    assert (signed.signed_via, signed.recorded_by) == ("paper", manager)


def test_a_signed_contract_cannot_change_in_the_database(band, template):
    contract = contract_create(client=band, template=template)
    contract_mark_signed_on_paper(contract=contract, name="Jana", by=None)
    for statement in (
        "UPDATE studio_contract SET body = 'other terms' WHERE id = %s",
        "DELETE FROM studio_contract WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="cannot"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [contract.pk])
    assert Contract.objects.get(pk=contract.pk).body == contract.body


def test_the_database_refuses_a_signed_contract_without_its_record(band, template):
    contract = contract_create(client=band, template=template)
    contract.status = "signed"
    with pytest.raises(DatabaseError, match="contract_signed_is_recorded"), transaction.atomic():
        contract.save()
