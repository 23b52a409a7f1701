"""The portal's cast, for every portal test: clients X and Y of studio A, each with an account
and a browser signed in as them on studio A's address, a client of studio B with its own
account, and studio A's staff (its owner, a front desk member) signed in to the back office.

Accounts are made directly (no invitation e-mail), as an invited client who opened their link
would have them; the invitation itself is tested in test_invitations.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django_tenants.utils import schema_context

from portal.models import PortalAccount
from portal.services.accounts import portal_username
from studio.models import Client
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user

CLIENT_PASSWORD = "Reel-To-Reel-1979"


@dataclass
class PortalCast:
    """One client of a studio with a portal account, and a browser signed in as them."""

    client: Client
    account: PortalAccount
    browser: Browser
    email: str
    password: str = CLIENT_PASSWORD


def portal_account_make(*, client: Client, email: str, password: str | None = CLIENT_PASSWORD):
    """A portal account for `client`, in the current schema."""
    user = User.objects.create_user(username=portal_username(email), email=email)
    if password:
        user.set_password(password)
        user.save()
    return PortalAccount.objects.create(user=user, client=client, email=email)


def portal_browser(host: str, account: PortalAccount) -> Browser:
    browser = Browser(HTTP_HOST=host)
    browser.force_login(account.user, backend="portal.auth.PortalBackend")
    return browser


def _cast(studio, host: str, name: str, email: str) -> PortalCast:
    with schema_context(studio.schema_name):
        client = Client.objects.create(name=name, email=email)
        account = portal_account_make(client=client, email=email)
        browser = portal_browser(host, account)
    return PortalCast(client=client, account=account, browser=browser, email=email)


@pytest.fixture
def portal_client_x(studio_a) -> PortalCast:
    return _cast(studio_a, STUDIO_A.host, "Xavier and the Tapes", "x@bands.example")


@pytest.fixture
def portal_client_y(studio_a) -> PortalCast:
    return _cast(studio_a, STUDIO_A.host, "Yasmin Loops", "y@bands.example")


@pytest.fixture
def portal_client_b(studio_b) -> PortalCast:
    return _cast(studio_b, STUDIO_B.host, "Bea of Studio B", "b@bands.example")


@pytest.fixture
def owner_a(studio_a) -> User:
    with schema_context(studio_a.schema_name):
        return User.objects.get(email=STUDIO_A.owner_email)


@pytest.fixture
def front_desk_a(studio_a) -> User:
    with schema_context(studio_a.schema_name):
        return staff_user("desk@studio-a.example", "Front desk")


@pytest.fixture
def owner_browser_a(studio_a, owner_a) -> Browser:
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        browser.force_login(owner_a, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture
def front_desk_browser_a(studio_a, front_desk_a) -> Browser:
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        browser.force_login(front_desk_a, backend="django.contrib.auth.backends.ModelBackend")
    return browser


@pytest.fixture
def anonymous_a(studio_a) -> Browser:
    return Browser(HTTP_HOST=STUDIO_A.host)


@pytest.fixture
def booking_mode(studio_a):
    """Set studio A's booking mode: `booking_mode("open")`."""

    def set_mode(mode: str) -> None:
        from studio.models import StudioSettings

        with schema_context(studio_a.schema_name):
            StudioSettings.objects.update(booking_mode=mode)

    return set_mode
