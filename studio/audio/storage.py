"""S3 storage with each studio's files under its own prefix, as on local disk
(MEDIA_ROOT/<schema>/): the names stored in the database stay the same on both."""

from __future__ import annotations

from django.db import connection
from storages.backends.s3 import S3Storage


class TenantS3Storage(S3Storage):
    """Keys are `[AWS_LOCATION/]<schema>/<name>`, the schema read at each call."""

    @property
    def location(self) -> str:
        base = self._base_location.strip("/")
        schema = connection.schema_name
        return f"{base}/{schema}" if base else schema

    @location.setter
    def location(self, value: str) -> None:
        self._base_location = value or ""
