"""Demo projects for one studio: singles, EPs and albums on the board, their sessions, tracks,
credits and splits, and a project under review in the portal.

The clients with the most sessions get projects; their sessions are linked to them, so budgets
show real spending and the invoices billed from those sessions count for the masters. The demo
portal client has a single in review: a track with two processed mixes (music generated on the
spot), comments at the second, the first mix approved, a master, and an invoice still to pay,
so the master download waits for payment. Everything goes through the services.
"""

from __future__ import annotations

import io
import json
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from studio.demo.audio import piece
from studio.demo.catalogue import FIXTURES, Locale, Progress
from studio.models import AudioVersion, Client, Credit, Project, ProjectStage, Session, Track
from studio.services import projects as svc
from studio.services.audio_review import comment_add, version_approve, version_create
from studio.services.invoices import invoice_create, invoice_issue

DATA = json.loads((FIXTURES / "projects.json").read_text(encoding="utf-8"))
TRACK_COUNT = {"single": 1, "ep": 5, "album": 10, "mix": 1, "mastering": 4}


def projects_fill(
    rng: random.Random,
    *,
    locale: Locale,
    today: date,
    by,
    portal_client: Client | None,
    progress: Progress | None = None,
) -> int:
    stages = list(ProjectStage.objects.order_by("position"))
    clients = list(
        Client.objects.filter(sessions__status=Session.Status.COMPLETED)
        .exclude(kind=Client.Kind.COMPANY)
        .distinct()
        .order_by("pk")[:14]
    )
    titles = {kind: list(names) for kind, names in DATA["titles"].items()}
    review_title = titles["single"].pop()  # kept for the portal client's single
    made = 0
    for index, client in enumerate(clients):
        kind = rng.choice(["single", "single", "ep", "ep", "album", "mix", "mastering"])
        if not titles[kind]:
            kind = "single"
        title = titles[kind].pop(0) if titles[kind] else f"{client} — single {index + 1}"
        sessions = list(client.sessions.filter(project__isnull=True).order_by("start")[:8])
        spent = sum((s.price for s in sessions), Decimal("0"))
        start = sessions[0].start.date() if sessions else today - timedelta(days=30)
        project = svc.project_create(
            client=client,
            title=title,
            kind=kind,
            stage=stages[index % len(stages)],
            # Some budgets are comfortable, one is nearly spent, one is over.
            budget=locale.price(float(spent) * rng.choice((1.5, 1.3, 1.05, 0.9)) + 200, step=50),
            start_date=start,
            # Most projects are due in the weeks ahead; one in five is running late.
            target_date=max(
                start + timedelta(days=14), today + timedelta(days=rng.choice((-12, 21, 35, 60)))
            ),
            by=by,
        )
        for session in sessions:
            svc.session_project_set(session=session, project=project, by=by)
        if project.stage.is_delivered:
            svc.project_update(project=project, delivered_on=today - timedelta(days=10), by=by)
        _tracks(rng, project, TRACK_COUNT[kind], by=by)
        made += 1
    if portal_client is not None:
        _in_review(rng, portal_client, title=review_title, stages=stages, locale=locale, by=by)
        made += 1
    if progress:
        progress(f"{made} projects with their tracks, credits and splits")
    return made


