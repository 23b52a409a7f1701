"""Two-factor sign-in in a studio's back office: set-up with a real code from the app's
secret, sign-in with a code or a backup code, the studio's requirement, and recovery."""

from __future__ import annotations

from base64 import b32encode

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from studio.models import AuditEntry, StudioSettings
from studio.services.errors import StudioError
from studio.services.settings import studio_settings_update
from studio.services.two_factor import (
    two_factor_backup_codes_generate,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_is_on,
    two_factor_remove,
    two_factor_required_set,
    two_factor_reset,
)
from tests.conftest import STUDIO_A, STUDIO_B, sign_in_verified
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "staff-Passw0rd!"


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the phone shows, computed from the device's secret. A code is accepted once:
    the next sign-in uses the one of the following 30 s step (inside the tolerated window)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor_enrol_start(user=user, by=user)
    return two_factor_enrol_confirm(user=user, code=app_code(device), by=user)


def owner() -> User:
    return User.objects.get(email=STUDIO_A.owner_email)


def sign_in(browser, email: str, password: str, code: str = ""):
    return browser.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password, "otp_token": code},
    )


def test_it_enrols_with_a_first_code_from_the_app(in_studio_a):
    boss = owner()
    device = two_factor_enrol_start(user=boss, by=boss)
    assert not device.confirmed and not two_factor_is_on(boss)

    confirmed, codes = two_factor_enrol_confirm(user=boss, code=app_code(device), by=boss)

    assert confirmed.pk == device.pk and TOTPDevice.objects.get(pk=device.pk).confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor_is_on(boss)
    entry = AuditEntry.objects.get(action="two_factor.enrolled")
    assert entry.user == boss and entry.object_id == str(boss.pk)


def test_a_wrong_first_code_leaves_it_off(in_studio_a):
    boss = owner()
    device = two_factor_enrol_start(user=boss, by=boss)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    with pytest.raises(StudioError):
        two_factor_enrol_confirm(user=boss, code=wrong, by=boss)

    assert not two_factor_is_on(boss)
    assert not AuditEntry.objects.filter(action__startswith="two_factor.").exists()


def test_nobody_sets_up_someone_elses(in_studio_a):
    engineer = staff_user("eng@studio-a.example", "Engineer")
    with pytest.raises(StudioError):
        two_factor_enrol_start(user=engineer, by=owner())
    assert not TOTPDevice.objects.filter(user=engineer).exists()


def test_it_signs_in_with_a_code_from_the_app(in_studio_a):
    device, _ = enrol(owner())
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)

    response = sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password, app_code(device, 1))

    assert response.status_code == 302
    assert browser.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert browser.get("/admin/").status_code == 200


def test_the_password_alone_is_not_enough_once_it_is_on(in_studio_a):
    enrol(owner())
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)

    response = sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password)

    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session


def test_a_wrong_code_after_the_right_password_is_a_failed_sign_in(in_studio_a):
    device, _ = enrol(owner())
    wrong = f"{(int(app_code(device, 1)) + 1) % 1_000_000:06d}"
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)

    response = sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password, wrong)

    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session
    failed = AuditEntry.objects.get(action="login.failed")
    assert failed.object_id == str(owner().pk)
    assert not AuditEntry.objects.filter(action="login.succeeded").exists()


def test_a_backup_code_signs_in_once(in_studio_a):
    _, codes = enrol(owner())
    first = HttpClient(HTTP_HOST=STUDIO_A.host)
    # Typed as shown on the page, in two groups and upper case: it still matches.
    shown = f"{codes[0][:4]}-{codes[0][4:]}".upper()

    assert sign_in(first, STUDIO_A.owner_email, STUDIO_A.owner_password, shown).status_code == 302
    again = HttpClient(HTTP_HOST=STUDIO_A.host)
    assert (
        sign_in(again, STUDIO_A.owner_email, STUDIO_A.owner_password, codes[0]).status_code == 200
    )
    assert "_auth_user_id" not in again.session
    assert StaticToken.objects.filter(device__user=owner()).count() == 9


def test_new_backup_codes_replace_the_old_ones(in_studio_a):
    boss = owner()
    _, old = enrol(boss)

    new = two_factor_backup_codes_generate(user=boss, by=boss)

    tokens = set(StaticToken.objects.filter(device__user=boss).values_list("token", flat=True))
    assert tokens == set(new) and not tokens & set(old)
    assert AuditEntry.objects.get(action="two_factor.backup_codes").changes == {
        "backup_codes": [10, 10]
    }


