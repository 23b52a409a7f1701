"""Projects and tracks (with their credits), in and out as CSV or XLSX.

Every row is written by studio/services/projects.py, so an import obeys the rules of the admin
(ISRC format, one track number per project, a target date after the start). A project row finds
its record by Studio Manager ID, then by client and title; a track row by ID, then by project
and number. Credits travel in the track row, in one cell:

    Ana Lima: songwriter; Ben Ko: musician (bass)

that is `person: role (instrument)`, separated by semicolons, the role as the admin names it
("Mixing engineer") or its short form ("mixing"). An import adds the credits a track does not
have yet; it never removes one (that is done on the track's page).
"""

from __future__ import annotations

import re

from import_export import fields

from studio.imports.columns import Column
from studio.imports.types import NEW, SKIP, UPDATE, ImportContext, ImportRow
from studio.imports.values import ValueProblem, choice_parser, fold, parse_decimal, text
from studio.models import Client, Credit, Project, ProjectStage, Track
from studio.models.projects import KEYS
from studio.resources.base import StudioResource, by_id
from studio.resources.cells import date_column, decimal_column, id_column, int_column
from studio.resources.export import PlainWidget
from studio.selectors.clients import clients_by_email
from studio.services.errors import StudioError
from studio.services.projects import (
    credit_add,
    project_create,
    project_stage_set,
    project_update,
    track_create,
    track_update,
)

KIND = choice_parser(Project.Kind.choices, "project type", {"mixing": "mix", "master": "mastering"})
STATUS = choice_parser(Track.Status.choices, "track status")
ROLE = choice_parser(Credit.Role.choices, "credit role", {"engineer": "recording"})
# "C# minor", "Db minor" and "C♯ minor" all name the key stored as "C♯/D♭ minor".
KEY = choice_parser(
    KEYS,
    "key",
    {
        f"{spelling} {mode}": stored
        for stored, _ in KEYS
        for note, mode in [stored.split(" ")]
        for half in note.split("/")
        for spelling in {half, half.replace("♯", "#").replace("♭", "b")}
    },
)
CREDIT_RE = re.compile(r"^(?P<person>[^:]+):\s*(?P<role>[^(]+?)\s*(?:\((?P<instrument>[^)]*)\))?$")
CREDIT_FORMAT = "write each as “Name: role” or “Name: role (instrument)”, separated by “;”"


def parse_duration(value, ctx) -> int | None:
    """Seconds, or minutes and seconds as "3:42"."""
    raw = text(value)
    if not raw:
        return None
    if ":" in raw:
        minutes, _, seconds = raw.partition(":")
        if minutes.isdigit() and seconds.isdigit() and len(seconds) == 2 and int(seconds) < 60:
            return int(minutes) * 60 + int(seconds)
        raise ValueProblem(f"“{raw}” is not a duration: give seconds (222) or minutes (3:42).")
    number = parse_decimal(raw, ctx.locale)
    if number is None or number < 0 or number != int(number):
        raise ValueProblem(f"“{raw}” is not a duration: give seconds (222) or minutes (3:42).")
    return int(number)


def parse_credits(value, ctx) -> list[tuple[str, str, str]]:
    """The credits cell as (person, role, instrument) triples."""
    credits = []
    for part in text(value).split(";"):
        part = part.strip()
        if not part:
            continue
        match = CREDIT_RE.match(part)
        if match is None:
            raise ValueProblem(f"“{part}” is not a credit: {CREDIT_FORMAT}.")
        role = ROLE(match["role"].strip())
        credits.append((match["person"].strip(), role, (match["instrument"] or "").strip()))
    return credits


def credits_text(track: Track) -> str:
    return "; ".join(
        f"{c.person}: {c.role}" + (f" ({c.instrument})" if c.instrument else "")
        for c in track.credits.all()
    )


class ClientLookup:
    """Clients named in a file by e-mail, or by a name (or artist name) only one client has."""

    def __init__(self, rows: list[ImportRow]):
        self.by_email = clients_by_email(r.values.get("client_email") for r in rows)
        names = {fold(r.values.get("client") or "") for r in rows} - {""}
        self.by_name: dict[str, list[int]] = {}
        if names:
            for pk, name, artist in Client.objects.values_list("pk", "name", "artist_name"):
                for label in {fold(name), fold(artist)} & names:
                    self.by_name.setdefault(label, []).append(pk)
        ids = {pk for group in self.by_name.values() for pk in group}
        self.clients = Client.objects.in_bulk(list(ids))

    def find(self, row: ImportRow) -> Client | None:
        email = (row.values.get("client_email") or "").lower()
        if email:
            client = self.by_email.get(email)
            if client is None:
                row.fail(f"No client has the e-mail {email}; import clients first.", "client_email")
            return client
        name = row.values.get("client") or ""
        matches = sorted(self.by_name.get(fold(name), []))
        if len(matches) == 1:
            return self.clients[matches[0]]
        if not matches:
            row.fail(f"No client is called “{name}”; import clients first.", "client")
        else:
            row.fail(
                f"{len(matches)} clients are called “{name}”; add a Client e-mail column.", "client"
            )
        return None


