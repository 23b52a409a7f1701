"""Every documents URL of the portal with the whole cast: only the client whose document it is
opens it or answers it; staff (owner, accountant, engineer) are sent to the portal's sign-in,
client Y gets 404 for client X's documents, studio B's client and anonymous visitors are sent
to sign in. Refused answers change nothing."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django_tenants.utils import schema_context

from portal.models import DocumentView
from studio.models import AuditEntry, Contract, Invoice, OutgoingEmail, Quote
from studio.services.contracts import contract_text_hash
from tests.conftest import STUDIO_A
from tests.portal_documents.conftest import CAST, staff_browser

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/?next="


@pytest.fixture
def cast(
    studio_a, owner_browser_a, portal_client_x, portal_client_y, portal_client_b, anonymous_a
) -> dict[str, Browser]:
    """Each member's browser on studio A's address; studio B's client carries the cookie
    studio B gave them."""
    with schema_context(studio_a.schema_name):
        accountant = staff_browser("books@studio-a.example", "Accountant")
        engineer = staff_browser("eng@studio-a.example", "Engineer")
    b_on_a = Browser(HTTP_HOST=STUDIO_A.host)
    b_on_a.cookies.update(portal_client_b.browser.cookies)
    return {
        "owner": owner_browser_a,
        "accountant": accountant,
        "engineer": engineer,
        "client_x": portal_client_x.browser,
        "client_y": portal_client_y.browser,
        "client_b": b_on_a,
        "anonymous": anonymous_a,
    }


def expected(who: str) -> int:
    return {"client_x": 200, "client_y": 404}.get(who, 302)


@pytest.mark.parametrize("who", CAST)
def test_the_documents_page_is_for_signed_in_clients_only(cast, who, quote_x, contract_x):
    page = cast[who].get("/documents/")
    if who in ("client_x", "client_y"):
        assert page.status_code == 200
        shows = quote_x.number in page.content.decode()
        assert shows is (who == "client_x")
    else:
        assert page.status_code == 302 and page.url.startswith(SIGN_IN)


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("kind", ["quote", "quote_pdf", "contract", "contract_pdf"])
def test_a_document_opens_for_its_own_client_only(cast, who, kind, quote_x, contract_x, studio_a):
    path = {
        "quote": f"/documents/quotes/{quote_x.pk}/",
        "quote_pdf": f"/documents/quotes/{quote_x.pk}/pdf/",
        "contract": f"/documents/contracts/{contract_x.pk}/",
        "contract_pdf": f"/documents/contracts/{contract_x.pk}/pdf/",
    }[kind]
    page = cast[who].get(path)
    assert page.status_code == expected(who)
    if page.status_code == 302:
        assert page.url.startswith(SIGN_IN)
    if page.status_code == 200 and kind.endswith("_pdf"):
        assert page["Content-Type"] == "application/pdf" and page.content.startswith(b"%PDF")
    with schema_context(studio_a.schema_name):
        views = DocumentView.objects.count()
    assert views == (1 if who == "client_x" and kind in ("quote", "contract") else 0)


def _state(studio_a):
    with schema_context(studio_a.schema_name):
        return (
            list(Quote.objects.values_list("pk", "status", "accepted_name", "decline_reason")),
            list(Contract.objects.values_list("pk", "status", "signed_name")),
            Invoice.objects.count(),
            OutgoingEmail.objects.count(),
            AuditEntry.objects.count(),
        )


@pytest.mark.parametrize("who", [w for w in CAST if w != "client_x"])
@pytest.mark.parametrize("action", ["accept", "decline", "sign"])
def test_no_one_else_answers_client_xs_documents(cast, who, action, quote_x, contract_x, studio_a):
    before = _state(studio_a)
    if action == "sign":
        form = {
            "document": contract_x.pk,
            "name": "Someone Else",
            "consent": "on",
            "shown_hash": contract_text_hash(title=contract_x.title, body=contract_x.body),
        }
        answer = cast[who].post(f"/documents/contracts/{contract_x.pk}/sign/", form)
    else:
        form = {"document": quote_x.pk, "name": "Someone Else", "consent": "on", "reason": "no"}
        answer = cast[who].post(f"/documents/quotes/{quote_x.pk}/{action}/", form)
    assert answer.status_code == expected(who)
    assert _state(studio_a) == before


@pytest.mark.parametrize("who", CAST)
def test_a_draft_is_nobodys_in_the_portal(cast, who, studio_a, portal_client_x):
    from studio.services.quotes import quote_create

    with schema_context(studio_a.schema_name):
        draft = quote_create(client=portal_client_x.client, title="Not yet")
    page = cast[who].get(f"/documents/quotes/{draft.pk}/")
    assert page.status_code == (404 if who in ("client_x", "client_y") else 302)
