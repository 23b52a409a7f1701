"""Every account page of the portal with the whole cast: studio A's owner and front desk,
clients X and Y of studio A, a client of studio B, and an anonymous visitor."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as Browser
from django_tenants.utils import schema_context

from portal.models import PortalLink
from portal.services import accounts
from tests.conftest import STUDIO_A
from tests.portal.conftest import CLIENT_PASSWORD

pytestmark = pytest.mark.django_db

CAST = ["owner", "front_desk", "client_x", "client_y", "client_b", "anonymous"]
NEW = "Neve-Console-8078"


@pytest.fixture
def cast(
    owner_browser_a,
    front_desk_browser_a,
    portal_client_x,
    portal_client_y,
    portal_client_b,
    anonymous_a,
) -> dict[str, Browser]:
    """Each member's browser on studio A's address. Studio B's client brings the session
    cookie studio B gave them: on studio A it opens nothing."""
    b_on_a = Browser(HTTP_HOST=STUDIO_A.host)
    b_on_a.cookies.update(portal_client_b.browser.cookies)
    return {
        "owner": owner_browser_a,
        "front_desk": front_desk_browser_a,
        "client_x": portal_client_x.browser,
        "client_y": portal_client_y.browser,
        "client_b": b_on_a,
        "anonymous": anonymous_a,
    }


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("path", ["/sign-in/", "/password/reset/", "/sign-out/"])
def test_the_public_account_pages_open_for_everyone(cast, who, path):
    assert cast[who].get(path).status_code == 200


@pytest.mark.parametrize("who", CAST)
def test_registration_is_closed_to_everyone_by_invitation_only(cast, who, booking_mode):
    booking_mode("invite")
    assert cast[who].get("/register/").status_code == 403


@pytest.mark.parametrize("who", CAST)
def test_registration_opens_for_everyone_when_the_studio_allows(cast, who, booking_mode):
    booking_mode("open")
    assert cast[who].get("/register/").status_code == 200


@pytest.mark.parametrize(
    ("who", "opens"),
    [
        ("owner", False),
        ("front_desk", False),
        ("client_x", True),
        ("client_y", True),
        ("client_b", False),
        ("anonymous", False),
    ],
)
def test_the_password_page_opens_only_for_a_client_of_this_studio(cast, who, opens):
    response = cast[who].get("/password/")
    if opens:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("who", ["owner", "front_desk", "client_b", "anonymous"])
def test_nobody_but_a_client_changes_a_password(cast, who, studio_a, portal_client_x):
    cast[who].post("/password/", {"current": "", "password": NEW, "password_again": NEW})
    with schema_context(studio_a.schema_name):
        portal_client_x.account.user.refresh_from_db()
        assert portal_client_x.account.user.check_password(CLIENT_PASSWORD)


def test_client_y_changes_only_their_own_password(cast, studio_a, portal_client_x, portal_client_y):
    response = cast["client_y"].post(
        "/password/", {"current": CLIENT_PASSWORD, "password": NEW, "password_again": NEW}
    )
    assert response.status_code == 302
    with schema_context(studio_a.schema_name):
        portal_client_x.account.user.refresh_from_db()
        portal_client_y.account.user.refresh_from_db()
        assert portal_client_x.account.user.check_password(CLIENT_PASSWORD)
        assert portal_client_y.account.user.check_password(NEW)


def test_signing_out_one_client_leaves_the_other_signed_in(cast):
    cast["client_x"].post("/sign-out/")
    assert SESSION_KEY not in cast["client_x"].session
    assert cast["client_y"].get("/password/").status_code == 200


@pytest.mark.parametrize("who", CAST)
def test_a_link_signs_in_only_the_account_it_was_sent_to(cast, who, studio_a, portal_client_x):
    with schema_context(studio_a.schema_name):
        secret, _ = accounts.link_issue(account=portal_client_x.account, kind=accounts.SIGN_IN)
    browser = cast[who]
    response = browser.post(f"/link/sign_in/{secret}/")
    assert response.status_code == 302
    assert int(browser.session[SESSION_KEY]) == portal_client_x.account.user_id
    # Whoever was signed in before (staff included) is not any more.
    assert browser.get("/admin/").status_code == 302


@pytest.mark.parametrize("who", CAST)
def test_a_link_of_studio_b_signs_nobody_in_on_studio_a(
    cast, who, studio_a, studio_b, portal_client_b
):
    with schema_context(studio_b.schema_name):
        secret, _ = accounts.link_issue(account=portal_client_b.account, kind=accounts.SIGN_IN)
    browser = cast[who]
    with schema_context(studio_a.schema_name):
        before = browser.session.get(SESSION_KEY)
    response = browser.post(f"/link/sign_in/{secret}/")
    assert response.status_code == 410
    with schema_context(studio_a.schema_name):
        assert browser.session.get(SESSION_KEY) == before
    with schema_context(studio_b.schema_name):
        assert PortalLink.objects.get().used_at is None
