"""Staff see on a quote and a contract what the client did with it in the portal: not opened,
opened (first and last time), accepted or declined online with the typed name and when, signed
online with name, time and address; the lists filter by it."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from studio.services import portal_documents as rules
from tests.portal_documents.conftest import sent_quote

pytestmark = pytest.mark.django_db


def _accept(client, quote, studio_a, name="Xavier Tape"):
    with schema_context(studio_a.schema_name):
        rules.portal_quote_accept(
            client=client,
            quote_id=quote.pk,
            name=name,
            consent=True,
            ip="203.0.113.5",
            user_agent="Firefox/140",
        )


def test_the_quote_list_says_where_each_quote_stands_and_filters(
    owner_browser_a, portal_client_x, quote_x, studio_a
):
    with schema_context(studio_a.schema_name):
        opened = sent_quote(portal_client_x.client, title="Opened one")
        untouched = sent_quote(portal_client_x.client, title="Untouched one")
    portal_client_x.browser.get(f"/documents/quotes/{opened.pk}/")
    _accept(portal_client_x.client, quote_x, studio_a)

    html = owner_browser_a.get("/admin/studio/quote/").content.decode()
    assert "Accepted online by Xavier Tape on" in html
    assert "Opened " in html and "Not opened in the portal yet" in html
    online = owner_browser_a.get("/admin/studio/quote/?portal=online").content.decode()
    assert quote_x.number in online and untouched.number not in online
    not_viewed = owner_browser_a.get("/admin/studio/quote/?portal=not_viewed").content.decode()
    assert untouched.number in not_viewed and opened.number not in not_viewed
    viewed = owner_browser_a.get("/admin/studio/quote/?portal=viewed").content.decode()
    assert opened.number in viewed and quote_x.number not in viewed


def test_the_quote_page_shows_the_online_answer(
    owner_browser_a, portal_client_x, quote_x, studio_a
):
    _accept(portal_client_x.client, quote_x, studio_a)
    html = owner_browser_a.get(f"/admin/studio/quote/{quote_x.pk}/change/").content.decode()
    assert "Xavier Tape" in html and "203.0.113.5" in html and "Firefox/140" in html


def test_the_contract_list_and_page_show_an_online_signature(
    owner_browser_a, portal_client_x, contract_x, studio_a
):
    with schema_context(studio_a.schema_name):
        rules.portal_contract_sign(
            client=portal_client_x.client,
            contract_id=contract_x.pk,
            name="Xavier Tape",
            consent=True,
            shown_hash=rules.contract_shown_hash(contract_x),
            ip="198.51.100.4",
            user_agent="Chromium/141",
        )
    listing = owner_browser_a.get("/admin/studio/contract/?portal=online").content.decode()
    assert "Signed online by Xavier Tape on" in listing and "198.51.100.4" in listing
    page = owner_browser_a.get(f"/admin/studio/contract/{contract_x.pk}/change/").content.decode()
    assert rules.contract_shown_hash(contract_x) in page
