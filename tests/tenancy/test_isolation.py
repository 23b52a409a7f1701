"""Who reaches which admin on which host: the studio cast against the platform."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import PLATFORM_HOST, STUDIO_A, STUDIO_B, client_for, sign_in_verified

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": password}, follow=False
    )


def test_a_studio_owner_logs_into_their_own_admin_titled_with_the_studio_name(client_a):
    response = login(client_a, STUDIO_A.owner_email, STUDIO_A.owner_password)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"

    page = client_a.get("/admin/")

    assert page.status_code == 200
    assert "<title>" in page.text and "Studio A" in page.text.split("</title>")[0]
    assert "Studio B" not in page.text


def test_studio_a_owner_cannot_log_into_studio_b(client_b):
    response = login(client_b, STUDIO_A.owner_email, STUDIO_A.owner_password)

    assert response.status_code == 200  # the form again, with an error
    assert "Please enter the correct username and password" in response.text
    assert "_auth_user_id" not in client_b.session
    assert client_b.get("/admin/").status_code == 302


def test_a_session_from_studio_a_is_worthless_on_studio_b(client_a):
    login(client_a, STUDIO_A.owner_email, STUDIO_A.owner_password)
    stolen_cookie = client_a.cookies["sessionid"].value

    other = client_for(STUDIO_B.host)
    other.cookies["sessionid"] = stolen_cookie
    response = other.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_each_studio_admin_lists_only_its_own_staff(client_a, client_b):
    login(client_a, STUDIO_A.owner_email, STUDIO_A.owner_password)
    login(client_b, STUDIO_B.owner_email, STUDIO_B.owner_password)

    page_a = client_a.get("/admin/auth/user/")
    page_b = client_b.get("/admin/auth/user/")

    assert STUDIO_A.owner_email in page_a.text and STUDIO_B.owner_email not in page_a.text
    assert STUDIO_B.owner_email in page_b.text and STUDIO_A.owner_email not in page_b.text


def test_an_anonymous_visitor_is_sent_to_the_studio_login(client_a):
    response = client_a.get("/admin/auth/user/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_platform_admin_is_not_served_on_a_studio_domain(client_a):
    login(client_a, STUDIO_A.owner_email, STUDIO_A.owner_password)

    assert client_a.get("/admin/tenancy/studio/").status_code == 404
    assert client_a.get("/admin/tenancy/domain/").status_code == 404
    assert client_a.get("/cms/").status_code == 404
    assert client_a.get("/admin/django_q/success/").status_code == 404


def test_a_studio_owner_cannot_log_into_the_platform_admin(platform_client):
    response = login(platform_client, STUDIO_A.owner_email, STUDIO_A.owner_password)

    assert response.status_code == 200
    assert "_auth_user_id" not in platform_client.session


def test_the_studio_admin_is_not_served_on_the_platform_domain(platform_client):
    operator = User.objects.create_superuser(
        "op@platform.example", "op@platform.example", "op-Passw0rd!"
    )
    sign_in_verified(platform_client, operator)

    studios = platform_client.get("/admin/tenancy/studio/")
    assert studios.status_code == 200
    assert "Studio A" in studios.text and "Studio B" in studios.text
    # The platform's own users, not any studio's staff.
    users = platform_client.get("/admin/auth/user/")
    assert "op@platform.example" in users.text
    assert STUDIO_A.owner_email not in users.text
    # The portal is a studio page; the platform answers with its marketing site instead.
    assert b"Client portal" not in platform_client.get("/").content


def test_a_platform_operator_cannot_log_into_a_studio(client_a):
    User.objects.create_superuser("op@platform.example", "op@platform.example", "op-Passw0rd!")

    response = login(client_a, "op@platform.example", "op-Passw0rd!")

    assert response.status_code == 200
    assert "_auth_user_id" not in client_a.session


@pytest.mark.parametrize("host", ["nope.localhost", "studio-c.localhost", "evil.example"])
def test_an_unknown_host_is_a_bad_request_not_another_studio(host):
    response = Client(HTTP_HOST=host).get("/")

    assert response.status_code == 400
    assert b"Studio A" not in response.content and b"Studio B" not in response.content


def test_an_unknown_subdomain_of_the_platform_is_a_bad_request():
    assert Client(HTTP_HOST="nope.localhost").get("/admin/login/").status_code == 400


def test_the_portal_root_shows_its_own_studio(client_a, client_b):
    page_a, page_b = client_a.get("/"), client_b.get("/")

    assert page_a.status_code == 200 and "Studio A" in page_a.text
    assert "Studio B" not in page_a.text
    assert "Studio B" in page_b.text and "Studio A" not in page_b.text


def test_the_platform_home_page_is_the_wagtail_site(platform_client):
    from pathlib import Path

    from django.conf import settings

    from cms.services import home_page_ensure

    home_page_ensure(
        content_file=Path(settings.BASE_DIR) / "fixtures" / "home_page.json",
        hostname=PLATFORM_HOST,
        port=80,
    )

    response = platform_client.get("/")

    assert response.status_code == 200
    assert "Run your studio, not your spreadsheets." in response.text


def test_staff_sign_in_with_their_email_whatever_its_case(client_a):
    page = client_a.get("/admin/login/")
    assert "E-mail" in page.text

    response = login(client_a, STUDIO_A.owner_email.upper(), STUDIO_A.owner_password)

    assert response.status_code == 302
    assert client_a.get("/admin/").status_code == 200
