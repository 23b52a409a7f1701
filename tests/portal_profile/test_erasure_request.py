"""“Delete my account” files a request the studio sees; it deletes nothing by itself."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from studio.models import AuditEntry, Client
from tests.portal_profile.conftest import CAST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", CAST)
def test_the_delete_page_opens_only_for_a_signed_in_client(cast, who):
    response = cast[who].get("/profile/delete/")
    if who in ("client_x", "client_y"):
        assert response.status_code == 200
        assert "Ask the studio to delete my data" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_a_client_files_the_request_once_audited(studio_a, portal_client_x, portal_client_y):
    response = portal_client_x.browser.post("/profile/delete/", follow=True)
    assert "Your request is sent" in response.content.decode()
    with schema_context(studio_a.schema_name):
        x = Client.objects.get(pk=portal_client_x.client.pk)
        assert x.erasure_requested_at is not None
        assert x.anonymised_at is None
        assert x.name == "Xavier and the Tapes"
        assert (
            AuditEntry.objects.filter(
                action="client.erasure_requested", object_id=str(x.pk)
            ).count()
            == 1
        )
        assert Client.objects.get(pk=portal_client_y.client.pk).erasure_requested_at is None
    again = portal_client_x.browser.post("/profile/delete/", follow=True).content.decode()
    assert "You already asked the studio to delete your data" in again
    with schema_context(studio_a.schema_name):
        assert AuditEntry.objects.filter(action="client.erasure_requested").count() == 1


@pytest.mark.parametrize("who", ["owner", "accountant", "engineer", "client_b", "anonymous"])
def test_no_one_else_can_file_it(cast, who, studio_a, portal_client_x):
    cast[who].post("/profile/delete/")
    with schema_context(studio_a.schema_name):
        assert not Client.objects.filter(erasure_requested_at__isnull=False).exists()


def test_the_studio_sees_it_on_the_clients_page_and_in_the_list(
    studio_a, owner_browser_a, portal_client_x, portal_client_y
):
    portal_client_x.browser.post("/profile/delete/")
    x, y = portal_client_x.client.pk, portal_client_y.client.pk
    page = owner_browser_a.get(f"/admin/studio/client/{x}/change/").content.decode()
    assert "Asked to delete their data on" in page
    assert "Anonymise" in page
    other = owner_browser_a.get(f"/admin/studio/client/{y}/change/").content.decode()
    assert "Asked to delete their data on" not in other
    listed = owner_browser_a.get("/admin/studio/client/?erasure=asked").content.decode()
    assert f"/admin/studio/client/{x}/change/" in listed
    assert f"/admin/studio/client/{y}/change/" not in listed
