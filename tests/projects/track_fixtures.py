"""What the track page's tests share: a project with a track, and versions as the audio
processing leaves them (ready, with peaks, duration and loudness), without real audio."""

from __future__ import annotations

from studio.models import AudioVersion, Track
from studio.services import audio_review
from studio.services import projects as svc
from tests.studio.factories import ClientFactory

PEAK_POINTS = 1000


def fake_peaks(channels: int = 2, points: int = PEAK_POINTS) -> list[list[float]]:
    return [[round(((i * 37) % 100) / 100, 4) for i in range(points)] for _ in range(channels)]


def track_make(*, title: str = "Night Drive", client=None, **fields) -> Track:
    client = client or ClientFactory(name="The Night Owls")
    project = svc.project_create(client=client, title=f"{title} EP", kind="ep")
    return svc.track_create(project=project, title=title, **fields)


def version_ready(
    track: Track,
    *,
    label: str = "",
    duration: float = 180.0,
    lufs: float | None = -14.0,
    kind: str = AudioVersion.Kind.MIX,
) -> AudioVersion:
    """A version recorded through the service, then given what processing would store."""
    version = audio_review.version_create(
        track=track,
        file_name="mix.wav",
        stored_name=f"audio/p{track.project_id}/t{track.pk}/mix.wav",
        size_bytes=1000,
        audio_format="wav",
        kind=kind,
        label=label,
    )
    AudioVersion.objects.filter(pk=version.pk).update(
        status=AudioVersion.Status.READY,
        progress=100,
        duration_seconds=duration,
        sample_rate=48000,
        bit_depth=24,
        channels=2,
        lufs=lufs,
        peaks=fake_peaks(),
    )
    version.refresh_from_db()
    return version
