"""Every sign-in, sign-out and refused attempt is in the trail: the studio's for its back
office, the platform's for the platform admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from siteconf.tenancy.models import PlatformAuditEntry, Studio
from studio.models import AuditEntry
from tests.conftest import STUDIO_A

pytestmark = pytest.mark.django_db


def sign_in(browser, password: str):
    return browser.post(
        "/admin/login/?next=/admin/",
        {"username": STUDIO_A.owner_email, "password": password},
    )


def test_a_wrong_password_then_the_right_one_are_both_recorded(studio_a):
    browser = HttpClient(HTTP_HOST=STUDIO_A.host, REMOTE_ADDR="203.0.113.9")
    assert sign_in(browser, "not-the-password").status_code == 200
    assert sign_in(browser, STUDIO_A.owner_password).status_code == 302
    browser.post("/admin/logout/")
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        trail = AuditEntry.objects.filter(object_id=str(owner.pk)).order_by("pk")
        assert [e.action for e in trail if e.action.startswith("login.")] == [
            "login.failed",
            "login.succeeded",
            "login.signed_out",
        ]
        failed = trail.get(action="login.failed")
        assert failed.changes == {
            "login": [None, STUDIO_A.owner_email],
            "from": [None, "203.0.113.9"],
        }
        assert "not-the-password" not in str(failed.changes)


def test_an_attempt_on_an_unknown_login_is_recorded_by_the_login_typed(studio_a):
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    browser.post("/admin/login/", {"username": "nobody@x.example", "password": "guess"})
    with schema_context(studio_a.schema_name):
        entry = AuditEntry.objects.get(action="login.failed")
        assert entry.object_id == "" and entry.changes["login"] == [None, "nobody@x.example"]


def test_a_read_only_studio_still_lets_its_staff_sign_in(studio_a):
    Studio.objects.filter(pk=studio_a.pk).update(subscription_status="read_only")
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    assert sign_in(browser, STUDIO_A.owner_password).status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_platform_sign_ins_go_to_the_platform_trail(db):
    User.objects.create_superuser("op@platform.example", "op@platform.example", "op-Pw0rd!x")
    browser = HttpClient(HTTP_HOST="localhost")
    browser.post("/admin/login/", {"username": "op@platform.example", "password": "wrong"})
    browser.post("/admin/login/", {"username": "op@platform.example", "password": "op-Pw0rd!x"})
    actions = list(
        PlatformAuditEntry.objects.filter(action__startswith="login.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["login.failed", "login.succeeded"]
