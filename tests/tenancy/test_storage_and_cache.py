from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

pytestmark = pytest.mark.django_db


def test_uploads_are_stored_under_the_studio_schema(studio_a, studio_b, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    with schema_context(studio_a.schema_name):
        name = default_storage.save("mixes/take1.wav", ContentFile(b"RIFF"))
        path_a = Path(default_storage.path(name))
    with schema_context(studio_b.schema_name):
        assert not default_storage.exists(name)

    assert path_a.is_relative_to(tmp_path / studio_a.schema_name)
    assert path_a.read_bytes() == b"RIFF"


def test_cache_entries_are_per_studio(studio_a, studio_b):
    with schema_context(studio_a.schema_name):
        cache.set("dashboard:revenue", 1200)
    with schema_context(studio_b.schema_name):
        assert cache.get("dashboard:revenue") is None
        cache.set("dashboard:revenue", 99)
    with schema_context(studio_a.schema_name):
        assert cache.get("dashboard:revenue") == 1200
