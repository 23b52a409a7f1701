"""Sign-ins resist guessing: a login is locked after a few wrong passwords and an address after
more, per studio, with a page that says for how long and who can unlock, an unlock for the
owner, and every lockout and unlock in the trail."""

from __future__ import annotations

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings
from django_tenants.utils import schema_context

from studio.models import AuditEntry
from studio.services.errors import StudioError
from studio.services.lockouts import client_address, lockout_release
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "staff-Passw0rd!"


def browser_at(cast, address: str = "203.0.113.10", **headers) -> HttpClient:
    return HttpClient(HTTP_HOST=cast.host, REMOTE_ADDR=address, **headers)


def sign_in(browser, login: str, password: str):
    return browser.post("/admin/login/?next=/admin/", {"username": login, "password": password})


def guess(browser, login: str, times: int) -> None:
    for n in range(times):
        sign_in(browser, login, f"guess-{n}")


def signed_in(browser) -> bool:
    return "_auth_user_id" in browser.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(studio_a):
    browser = browser_at(STUDIO_A)
    guess(browser, STUDIO_A.owner_email, 30)

    response = sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password)

    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked for" in page
    assert "platform support" in page
    assert not signed_in(browser)


def test_the_login_is_counted_however_it_is_spelled(studio_a):
    browser = browser_at(STUDIO_A)
    for spelling in ("OWNER@studio-a.example", " owner@Studio-A.example", "Owner@studio-a.example"):
        guess(browser, spelling, 2)

    assert sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password).status_code == 429


def test_fewer_failures_than_the_limit_then_the_right_password_signs_in(studio_a):
    browser = browser_at(STUDIO_A)
    guess(browser, STUDIO_A.owner_email, 4)

    assert sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password).status_code == 302
    assert signed_in(browser)
    with schema_context(studio_a.schema_name):
        # A success starts the count again.
        assert not AccessAttempt.objects.filter(username=STUDIO_A.owner_email).exists()


def test_a_lockout_at_one_studio_leaves_the_same_email_at_another_working(studio_a, studio_b):
    with schema_context(studio_b.schema_name):
        staff_user(STUDIO_A.owner_email, "Engineer", password=STAFF_PASSWORD)
    guess(browser_at(STUDIO_A), STUDIO_A.owner_email, 5)

    at_b = browser_at(STUDIO_B)
    assert sign_in(at_b, STUDIO_A.owner_email, STAFF_PASSWORD).status_code == 302
    assert signed_in(at_b)
    at_a = sign_in(browser_at(STUDIO_A), STUDIO_A.owner_email, STUDIO_A.owner_password)
    assert at_a.status_code == 429
    with schema_context(studio_b.schema_name):
        assert not AccessAttempt.objects.exists()


def test_an_address_guessing_many_logins_is_locked_for_every_login(studio_a, settings):
    attacker = browser_at(STUDIO_A, "198.51.100.7")
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        sign_in(attacker, f"person{n}@studio-a.example", "guess")

    refused = sign_in(attacker, STUDIO_A.owner_email, STUDIO_A.owner_password)
    assert refused.status_code == 429
    assert "your network address" in refused.content.decode()
    assert not signed_in(attacker)
    elsewhere = browser_at(STUDIO_A, "192.0.2.50")
    assert sign_in(elsewhere, STUDIO_A.owner_email, STUDIO_A.owner_password).status_code == 302


