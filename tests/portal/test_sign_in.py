"""Signing in to the portal: by an e-mailed link or a password, throttled, never as staff,
never into the back office, and only ever sent back to a page of this studio's portal."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client as Browser
from django.urls import reverse
from django_tenants.utils import schema_context

from portal.models import PortalAccount, PortalLink
from portal.services import accounts
from studio.models import AuditEntry
from tests.conftest import STUDIO_A
from tests.portal.conftest import CLIENT_PASSWORD
from tests.portal.mailbox import last_link

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"


def ask_for_link(browser: Browser, email: str, next_url: str = ""):
    data = {"method": "link", "link-email": email}
    if next_url:
        data["next"] = next_url
    return browser.post(SIGN_IN, data)


def sign_in_with_password(browser: Browser, email: str, password: str, **extra):
    data = {
        "method": "password",
        "password-email": email,
        "password-password": password,
        **extra,
    }
    return browser.post(SIGN_IN, data, REMOTE_ADDR="203.0.113.7")


def test_the_sign_in_page_offers_a_link_and_a_password(anonymous_a):
    page = anonymous_a.get(SIGN_IN).content.decode()
    assert "E-mail me a sign-in link" in page
    assert "Sign in with a password" in page
    assert "csrfmiddlewaretoken" in page


def test_an_e_mailed_link_signs_the_client_in(
    anonymous_a, studio_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_link(anonymous_a, "X@Bands.example")
    assert "Check your inbox" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["x@bands.example"]
    assert "Studio A" in message.subject and "15 minutes" in message.body
    path = last_link()
    confirm = anonymous_a.get(path)
    assert confirm.status_code == 200 and "Sign in to your account" in confirm.content.decode()
    assert SESSION_KEY not in anonymous_a.session  # looking at the link signs nobody in
    response = anonymous_a.post(path)
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(anonymous_a.session[SESSION_KEY]) == portal_client_x.account.user_id
    with schema_context(studio_a.schema_name):
        account = PortalAccount.objects.get(pk=portal_client_x.account.pk)
        assert account.last_seen_at is not None
        assert AuditEntry.objects.filter(
            action="login.succeeded", object_id=str(account.user_id)
        ).exists()


def test_asking_for_a_link_answers_the_same_for_an_unknown_e_mail(
    anonymous_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_for_link(anonymous_a, "x@bands.example").content.decode()
        unknown = ask_for_link(anonymous_a, "nobody@bands.example").content.decode()
    assert known.replace("x@bands.example", "E") == unknown.replace("nobody@bands.example", "E")
    assert [m.to for m in mail.outbox] == [["x@bands.example"]]


def test_the_link_is_never_kept_in_the_studios_mailbox(
    anonymous_a, studio_a, portal_client_x, django_capture_on_commit_callbacks
):
    from studio.models import OutgoingEmail

    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(anonymous_a, "x@bands.example")
    path = last_link()
    secret = path.split("/")[3]
    with schema_context(studio_a.schema_name):
        assert not OutgoingEmail.objects.exists()
        link = PortalLink.objects.get()
        assert secret not in link.secret_hash and len(link.secret_hash) == 64


def test_asking_for_links_is_rate_limited_per_e_mail(
    anonymous_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(accounts.LINKS_PER_EMAIL):
            ask_for_link(anonymous_a, "x@bands.example")
        refused = ask_for_link(anonymous_a, "x@bands.example").content.decode()
    assert "Too many links were asked for" in refused
    assert len(mail.outbox) == accounts.LINKS_PER_EMAIL


def test_an_unknown_e_mail_is_limited_just_like_a_known_one(anonymous_a, portal_client_x):
    for _ in range(accounts.LINKS_PER_EMAIL):
        ask_for_link(anonymous_a, "nobody@bands.example")
    refused = ask_for_link(anonymous_a, "nobody@bands.example").content.decode()
    assert "Too many links were asked for" in refused


def test_asking_for_links_is_rate_limited_per_address(
    anonymous_a, studio_a, django_capture_on_commit_callbacks
):
    for number in range(accounts.LINKS_PER_ADDRESS):
        ask_for_link(anonymous_a, f"someone{number}@bands.example")
    refused = ask_for_link(anonymous_a, "one-more@bands.example").content.decode()
    assert "Too many links were asked for" in refused


def test_a_password_signs_the_client_in_and_rotates_the_session(anonymous_a, portal_client_x):
    anonymous_a.get(SIGN_IN)
    before = anonymous_a.session.session_key
    response = sign_in_with_password(anonymous_a, "x@bands.example", CLIENT_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(anonymous_a.session[SESSION_KEY]) == portal_client_x.account.user_id
    assert anonymous_a.session.session_key != before


def test_a_wrong_password_is_refused_in_words(anonymous_a, portal_client_x):
    response = sign_in_with_password(anonymous_a, "x@bands.example", "not-it")
    assert response.status_code == 200
    assert accounts_no_match() in response.content.decode()
    assert SESSION_KEY not in anonymous_a.session


def accounts_no_match() -> str:
    from portal.views.accounts import NO_MATCH

    return NO_MATCH


def test_five_wrong_passwords_lock_the_account_and_the_lockout_answers_429(
    anonymous_a, studio_a, portal_client_x
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_with_password(anonymous_a, "x@bands.example", "guess").status_code == 200
    locked = sign_in_with_password(anonymous_a, "x@bands.example", "guess")
    assert locked.status_code == 429
    # Even the right password is refused while the lockout lasts.
    again = sign_in_with_password(anonymous_a, "x@bands.example", CLIENT_PASSWORD)
    assert again.status_code == 429 and SESSION_KEY not in anonymous_a.session
    from axes.models import AccessAttempt

    with schema_context(studio_a.schema_name):
        attempt = AccessAttempt.objects.get()
        assert attempt.username == "portal:x@bands.example"


def test_the_portal_backend_answers_only_when_the_portal_asks(portal_client_x, in_studio_a):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post(SIGN_IN)
    username = "portal:x@bands.example"
    signed_in = authenticate(request, username=username, password=CLIENT_PASSWORD, portal=True)
    assert signed_in.pk == portal_client_x.account.user_id
    backend = accounts_backend()
    assert backend.authenticate(request, username=username, password=CLIENT_PASSWORD) is None
    owner = {"username": STUDIO_A.owner_email, "password": STUDIO_A.owner_password}
    assert backend.authenticate(request, portal=True, **owner) is None


def test_the_owners_e_mail_and_password_do_not_open_the_portal(anonymous_a, studio_a):
    response = sign_in_with_password(anonymous_a, STUDIO_A.owner_email, STUDIO_A.owner_password)
    assert response.status_code == 200 and accounts_no_match() in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert SESSION_KEY not in anonymous_a.session


def accounts_backend():
    from portal.auth import PortalBackend

    return PortalBackend()


def test_the_portal_backend_never_signs_in_staff(studio_a, in_studio_a):
    from django.contrib.auth.models import User

    owner = User.objects.get(email=STUDIO_A.owner_email)
    owner.username = "portal:owner@studio-a.example"
    owner.save()
    backend = accounts_backend()
    signed_in = backend.authenticate(
        None, username=owner.username, password=STUDIO_A.owner_password, portal=True
    )
    assert signed_in is None and backend.get_user(owner.pk) is None


def test_a_portal_session_never_opens_the_back_office(portal_client_x):
    response = portal_client_x.browser.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    clients = portal_client_x.browser.get("/admin/studio/client/")
    assert clients.status_code == 302 and "/admin/login/" in clients["Location"]


def test_a_client_password_does_not_open_the_back_office_login(anonymous_a, portal_client_x):
    page = anonymous_a.post(
        "/admin/login/",
        {"username": "portal:x@bands.example", "password": CLIENT_PASSWORD},
    )
    assert SESSION_KEY not in anonymous_a.session
    assert page.status_code == 200
    assert anonymous_a.get("/admin/").status_code == 302


def test_a_signed_in_member_of_staff_is_asked_to_sign_in_as_a_client(
    owner_browser_a, front_desk_browser_a
):
    for browser in (owner_browser_a, front_desk_browser_a):
        response = browser.get("/password/")
        assert response.status_code == 302
        assert response["Location"].startswith(f"{SIGN_IN}?next=")
        page = browser.get(response["Location"]).content.decode()
        assert "sign in here with a client account" in page


def test_an_account_made_staff_is_no_longer_taken_for_a_client(studio_a, portal_client_x):
    with schema_context(studio_a.schema_name):
        user = portal_client_x.account.user
        user.is_staff = True
        user.save()
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.get("/password/")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    refused = sign_in_with_password(browser, "x@bands.example", CLIENT_PASSWORD)
    assert refused.status_code == 200 and accounts_no_match() in refused.content.decode()


def test_a_client_signing_in_in_a_staff_browser_replaces_the_staff_session(
    owner_browser_a, owner_a, portal_client_x
):
    sign_in_with_password(owner_browser_a, "x@bands.example", CLIENT_PASSWORD)
    assert int(owner_browser_a.session[SESSION_KEY]) == portal_client_x.account.user_id
    assert owner_browser_a.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http://studio-b.localhost/",
        "/admin/",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_portal(anonymous_a, portal_client_x, next_url):
    response = sign_in_with_password(anonymous_a, "x@bands.example", CLIENT_PASSWORD, next=next_url)
    assert response.status_code == 302 and response["Location"] == "/"


def test_next_to_a_portal_page_is_followed(anonymous_a, portal_client_x):
    response = sign_in_with_password(
        anonymous_a, "x@bands.example", CLIENT_PASSWORD, next="/password/"
    )
    assert response["Location"] == "/password/"


def test_an_e_mailed_link_keeps_where_the_client_was_going(
    anonymous_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(anonymous_a, "x@bands.example", next_url="/password/")
    path = last_link()
    assert "next=%2Fpassword%2F" in path
    assert anonymous_a.post(path)["Location"] == "/password/"


def test_an_e_mailed_link_with_a_foreign_next_goes_home(
    anonymous_a, portal_client_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_link(anonymous_a, "x@bands.example")
    path = last_link() + "?next=https://evil.example/"
    assert anonymous_a.post(path)["Location"] == "/"


def test_signing_out_takes_a_post_and_ends_the_session(portal_client_x):
    browser = portal_client_x.browser
    page = browser.get("/sign-out/")
    assert page.status_code == 200 and SESSION_KEY in browser.session
    response = browser.post("/sign-out/")
    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")
    assert SESSION_KEY not in browser.session
    assert browser.get("/password/").status_code == 302


def test_forms_need_the_csrf_token(portal_client_x):
    strict = Browser(HTTP_HOST=STUDIO_A.host, enforce_csrf_checks=True)
    response = strict.post(SIGN_IN, {"method": "link", "link-email": "x@bands.example"})
    assert response.status_code == 403
    strict.force_login(portal_client_x.account.user, backend=accounts.BACKEND)
    assert strict.post("/sign-out/").status_code == 403
    assert SESSION_KEY in strict.session
