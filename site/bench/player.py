"""The track page with its player: server time of the back office's page for a track with 20
processed versions and 500 review comments, and its query count beside that of a track with 2
versions and 50 comments (the two must be equal: the page does not grow in queries with the
review). Peaks are generated, no audio is decoded: what is measured is the page, not the audio.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context

from siteconf.bench.stats import p95
from siteconf.bench.studios import bench_studio, owner_email
from siteconf.tenancy.models import Studio
from siteconf.tenancy.services.provisioning import studio_destroy
from studio.models import AudioVersion, Client, ReviewComment, Track
from studio.services import projects

SLUG = "bench-player"
PEAK_POINTS = 1000
DURATION = 240.0


def _peaks(rng: random.Random) -> list[list[float]]:
    return [[round(rng.random(), 4) for _ in range(PEAK_POINTS)] for _ in range(2)]


def _track(client: Client, *, title: str, versions: int, comments: int, rng) -> Track:
    """A track whose versions look processed (peaks, loudness) and whose comments are spread
    over them, a third of them with a reply."""
    project = projects.project_create(client=client, title=f"{title} EP")
    track = projects.track_create(project=project, title=title)
    AudioVersion.objects.bulk_create(
        AudioVersion(
            track=track,
            number=number,
            kind=AudioVersion.Kind.MIX,
            label=f"Mix {number}",
            original_name=f"mix-{number}.wav",
            audio_format="wav",
            size_bytes=48_000 * 6 * int(DURATION),
            status=AudioVersion.Status.READY,
            progress=100,
            duration_seconds=DURATION,
            sample_rate=48_000,
            bit_depth=24,
            channels=2,
            lufs=round(-16 + rng.random() * 4, 1),
            peaks=_peaks(rng),
        )
        for number in range(1, versions + 1)
    )
    version_ids = list(AudioVersion.objects.filter(track=track).values_list("pk", flat=True))
    tops = ReviewComment.objects.bulk_create(
        ReviewComment(
            version_id=version_ids[n % len(version_ids)],
            at_seconds=Decimal(rng.randrange(0, int(DURATION) * 10)) / 10,
            body=f"Note {n}: the vocal could sit a little higher here.",
            author_name="Bench Owner",
        )
        for n in range(comments - comments // 4)
    )
    ReviewComment.objects.bulk_create(
        ReviewComment(
            version_id=parent.version_id,
            parent=parent,
            at_seconds=parent.at_seconds,
            body="Agreed, done in the next mix.",
            author_name="The client",
        )
        for parent in tops[: comments // 4]
    )
    return track


def _measure(http: HttpClient, url: str, repeat: int) -> tuple[float, int]:
    assert http.get(url).status_code == 200  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        http.get(url)
    return p95(timings), len(queries)


def bench_player_page(*, repeat: int, progress: Callable[[str], None]) -> dict:
    studio = bench_studio(slug=SLUG, name="Bench Player")
    rng = random.Random(16)
    try:
        with schema_context(studio.schema_name):
            client = Client.objects.create(name="Bench Band", email="band@bench-player.example")
            small = _track(client, title="Small", versions=2, comments=50, rng=rng)
            large = _track(client, title="Large", versions=20, comments=500, rng=rng)
            owner = HttpClient(HTTP_HOST=f"{SLUG}.localhost")
            owner.force_login(User.objects.get(email=owner_email(SLUG)))
            urls = {
                name: reverse("admin:studio_track_change", args=[track.pk])
                for name, track in (("small", small), ("large", large))
            }
        _, small_queries = _measure(owner, urls["small"], max(3, repeat // 5))
        connection.set_schema_to_public()
        large_ms, large_queries = _measure(owner, urls["large"], repeat)
        progress(
            f"  track page, 20 versions / 500 comments: p95 {large_ms:.1f} ms, "
            f"{large_queries} queries (2 versions / 50 comments: {small_queries})"
        )
        return {
            "player_page_p95_ms": round(large_ms, 1),
            "player_page_queries": large_queries,
            "player_page_queries_at_50": small_queries,
        }
    finally:
        connection.set_schema_to_public()
        studio_destroy(studio=Studio.objects.get(slug=SLUG))
