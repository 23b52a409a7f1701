"""An e-mailed portal link works once, for a while, for one purpose, in one studio."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from portal.models import PortalLink
from portal.services import accounts
from studio.services.errors import StudioError
from tests.conftest import STUDIO_A, STUDIO_B

pytestmark = pytest.mark.django_db


def issue(account, kind: str) -> tuple[str, str]:
    """A new link for `account` (in the current schema): its secret and its page."""
    secret, link = accounts.link_issue(account=account, kind=kind)
    return secret, reverse("portal:link", args=[link.purpose, secret])


@pytest.mark.parametrize(
    ("kind", "lifetime"),
    [
        (accounts.SIGN_IN, timedelta(minutes=15)),
        (accounts.INVITATION, timedelta(days=7)),
        (accounts.WELCOME, timedelta(days=7)),
        (accounts.RESET, timedelta(hours=1)),
    ],
)
def test_each_kind_of_link_expires_after_its_own_time(portal_client_x, in_studio_a, kind, lifetime):
    before = timezone.now()
    _, link = accounts.link_issue(account=portal_client_x.account, kind=kind)
    assert before + lifetime <= link.expires_at <= timezone.now() + lifetime


def test_a_link_is_used_once(portal_client_x, in_studio_a):
    secret, _ = issue(portal_client_x.account, accounts.SIGN_IN)
    assert accounts.link_use(secret=secret, purpose="sign_in") == portal_client_x.account
    with pytest.raises(StudioError, match="already used"):
        accounts.link_use(secret=secret, purpose="sign_in")
    assert PortalLink.objects.get().used_at is not None


def test_looking_at_a_link_does_not_use_it(portal_client_x, studio_a):
    with schema_context(studio_a.schema_name):
        _, path = issue(portal_client_x.account, accounts.SIGN_IN)
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    for _ in range(3):  # a mail scanner, a preview, the client
        page = browser.get(path)
        assert page.status_code == 200 and "Sign in to your account" in page.content.decode()
    with schema_context(studio_a.schema_name):
        assert PortalLink.objects.get().used_at is None
    assert browser.post(path).status_code == 302
    second = Browser(HTTP_HOST=STUDIO_A.host).post(path)
    assert second.status_code == 410 and "already used" in second.content.decode()
    assert SESSION_KEY not in Browser(HTTP_HOST=STUDIO_A.host).session


def test_a_link_checked_before_another_click_used_it_is_still_refused(
    portal_client_x, in_studio_a, monkeypatch
):
    """The race, without threads: this click read the link while it was unused, then another
    click used it; the conditional UPDATE, not the earlier read, has the last word."""
    secret, _ = issue(portal_client_x.account, accounts.SIGN_IN)
    stale = accounts.link_check(secret=secret, purpose="sign_in")
    accounts.link_use(secret=secret, purpose="sign_in")
    monkeypatch.setattr(accounts, "link_check", lambda **kwargs: stale)
    with pytest.raises(StudioError, match="already used"):
        accounts.link_use(secret=secret, purpose="sign_in")


def test_an_expired_link_is_refused_and_stays_unused(portal_client_x, studio_a):
    with schema_context(studio_a.schema_name):
        _, path = issue(portal_client_x.account, accounts.SIGN_IN)
        PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    for response in (browser.get(path), browser.post(path)):
        assert response.status_code == 410 and "expired" in response.content.decode()
    assert SESSION_KEY not in browser.session
    with schema_context(studio_a.schema_name):
        assert PortalLink.objects.get().used_at is None


def test_a_sign_in_link_fifteen_minutes_old_is_refused(portal_client_x, in_studio_a, monkeypatch):
    secret, _ = issue(portal_client_x.account, accounts.SIGN_IN)
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(accounts.timezone, "now", lambda: later)
    with pytest.raises(StudioError, match="expired"):
        accounts.link_use(secret=secret, purpose="sign_in")


def test_an_invitation_still_works_after_six_days(portal_client_x, in_studio_a, monkeypatch):
    secret, _ = issue(portal_client_x.account, accounts.INVITATION)
    later = timezone.now() + timedelta(days=6)
    monkeypatch.setattr(accounts.timezone, "now", lambda: later)
    assert accounts.link_use(secret=secret, purpose="invite") == portal_client_x.account


def test_a_link_of_another_studio_is_named_as_such(portal_client_x, studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        _, path = issue(portal_client_x.account, accounts.SIGN_IN)
    response = Browser(HTTP_HOST=STUDIO_B.host).post(path)
    assert response.status_code == 410
    assert "belongs to another studio" in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert PortalLink.objects.get().used_at is None


def test_a_link_for_another_purpose_is_refused(portal_client_x, studio_a):
    with schema_context(studio_a.schema_name):
        secret, _ = issue(portal_client_x.account, accounts.SIGN_IN)
    browser = Browser(HTTP_HOST=STUDIO_A.host)
    for purpose in ("reset", "invite"):
        response = browser.post(reverse("portal:link", args=[purpose, secret]))
        assert (
            response.status_code == 410 and "not meant for this page" in response.content.decode()
        )
    unknown = browser.post(reverse("portal:link", args=["admin", secret]))
    assert unknown.status_code == 410
    assert SESSION_KEY not in browser.session
    with schema_context(studio_a.schema_name):
        assert PortalLink.objects.get().used_at is None


@pytest.mark.parametrize("secret", ["nothing", "abc.def", "x" * 300])
def test_a_made_up_link_is_refused(anonymous_a, secret):
    response = anonymous_a.post(reverse("portal:link", args=["sign_in", secret]))
    assert response.status_code == 410
    assert "not valid" in response.content.decode() or "another studio" in response.content.decode()


def test_a_forged_secret_with_the_right_studio_part_is_refused(portal_client_x, in_studio_a):
    secret, _ = issue(portal_client_x.account, accounts.SIGN_IN)
    tag = secret.split(".")[0]
    with pytest.raises(StudioError, match="not valid"):
        accounts.link_use(secret=f"{tag}.guessed", purpose="sign_in")


def test_a_link_of_a_closed_account_is_refused(portal_client_x, in_studio_a):
    secret, _ = issue(portal_client_x.account, accounts.SIGN_IN)
    user = portal_client_x.account.user
    user.is_active = False
    user.save()
    with pytest.raises(StudioError, match="closed"):
        accounts.link_use(secret=secret, purpose="sign_in")
