"""Platform operators always sign in with two factors, in the platform admin and the CMS; an
operator resets a studio owner's two-factor sign-in, in the studio's schema, audited twice."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from siteconf.tenancy.models import PlatformAuditEntry
from studio.models import AuditEntry
from studio.services.errors import StudioError
from studio.services.two_factor import (
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_is_on,
    two_factor_remove,
    two_factor_reset_studio_owner,
)
from tests.conftest import STUDIO_A, sign_in_verified

pytestmark = pytest.mark.django_db

OPERATOR = ("op@platform.example", "op-Passw0rd!")


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(OPERATOR[0], OPERATOR[0], OPERATOR[1])


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead):06d}"


def enrol(user) -> TOTPDevice:
    device = two_factor_enrol_start(user=user, by=user)
    return two_factor_enrol_confirm(user=user, code=code_of(device), by=user)[0]


def test_an_operator_without_it_is_sent_to_set_it_up(operator):
    browser = HttpClient(HTTP_HOST="localhost")
    signed_in = browser.post(
        "/admin/login/?next=/admin/", {"username": OPERATOR[0], "password": OPERATOR[1]}
    )
    assert signed_in.status_code == 302

    assert browser.get("/admin/tenancy/studio/")["Location"] == "/admin/two-factor/"
    assert browser.get("/cms/")["Location"] == "/admin/two-factor/"
    assert browser.get("/admin/two-factor/").status_code == 200


def test_an_operator_signs_in_with_a_code(operator):
    device = enrol(operator)
    browser = HttpClient(HTTP_HOST="localhost")

    response = browser.post(
        "/admin/login/?next=/admin/",
        {"username": OPERATOR[0], "password": OPERATOR[1], "otp_token": code_of(device, 1)},
    )

    assert response.status_code == 302
    assert browser.get("/admin/tenancy/studio/").status_code == 200


def test_an_unverified_operator_session_is_refused_in_the_admin_and_the_cms(operator):
    enrol(operator)
    for path in ("/admin/tenancy/plan/", "/cms/"):
        browser = HttpClient(HTTP_HOST="localhost")
        browser.force_login(operator)
        response = browser.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert "_auth_user_id" not in browser.session


def test_the_cms_signs_in_through_the_platform_admin(db):
    response = HttpClient(HTTP_HOST="localhost").get("/cms/login/?next=/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fcms%2Fpages%2F"


def test_an_operator_cannot_turn_theirs_off(operator):
    enrol(operator)
    with pytest.raises(StudioError):
        two_factor_remove(user=operator, by=operator)
    assert two_factor_is_on(operator)


def test_an_operator_resets_a_studio_owners(operator, studio_a):
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        enrol(owner)
    browser = sign_in_verified(HttpClient(HTTP_HOST="localhost"), operator)

    confirm = browser.get(f"/admin/tenancy/studio/{studio_a.pk}/reset-two-factor/")
    assert confirm.status_code == 200 and STUDIO_A.owner_email in confirm.text
    done = browser.post(f"/admin/tenancy/studio/{studio_a.pk}/reset-two-factor/")

    assert done.status_code == 302
    platform_entry = PlatformAuditEntry.objects.get(action="two_factor.reset")
    assert platform_entry.user == operator and platform_entry.object_id == str(studio_a.pk)
    with schema_context(studio_a.schema_name):
        assert not two_factor_is_on(owner)
        studio_entry = AuditEntry.objects.get(action="two_factor.reset")
        assert studio_entry.object_id == str(owner.pk) and studio_entry.user is None


def test_only_an_operator_resets_a_studio_owners(studio_a):
    editor = User.objects.create_user("editor@platform.example", password="x-Passw0rd!")
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        enrol(owner)

    with pytest.raises(StudioError):
        two_factor_reset_studio_owner(studio=studio_a, by=editor)

    assert not PlatformAuditEntry.objects.filter(action="two_factor.reset").exists()
    with schema_context(studio_a.schema_name):
        assert two_factor_is_on(owner)
        # A studio's own owner cannot reach the platform's reset from inside the studio.
        with pytest.raises(StudioError):
            two_factor_reset_studio_owner(studio=studio_a, by=owner)
        assert two_factor_is_on(owner)


def test_an_operator_resets_another_operators_lost_phone(operator):
    colleague = User.objects.create_superuser(
        "second@platform.example", "second@platform.example", "second-Passw0rd!"
    )
    enrol(colleague)
    browser = sign_in_verified(HttpClient(HTTP_HOST="localhost"), operator)
    page = browser.get(f"/admin/auth/user/{colleague.pk}/change/").text
    assert f"/admin/auth/user/{colleague.pk}/reset-two-factor/" in page
    # Not offered on one's own page: an operator who still has their phone removes nothing.
    own = browser.get(f"/admin/auth/user/{operator.pk}/change/").text
    assert f"/admin/auth/user/{operator.pk}/reset-two-factor/" not in own

    confirm = browser.get(f"/admin/auth/user/{colleague.pk}/reset-two-factor/")
    assert confirm.status_code == 200
    done = browser.post(f"/admin/auth/user/{colleague.pk}/reset-two-factor/")

    assert done.status_code == 302
    assert not two_factor_is_on(colleague)
    entry = PlatformAuditEntry.objects.get(action="two_factor.reset")
    assert entry.user == operator and entry.object_id == str(colleague.pk)


def test_an_operator_cannot_reset_their_own_from_the_admin(operator):
    enrol(operator)
    browser = sign_in_verified(HttpClient(HTTP_HOST="localhost"), operator)
    refused = browser.post(f"/admin/auth/user/{operator.pk}/reset-two-factor/")
    assert refused.status_code == 403
    assert two_factor_is_on(operator)