def _tracks(
    rng: random.Random, project: Project, count: int, *, by, status: str | None = None
) -> list[Track]:
    names = rng.sample(DATA["tracks"], k=min(count, len(DATA["tracks"])))
    artist = project.client.artist_name or project.client.name
    tracks = []
    for number, name in enumerate(names, start=1):
        track = svc.track_create(
            project=project,
            title=name,
            number=number,
            bpm=Decimal(rng.randrange(72, 150)),
            key=rng.choice(["C major", "A minor", "G major", "E minor", "D major", "F major"]),
            # A track with audio takes its length from its newest mix instead.
            duration_seconds=None if status else rng.randrange(150, 290),
            status=status or rng.choice(list(Track.Status.values)),
            recall_notes=rng.choice(DATA["recall"]),
            by=by,
        )
        svc.credit_add(track=track, person=artist, role=Credit.Role.ARTIST, by=by)
        for instrument, role in rng.sample(DATA["musicians"], k=3):
            svc.credit_add(
                track=track,
                person=f"{rng.choice(['Sam', 'Ana', 'Leo', 'Mia', 'Noor', 'Iris'])} "
                f"{rng.choice(['Park', 'Costa', 'Meyer', 'Okafor', 'Brandt', 'Silva'])}",
                role=role,
                instrument=instrument,
                by=by,
            )
        co_writer = rng.choice(["Jo Hartley", "Ren Ito", "Dani Vale"])
        svc.credit_add(track=track, person=co_writer, role=Credit.Role.SONGWRITER, by=by)
        svc.splits_set(
            track=track,
            right="publishing",
            shares=[{"person": artist, "percent": "60"}, {"person": co_writer, "percent": "40"}],
            by=by,
        )
        svc.splits_set(
            track=track, right="master", shares=[{"person": artist, "percent": "100"}], by=by
        )
        tracks.append(track)
    return tracks


def _in_review(
    rng: random.Random, client: Client, *, title: str, stages, locale: Locale, by
) -> Project:
    """The portal client's single, in mixing: the first mix commented on at the second, a
    second mix that answers the comments and was approved, its master, and an invoice that
    holds the master back until it is paid."""
    mixing = next((s for s in stages if s.name == "Mixing"), stages[0])
    project = svc.project_create(
        client=client,
        title=title,
        kind=Project.Kind.SINGLE,
        stage=mixing,
        budget=locale.price(1800, step=50),
        by=by,
    )
    for session in client.sessions.filter(project__isnull=True).order_by("start")[:3]:
        svc.session_project_set(session=session, project=project, by=by)
    (track,) = _tracks(rng, project, 1, by=by, status=Track.Status.MIXING)
    versions = []
    for number, label in ((1, "First mix"), (2, "Vocal up 1.5 dB, more room on the snare")):
        versions.append(_version(track, seed=project.pk, mix=number, label=label, by=by))
    for at, text in DATA["comments"]:
        comment_add(version=versions[0], body=text, at_seconds=at, client=client)
    comment_add(
        version=versions[0],
        body="Good call, v2 has the vocal up 1.5 dB there.",
        at_seconds=0,
        parent=versions[0].comments.filter(at_seconds=42).first(),
        by=by,
    )
    version_approve(version=versions[1], client=client)
    master = _version(track, seed=project.pk, mix=2, label="Final master", kind="master", by=by)
    from studio.services.audio_review import version_master_set

    version_master_set(version=master, by=by)
    invoice = invoice_create(
        client=client,
        project=project,
        lines=[
            {
                "description": f"Mixing and mastering — {track.title}",
                "quantity": 1,
                "unit_price": locale.price(450),
            }
        ],
        by=by,
    )
    invoice_issue(invoice=invoice, by=by)
    return project


def _version(track: Track, *, seed: int, mix: int, label: str, by, kind: str = "mix"):
    """A processed version of the demo's generated music, stored as FLAC (lossless, a third of
    the WAV's size)."""
    import soundfile

    from studio.services.audio_uploads import version_process

    data, rate = soundfile.read(io.BytesIO(piece(seed=seed, version=mix)))
    out = io.BytesIO()
    soundfile.write(out, data, rate, format="FLAC", subtype="PCM_16")
    name = f"{track.title.lower().replace(' ', '-')}-{kind}-{mix}.flac"
    stored = default_storage.save(
        f"audio/p{track.project_id}/t{track.pk}/demo-{name}", ContentFile(out.getvalue())
    )
    version = version_create(
        track=track,
        file_name=name,
        stored_name=stored,
        size_bytes=out.tell(),
        audio_format="flac",
        kind=kind,
        label=label,
        by=by,
    )
    version_process(version_id=version.pk)
    return AudioVersion.objects.get(pk=version.pk)
