"""Staff invite a client to the portal from the client's page; the client opens the e-mailed
link, is signed in and may choose a password."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core import mail
from django_tenants.utils import schema_context

from portal.models import PortalAccount, PortalLink
from portal.services.accounts import EMAIL_TAKEN, NO_EMAIL, portal_invite
from studio.models import AuditEntry, Client
from studio.services.errors import PermissionRefused, StudioError
from tests.portal.mailbox import last_link
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia(studio_a) -> Client:
    with schema_context(studio_a.schema_name):
        return Client.objects.create(
            name="Mia <img src=x onerror=alert(1)>", email="Mia@Bands.example"
        )


def invite_url(client: Client) -> str:
    return f"/admin/studio/client/{client.pk}/invite-to-portal/"


def test_inviting_creates_an_account_that_is_not_staff_and_has_no_password(
    mia, owner_a, in_studio_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account = portal_invite(client=mia, by=owner_a)
    user = account.user
    assert user.username == "portal:mia@bands.example" and account.email == "mia@bands.example"
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert account.client == mia and account.invited_by == owner_a
    entry = AuditEntry.objects.get(action="portal.invited")
    assert entry.user == owner_a and entry.object_id == str(account.pk)
    (message,) = mail.outbox
    assert message.to == ["mia@bands.example"]
    assert message.subject == "Studio A invites you to its client portal"
    assert "7 days" in message.body and "works once" in message.body
    assert PortalLink.objects.get().purpose == PortalLink.Purpose.INVITE


def test_inviting_again_resends_to_the_same_account(
    mia, owner_a, in_studio_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = portal_invite(client=mia, by=owner_a)
        second = portal_invite(client=mia, by=owner_a)
    assert first == second and PortalAccount.objects.count() == 1
    assert len(mail.outbox) == 2 and PortalLink.objects.count() == 2
    assert AuditEntry.objects.filter(action="portal.invited").count() == 2


def test_inviting_a_closed_account_opens_it_again(
    portal_client_x, owner_a, in_studio_a, django_capture_on_commit_callbacks
):
    user = portal_client_x.account.user
    user.is_active = False
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        portal_invite(client=portal_client_x.client, by=owner_a)
    user.refresh_from_db()
    assert user.is_active and len(mail.outbox) == 1


def test_a_client_without_an_e_mail_cannot_be_invited(owner_a, in_studio_a):
    nameless = Client.objects.create(name="No Mail Band")
    with pytest.raises(StudioError, match="no e-mail address — add one first"):
        portal_invite(client=nameless, by=owner_a)
    assert (
        not PortalAccount.objects.exists()
        and not User.objects.filter(username__startswith="portal:").exists()
    )
    assert mail.outbox == []


def test_an_e_mail_that_signs_in_for_another_client_is_refused(
    portal_client_x, owner_a, in_studio_a
):
    other = Client.objects.create(name="Other Band", email="other@bands.example")
    with pytest.raises(StudioError) as refused:
        portal_invite(client=other, email="X@bands.example", by=owner_a)
    assert refused.value.message == EMAIL_TAKEN.format(
        email="x@bands.example", client=portal_client_x.client
    )
    assert PortalAccount.objects.count() == 1 and mail.outbox == []


def test_a_role_that_cannot_change_clients_cannot_invite(mia, in_studio_a):
    engineer = staff_user("eng@studio-a.example", "Engineer")
    with pytest.raises(PermissionRefused):
        portal_invite(client=mia, by=engineer)
    assert not PortalAccount.objects.exists()


def test_the_owner_invites_from_the_clients_page(
    mia, owner_browser_a, studio_a, django_capture_on_commit_callbacks
):
    page = owner_browser_a.get(f"/admin/studio/client/{mia.pk}/change/").content.decode()
    assert "Invite to the portal" in page and "No portal access yet" in page
    confirm = owner_browser_a.get(invite_url(mia))
    assert confirm.status_code == 200 and "mia@bands.example" in confirm.content.decode().lower()
    assert "<img src=x" not in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_browser_a.post(invite_url(mia), follow=True)
    assert "Invitation sent to mia@bands.example." in response.content.decode()
    assert len(mail.outbox) == 1
    page = owner_browser_a.get(f"/admin/studio/client/{mia.pk}/change/").content.decode()
    assert "mia@bands.example" in page and "not signed in yet" in page
    assert "<img src=x" not in page


def test_the_clients_page_says_when_there_is_no_e_mail(owner_browser_a, studio_a):
    with schema_context(studio_a.schema_name):
        nameless = Client.objects.create(name="No Mail Band")
    response = owner_browser_a.get(invite_url(nameless), follow=True)
    assert NO_EMAIL in response.content.decode()
    response = owner_browser_a.post(invite_url(nameless), follow=True)
    assert NO_EMAIL in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert not PortalAccount.objects.exists()


def test_the_front_desk_may_invite(mia, front_desk_browser_a, studio_a):
    response = front_desk_browser_a.post(invite_url(mia), follow=True)
    assert "Invitation sent to mia@bands.example." in response.content.decode()
    with schema_context(studio_a.schema_name):
        assert PortalAccount.objects.filter(client=mia).exists()


def test_nobody_else_reaches_the_invite_action(
    mia, studio_a, portal_client_x, portal_client_b, anonymous_a, client_b
):
    from tests.conftest import STUDIO_B

    with schema_context(studio_a.schema_name):
        engineer = staff_user("eng@studio-a.example", "Engineer")
    from django.test import Client as Browser

    from tests.conftest import STUDIO_A

    engineer_browser = Browser(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        engineer_browser.force_login(engineer, backend="django.contrib.auth.backends.ModelBackend")
    for browser in (portal_client_x.browser, anonymous_a):
        response = browser.post(invite_url(mia))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert engineer_browser.post(invite_url(mia)).status_code in (403, 404)
    # Studio B's client (and an anonymous visitor of studio B) on studio B's host: the id
    # names nothing there, and they are not staff anyway.
    for browser in (portal_client_b.browser, Browser(HTTP_HOST=STUDIO_B.host)):
        response = browser.post(invite_url(mia))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    with schema_context(studio_a.schema_name):
        assert not PortalAccount.objects.filter(client=mia).exists()
    assert mail.outbox == []


def test_the_invitation_link_opens_the_account_and_offers_a_password(
    mia, owner_a, studio_a, anonymous_a, django_capture_on_commit_callbacks
):
    with schema_context(studio_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        account = portal_invite(client=mia, by=owner_a)
    path = last_link()
    assert "/link/invite/" in path
    assert "Open my account" in anonymous_a.get(path).content.decode()
    response = anonymous_a.post(path)
    assert response.status_code == 302 and response["Location"] == "/password/"
    assert int(anonymous_a.session[SESSION_KEY]) == account.user_id
    page = anonymous_a.get("/password/").content.decode()
    assert "Choose a password" in page and "Current password" not in page
    saved = anonymous_a.post(
        "/password/", {"password": "Two-Inch-Tape-24", "password_again": "Two-Inch-Tape-24"}
    )
    assert saved.status_code == 302
    with schema_context(studio_a.schema_name):
        account.user.refresh_from_db()
        assert account.user.check_password("Two-Inch-Tape-24")
        assert AuditEntry.objects.filter(action="portal.password_set").exists()
    assert SESSION_KEY in anonymous_a.session  # still signed in after choosing it
    with schema_context(studio_a.schema_name):
        page = anonymous_a.get("/").content.decode()
    assert "Your password is saved" in page
