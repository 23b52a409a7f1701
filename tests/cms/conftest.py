"""Fixtures for the marketing site: a home page as the platform site's root, the seeded content,
and media files written to a temporary directory."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import get_urlconf, set_urlconf

from cms.services import HOME_CONTENT, home_page_ensure, site_content_ensure
from tests.conftest import forget_media_root

PLATFORM_PORT = 80  # what the test client sends for http://localhost/


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Seeding creates Wagtail images and renditions: keep them out of the repository's media/.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    yield
    forget_media_root()


@pytest.fixture
def home(db):
    return home_page_ensure(content_file=HOME_CONTENT, hostname="localhost", port=PLATFORM_PORT)


@pytest.fixture
def site_content(home):
    site_content_ensure(hostname="localhost", port=PLATFORM_PORT)
    return home


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser(
        username="editor@platform.example", email="editor@platform.example", password="x-Passw0rd!"
    )


def publish(parent, page):
    """Add `page` under `parent` and publish it, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def url_of(page) -> str:
    """A page's path on the platform domain. Outside a request Django resolves against
    ROOT_URLCONF, the studios' URLconf, which has no Wagtail: use the platform's, as the tenant
    middleware does for requests to the platform domain."""
    previous = get_urlconf()
    set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
    try:
        return page.get_url()
    finally:
        set_urlconf(previous)
