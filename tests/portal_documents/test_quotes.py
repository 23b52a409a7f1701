"""A client answers their quote in the portal: accepted with a typed name and consent (and
invoiced at once where the studio says so), or declined with a reason. Late, answered and
replayed forms are refused, saying why, and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from studio.models import AuditEntry, Invoice, Quote
from studio.selectors.settings import studio_today
from studio.services import portal_documents as rules
from studio.services.errors import StudioError
from studio.services.quotes import quote_accept, quote_decline
from tests.portal_documents.conftest import HOSTILE, sent_quote

pytestmark = pytest.mark.django_db

ACCEPT = {"name": "Xavier  Tape", "consent": "on"}


def accept(cast_member, quote, extra: dict | None = None, **form):
    return cast_member.browser.post(
        f"/documents/quotes/{quote.pk}/accept/",
        {"document": quote.pk, **ACCEPT, **form},
        **(extra or {}),
    )


def reread(studio_a, quote) -> Quote:
    with schema_context(studio_a.schema_name):
        return Quote.objects.get(pk=quote.pk)


def test_the_quote_page_shows_the_lines_total_and_accept_form(portal_client_x, quote_x):
    html = portal_client_x.browser.get(f"/documents/quotes/{quote_x.pk}/").content.decode()
    assert "Tracking day" in html and "€2,160.00" in html
    assert "data-accept-form" in html and "data-decline-form" in html


def test_accepting_records_the_typed_name_where_from_and_audits(
    portal_client_x, quote_x, studio_a, acceptance
):
    acceptance("staff")
    answer = accept(
        portal_client_x,
        quote_x,
        extra={"HTTP_USER_AGENT": "Firefox/140", "REMOTE_ADDR": "203.0.113.7"},
    )
    assert answer.status_code == 302
    quote = reread(studio_a, quote_x)
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.accepted_name == "Xavier Tape"  # spaces tidied
    assert quote.decided_via == Quote.DecidedVia.PORTAL
    assert quote.decided_ip == "203.0.113.7" and quote.decided_user_agent == "Firefox/140"
    assert timezone.now() - quote.decided_at < timedelta(minutes=1)
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.get(action="quote.accepted", object_id=str(quote.pk))
        assert entry.changes["accepted_name"] == [None, "Xavier Tape"]
        assert not Invoice.objects.exists()  # staff invoice it
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert "The studio will be in touch" in page and "Accepted by Xavier Tape" in page


def test_where_the_studio_converts_an_accepted_quote_becomes_an_invoice(
    portal_client_x, quote_x, studio_a, acceptance
):
    acceptance("convert")
    accept(portal_client_x, quote_x)
    quote = reread(studio_a, quote_x)
    assert quote.status == Quote.Status.CONVERTED and quote.accepted_name == "Xavier Tape"
    with schema_context(studio_a.schema_name):
        invoice = Invoice.objects.get(quote=quote)
    assert invoice.client_id == portal_client_x.client.pk and invoice.total == quote.total


@pytest.mark.parametrize(
    "form, message",
    [
        ({"name": " x "}, rules.NAME_NEEDED),
        ({"name": ""}, rules.NAME_NEEDED),
        ({"consent": ""}, rules.CONSENT_NEEDED),
    ],
)
def test_a_name_and_consent_are_needed(portal_client_x, quote_x, studio_a, form, message):
    answer = accept(portal_client_x, quote_x, **form)
    assert answer.status_code == 400 and message in answer.content.decode()
    assert reread(studio_a, quote_x).status == Quote.Status.SENT


def test_accepting_twice_is_a_no_op_with_a_message(portal_client_x, quote_x, studio_a):
    accept(portal_client_x, quote_x)
    first = reread(studio_a, quote_x)
    with schema_context(studio_a.schema_name):
        entries = AuditEntry.objects.count()
    answer = accept(portal_client_x, quote_x, name="Another Name")
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert "You already accepted this quote on" in page
    again = reread(studio_a, quote_x)
    assert (again.accepted_name, again.decided_at) == (first.accepted_name, first.decided_at)
    with schema_context(studio_a.schema_name):
        assert AuditEntry.objects.count() == entries


def test_an_expired_quote_cannot_be_accepted(portal_client_x, studio_a):
    with schema_context(studio_a.schema_name):
        quote = sent_quote(portal_client_x.client)
        Quote.objects.filter(pk=quote.pk).update(valid_until=studio_today() - timedelta(days=1))
    page = portal_client_x.browser.get(f"/documents/quotes/{quote.pk}/").content.decode()
    assert "This quote has expired" in page and "data-accept-form" not in page
    answer = accept(portal_client_x, quote)
    assert "expired on" in portal_client_x.browser.get(answer.url).content.decode()
    assert reread(studio_a, quote).status == Quote.Status.SENT
    assert reread(studio_a, quote).accepted_name == ""


@pytest.mark.parametrize("staff_answer", [quote_decline, quote_accept])
def test_a_quote_answered_by_staff_is_not_answered_again(
    portal_client_x, quote_x, studio_a, staff_answer
):
    with schema_context(studio_a.schema_name):
        staff_answer(quote=quote_x)
    answer = accept(portal_client_x, quote_x)
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert rules.QUOTE_CLOSED[reread(studio_a, quote_x).status] in page
    quote = reread(studio_a, quote_x)
    assert quote.accepted_name == "" and quote.decided_via == Quote.DecidedVia.STAFF


def test_a_form_replayed_against_another_quote_is_refused(portal_client_x, quote_x, studio_a):
    with schema_context(studio_a.schema_name):
        other = sent_quote(portal_client_x.client, title="Another")
    answer = portal_client_x.browser.post(
        f"/documents/quotes/{other.pk}/accept/", {"document": quote_x.pk, **ACCEPT}
    )
    assert rules.NOT_FOUND in portal_client_x.browser.get(answer.url).content.decode()
    assert reread(studio_a, other).status == reread(studio_a, quote_x).status == "sent"


def test_the_service_refuses_another_clients_quote(portal_client_y, quote_x, studio_a):
    with schema_context(studio_a.schema_name), pytest.raises(StudioError, match=rules.NOT_FOUND):
        rules.portal_quote_accept(
            client=portal_client_y.client,
            quote_id=quote_x.pk,
            name="Yasmin Loops",
            consent=True,
            ip="203.0.113.9",
            user_agent="",
        )
    assert reread(studio_a, quote_x).status == Quote.Status.SENT


def test_declining_keeps_the_reason_and_the_quote_cannot_then_be_accepted(
    portal_client_x, quote_x, studio_a
):
    answer = portal_client_x.browser.post(
        f"/documents/quotes/{quote_x.pk}/decline/",
        {"document": quote_x.pk, "reason": f"Too dear {HOSTILE}"},
    )
    quote = reread(studio_a, quote_x)
    assert quote.status == Quote.Status.DECLINED and quote.decline_reason.startswith("Too dear")
    assert quote.decided_via == Quote.DecidedVia.PORTAL
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert HOSTILE not in page and "&lt;img src=x" in page
    accept(portal_client_x, quote_x)
    assert reread(studio_a, quote_x).status == Quote.Status.DECLINED


def test_declining_needs_a_reason(portal_client_x, quote_x, studio_a):
    answer = portal_client_x.browser.post(
        f"/documents/quotes/{quote_x.pk}/decline/", {"document": quote_x.pk, "reason": "  "}
    )
    assert answer.status_code == 400 and rules.REASON_NEEDED in answer.content.decode()
    assert reread(studio_a, quote_x).status == Quote.Status.SENT


def test_a_hostile_name_is_kept_as_text(portal_client_x, quote_x, studio_a):
    answer = accept(portal_client_x, quote_x, name=HOSTILE)
    assert reread(studio_a, quote_x).accepted_name == HOSTILE
    page = portal_client_x.browser.get(answer.url).content.decode()
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_documents_page_lists_quotes_with_their_state(portal_client_x, quote_x, studio_a):
    accept(portal_client_x, quote_x)
    with schema_context(studio_a.schema_name):
        sent_quote(portal_client_x.client, title="Second album")
    html = portal_client_x.browser.get("/documents/").content.decode()
    assert 'data-state="accepted"' in html and "To answer by" in html
