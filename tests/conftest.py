"""Shared test setup: the platform tenant, the template, and two studios ("A" and "B").

They are created once per test session, for real (schema cloned from the template), and every
test runs inside a transaction that is rolled back, with the connection back on the public schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import (
    platform_tenant_ensure,
    studio_provision,
    template_ensure,
)


@dataclass(frozen=True)
class Cast:
    slug: str
    name: str
    owner_email: str
    owner_password: str

    @property
    def host(self) -> str:
        return f"{self.slug}.localhost"


PARIS = ZoneInfo("Europe/Paris")

STUDIO_A = Cast("studio-a", "Studio A", "owner@studio-a.example", "a-owner-Passw0rd!")
STUDIO_B = Cast("studio-b", "Studio B", "owner@studio-b.example", "b-owner-Passw0rd!")
PLATFORM_HOST = "localhost"


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb
):
    """The test database, always created (pytest-django would skip it when no collected test
    carries the django_db mark, and the race and browser tests, which commit for real, do not
    carry it), then the platform, the template and studios A and B."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            keepdb=django_db_keepdb and not django_db_createdb,
        )
        assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
        platform_tenant_ensure()
        template_ensure()
        for cast in (STUDIO_A, STUDIO_B):
            studio_provision(
                name=cast.name,
                slug=cast.slug,
                owner_email=cast.owner_email,
                owner_password=cast.owner_password,
            )
        connection.set_schema_to_public()
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            # Threads of the race and browser tests may still hold idle connections.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            teardown_databases(config, verbosity=request.config.option.verbose)


def forget_media_root() -> None:
    """TenantFileSystemStorage caches its root and, through a django-tenants bug (it hands the
    settings object, not the setting's name, to its parent), never drops it when MEDIA_ROOT
    changes: tests that point MEDIA_ROOT elsewhere need it dropped by hand."""
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture(autouse=True)
def _public_schema_and_clean_caches():
    connection.set_schema_to_public()
    forget_media_root()
    yield
    forget_media_root()
    connection.set_schema_to_public()
    for alias in ("default", "platform"):
        caches[alias].clear()


def sign_in_verified(browser: Client, user) -> Client:
    """Sign `user` in as if with their password and a code from their app: a confirmed
    authenticator app (created if they have none) is this session's second factor. Operators
    need it for every page of the platform admin and the CMS. Call it in the user's schema."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


@pytest.fixture
def studio_a(db) -> Studio:
    return Studio.objects.get(slug=STUDIO_A.slug)


@pytest.fixture
def studio_b(db) -> Studio:
    return Studio.objects.get(slug=STUDIO_B.slug)


def client_for(host: str) -> Client:
    return Client(HTTP_HOST=host)


@pytest.fixture
def client_a(db) -> Client:
    return client_for(STUDIO_A.host)


@pytest.fixture
def client_b(db) -> Client:
    return client_for(STUDIO_B.host)


@pytest.fixture
def platform_client(db) -> Client:
    return client_for(PLATFORM_HOST)


@pytest.fixture
def in_studio_a(studio_a):
    """Run the test inside studio A's schema, in the studio's time zone (Europe/Paris)."""
    with schema_context(studio_a.schema_name), timezone.override(PARIS):
        yield studio_a
