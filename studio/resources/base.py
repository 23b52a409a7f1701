"""What every studio resource shares.

Export is django-import-export's: a resource's fields are the file's columns, labelled as the
import expects them, so a file exported here imports back unchanged. Import goes through
studio/imports/engine.py, which hands the parsed rows to `process()`; resources check rows with
the same model field rules the admin forms use (checks.py) or call the booking services, and
write new rows in batches with COPY (copy_writer.py) so a 100,000-row client list takes seconds.
Import columns that parse their cells are in cells.py, what an export writes in export.py.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from import_export import resources

from studio.imports.columns import Column
from studio.imports.types import NEW, SKIP, UPDATE, ImportContext, ImportReport, ImportRow
from studio.models import AuditEntry
from studio.resources.checks import KEEP, MISSING, first_message, plain_text_check, when_empty
from studio.resources.copy_writer import BATCH, CopyWriter
from studio.services.audit import audit_value


class StudioResource(resources.ModelResource):
    key: ClassVar[str] = ""
    title: ClassVar[str] = ""
    import_columns: ClassVar[tuple[Column, ...]] = ()
    # Required columns other columns can replace: {"name": ("first_name", "last_name")}.
    alternatives: ClassVar[dict[str, tuple[str, ...]]] = {}
    sample: ClassVar[str] = ""  # file name in fixtures/imports/
    list_url: ClassVar[str] = ""  # admin list the records show up in, when not the model's own
    # The plan limit new rows count against ("rooms"), checked before the import commits.
    plan_limit: ClassVar[str | None] = None

    def prepare(self, row: ImportRow, ctx: ImportContext) -> None:
        """Turn row.values into field values once its cells are parsed. Default: as is."""

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:  # pragma: no cover
        raise NotImplementedError

    def record_import(self, report: ImportReport, ctx: ImportContext) -> None:
        c = report.counts
        AuditEntry.objects.create(
            action=f"{self._meta.model._meta.model_name}.imported",
            model=self._meta.model._meta.model_name,
            object_id="",
            object_repr=f"Import of {report.filename}"[:200],
            user=ctx.by if getattr(ctx.by, "pk", None) else None,
            changes={
                "file": report.filename,
                "created": c[NEW],
                "updated": c[UPDATE],
                "unchanged": c[SKIP],
                "invalid_skipped": c["invalid"],
            },
        )

    # --- export -------------------------------------------------------------------------------

    # Columns shown only to staff who may see money (studio.view_money).
    money_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, show_money: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.show_money = show_money

    def get_export_fields(self, selected_fields=None):
        fields = super().get_export_fields(selected_fields)
        if self.show_money:
            return fields
        return [f for f in fields if f.attribute not in self.money_fields]

    def get_user_visible_fields(self):
        fields = super().get_user_visible_fields()
        if self.show_money:
            return fields
        return [f for f in fields if f.attribute not in self.money_fields]


class ModelRowsResource(StudioResource):
    """Rows that map onto one model's fields (clients, rooms, engineers, gear...).

    Subclasses say how a row finds its existing record (`existing`) and may add rules across
    rows (`check_row`). Every mapped cell is checked with the model field's own `clean()`, the
    check the admin's form runs, so a value the admin refuses is refused here with the same
    message.
    """

    # Column keys that are not model fields (handled by the subclass).
    extra_keys: ClassVar[tuple[str, ...]] = ("id",)
    # Fields of existing records that only a service may change (see after_write).
    service_fields: ClassVar[tuple[str, ...]] = ()

    def field_keys(self, ctx: ImportContext) -> list[str]:
        mapped = ctx.match.header_of if ctx.match else {}
        keys = [k for k in mapped if k not in self.extra_keys]
        for key, stand_ins in self.alternatives.items():
            if key not in keys and any(k in mapped for k in stand_ins):
                keys.append(key)
        return keys

    def existing(self, rows: list[ImportRow], ctx: ImportContext) -> list[models.Model | None]:
        raise NotImplementedError  # pragma: no cover

    def check_row(self, row: ImportRow, ctx: ImportContext) -> None:
        """Rules across rows (duplicates inside the file...). Default: none."""

    def prepare(self, row: ImportRow, ctx: ImportContext) -> None:
        """Turn row.values into field values (combined columns...), once per row, right after
        its cells are parsed. Default: as is."""

    def extra_values(self, row: ImportRow, ctx: ImportContext) -> dict:
        """Field values that are not a cell checked by its field (look-ups). Default: none."""
        return {}

    def after_write(self, updated: list[tuple], ctx: ImportContext) -> None:
        """Follow-ups that belong to a service (e.g. gear status). Default: none."""

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:
        model = self._meta.model
        keys = self.field_keys(ctx)
        fields = {k: model._meta.get_field(k) for k in keys}
        checks = [(k, f, plain_text_check(f), when_empty(f)) for k, f in fields.items()]
        total = len(rows)
        found = self.existing(rows, ctx)
        # New rows stream to PostgreSQL while the rest are read and checked, until the run is
        # known to be rolled back anyway (a preview, or an invalid row that may not be skipped).
        writer = CopyWriter(model)
        streaming = not ctx.dry_run
        parse = ctx.parse
        updates: list[tuple[models.Model, dict]] = []
        try:
            for index, row in enumerate(rows):
                ctx.tick(index + 1, total)
                parse(row)
                if not row.ok:
                    streaming = streaming and ctx.skip_invalid
                    continue
                self.check_row(row, ctx)
                values = {}
                given = row.values
                for key, field, check, empty in checks:
                    value = given.get(key)
                    if (value is None or value == "") and empty is not MISSING:
                        if empty is KEEP:
                            continue  # an empty cell keeps the default or the current value
                        value = empty
                    if check is not None and check(value):
                        values[key] = value
                        continue
                    try:
                        values[key] = field.clean(value, None)
                    except ValidationError as exc:
                        row.fail(first_message(exc), key)
                if row.ok:
                    values.update(self.extra_values(row, ctx))
                if not row.ok:
                    streaming = streaming and ctx.skip_invalid
                    continue
                current = found[index]
                if current is None:
                    row.action = NEW
                    if streaming:
                        writer.add(values)
                    continue
                # Python equality, so 40 and 40.00 are the same rate.
                changes = {
                    k: [audit_value(getattr(current, k)), audit_value(v)]
                    for k, v in values.items()
                    if getattr(current, k) != v
                }
                if not changes:
                    row.action = SKIP
                    continue
                for k, v in values.items():
                    if k not in self.service_fields:
                        setattr(current, k, v)
                row.action, row.object_id = UPDATE, current.pk
                updates.append((current, changes))
        finally:
            writer.close()
        if not streaming:
            return  # rolled back anyway: checking was the whole job
        # Fields owned by a service are left to after_write(), which calls it (and audits).
        plain = [
            (obj, {k: c for k, c in changes.items() if k not in self.service_fields})
            for obj, changes in updates
        ]
        plain = [(obj, changes) for obj, changes in plain if changes]
        if plain:
            changed = sorted({k for _, c in plain for k in c})
            model.objects.bulk_update([obj for obj, _ in plain], changed, batch_size=500)
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        action=f"{model._meta.model_name}.changed",
                        model=model._meta.model_name,
                        object_id=str(obj.pk),
                        object_repr=str(obj)[:200],
                        user=ctx.by if getattr(ctx.by, "pk", None) else None,
                        changes={"source": "import", **c},
                    )
                    for obj, c in plain
                ],
                batch_size=BATCH,
            )
        self.after_write(updates, ctx)


def by_id(rows: list[ImportRow], model, what: str) -> dict[int, Any]:
    """Records named by the ID column of an earlier export; an unknown ID is an error (it is
    someone else's number, or the record was deleted)."""
    ids = {r.values["id"] for r in rows if r.ok and r.values.get("id")}
    found = model.objects.in_bulk(list(ids)) if ids else {}
    for row in rows:
        wanted = row.values.get("id") if row.ok else None
        if wanted and wanted not in found:
            row.fail(f"No {what} has Studio Manager ID {wanted} in this studio.", "id")
    return found


class NameMatchedResource(ModelRowsResource):
    """Records whose name is unique (rooms, engineers): matched by ID, then by name ignoring
    case; the same name twice in one file is an error."""

    what: ClassVar[str] = "record"

    def existing(self, rows: list[ImportRow], ctx: ImportContext) -> list[models.Model | None]:
        model = self._meta.model
        ctx.parse_all(rows)
        by_pk = by_id(rows, model, self.what)
        by_name = {obj.name.lower(): obj for obj in model.objects.all()}
        seen: dict[str, int] = {}
        result = []
        for row in rows:
            match = None
            name = (row.values.get("name") or "").lower()
            if row.ok and name:
                first = seen.setdefault(name, row.line)
                if first != row.line:
                    row.fail(
                        f"This name is already on line {first}; list each {self.what} once.", "name"
                    )
            if row.ok:
                match = by_pk.get(row.values["id"]) if row.values.get("id") else by_name.get(name)
                other = by_name.get(name)
                if match and other and other.pk != match.pk:
                    row.fail(f"Another {self.what} is already called “{other.name}”.", "name")
            result.append(match)
        return result
