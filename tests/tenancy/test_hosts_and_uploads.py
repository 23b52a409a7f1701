"""What each host answers: a host that is no studio's is a bad request, and uploaded files are
served in development only, each by its own host, never by the platform's."""

from __future__ import annotations

import importlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import clear_url_caches
from django_tenants.utils import get_public_schema_name, schema_context

import siteconf.urls_public
import siteconf.urls_tenant
from tests.conftest import forget_media_root

pytestmark = pytest.mark.django_db
PHOTO = "rooms/live-room.jpg"


@pytest.mark.parametrize("host", ["nobody.localhost", "evil.example", "localhost.evil.example"])
def test_a_host_that_is_no_studio_is_a_bad_request(host):
    response = Client(HTTP_HOST=host).get("/admin/login/")

    assert response.status_code == 400


def test_the_platform_and_the_studios_keep_answering(platform_client, client_a, client_b):
    assert platform_client.get("/signup/").status_code == 200
    assert client_a.get("/admin/login/").status_code == 200
    assert client_b.get("/admin/login/").status_code == 200


@pytest.fixture
def uploads(settings, tmp_path, studio_a, studio_b):
    """The same file name uploaded in studio A, in studio B and on the platform, each with its
    schema's name for content."""
    settings.MEDIA_ROOT = str(tmp_path)
    forget_media_root()
    for schema in (studio_a.schema_name, studio_b.schema_name, get_public_schema_name()):
        with schema_context(schema):
            assert default_storage.save(PHOTO, ContentFile(schema.encode())) == PHOTO
    return tmp_path


@pytest.fixture
def development_urls(settings, uploads):
    """The URL confs as `make run` builds them: imported with DEBUG on, after MEDIA_ROOT is
    set (a URL conf may read it when it is imported)."""

    def rebuild():
        importlib.reload(siteconf.urls_public)
        importlib.reload(siteconf.urls_tenant)
        clear_url_caches()

    debug = settings.DEBUG
    settings.DEBUG = True
    rebuild()
    yield
    settings.DEBUG = debug
    rebuild()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_platform_host_never_serves_a_studios_upload(
    development_urls, uploads, platform_client, studio_a, studio_b
):
    for studio in (studio_a, studio_b):
        response = platform_client.get(f"/media/{studio.schema_name}/{PHOTO}")

        assert response.status_code == 404


def test_a_studio_host_serves_its_own_uploads_and_no_one_elses(
    development_urls, uploads, client_a, client_b, studio_a, studio_b
):
    own = client_a.get(f"/media/{studio_a.schema_name}/{PHOTO}")
    assert own.status_code == 200 and body(own) == studio_a.schema_name.encode()

    assert client_a.get(f"/media/{studio_b.schema_name}/{PHOTO}").status_code == 404
    assert client_b.get(f"/media/{studio_a.schema_name}/{PHOTO}").status_code == 404
    assert client_a.get(f"/media/{get_public_schema_name()}/{PHOTO}").status_code == 404
    escape = client_a.get(f"/media/{studio_a.schema_name}/../{studio_b.schema_name}/{PHOTO}")
    assert escape.status_code in (400, 404)


def test_the_platform_host_serves_its_own_images_in_development(
    development_urls, uploads, platform_client
):
    response = platform_client.get(f"/media/{get_public_schema_name()}/{PHOTO}")

    assert response.status_code == 200 and body(response) == b"public"


def test_no_upload_is_served_without_debug(uploads, platform_client, client_a, studio_a):
    path = f"/media/{studio_a.schema_name}/{PHOTO}"

    assert client_a.get(path).status_code == 404
    assert platform_client.get(path).status_code == 404