def test_a_forwarded_header_is_ignored_without_a_trusted_proxy(studio_a):
    # Each attempt claims another address; all come from one, and that one is counted.
    browser = browser_at(STUDIO_A, "198.51.100.7")
    for n in range(5):
        browser.post(
            "/admin/login/",
            {"username": STUDIO_A.owner_email, "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    with schema_context(studio_a.schema_name):
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
        entry = AuditEntry.objects.filter(action="login.failed").first()
        assert entry.changes["from"] == [None, "198.51.100.7"]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(studio_a, settings):
    proxy = "10.0.0.2"
    attacker = browser_at(STUDIO_A, proxy, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        sign_in(attacker, f"person{n}@studio-a.example", "guess")

    assert sign_in(attacker, STUDIO_A.owner_email, STUDIO_A.owner_password).status_code == 429
    # Another visitor through the same proxy is not the attacker.
    visitor = browser_at(STUDIO_A, proxy, HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert sign_in(visitor, STUDIO_A.owner_email, STUDIO_A.owner_password).status_code == 302
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.filter(action="login.succeeded").get()
        assert entry.changes["from"] == [None, "192.0.2.50"]


@pytest.mark.parametrize(
    "proxies,forwarded,expected",
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (2, "192.0.2.1", "192.0.2.1"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_trusts_only_as_many_proxies_as_configured(
    proxies, forwarded, expected, settings
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_lockout_is_recorded_once_however_many_attempts_follow(studio_a):
    browser = browser_at(STUDIO_A, "198.51.100.7")
    guess(browser, STUDIO_A.owner_email, 5)
    guess(browser, STUDIO_A.owner_email, 3)
    sign_in(browser, STUDIO_A.owner_email, STUDIO_A.owner_password)

    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        entry = AuditEntry.objects.get(action="login.locked_out")
        assert entry.object_id == str(owner.pk)
        assert entry.changes == {
            "login": [None, STUDIO_A.owner_email],
            "from": [None, "198.51.100.7"],
            "locked": [None, "account"],
        }
        # Every refused attempt is still in the trail as a failure.
        assert AuditEntry.objects.filter(action="login.failed").count() == 9


def test_the_owner_unlocks_a_locked_login_and_it_is_audited(studio_a, owner_browser):
    with schema_context(studio_a.schema_name):
        engineer = staff_user("eng@studio-a.example", "Engineer")
    guess(browser_at(STUDIO_A), "eng@studio-a.example", 5)
    assert sign_in(browser_at(STUDIO_A), "eng@studio-a.example", STAFF_PASSWORD).status_code == 429

    page = owner_browser.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "Login locked" in page.content.decode()
    with schema_context(studio_a.schema_name):
        rows = list(AccessAttempt.objects.values_list("pk", flat=True))
    done = owner_browser.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock_logins", "_selected_action": rows},
    )

    assert done.status_code == 302
    again = browser_at(STUDIO_A)
    assert sign_in(again, "eng@studio-a.example", STAFF_PASSWORD).status_code == 302
    assert signed_in(again)
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        entry = AuditEntry.objects.get(action="login.unlocked")
        assert entry.user == owner and entry.object_id == str(engineer.pk)
        assert entry.changes["login"] == [None, "eng@studio-a.example"]


def test_the_owner_unlocks_an_address(studio_a, owner_browser, settings):
    attacker = browser_at(STUDIO_A, "198.51.100.7")
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        sign_in(attacker, f"person{n}@studio-a.example", "guess")
    with schema_context(studio_a.schema_name):
        rows = list(AccessAttempt.objects.values_list("pk", flat=True)[:1])

    owner_browser.post(
        "/admin/axes/accessattempt/", {"action": "unlock_addresses", "_selected_action": rows}
    )

    assert sign_in(attacker, STUDIO_A.owner_email, STUDIO_A.owner_password).status_code == 302
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.get(action="login.unlocked")
        assert entry.changes["from"] == [None, "198.51.100.7"]


@pytest.mark.parametrize("role", ["Manager", "Engineer", "Accountant"])
def test_other_roles_cannot_see_or_unlock_lockouts(studio_a, role):
    with schema_context(studio_a.schema_name):
        staff_user("eng@studio-a.example", "Engineer")
        someone = staff_user("someone@studio-a.example", role)
    guess(browser_at(STUDIO_A), "eng@studio-a.example", 5)
    browser = browser_at(STUDIO_A)
    browser.force_login(someone)
    with schema_context(studio_a.schema_name):
        rows = list(AccessAttempt.objects.values_list("pk", flat=True))

    assert browser.get("/admin/axes/accessattempt/").status_code == 403
    browser.post(
        "/admin/axes/accessattempt/", {"action": "unlock_logins", "_selected_action": rows}
    )
    assert "Locked sign-ins" not in browser.get("/admin/").content.decode()

    with schema_context(studio_a.schema_name):
        assert AccessAttempt.objects.count() == len(rows)
        assert not AuditEntry.objects.filter(action="login.unlocked").exists()
        with pytest.raises(StudioError):
            lockout_release(login="eng@studio-a.example", by=someone)
        assert AccessAttempt.objects.count() == len(rows)


def test_the_owner_sees_locked_sign_ins_in_the_sidebar(owner_browser):
    assert "Locked sign-ins" in owner_browser.get("/admin/").content.decode()


def test_an_owner_of_another_studio_sees_none_of_these_lockouts(studio_a, studio_b):
    guess(browser_at(STUDIO_A), STUDIO_A.owner_email, 5)
    browser = browser_at(STUDIO_B)
    with schema_context(studio_b.schema_name):
        browser.force_login(User.objects.get(email=STUDIO_B.owner_email))

    page = browser.get("/admin/axes/accessattempt/")

    assert page.status_code == 200
    assert STUDIO_A.owner_email not in page.content.decode()


@pytest.mark.parametrize(
    "which", [{}, {"login": "eng@studio-a.example", "address": "203.0.113.10"}]
)
def test_unlocking_nothing_or_two_things_at_once_is_refused(studio_a, which):
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        with pytest.raises(StudioError):
            lockout_release(by=owner, **which)
        assert not AuditEntry.objects.filter(action="login.unlocked").exists()


def test_a_role_given_the_unlock_permission_still_cannot_unlock_an_owner(studio_a):
    with schema_context(studio_a.schema_name):
        lead = staff_user("lead@studio-a.example", None)
        role = Group.objects.create(name="Desk lead")
        role.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="axes",
                codename__in=["view_accessattempt", "delete_accessattempt"],
            )
        )
        lead.groups.add(role)
    guess(browser_at(STUDIO_A), STUDIO_A.owner_email, 5)

    with schema_context(studio_a.schema_name):
        lead = User.objects.get(pk=lead.pk)  # permissions are cached per instance
        with pytest.raises(StudioError, match="Only an owner"):
            lockout_release(login=STUDIO_A.owner_email, by=lead)
        assert AccessAttempt.objects.filter(username=STUDIO_A.owner_email).exists()
        assert not AuditEntry.objects.filter(action="login.unlocked").exists()


def test_platform_support_unlocks_an_owner_from_the_command_line(studio_a):
    guess(browser_at(STUDIO_A), STUDIO_A.owner_email, 5)

    call_command(
        "sign_in_unlock", studio=STUDIO_A.slug, login=STUDIO_A.owner_email, stdout=StringIO()
    )

    assert (
        sign_in(browser_at(STUDIO_A), STUDIO_A.owner_email, STUDIO_A.owner_password).status_code
        == 302
    )
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.get(action="login.unlocked")
        assert entry.user is None and entry.changes["cleared"] == [None, 1]


def test_a_hostile_login_is_shown_as_text_on_the_lockout_page(studio_a):
    hostile = "<img src=x onerror=alert(1)>@studio-a.example"
    browser = browser_at(STUDIO_A)
    guess(browser, hostile, 5)

    response = sign_in(browser, hostile, "guess")

    assert response.status_code == 429
    page = response.content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;@studio-a.example" in page
