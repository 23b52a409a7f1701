"""A refusal is a page in the back office's look that says why and where to go, not a bare
"403 Forbidden"; scripts asking for data get the same sentence as text."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Studio
from studio.models import Client
from tests.conftest import STUDIO_A
from tests.studio.conftest import staff_user

pytestmark = pytest.mark.django_db

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}


@pytest.fixture
def engineer_http(studio_a):
    http = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        http.force_login(staff_user("lea@studio-a.example", "Engineer"))
    return http


def test_a_refused_page_says_which_role_and_where_to_go(engineer_http):
    response = engineer_http.get("/admin/studio/invoice/", **HTML)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You can&#x27;t open this page" in page
    assert "Your role (Engineer) does not include this page" in page
    assert 'href="/admin/"' in page  # the way back
    assert "Calendar" in page  # drawn inside the back office, with its navigation


def test_a_refused_write_changes_nothing_and_is_explained(studio_a, engineer_http):
    response = engineer_http.post("/admin/studio/client/add/", {"name": "X", "kind": "artist"})
    assert response.status_code == 403
    with schema_context(studio_a.schema_name):
        assert not Client.objects.filter(name="X").exists()


def test_a_script_gets_the_reason_as_text(engineer_http):
    response = engineer_http.get("/admin/studio/invoice/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Your role (Engineer)")


def test_an_unknown_address_is_a_page_not_found_in_the_back_office(owner_browser):
    response = owner_browser.get("/admin/studio/nothing-here/", **HTML)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "link belongs to another studio" in page
    assert "Calendar" in page


def test_a_read_only_studio_answers_a_write_with_the_renewal(studio_a, owner_browser):
    Studio.objects.filter(pk=studio_a.pk).update(subscription_status="read_only")
    response = owner_browser.post("/admin/studio/client/add/", {"name": "New"}, **HTML)
    assert response.status_code == 402
    page = response.content.decode()
    assert "This studio is read-only" in page and "/admin/subscription/" in page
    with schema_context(studio_a.schema_name):
        assert not Client.objects.filter(name="New").exists()


def test_the_owner_is_not_refused(owner_browser):
    assert owner_browser.get("/admin/studio/invoice/", **HTML).status_code == 200
