from __future__ import annotations

import functools
import hashlib
import io
import zipfile

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


@functools.cache
def xlsx_bomb() -> bytes:
    """About 100 KB named .xlsx, whose sheet unpacks to 100 MB: one byte repeated, which
    deflate packs a thousand times over. A real workbook around it, so it opens as one."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1">' + b" " * (100 * 1024 * 1024) + b"</row></sheetData></worksheet>"
    )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return bomb.getvalue()
