"""Wagtail lives on the platform domain only: a studio's domain never serves the CMS, its pages
or its admin."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/cms/", "/cms/login/", "/pricing/", "/help/", "/help/your-first-five-minutes/"]
)
def test_a_studio_domain_does_not_serve_wagtail(path, site_content, client_a, platform_client):
    assert platform_client.get(path).status_code in (200, 302)

    response = client_a.get(path)

    assert response.status_code == 404
    assert b"wagtail" not in response.content.lower()


def test_a_studio_domain_root_is_the_studio_portal_not_the_marketing_home(site_content, client_a):
    response = client_a.get("/")

    assert response.status_code == 200
    assert b"Studio A" in response.content
    assert b"Run your studio, not your spreadsheets." not in response.content
    # The platform's footer links stay on the platform's own pages.
    assert b"/legal/terms/" not in response.content


def test_an_unknown_host_gets_nothing(site_content):
    from django.test import Client

    # DisallowedHost (400) since the tenant middleware refuses unknown hosts like ALLOWED_HOSTS.
    assert Client(HTTP_HOST="nobody.localhost").get("/pricing/").status_code in (400, 404)
