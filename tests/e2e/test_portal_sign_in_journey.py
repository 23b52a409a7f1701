"""A client invited by the studio opens the e-mailed link on a phone, skips the password,
signs out, and comes back with an e-mailed sign-in link; every page readable at 390 px, in the
studio's colour, without an accessibility violation, under the real content policy.

SCREENSHOTS=/some/dir keeps pictures of the pages at 390 px and 1440 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.contrib.auth.models import User
from django.core import mail
from django_tenants.utils import schema_context

from portal.services.accounts import portal_invite
from studio.models import Client, StudioSettings
from tests.e2e.axe import axe_violations
from tests.e2e.conftest import OWNER

LINK = re.compile(r"https?://[^/\s]+(/link/[^\s]+)")
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def last_link() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


def test_an_invited_client_signs_in_on_a_phone(page, live_url, e2e_studio, django_db_blocker):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)
    mail.outbox = []
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        StudioSettings.objects.update(brand_colour="#0f766e")
        owner = User.objects.get(email=OWNER[0])
        client = Client.objects.create(name="Journey Band", email="journey@bands.example")
        portal_invite(client=client, by=owner)
    (invitation,) = mail.outbox
    assert "Echo Park Studio" in invitation.subject

    page.goto(f"{live_url}{last_link()}")
    assert page.inner_text("h1") == "Open your account"
    brand = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    )
    assert brand == "#0f766e"
    found = axe_violations(page)
    assert fits_the_screen(page)
    shoot(page, "portal-link-390.png")
    page.click("text=Open my account")
    page.wait_for_url(f"{live_url}/password/")
    assert "Choose a password" in page.inner_text("h1")
    found += axe_violations(page)
    assert fits_the_screen(page)
    shoot(page, "portal-password-390.png")
    page.click("text=Skip for now")
    page.wait_for_url(f"{live_url}/")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(f"{live_url}/sign-in/")
    assert "You are signed out." in page.inner_text("main")

    page.fill("#id_link-email", "journey@bands.example")
    found += axe_violations(page)
    assert fits_the_screen(page)
    shoot(page, "portal-sign-in-390.png")
    page.click("text=E-mail me a sign-in link")
    assert "Check your inbox" in page.inner_text("h1")
    shoot(page, "portal-inbox-390.png")
    page.goto(f"{live_url}{last_link()}")
    page.click("text=Sign in to your account")
    page.wait_for_url(f"{live_url}/")
    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        account = client.portal_accounts.get()
        assert account.last_seen_at is not None

    page.set_viewport_size({"width": 1440, "height": 1000})
    page.context.clear_cookies()
    page.goto(f"{live_url}/sign-in/")
    shoot(page, "portal-sign-in-1440.png")
    found += axe_violations(page)
    assert found == []
    assert not [e for e in errors if "Content Security Policy" in e], errors