def test_a_session_that_skipped_the_code_is_refused(in_studio_a):
    boss = owner()
    enrol(boss)
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    browser.force_login(boss)

    response = browser.get("/admin/studio/client/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in browser.session


def test_staff_without_it_keep_working_where_it_is_not_required(in_studio_a):
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    browser.force_login(staff_user("eng@studio-a.example", "Engineer"))
    assert browser.get("/admin/").status_code == 200


def test_the_studio_requirement_sends_staff_to_the_set_up_page(in_studio_a):
    boss = owner()
    enrol(boss)
    studio_settings_update(by=boss, two_factor_required=True)
    engineer = staff_user("eng@studio-a.example", "Engineer")
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    browser.force_login(engineer)

    assert browser.get("/admin/studio/session/")["Location"] == "/admin/two-factor/"
    page = browser.get("/admin/two-factor/")
    assert page.status_code == 200 and 'id="two-factor-qr"' in page.text
    device = TOTPDevice.objects.get(user=engineer, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page.text
    done = browser.post("/admin/two-factor/confirm/", {"code": app_code(device)})
    assert done.status_code == 200 and 'id="backup-codes"' in done.text
    # Proving the code verified this very session: the back office opens.
    assert browser.get("/admin/studio/session/").status_code == 200
    entry = AuditEntry.objects.get(action="two_factor.required")
    assert entry.user == boss and entry.changes == {"two_factor_required": [False, True]}


def test_only_an_owner_requires_it(in_studio_a):
    manager = staff_user("manager@studio-a.example", "Manager")
    enrol(manager)
    with pytest.raises(StudioError):
        studio_settings_update(by=manager, two_factor_required=True)
    assert not StudioSettings.objects.get().two_factor_required
    assert not AuditEntry.objects.filter(action="two_factor.required").exists()


def test_an_owner_sets_up_their_own_before_requiring_it(in_studio_a):
    with pytest.raises(StudioError):
        two_factor_required_set(required=True, by=owner())
    assert not StudioSettings.objects.get().two_factor_required


def test_it_cannot_be_turned_off_where_it_is_required(in_studio_a):
    boss = owner()
    enrol(boss)
    engineer = staff_user("eng@studio-a.example", "Engineer")
    enrol(engineer)
    two_factor_required_set(required=True, by=boss)

    with pytest.raises(StudioError):
        two_factor_remove(user=engineer, by=engineer)
    assert two_factor_is_on(engineer)

    two_factor_required_set(required=False, by=boss)
    two_factor_remove(user=engineer, by=engineer)
    assert not two_factor_is_on(engineer)
    assert AuditEntry.objects.get(action="two_factor.removed").user == engineer


def test_an_owner_resets_a_lost_phone(in_studio_a):
    boss = owner()
    engineer = staff_user("eng@studio-a.example", "Engineer")
    enrol(engineer)

    two_factor_reset(user=engineer, by=boss)

    assert not two_factor_is_on(engineer)
    assert not StaticToken.objects.filter(device__user=engineer).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset")
    assert entry.user == boss and entry.object_id == str(engineer.pk)


def test_an_owner_resets_another_owner_from_the_staff_page(in_studio_a):
    boss = owner()
    other = staff_user("partner@studio-a.example", "Owner")
    enrol(other)
    browser = sign_in_verified(HttpClient(HTTP_HOST=STUDIO_A.host), boss)

    response = browser.post(f"/admin/auth/user/{other.pk}/reset-two-factor/")

    assert response.status_code == 302
    assert not two_factor_is_on(other)
    assert AuditEntry.objects.get(action="two_factor.reset").user == boss


@pytest.mark.parametrize("role", ["Manager", "Engineer"])
def test_a_non_owner_cannot_reset_an_owners(in_studio_a, role):
    boss = owner()
    enrol(boss)
    climber = staff_user(f"{role.lower()}@studio-a.example", role)

    with pytest.raises(StudioError):
        two_factor_reset(user=boss, by=climber)
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    browser.force_login(climber)
    browser.post(f"/admin/auth/user/{boss.pk}/reset-two-factor/")

    assert two_factor_is_on(boss)
    assert not AuditEntry.objects.filter(action="two_factor.reset").exists()


def test_a_device_of_studio_a_is_not_a_device_of_studio_b(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        device_a, _ = enrol(owner())
    with schema_context(studio_b.schema_name):
        # The same e-mail and password, as staff of studio B: a separate account.
        twin = User.objects.create_user(
            STUDIO_A.owner_email, STUDIO_A.owner_email, STUDIO_A.owner_password, is_staff=True
        )
        assert not two_factor_is_on(twin) and not TOTPDevice.objects.exists()
        enrol(twin)
        browser = HttpClient(HTTP_HOST=STUDIO_B.host)
        code_of_a = app_code(device_a, 1)
        refused = sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password, code_of_a)
        assert refused.status_code == 200 and "_auth_user_id" not in browser.session


def test_a_lapsed_studio_still_lets_its_owner_set_up_and_recover(studio_a):
    from siteconf.tenancy.models import Studio
    from studio.services.two_factor import two_factor_reset_studio_owner

    Studio.objects.filter(pk=studio_a.pk).update(subscription_status="read_only")
    lapsed = Studio.objects.get(pk=studio_a.pk)
    with schema_context(studio_a.schema_name):
        boss = owner()
        device, codes = enrol(boss)
        assert two_factor_is_on(boss) and len(codes) == 10
    operator = User.objects.create_user(
        username="op@platform.example", password=PASSWORD, is_staff=True, is_superuser=True
    )
    two_factor_reset_studio_owner(studio=lapsed, by=operator)
    with schema_context(studio_a.schema_name):
        assert not two_factor_is_on(owner())
        assert not TOTPDevice.objects.filter(pk=device.pk).exists()
