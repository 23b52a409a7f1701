"""Adding a team member sends an invitation with a set-password link; a forgotten password is
reset by such a link too. The link works once, expires, and belongs to one studio."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import AuditEntry
from studio.services.errors import StudioError
from studio.services.staff_links import staff_invite, staff_reset_link_send, tokens
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^/]+(/admin/set-password/[^/]+/[^/]+/)")


def invite_link(message) -> str:
    return LINK.search(message.body).group(1)


def test_the_owner_invites_a_team_member_from_the_admin(
    owner_browser, studio_a, django_capture_on_commit_callbacks
):
    with schema_context(studio_a.schema_name):
        engineer_role = Group.objects.get(name="Engineer")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_browser.post(
            "/admin/auth/user/add/",
            {"email": "Mia@Studio-A.example", "first_name": "Mia", "groups": [engineer_role.pk]},
        )
    assert response.status_code == 302, response.content[:1500]
    with schema_context(studio_a.schema_name):
        mia = User.objects.get(username="mia@studio-a.example")
        assert mia.is_staff and mia.is_active and not mia.has_usable_password()
        assert list(mia.groups.values_list("name", flat=True)) == ["Engineer"]
        assert AuditEntry.objects.filter(action="user.invited", object_id=str(mia.pk)).exists()
    (invitation,) = mail.outbox
    assert invitation.to == ["mia@studio-a.example"]
    assert "invited to Studio A" in invitation.subject
    assert "Hello Mia" in invitation.body


def test_the_link_sets_the_password_once_and_signs_in(studio_a, django_capture_on_commit_callbacks):
    with schema_context(studio_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        staff_invite(email="mia@studio-a.example")
    path = invite_link(mail.outbox[0])
    browser = HttpClient(HTTP_HOST=STUDIO_A.host)
    assert "Choose the password" in browser.get(path).content.decode()
    form = {"new_password1": "Tape-Machine-1971", "new_password2": "Tape-Machine-1971"}
    response = browser.post(path, form)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200  # signed in
    with schema_context(studio_a.schema_name):
        mia = User.objects.get(username="mia@studio-a.example")
        assert mia.check_password("Tape-Machine-1971")
        assert AuditEntry.objects.filter(action="user.password_set", object_id=str(mia.pk))
    again = HttpClient(HTTP_HOST=STUDIO_A.host).post(
        path, {"new_password1": "Hijack-Attempt-99", "new_password2": "Hijack-Attempt-99"}
    )
    assert "expired or was already used" in again.content.decode()
    with schema_context(studio_a.schema_name):
        assert User.objects.get(username="mia@studio-a.example").check_password("Tape-Machine-1971")


def test_a_link_opens_nothing_in_another_studio(
    studio_a, studio_b, django_capture_on_commit_callbacks
):
    with schema_context(studio_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        staff_invite(email="mia@studio-a.example")
    path = invite_link(mail.outbox[0])
    page = HttpClient(HTTP_HOST=STUDIO_B.host).get(path).content.decode()
    assert "expired or was already used" in page


def test_an_expired_link_is_refused(studio_a, monkeypatch, django_capture_on_commit_callbacks):
    with schema_context(studio_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        staff_invite(email="mia@studio-a.example")
    path = invite_link(mail.outbox[0])
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(tokens, "_now", lambda: later)
    page = HttpClient(HTTP_HOST=STUDIO_A.host).get(path).content.decode()
    assert "expired or was already used" in page


def test_inviting_someone_already_on_the_team_is_refused(studio_a):
    with schema_context(studio_a.schema_name):
        with pytest.raises(StudioError, match="already has an account"):
            staff_invite(email=STUDIO_A.owner_email.upper())
        assert User.objects.filter(username=STUDIO_A.owner_email).count() == 1


def test_a_manager_cannot_send_the_owner_a_reset_link(studio_a):
    with schema_context(studio_a.schema_name):
        manager = staff_user("manager@studio-a.example", "Manager")
        owner = User.objects.get(email=STUDIO_A.owner_email)
        with pytest.raises(StudioError, match="Only an owner"):
            staff_reset_link_send(user=owner, by=manager)
    assert mail.outbox == []


def test_an_owner_sends_a_reset_link_from_the_account_page(
    owner_browser, studio_a, django_capture_on_commit_callbacks
):
    with schema_context(studio_a.schema_name):
        engineer = staff_user("eng@studio-a.example", "Engineer")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_browser.post(f"/admin/auth/user/{engineer.pk}/reset-link/")
    assert response.status_code == 302
    (reset,) = mail.outbox
    assert reset.to == ["eng@studio-a.example"] and "new password" in reset.subject
    with schema_context(studio_a.schema_name):
        assert AuditEntry.objects.filter(action="user.reset_link_sent").exists()


def test_an_outsider_or_a_stranger_cannot_send_a_reset_link(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        engineer = staff_user("eng@studio-a.example", "Engineer")
    with schema_context(studio_b.schema_name):
        at_b = HttpClient(HTTP_HOST=STUDIO_B.host)
        at_b.force_login(User.objects.get(email=STUDIO_B.owner_email))
    outsider = HttpClient(HTTP_HOST=STUDIO_A.host)
    outsider.cookies = at_b.cookies  # studio B's session presented to studio A
    for browser in (outsider, HttpClient(HTTP_HOST=STUDIO_A.host)):
        response = browser.post(f"/admin/auth/user/{engineer.pk}/reset-link/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert mail.outbox == []
    with schema_context(studio_a.schema_name):
        assert not AuditEntry.objects.filter(action="user.reset_link_sent").exists()
