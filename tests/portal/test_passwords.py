"""A forgotten password is reset by an e-mailed link; a password is checked by Django's
validators; changing one needs the current one unless a fresh link opened the session."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django_tenants.utils import schema_context

from portal.models import PortalLink
from studio.models import AuditEntry
from tests.portal.conftest import CLIENT_PASSWORD
from tests.portal.mailbox import last_link

pytestmark = pytest.mark.django_db

NEW = "Ampex-Four-Forty"


def test_a_reset_link_lets_the_client_choose_a_new_password(
    anonymous_a, studio_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous_a.post("/password/reset/", {"email": "x@bands.example"})
    assert "Check your inbox" in response.content.decode()
    (message,) = mail.outbox
    assert "1 hour" in message.body and "Studio A" in message.subject
    path = last_link()
    assert "/link/reset/" in path
    assert anonymous_a.post(path)["Location"] == "/password/"
    page = anonymous_a.get("/password/").content.decode()
    assert "Current password" not in page
    saved = anonymous_a.post("/password/", {"password": NEW, "password_again": NEW})
    assert saved.status_code == 302
    with schema_context(studio_a.schema_name):
        user = portal_client_x.account.user
        user.refresh_from_db()
        assert user.check_password(NEW)
        assert PortalLink.objects.get().used_at is not None


def test_a_reset_for_an_unknown_e_mail_answers_the_same_and_sends_nothing(
    anonymous_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = anonymous_a.post("/password/reset/", {"email": "x@bands.example"})
        unknown = anonymous_a.post("/password/reset/", {"email": "zed@bands.example"})
    assert known.content.decode().replace("x@", "E@") == unknown.content.decode().replace(
        "zed@", "E@"
    )
    assert len(mail.outbox) == 1


def test_changing_a_password_needs_the_current_one(studio_a, portal_client_x):
    browser = portal_client_x.browser
    assert "Current password" in browser.get("/password/").content.decode()
    wrong = browser.post("/password/", {"current": "nope", "password": NEW, "password_again": NEW})
    assert "That is not your current password." in wrong.content.decode()
    right = browser.post(
        "/password/", {"current": CLIENT_PASSWORD, "password": NEW, "password_again": NEW}
    )
    assert right.status_code == 302
    with schema_context(studio_a.schema_name):
        user = portal_client_x.account.user
        user.refresh_from_db()
        assert user.check_password(NEW)
        assert AuditEntry.objects.filter(action="portal.password_set").count() == 1
    assert SESSION_KEY in browser.session


def test_wrong_current_passwords_count_towards_the_lockout(studio_a, portal_client_x):
    from axes.models import AccessAttempt

    browser = portal_client_x.browser
    browser.post("/password/", {"current": "nope", "password": NEW, "password_again": NEW})
    with schema_context(studio_a.schema_name):
        assert AccessAttempt.objects.get().username == "portal:x@bands.example"


@pytest.mark.parametrize(
    ("password", "again", "said"),
    [
        ("short1", "short1", "too short"),
        ("password123", "password123", "too common"),
        ("12345678901", "12345678901", "entirely numeric"),
        ("x@bands.example", "x@bands.example", "too similar"),
        (NEW, NEW + "!", "not the same"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused_and_nothing_changes(
    studio_a, portal_client_x, password, again, said
):
    browser = portal_client_x.browser
    response = browser.post(
        "/password/", {"current": CLIENT_PASSWORD, "password": password, "password_again": again}
    )
    assert response.status_code == 200 and said in response.content.decode()
    with schema_context(studio_a.schema_name):
        user = portal_client_x.account.user
        user.refresh_from_db()
        assert user.check_password(CLIENT_PASSWORD)
        assert not AuditEntry.objects.filter(action="portal.password_set").exists()


def test_the_password_page_is_for_signed_in_clients_only(anonymous_a, portal_client_b):
    response = anonymous_a.get("/password/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=%2Fpassword%2F"
    # Studio B's client is signed in on studio B's address only.
    anonymous_a.cookies.update(portal_client_b.browser.cookies)
    assert anonymous_a.get("/password/").status_code == 302
