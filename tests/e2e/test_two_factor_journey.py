"""An owner turns on two-factor sign-in in a real browser: scans (here: reads) the secret,
confirms with a code, keeps the backup codes, and signs in again with a code.

SCREENSHOTS=/some/dir keeps pictures of the set-up page, the backup codes and the sign-in."""

from __future__ import annotations

import os
from base64 import b32decode
from pathlib import Path

from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import OWNER


def shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def code_for(secret_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app computes from the key it was given by hand."""
    key = b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(" ", "")) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_an_owner_turns_on_two_factor_sign_in_and_signs_in_with_a_code(
    page, live_url, e2e_studio, django_db_blocker
):
    page.goto(f"{live_url}/admin/login/")
    found = axe_violations(page)  # and on each page after
    page.fill("input[name=username]", OWNER[0])
    page.fill("input[name=password]", OWNER[1])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_url}/admin/")

    # The account menu leads to the page.
    page.goto(f"{live_url}/admin/two-factor/")
    assert "off" in page.inner_text("#two-factor-status").lower()
    assert page.locator("#two-factor-qr svg").count() == 1
    secret = page.inner_text("#two-factor-secret")
    found += axe_violations(page)
    shoot(page, "2fa-enrol.png")

    page.fill("input[name=code]", code_for(secret))
    page.click("form.two-factor-confirm button[type=submit]")
    codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(codes) == 10
    found += axe_violations(page)
    shoot(page, "2fa-codes.png")

    page.context.clear_cookies()
    page.goto(f"{live_url}/admin/login/")
    page.fill("input[name=username]", OWNER[0])
    page.fill("input[name=password]", OWNER[1])
    page.click("button[type=submit]")
    # The password alone no longer opens the back office.
    assert "two-factor" in page.inner_text("#login-form").lower()
    assert page.url.startswith(f"{live_url}/admin/login/")
    found += axe_violations(page)  # the code step

    page.fill("input[name=password]", OWNER[1])
    page.fill("input[name=otp_token]", code_for(secret, 1))
    shoot(page, "2fa-login.png")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_url}/admin/")
    found += axe_violations(page)

    with django_db_blocker.unblock(), schema_context(e2e_studio.schema_name):
        owner = User.objects.get(username=OWNER[0])
        assert TOTPDevice.objects.filter(user=owner, confirmed=True).count() == 1
        # Leave the module's studio as the other journeys expect it.
        TOTPDevice.objects.filter(user=owner).delete()
        StaticDevice.objects.filter(user=owner).delete()
    assert not found, "\n".join(found)
