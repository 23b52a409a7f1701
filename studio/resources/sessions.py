"""Sessions: every row is booked through session_create (or session_update for a row that
carries the ID of an exported session), so an import obeys exactly the rules of the calendar
and the admin, overlaps included. A row that collides with an earlier row of the same file is
told which line it collides with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from import_export import fields

from studio.imports.columns import Column
from studio.imports.types import NEW, SKIP, UPDATE, ImportContext, ImportRow
from studio.imports.values import (
    ValueProblem,
    choice_parser,
    fold,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_list,
    parse_time,
)
from studio.models import Client, Engineer, Room, Session
from studio.resources.base import StudioResource
from studio.resources.cells import id_column
from studio.resources.export import PlainWidget
from studio.selectors.clients import clients_by_email
from studio.selectors.settings import studio_settings_get
from studio.services.errors import BookingConflict, StudioError
from studio.services.sessions import session_create, session_update

MOMENT = "%Y-%m-%d %H:%M"
STATUS = choice_parser(Session.Status.choices, "session status")


class LocalTimeWidget(PlainWidget):
    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return timezone.localtime(value, studio_settings_get().tz).strftime(MOMENT)


class NamesWidget(PlainWidget):
    def render(self, value, obj=None, **kwargs):
        return ", ".join(sorted(e.name for e in value.all())) if value is not None else ""


class SessionResource(StudioResource):
    key = "sessions"
    money_fields = ("price",)
    title = "Sessions"
    sample = "sessions.csv"
    import_columns = (
        id_column(),
        Column(
            "client",
            "Client",
            ("Client name", "Artist", "Artiste", "Band", "Groupe", "Customer", "Kunde", "Name"),
            required=True,
        ),
        Column("client_email", "Client e-mail", ("E-mail", "Email", "Client email")),
        Column("room", "Room", ("Studio", "Room name", "Salle"), required=True),
        Column("date", "Date", ("Day", "Session date", "Jour")),
        Column("start", "Start", ("From", "Start time", "Begins", "Début"), required=True),
        Column("end", "End", ("Until", "To", "End time", "Ends", "Fin")),
        Column(
            "duration",
            "Duration (hours)",
            ("Duration", "Hours", "Durée"),
            parse=lambda v, c: parse_decimal(v, c.locale),
        ),
        Column(
            "engineers",
            "Engineers",
            ("Engineer", "Staff", "Ingénieur"),
            parse=lambda v, c: parse_list(v, c.locale),
        ),
        Column(
            "status",
            "Status",
            ("State", "Statut"),
            parse=lambda v, c: STATUS(v),
        ),
        Column("notes", "Notes", ("Comments", "Remarks", "Remarques", "Commentaires", "Notizen")),
        Column("recall_notes", "Recall notes", ("Recall", "Setup notes")),
        # Exported for information; the price is always computed from the room's rates.
        Column("price", "Price", ("Amount",)),
    )
    alternatives = {"client": ("client_email",)}

    id = fields.Field(attribute="id", column_name="Studio Manager ID")
    client = fields.Field(attribute="client__name", column_name="Client")
    client_email = fields.Field(attribute="client__email", column_name="Client e-mail")
    room = fields.Field(attribute="room__name", column_name="Room")
    start = fields.Field(attribute="start", column_name="Start", widget=LocalTimeWidget())
    end = fields.Field(attribute="end", column_name="End", widget=LocalTimeWidget())
    engineers = fields.Field(attribute="engineers", column_name="Engineers", widget=NamesWidget())
    status = fields.Field(attribute="status", column_name="Status")
    notes = fields.Field(attribute="notes", column_name="Notes")
    recall_notes = fields.Field(attribute="recall_notes", column_name="Recall notes")
    price = fields.Field(attribute="price", column_name="Price", widget=PlainWidget())

    class Meta:
        model = Session
        fields = (
            "id",
            "client",
            "client_email",
            "room",
            "start",
            "end",
            "engineers",
            "status",
            "notes",
            "recall_notes",
            "price",
        )
        export_order = fields

    def get_queryset(self):
        return Session.objects.select_related("client", "room").prefetch_related("engineers")

    # --- reading one row ------------------------------------------------------------------

    def _times(self, row: ImportRow, ctx: ImportContext) -> tuple[datetime, datetime] | None:
        v, tz, locale = row.values, ctx.tz, ctx.locale
        try:
            day = parse_date(v["date"], locale) if v.get("date") else None
        except ValueProblem as exc:
            row.fail(exc.message, "date")
            return None

        def moment(key: str) -> datetime | None:
            raw = v.get(key)
            if raw in (None, ""):
                return None
            try:
                if day is not None:
                    return datetime.combine(day, parse_time(raw, locale), tzinfo=tz)
                return parse_datetime(raw, locale, tz)
            except ValueProblem as exc:
                row.fail(exc.message, key)
                return None

        start, end = moment("start"), moment("end")
        if start is None:
            if row.ok:
                row.fail("A start is required.", "start")
            return None
        if end is None and v.get("duration"):
            end = start + timedelta(hours=float(v["duration"]))
        if end is None:
            if row.ok:
                row.fail("Give an end, or a duration in hours.", "end")
            return None
        if day is not None and end <= start:
            end += timedelta(days=1)  # 22:00 to 02:00 runs past midnight
        # Wall-clock times: normalise through UTC so DST gaps and folds resolve consistently.
        return start.astimezone(UTC), end.astimezone(UTC)

    def _client(self, row: ImportRow) -> Client | None:
        email = (row.values.get("client_email") or "").lower()
        name = row.values.get("client") or ""
        if email:
            client = self._clients_by_email.get(email)
            if client is None:
                row.fail(f"No client has the e-mail {email}; import clients first.", "client_email")
            return client
        if not name:
            row.fail("Say who the session is for: a Client or Client e-mail column.", "client")
            return None
        matches = self._clients_by_name.get(fold(name), [])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            row.fail(f"No client is called “{name}”; import clients first.", "client")
        else:
            row.fail(
                f"{len(matches)} clients are called “{name}”; add a Client e-mail column.", "client"
            )
        return None

    def _lookups(self, rows: list[ImportRow]) -> None:
        names = {fold(r.values.get("client") or "") for r in rows} - {""}
        self._clients_by_email = clients_by_email(r.values.get("client_email") for r in rows)
        self._clients_by_name: dict[str, list[Client]] = {}
        if names:
            # Compared folded (no case, no accents), so "Zofia Wrobel" finds "Zofia Wróbel".
            ids: dict[str, set[int]] = {}
            for pk, name, artist in Client.objects.values_list("pk", "name", "artist_name"):
                for label in {fold(name), fold(artist)} & names:
                    ids.setdefault(label, set()).add(pk)
            found = Client.objects.in_bulk({pk for group in ids.values() for pk in group})
            self._clients_by_name = {
                label: [found[pk] for pk in sorted(group)] for label, group in ids.items()
            }
        self._rooms = {fold(r.name): r for r in Room.objects.all()}
        self._engineers = {fold(e.name): e for e in Engineer.objects.all()}

    # --- the run ------------------------------------------------------------------------------

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:
        ctx.parse_all(rows)
        self._lookups(rows)
        line_of: dict[int, int] = {}
        ids = [r.values["id"] for r in rows if r.ok and r.values.get("id")]
        existing = Session.objects.prefetch_related("engineers").in_bulk(ids)
        for index, row in enumerate(rows):
            ctx.tick(index + 1, len(rows))
            if not row.ok:
                continue
            v = row.values
            client = self._client(row)
            room = self._rooms.get(fold(v.get("room", "")))
            if room is None:
                known = ", ".join(r.name for r in self._rooms.values()) or "none yet"
                row.fail(f"No room is called “{v.get('room', '')}” (rooms: {known}).", "room")
            engineers = []
            for name in v.get("engineers") or []:
                engineer = self._engineers.get(fold(name))
                if engineer is None:
                    row.fail(f"No engineer is called “{name}”.", "engineers")
                engineers.append(engineer)
            times = self._times(row, ctx)
            if not row.ok:
                continue
            start, end = times
            session = existing.get(v["id"]) if v.get("id") else None
            if v.get("id") and session is None:
                row.fail(f"No session has Studio Manager ID {v['id']} in this studio.", "id")
                continue
            try:
                if session is not None:
                    self._update(row, session, client, room, start, end, engineers, ctx)
                elif self._already_booked(client, room, start, end):
                    row.action = SKIP  # the same booking, imported before
                else:
                    created = session_create(
                        client=client,
                        room=room,
                        start=start,
                        end=end,
                        engineers=engineers,
                        status=v.get("status") or Session.Status.CONFIRMED,
                        notes=v.get("notes", ""),
                        recall_notes=v.get("recall_notes", ""),
                        by=ctx.by,
                    )
                    line_of[created.pk] = row.line
                    row.action, row.object_id = NEW, created.pk
            except BookingConflict as exc:
                other = line_of.get(exc.conflicting_id)
                where = f"Clashes with line {other} of this file: " if other else ""
                row.fail(where + exc.message, "start")
            except StudioError as exc:
                row.fail(exc.message, exc.field if exc.field in v else None)

    @staticmethod
    def _already_booked(client, room, start, end) -> bool:
        return Session.objects.filter(client=client, room=room, start=start, end=end).exists()

    def _update(self, row, session, client, room, start, end, engineers, ctx) -> None:
        v = row.values
        status = v.get("status")
        if status and status != session.status:
            row.fail(
                "Change a session's status from its page (confirm, check in, cancel...), "
                "not by import.",
                "status",
            )
            return
        same = (
            session.client_id == client.pk
            and session.room_id == room.pk
            and session.start == start
            and session.end == end
            and {e.pk for e in session.engineers.all()} == {e.pk for e in engineers}
            and session.notes == v.get("notes", session.notes)
            and session.recall_notes == v.get("recall_notes", session.recall_notes)
        )
        if same:
            row.action = SKIP
            return
        session_update(
            session=session,
            client=client,
            room=room,
            start=start,
            end=end,
            engineers=engineers,
            notes=v.get("notes"),
            recall_notes=v.get("recall_notes"),
            by=ctx.by,
        )
        row.action, row.object_id = UPDATE, session.pk
