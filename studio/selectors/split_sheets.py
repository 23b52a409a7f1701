"""The split sheet of a track or of a whole project: who is credited for what, who owns which
share of the master and of the publishing, the ISRCs, and a line for each owner to sign.

One selector (`split_sheet_for_track`, `split_sheet_for_project`) reads it; the PDF
(`studio.pdf.split_sheet`) and the CSV (`split_sheet_csv`) both print that, so the two files
never disagree. Three queries whatever the number of tracks: tracks, credits, splits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from studio.models import Credit, Project, Split, Track
from studio.pdf.data import Issuer
from studio.resources.export import neutralise
from studio.selectors.documents import issuer_get

RIGHTS = [(value, str(label)) for value, label in Split.Right.choices]


@dataclass(frozen=True)
class SheetCredit:
    person: str
    role: str
    instrument: str


@dataclass(frozen=True)
class SheetShare:
    person: str
    percent: Decimal


@dataclass(frozen=True)
class SheetRight:
    right: str  # "master", "publishing"
    label: str
    shares: list[SheetShare]

    @property
    def total(self) -> Decimal:
        return sum((share.percent for share in self.shares), Decimal("0"))


@dataclass(frozen=True)
class SheetTrack:
    number: int
    title: str
    isrc: str
    duration_seconds: int | None
    credits: list[SheetCredit]
    rights: list[SheetRight]

    @property
    def isrc_display(self) -> str:
        i = self.isrc
        return f"{i[:2]}-{i[2:5]}-{i[5:7]}-{i[7:]}" if len(i) == 12 else i


@dataclass(frozen=True)
class SplitSheet:
    issuer: Issuer
    project: str
    client: str
    artist: str
    title: str  # "Split sheet: Night Drive" or "...: 2. Night Drive"
    tracks: list[SheetTrack]
    prepared_on: date
    # Everyone who owns a share, once, in the order they first appear: each signs.
    signatories: list[str] = field(default_factory=list)


def _tracks(queryset) -> list[SheetTrack]:
    queryset = queryset.order_by("number").prefetch_related(
        Prefetch("credits", queryset=Credit.objects.order_by("role", "person", "instrument")),
        Prefetch("splits", queryset=Split.objects.order_by("right", "-percent", "person")),
    )
    tracks = []
    for track in queryset:
        credits = [
            SheetCredit(c.person, c.get_role_display(), c.instrument) for c in track.credits.all()
        ]
        rights = [
            SheetRight(
                right,
                label,
                [SheetShare(s.person, s.percent) for s in track.splits.all() if s.right == right],
            )
            for right, label in RIGHTS
        ]
        tracks.append(
            SheetTrack(
                track.number, track.title, track.isrc, track.duration_seconds, credits, rights
            )
        )
    return tracks


def _signatories(tracks: list[SheetTrack]) -> list[str]:
    seen: dict[str, str] = {}
    for track in tracks:
        for right in track.rights:
            for share in right.shares:
                seen.setdefault(share.person.casefold(), share.person)
    return list(seen.values())


def _sheet(project: Project, title: str, tracks: list[SheetTrack]) -> SplitSheet:
    client = project.client
    return SplitSheet(
        issuer=issuer_get(),
        project=project.title,
        client=client.name,
        artist=client.artist_name or client.name,
        title=title,
        tracks=tracks,
        prepared_on=timezone.localdate(),
        signatories=_signatories(tracks),
    )


def split_sheet_for_track(track: Track) -> SplitSheet:
    project = Project.objects.select_related("client").get(pk=track.project_id)
    tracks = _tracks(Track.objects.filter(pk=track.pk))
    return _sheet(project, f"Split sheet: {track.number}. {track.title}", tracks)


def split_sheet_for_project(project: Project) -> SplitSheet:
    project = Project.objects.select_related("client").get(pk=project.pk)
    tracks = _tracks(Track.objects.filter(project=project))
    return _sheet(project, f"Split sheet: {project.title}", tracks)


CSV_HEADER = [
    "Project",
    "Track no.",
    "Track",
    "ISRC",
    "Section",
    "Person",
    "Role",
    "Instrument",
    "Share (%)",
]


def split_sheet_rows(sheet: SplitSheet) -> list[list[str]]:
    """The sheet as table rows: every credit, every share, and each right's total."""
    rows = []
    for track in sheet.tracks:
        head = [sheet.project, str(track.number), track.title, track.isrc_display]
        for credit in track.credits:
            rows.append([*head, "Credit", credit.person, credit.role, credit.instrument, ""])
        for right in track.rights:
            for share in right.shares:
                rows.append([*head, right.label, share.person, "", "", f"{share.percent:.2f}"])
            if right.shares:
                rows.append([*head, right.label, "Total", "", "", f"{right.total:.2f}"])
    return rows


def split_sheet_csv(sheet: SplitSheet) -> str:
    """CSV for a spreadsheet: text that would run as a formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in split_sheet_rows(sheet):
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
