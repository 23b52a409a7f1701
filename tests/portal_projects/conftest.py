"""Projects in the portal: client X's EP in studio A with one track and two processed versions
of a WAV made here (v2 the master), its invoice issued and unpaid; the portal cast (clients X
and Y of studio A, studio B's client, studio A's staff, an anonymous visitor)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
import soundfile
from django.core.files.base import ContentFile

from studio.models import AudioVersion, Invoice, Project, StudioSettings, Track
from studio.services import projects as svc
from studio.services.audio_review import version_create, version_master_set
from studio.services.audio_uploads import version_process
from studio.services.invoices import invoice_create, invoice_issue
from tests.booking.conftest import (  # noqa: F401
    anonymous_a,
    front_desk_a,
    front_desk_browser_a,
    owner_a,
    owner_browser_a,
    portal_client_b,
    portal_client_x,
    portal_client_y,
    studio_rules,
)
from tests.conftest import forget_media_root
from tests.payments.conftest import localstripe_server, stripe_settings  # noqa: F401

STUDIO_EMAIL = "desk@studio-a.example"
SECONDS = 50


def wav_bytes(*, seconds: float = SECONDS, rate: int = 44100, tone: float = 440.0) -> bytes:
    """A mono 16-bit WAV of a quiet sine: real audio for the processing to read."""
    t = np.arange(int(seconds * rate)) / rate
    samples = 0.3 * np.sin(2 * np.pi * tone * t)
    out = io.BytesIO()
    soundfile.write(out, samples, rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def version_make(track: Track, name: str, data: bytes, *, label: str = "") -> AudioVersion:
    """A version whose file is in the studio's storage, processed as the worker would."""
    version = version_create(
        track=track,
        file_name=name,
        stored_name="pending",
        size_bytes=len(data),
        audio_format="wav",
        label=label,
    )
    version.file.save(name, ContentFile(data), save=False)
    AudioVersion.objects.filter(pk=version.pk).update(file=version.file.name)
    return version_process(version_id=version.pk)


@dataclass
class Review:
    project: Project
    track: Track
    v1: AudioVersion
    v2: AudioVersion
    invoice: Invoice


def review_make(client) -> Review:
    """Client's EP: a track with v1 and v2 (the master), and the project's invoice issued."""
    project = svc.project_create(client=client, title="Night Drive EP", kind="ep")
    track = svc.track_create(project=project, title="Headlights")
    v1 = version_make(track, "headlights-mix1.wav", wav_bytes(tone=330.0), label="First mix")
    v2 = version_make(track, "headlights-mix2.wav", wav_bytes(tone=440.0), label="Vocal up")
    v2 = version_master_set(version=v2)
    draft = invoice_create(
        client=client,
        project=project,
        lines=[
            {
                "description": "Mixing and mastering, 1 track",
                "quantity": Decimal(1),
                "unit_price": Decimal("120.00"),
                "discount_percent": Decimal(0),
                "tax_rate": Decimal(0),
            }
        ],
    )
    return Review(project, track, v1, v2, invoice_issue(invoice=draft))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    yield
    forget_media_root()


@pytest.fixture
def review(studio_rules, media, portal_client_x) -> Review:  # noqa: F811
    """Client X's project in studio A (the test runs in studio A's schema); studio A takes
    cards and its e-mail address receives the client's comments and approvals."""
    StudioSettings.objects.update(email=STUDIO_EMAIL)
    made = review_make(portal_client_x.client)
    assert made.v1.status == made.v2.status == AudioVersion.Status.READY, made.v1.error
    return made
