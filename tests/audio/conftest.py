"""Audio fixtures: generated sound files (made here with soundfile, never shipped), a project
with a track in studio A, and each test's own media and spool folders."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile
from django_tenants.utils import schema_context

from studio.services import audio_uploads, projects
from tests.conftest import forget_media_root
from tests.portal.conftest import (  # noqa: F401 - the portal's cast, for the serving tests
    portal_client_b,
    portal_client_x,
    portal_client_y,
)
from tests.studio.factories import ClientFactory

RATE = 48000


def sine(seconds: float, *, rate: int = RATE, channels: int = 2, dbfs: float = -20.0):
    """A 1 kHz sine at `dbfs` (peak), slightly quieter on the right so channels differ."""
    t = np.arange(int(seconds * rate)) / rate
    wave = 10 ** (dbfs / 20) * np.sin(2 * np.pi * 1000 * t)
    if channels == 1:
        return wave[:, None]
    return np.stack([wave] + [wave * 0.5] * (channels - 1), axis=1)


def encoded(data, *, rate: int = RATE, fmt: str = "WAV", subtype: str | None = "PCM_24") -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, data, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def wav_bytes(seconds: float = 2.0, **kwargs) -> bytes:
    return encoded(sine(seconds, **kwargs), rate=kwargs.get("rate", RATE))


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.AUDIO_SPOOL_DIR = str(tmp_path / "spool")
    forget_media_root()
    yield tmp_path
    forget_media_root()


@pytest.fixture
def track(in_studio_a):
    project = projects.project_create(client=ClientFactory(), title="Night Drive", kind="ep")
    return projects.track_create(project=project, title="Intro")


@pytest.fixture
def version(studio_a, portal_client_x):  # noqa: F811 - the portal fixture, imported above
    """A processed mix of client X's project, in studio A."""
    with schema_context(studio_a.schema_name):
        project = projects.project_create(client=portal_client_x.client, title="Tape Hiss")
        track = projects.track_create(project=project, title="Side A")
        data = wav_bytes(2.0)
        upload = audio_uploads.upload_start(
            track=track, filename="Side A (mix).wav", size=len(data)
        )
        upload = audio_uploads.upload_chunk(
            upload=upload, offset=0, stream=io.BytesIO(data), length=len(data)
        )
        return audio_uploads.version_process(version_id=upload.version.pk)
