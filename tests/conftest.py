"""Shared test setup: the platform tenant, the template, and two studios ("A" and "B").

They are created once per test session, for real (schema cloned from the template), and every
test runs inside a transaction that is rolled back, with the connection back on the public schema.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client

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


STUDIO_A = Cast("studio-a", "Studio A", "owner@studio-a.example", "a-owner-Passw0rd!")
STUDIO_B = Cast("studio-b", "Studio B", "owner@studio-b.example", "b-owner-Passw0rd!")
PLATFORM_HOST = "localhost"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
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


@pytest.fixture(autouse=True)
def _public_schema_and_clean_caches():
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()
    for alias in ("default", "platform"):
        caches[alias].clear()


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
