"""“Sign in” on the marketing site sends people to their own studio's sign-in page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed", ["studio-a", "Studio-A", "studio-a.localhost", "http://studio-a.localhost/admin/"]
)
def test_it_redirects_to_the_studio_sign_in_page(typed, site_content, platform_client, studio_a):
    response = platform_client.get("/sign-in/", {"studio": typed})

    assert response.status_code == 302
    assert response["Location"] == studio_a.url_for("/admin/login/")


def test_an_unknown_studio_gets_a_message(site_content, platform_client):
    response = platform_client.get("/sign-in/", {"studio": "no-such-studio"})

    assert response.status_code == 200
    assert "We could not find a studio at “no-such-studio”" in response.content.decode()


@pytest.mark.parametrize("typed", ["studio_template", "public", "localhost"])
def test_the_platform_and_template_schemas_are_not_studios(typed, site_content, platform_client):
    response = platform_client.get("/sign-in/", {"studio": typed})

    assert response.status_code == 200
