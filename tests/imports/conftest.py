from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from studio.services.imports import import_file

TABLES = (
    "studio_client",
    "studio_room",
    "studio_engineer",
    "studio_equipment",
    "studio_maintenanceentry",
    "studio_session",
    "studio_sessionengineer",
)


def fingerprint() -> dict[str, str]:
    """Row count and checksum of every table an import can write, in the current schema."""
    result = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
                f"FROM {table} t"
            )
            count, digest = cursor.fetchone()
            result[table] = f"{count}:{digest}"
    return result


def run(resource: str, content: str | bytes, filename: str = "file.csv", **kwargs):
    data = content.encode() if isinstance(content, str) else content
    return import_file(resource_key=resource, data=data, filename=filename, **kwargs)


@pytest.fixture
def unchanged(in_studio_a):
    """Asserts, after the test, that no table an import writes has changed."""
    before = fingerprint()
    yield
    assert fingerprint() == before


def errors_of(report) -> list[tuple[int, str, str, str]]:
    return [(e.line, e.column, e.value, e.message) for e in report.errors]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
