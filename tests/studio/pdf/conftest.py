"""The PDF renderers work on plain data: these tests need neither the database nor the cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _public_schema_and_clean_caches():
    """Replaces the project-wide autouse fixture of the same name, which resets the database
    schema and clears the caches around every test."""
    yield