def _fail(row: ImportRow, exc: StudioError) -> None:
    row.fail(exc.message, exc.field if exc.field in row.values else None)


class ProjectResource(StudioResource):
    key = "projects"
    title = "Projects"
    money_fields = ("budget",)
    import_columns = (
        id_column(),
        Column("title", "Title", ("Project", "Project title", "Name", "Titre"), required=True),
        Column("client", "Client", ("Client name", "Artist", "Band", "Artiste"), required=True),
        Column("client_email", "Client e-mail", ("E-mail", "Email", "Client email")),
        Column("kind", "Type", ("Kind", "Format"), parse=lambda v, c: KIND(v)),
        Column("stage", "Stage", ("Status", "Column", "Étape")),
        decimal_column("budget", "Budget", ("Budget (EUR)",)),
        date_column("start_date", "Start date", ("Start", "Begins")),
        date_column("target_date", "Target date", ("Target", "Due", "Deadline")),
        date_column("delivered_on", "Delivered on", ("Delivered", "Delivery date")),
        Column("notes", "Notes", ("Comments", "Remarks")),
    )
    alternatives = {"client": ("client_email",)}

    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    title = fields.Field(attribute="title", column_name="Title")
    client = fields.Field(attribute="client__name", column_name="Client")
    client_email = fields.Field(attribute="client__email", column_name="Client e-mail")
    kind = fields.Field(attribute="kind", column_name="Type")
    stage = fields.Field(attribute="stage__name", column_name="Stage")
    budget = fields.Field(attribute="budget", column_name="Budget", widget=PlainWidget())
    start_date = fields.Field(
        attribute="start_date", column_name="Start date", widget=PlainWidget()
    )
    target_date = fields.Field(
        attribute="target_date", column_name="Target date", widget=PlainWidget()
    )
    delivered_on = fields.Field(
        attribute="delivered_on", column_name="Delivered on", widget=PlainWidget()
    )
    notes = fields.Field(attribute="notes", column_name="Notes")

    FIELDS = ("title", "kind", "budget", "start_date", "target_date", "delivered_on", "notes")

    class Meta:
        model = Project
        fields = (
            "id",
            "title",
            "client",
            "client_email",
            "kind",
            "stage",
            "budget",
            "start_date",
            "target_date",
            "delivered_on",
            "notes",
        )
        export_order = fields

    def get_queryset(self):
        return Project.objects.select_related("client", "stage").order_by("pk")

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:
        ctx.parse_all(rows)
        clients = ClientLookup(rows)
        stages = {fold(s.name): s for s in ProjectStage.objects.all()}
        existing = by_id(rows, Project, "project")
        seen: dict[tuple[int, str], int] = {}
        for index, row in enumerate(rows):
            ctx.tick(index + 1, len(rows))
            if not row.ok:
                continue
            v = row.values
            client = clients.find(row)
            stage = None
            if v.get("stage"):
                stage = stages.get(fold(v["stage"]))
                if stage is None:
                    known = ", ".join(s.name for s in stages.values())
                    row.fail(f"No board stage is called “{v['stage']}” (stages: {known}).", "stage")
            if not row.ok:
                continue
            key = (client.pk, fold(v["title"]))
            if key in seen:
                row.fail(f"Line {seen[key]} of this file is already {client}'s “{v['title']}”.")
                continue
            seen[key] = row.line
            project = existing.get(v["id"]) if v.get("id") else None
            if project is None:
                project = Project.objects.filter(client=client, title__iexact=v["title"]).first()
            try:
                if project is None:
                    self._create(row, client, stage, ctx)
                else:
                    self._update(row, project, client, stage, ctx)
            except StudioError as exc:
                _fail(row, exc)

    def _given(self, row: ImportRow) -> dict:
        return {name: row.values[name] for name in self.FIELDS if name in row.values}

    def _create(self, row, client, stage, ctx) -> None:
        values = self._given(row)
        delivered_on = values.pop("delivered_on", None)
        values["kind"] = values.get("kind") or Project.Kind.SINGLE
        values["notes"] = values.get("notes") or ""
        project = project_create(client=client, stage=stage, by=ctx.by, **values)
        if delivered_on:
            project_update(project=project, delivered_on=delivered_on, by=ctx.by)
        row.action, row.object_id = NEW, project.pk

    def _update(self, row, project, client, stage, ctx) -> None:
        values = {**self._given(row), "client": client}
        if not values.get("kind"):
            values.pop("kind", None)
        changed = {k: v for k, v in values.items() if getattr(project, k) != v}
        moved = stage is not None and stage.pk != project.stage_id
        if not changed and not moved:
            row.action = SKIP
            return
        if changed:
            project = project_update(project=project, by=ctx.by, **changed)
        if moved:
            project_stage_set(project=project, stage=stage, by=ctx.by)
        row.action, row.object_id = UPDATE, project.pk


