"""On S3 each studio's files sit under its schema's prefix, and audio is handed over as a
short-lived presigned address (signed locally: no request reaches S3 here)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import schema_context

from studio.audio.storage import TenantS3Storage
from studio.models import AudioVersion
from studio.services.audio_urls import audio_url
from tests.conftest import STUDIO_A, client_for

pytestmark = pytest.mark.django_db


def s3(**options) -> TenantS3Storage:
    return TenantS3Storage(
        bucket_name="studio-audio",
        access_key="AKIAEXAMPLE",
        secret_key="not-a-real-secret",
        region_name="eu-west-1",
        signature_version="s3v4",
        **options,
    )


def test_keys_carry_the_studio_schema(studio_a, studio_b):
    storage = s3(location="media")
    with schema_context(studio_a.schema_name):
        assert storage._normalize_name("audio/p1/t1/v1-mix.wav") == (
            f"media/{studio_a.schema_name}/audio/p1/t1/v1-mix.wav"
        )
    with schema_context(studio_b.schema_name):
        assert storage._normalize_name("audio/x.wav").startswith(f"media/{studio_b.schema_name}/")


def test_a_download_on_s3_redirects_to_a_presigned_address(studio_a, version, monkeypatch):
    monkeypatch.setattr(AudioVersion._meta.get_field("file"), "storage", s3())
    with schema_context(studio_a.schema_name):
        owner = User.objects.get(email=STUDIO_A.owner_email)
        url = audio_url(version, variant="download", user=owner)
        browser = client_for(STUDIO_A.host)
        browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    target = urlsplit(response["Location"])
    query = parse_qs(target.query)
    assert target.netloc.startswith("studio-audio.s3")
    assert target.path == f"/{studio_a.schema_name}/{version.file.name}"
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"][0].startswith("attachment")
