"""The profile page: each client edits their own details, nobody else reaches them."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from studio.models import AuditEntry, Client
from tests.portal_profile.conftest import CAST

pytestmark = pytest.mark.django_db

GOOD = {
    "phone": "+33 1 23 45 67 89",
    "address": "12 rue des Studios\n75011 Paris",
    "country": "fr",
    "vat_number": "fr xx 123456789",
    "notify_documents": "on",
}


def _client(studio, cast_member) -> Client:
    with schema_context(studio.schema_name):
        return Client.objects.get(pk=cast_member.client.pk)


@pytest.mark.parametrize("who", CAST)
def test_the_profile_opens_only_for_a_signed_in_client(cast, who, portal_client_x):
    response = cast[who].get("/profile/")
    if who in ("client_x", "client_y"):
        assert response.status_code == 200
        assert "Your details" in response.content.decode()
    else:
        # Staff, studio B's client and a visitor are sent to the portal's sign-in.
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_it_shows_the_signed_in_clients_own_details(studio_a, portal_client_x, portal_client_y):
    page = portal_client_y.browser.get("/profile/").content.decode()
    assert "Yasmin Loops" in page
    assert "y@bands.example" in page
    assert "Xavier" not in page
    assert 'href="/password/"' in page


def test_a_client_saves_their_details_audited(studio_a, portal_client_x, portal_client_y):
    response = portal_client_x.browser.post("/profile/", GOOD)
    assert response.status_code == 302
    client = _client(studio_a, portal_client_x)
    assert client.phone == "+33 1 23 45 67 89"
    assert client.address == "12 rue des Studios\n75011 Paris"
    assert client.country == "FR"
    assert client.vat_number == "FRXX123456789"
    assert client.notify_documents is True
    assert client.notify_reminders is False
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.get(action="client.changed", object_id=str(client.pk))
        assert entry.changes["vat_number"] == ["", "FRXX123456789"]
        assert entry.user is None
        # Client Y is untouched.
        assert Client.objects.get(pk=portal_client_y.client.pk).phone == ""


def test_the_name_stays_the_studios_to_edit(studio_a, portal_client_x):
    portal_client_x.browser.post("/profile/", {**GOOD, "name": "Someone Else", "email": "e@x.io"})
    client = _client(studio_a, portal_client_x)
    assert client.name == "Xavier and the Tapes"
    assert client.email == "x@bands.example"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"vat_number": "DE12345678", "country": "DE"}, "is not a VAT number of DE"),
        ({"vat_number": "DE123456789", "country": ""}, "Enter your country first"),
        ({"country": "France"}, "Ensure this value has at most 2 characters"),
        ({"country": "F1"}, "two-letter code"),
        ({"phone": "call me <maybe>"}, "digits, spaces"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(studio_a, portal_client_x, change, said):
    response = portal_client_x.browser.post("/profile/", {**GOOD, **change})
    # The form again, with the message by the field (200, as every portal form answers).
    assert response.status_code == 200
    assert "Your details are saved." not in response.content.decode()
    assert said in response.content.decode()
    client = _client(studio_a, portal_client_x)
    assert (client.phone, client.country, client.vat_number) == ("", "", "")
    with schema_context(studio_a.schema_name):
        assert not AuditEntry.objects.filter(action="client.changed").exists()


def test_hostile_text_is_shown_as_text(studio_a, portal_client_x):
    hostile = "<img src=x onerror=alert(1)>"
    portal_client_x.browser.post("/profile/", {**GOOD, "address": hostile})
    page = portal_client_x.browser.get("/profile/").content.decode()
    assert hostile not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("who", ["owner", "accountant", "engineer", "client_b", "anonymous"])
def test_no_one_else_can_post_a_profile(cast, who, studio_a, portal_client_x):
    response = cast[who].post("/profile/", GOOD)
    assert response.status_code == 302
    with schema_context(studio_a.schema_name):
        assert not Client.objects.filter(phone=GOOD["phone"]).exists()
        assert not AuditEntry.objects.filter(action="client.changed").exists()