class TrackResource(StudioResource):
    key = "tracks"
    title = "Tracks and credits"
    import_columns = (
        id_column(),
        Column("project", "Project", ("Project title", "Album", "Release"), required=True),
        Column("client", "Client", ("Artist", "Client name")),
        int_column("number", "No.", ("Number", "Track number", "Track no", "#")),
        Column("title", "Title", ("Track", "Track title", "Song", "Titre"), required=True),
        Column("status", "Status", ("State",), parse=lambda v, c: STATUS(v)),
        decimal_column("bpm", "BPM", ("Tempo",)),
        Column("key", "Key", ("Musical key", "Tonalité"), parse=lambda v, c: KEY(v) or ""),
        Column("isrc", "ISRC", ("ISRC code",)),
        Column("duration_seconds", "Duration (s)", ("Duration", "Length"), parse=parse_duration),
        Column("recall_notes", "Recall notes", ("Recall", "Setup notes")),
        Column("credits", "Credits", ("Personnel", "Credit"), parse=parse_credits),
    )

    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    project = fields.Field(attribute="project__title", column_name="Project")
    client = fields.Field(attribute="project__client__name", column_name="Client")
    number = fields.Field(attribute="number", column_name="No.")
    title = fields.Field(attribute="title", column_name="Title")
    status = fields.Field(attribute="status", column_name="Status")
    bpm = fields.Field(attribute="bpm", column_name="BPM", widget=PlainWidget())
    # Not `key`: that name is the resource's own (its place in the import registry).
    musical_key = fields.Field(attribute="key", column_name="Key")
    isrc = fields.Field(attribute="isrc", column_name="ISRC")
    duration_seconds = fields.Field(attribute="duration_seconds", column_name="Duration (s)")
    recall_notes = fields.Field(attribute="recall_notes", column_name="Recall notes")
    credits = fields.Field(column_name="Credits")

    FIELDS = ("number", "status", "bpm", "key", "isrc", "duration_seconds", "recall_notes")

    class Meta:
        model = Track
        fields = (
            "id",
            "project",
            "client",
            "number",
            "title",
            "status",
            "bpm",
            "musical_key",
            "isrc",
            "duration_seconds",
            "recall_notes",
            "credits",
        )
        export_order = fields

    def get_queryset(self):
        return (
            Track.objects.select_related("project__client")
            .prefetch_related("credits")
            .order_by("project_id", "number")
        )

    def dehydrate_credits(self, track: Track) -> str:
        return credits_text(track)

    def _projects(self, rows: list[ImportRow]) -> dict[str, list[Project]]:
        titles = {fold(r.values.get("project") or "") for r in rows} - {""}
        found: dict[str, list[Project]] = {}
        for project in Project.objects.select_related("client"):
            if fold(project.title) in titles:
                found.setdefault(fold(project.title), []).append(project)
        return found

    def _project(self, row: ImportRow, projects) -> Project | None:
        title, client = row.values["project"], fold(row.values.get("client") or "")
        matches = projects.get(fold(title), [])
        if client:
            matches = [
                p for p in matches if client in (fold(p.client.name), fold(p.client.artist_name))
            ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            row.fail(f"No project is called “{title}”; import projects first.", "project")
        else:
            row.fail(
                f"{len(matches)} projects are called “{title}”; add a Client column.", "project"
            )
        return None

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:
        ctx.parse_all(rows)
        projects = self._projects(rows)
        existing = by_id(rows, Track, "track")
        for index, row in enumerate(rows):
            ctx.tick(index + 1, len(rows))
            if not row.ok:
                continue
            project = self._project(row, projects)
            if project is None:
                continue
            v = row.values
            track = existing.get(v["id"]) if v.get("id") else None
            if track is not None and track.project_id != project.pk:
                row.fail(f"Track {v['id']} belongs to “{track.project}”, not “{project}”.", "id")
                continue
            if track is None and v.get("number"):
                track = project.tracks.filter(number=v["number"]).first()
            try:
                if track is None:
                    values = {k: v[k] for k in self.FIELDS if v.get(k) not in (None, "")}
                    track = track_create(project=project, title=v["title"], by=ctx.by, **values)
                    row.action, row.object_id = NEW, track.pk
                else:
                    self._update(row, track, ctx)
                self._credits(row, track, ctx)
            except StudioError as exc:
                _fail(row, exc)

    def _update(self, row, track, ctx) -> None:
        v = row.values
        # An empty cell keeps what the track has.
        values = {k: v[k] for k in ("title", *self.FIELDS) if v.get(k) not in (None, "")}
        if "isrc" in values:
            values["isrc"] = re.sub(r"[\s-]", "", values["isrc"]).upper()
        changed = {k: val for k, val in values.items() if getattr(track, k) != val}
        if changed:
            track_update(track=track, by=ctx.by, **changed)
            row.action = UPDATE
        else:
            row.action = SKIP
        row.object_id = track.pk

    def _credits(self, row, track, ctx) -> None:
        have = {
            (fold(c.person), c.role, fold(c.instrument)) for c in Credit.objects.filter(track=track)
        }
        for person, role, instrument in row.values.get("credits") or []:
            if (fold(person), role, fold(instrument)) in have:
                continue
            credit_add(track=track, person=person, role=role, instrument=instrument, by=ctx.by)
            have.add((fold(person), role, fold(instrument)))
            if row.action == SKIP:
                row.action = UPDATE
