"""Operators and CMS editors sign in on the platform's host: their sign-ins are throttled in
the public schema, another operator unlocks them, and the platform's trail records both."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from siteconf.tenancy.models import PlatformAuditEntry
from tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db

OPERATOR = "op@platform.example"
PASSWORD = "op-Pw0rd!x-2026"


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(OPERATOR, OPERATOR, PASSWORD)


def browser(address: str = "203.0.113.20") -> HttpClient:
    return HttpClient(HTTP_HOST="localhost", REMOTE_ADDR=address)


def sign_in(client, path: str, password: str):
    return client.post(path, {"username": OPERATOR, "password": password})


def sign_in_page(client, entry: str) -> str:
    """Where a person lands who opens `entry` to sign in (the CMS sends editors on)."""
    landed = client.get(entry, follow=True)
    query = landed.request.get("QUERY_STRING", "")
    return landed.request["PATH_INFO"] + (f"?{query}" if query else "")


@pytest.mark.parametrize("entry", ["/admin/login/", "/cms/login/"])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(operator, entry):
    client = browser()
    path = sign_in_page(client, entry)
    for n in range(30):
        sign_in(client, path, f"guess-{n}")

    response = sign_in(client, path, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked for" in page
    assert "ask another operator" in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_in_the_platform_trail(operator):
    client = browser("198.51.100.7")
    for n in range(6):
        sign_in(client, "/admin/login/", f"guess-{n}")

    entry = PlatformAuditEntry.objects.get(action="login.locked_out")
    assert entry.object_id == str(operator.pk)
    assert entry.changes["from"] == [None, "198.51.100.7"]


def test_another_operator_unlocks_and_it_is_audited(operator):
    other = User.objects.create_superuser("other@platform.example", "other@platform.example", "x")
    for n in range(5):
        sign_in(browser(), "/admin/login/", f"guess-{n}")
    rows = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin = sign_in_verified(browser(), other)

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and OPERATOR in listing.content.decode()
    admin.post("/admin/axes/accessattempt/", {"action": "unlock_logins", "_selected_action": rows})

    assert sign_in(browser(), "/admin/login/", PASSWORD).status_code == 302
    entry = PlatformAuditEntry.objects.get(action="login.unlocked")
    assert entry.user == other and entry.changes["login"] == [None, OPERATOR]


def test_an_operator_without_the_permission_cannot_unlock(operator):
    editor = User.objects.create_user("ed@platform.example", "ed@platform.example", "x")
    editor.is_staff = True
    editor.save()
    for n in range(5):
        sign_in(browser(), "/admin/login/", f"guess-{n}")
    rows = list(AccessAttempt.objects.values_list("pk", flat=True))
    client = sign_in_verified(browser(), editor)

    assert client.get("/admin/axes/accessattempt/").status_code == 403
    client.post("/admin/axes/accessattempt/", {"action": "unlock_logins", "_selected_action": rows})

    assert AccessAttempt.objects.count() == len(rows)
    assert not PlatformAuditEntry.objects.filter(action="login.unlocked").exists()
    assert sign_in(browser(), "/admin/login/", PASSWORD).status_code == 429
