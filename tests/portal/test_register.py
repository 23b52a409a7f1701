"""Registering, as each booking mode allows: never by invitation-only studios, only known
e-mails for "registered clients", anyone for "open". The answer never says which happened."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils.html import escape
from django_tenants.utils import schema_context

from portal.models import PortalAccount
from portal.services.accounts import INVITE_ONLY
from studio.models import AuditEntry, Client

pytestmark = pytest.mark.django_db

INBOX = "Check your inbox"


def register(browser, email: str, name: str = ""):
    return browser.post("/register/", {"email": email, "name": name})


def test_an_invitation_only_studio_refuses_registration(
    anonymous_a, studio_a, booking_mode, django_capture_on_commit_callbacks
):
    booking_mode("invite")
    with schema_context(studio_a.schema_name):
        Client.objects.create(name="Known", email="known@bands.example")
    assert anonymous_a.get("/register/").status_code == 403
    sign_in = anonymous_a.get("/sign-in/").content.decode()
    assert 'href="/register/"' not in sign_in
    with django_capture_on_commit_callbacks(execute=True):
        response = register(anonymous_a, "known@bands.example", "Known")
    assert response.status_code == 403 and escape(INVITE_ONLY) in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert not PortalAccount.objects.exists()
    assert mail.outbox == []


def test_registered_mode_opens_an_account_for_a_known_e_mail(
    anonymous_a, studio_a, booking_mode, django_capture_on_commit_callbacks
):
    booking_mode("registered")
    with schema_context(studio_a.schema_name):
        known = Client.objects.create(name="Known Band", email="Known@Bands.example")
    assert 'href="/register/"' in anonymous_a.get("/sign-in/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(anonymous_a, "known@bands.example")
    assert INBOX in response.content.decode()
    with schema_context(studio_a.schema_name):
        account = PortalAccount.objects.get()
        assert account.client == known and not account.user.is_staff
        assert AuditEntry.objects.filter(action="portal.registered").exists()
        assert Client.objects.count() == 1
    (message,) = mail.outbox
    assert message.to == ["known@bands.example"] and "/link/invite/" in message.body


def test_registered_mode_sends_nothing_for_an_unknown_e_mail_and_says_the_same(
    anonymous_a, studio_a, booking_mode, django_capture_on_commit_callbacks
):
    booking_mode("registered")
    with schema_context(studio_a.schema_name):
        Client.objects.create(name="Known Band", email="known@bands.example")
    with django_capture_on_commit_callbacks(execute=True):
        known = register(anonymous_a, "known@bands.example").content.decode()
        unknown = register(anonymous_a, "stranger@bands.example").content.decode()
    assert known.replace("known@", "E@") == unknown.replace("stranger@", "E@")
    with schema_context(studio_a.schema_name):
        assert PortalAccount.objects.count() == 1 and Client.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["known@bands.example"]]


def test_open_mode_makes_a_new_visitor_a_client(
    anonymous_a, studio_a, booking_mode, django_capture_on_commit_callbacks
):
    booking_mode("open")
    with django_capture_on_commit_callbacks(execute=True):
        response = register(anonymous_a, "New@Bands.example", "The New Band")
    assert INBOX in response.content.decode()
    with schema_context(studio_a.schema_name):
        client = Client.objects.get()
        assert (client.name, client.email, client.kind) == (
            "The New Band",
            "new@bands.example",
            Client.Kind.ARTIST,
        )
        assert PortalAccount.objects.get().client == client
        assert AuditEntry.objects.filter(action="client.created").exists()
    assert len(mail.outbox) == 1


def test_open_mode_asks_for_a_name(anonymous_a, studio_a, booking_mode):
    booking_mode("open")
    response = register(anonymous_a, "new@bands.example", "  ")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert not Client.objects.exists() and not PortalAccount.objects.exists()


def test_registering_with_an_existing_account_sends_a_sign_in_link(
    anonymous_a, studio_a, portal_client_x, booking_mode, django_capture_on_commit_callbacks
):
    booking_mode("open")
    with django_capture_on_commit_callbacks(execute=True):
        response = register(anonymous_a, "x@bands.example", "Someone Else")
    assert INBOX in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert PortalAccount.objects.count() == 1
        assert not Client.objects.filter(name="Someone Else").exists()
    (message,) = mail.outbox
    assert "/link/sign_in/" in message.body


def test_a_bad_e_mail_is_refused_in_words(anonymous_a, studio_a, booking_mode):
    booking_mode("open")
    response = register(anonymous_a, "not-an-address", "Band")
    assert "Enter a valid email address" in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert not Client.objects.exists()


def test_registration_shares_the_link_rate_limit(
    anonymous_a, studio_a, booking_mode, django_capture_on_commit_callbacks
):
    from portal.services.accounts import LINKS_PER_EMAIL

    booking_mode("open")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(LINKS_PER_EMAIL):
            register(anonymous_a, "loop@bands.example", "Loop")
        refused = register(anonymous_a, "loop@bands.example", "Loop").content.decode()
    assert "Too many links" in refused
    assert len(mail.outbox) == LINKS_PER_EMAIL
