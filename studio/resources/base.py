"""What every studio resource shares.

Export is django-import-export's: a resource's fields are the file's columns, labelled as the
import expects them, so a file exported here imports back unchanged. Import goes through
studio/imports/engine.py, which hands the parsed rows to `process()`; resources check rows with
the same model field rules the admin forms use (or call the booking services), and write in
batches so a 100,000-row client list takes seconds.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from import_export import resources, widgets

from studio.imports.columns import Column
from studio.imports.engine import NEW, SKIP, UPDATE, ImportContext, ImportReport, ImportRow
from studio.imports.values import FORMULA_TRIGGERS
from studio.models import AuditEntry
from studio.services.audit import _plain

BATCH = 2_000
ID_ALIASES = ("Studio Manager ID", "RSM ID", "SM ID")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (shown as text by
    Excel and LibreOffice, removed again by our import)."""
    if isinstance(value, str) and value and value[0] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def first_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


class StudioResource(resources.ModelResource):
    key: ClassVar[str] = ""
    title: ClassVar[str] = ""
    import_columns: ClassVar[tuple[Column, ...]] = ()
    # Required columns other columns can replace: {"name": ("first_name", "last_name")}.
    alternatives: ClassVar[dict[str, tuple[str, ...]]] = {}
    sample: ClassVar[str] = ""  # file name in fixtures/imports/

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

    def export_safe(self, queryset=None) -> Any:
        """The export as a tablib Dataset with formula-looking text neutralised (CSV, XLSX)."""
        dataset = self.export(queryset=queryset)
        for index, row in enumerate(dataset._data):
            dataset._data[index] = type(row)([neutralise(v) for v in row], row.tags)
        return dataset


class ModelRowsResource(StudioResource):
    """Rows that map onto one model's fields (clients, rooms, engineers, gear...).

    Subclasses say how a row finds its existing record (`existing`) and may add rules across
    rows (`check_row`). Every mapped cell is checked with the model field's own `clean()`, the
    check the admin's form runs, so a value the admin refuses is refused here with the same
    message.
    """

    # Column keys that are not model fields (handled by the subclass).
    extra_keys: ClassVar[tuple[str, ...]] = ("id",)

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
        """Turn row.values into field values (look-ups, combined columns). Default: as is."""

    def extra_values(self, row: ImportRow, ctx: ImportContext) -> dict:
        """Field values that are not a cell checked by its field (look-ups). Default: none."""
        return {}

    def after_write(self, created: list, updated: list[tuple], ctx: ImportContext) -> None:
        """Follow-ups that belong to a service (e.g. gear status). Default: none."""

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None:
        model = self._meta.model
        keys = self.field_keys(ctx)
        fields = {k: model._meta.get_field(k) for k in keys}
        total = len(rows)
        for row in rows:
            if row.ok:
                self.prepare(row, ctx)
        found = self.existing(rows, ctx)
        creates: list[models.Model] = []
        updates: list[tuple[models.Model, dict]] = []
        for index, row in enumerate(rows):
            ctx.tick(index + 1, total)
            if not row.ok:
                continue
            self.check_row(row, ctx)
            values = {}
            for key, field in fields.items():
                value = row.values.get(key)
                if value in (None, "") and (field.has_default() or field.null):
                    if not field.blank:
                        continue  # an empty cell keeps the default or the current value
                    value = None if field.null else ""
                try:
                    values[key] = field.clean(value, None)
                except ValidationError as exc:
                    row.fail(first_message(exc), key)
            if not row.ok:
                continue
            values.update(self.extra_values(row, ctx))
            if not row.ok:
                continue
            current = found[index]
            if current is None:
                creates.append(model(**values))
                row.action = NEW
                continue
            changes = {
                k: [_plain(getattr(current, k)), _plain(v)]
                for k, v in values.items()
                if _plain(getattr(current, k)) != _plain(v)
            }
            if not changes:
                row.action = SKIP
                continue
            for k, v in values.items():
                setattr(current, k, v)
            row.action, row.object_id = UPDATE, current.pk
            updates.append((current, changes))
        if ctx.dry_run or (not ctx.skip_invalid and any(not r.ok for r in rows)):
            return  # rolled back anyway: checking was the whole job
        model.objects.bulk_create(creates, batch_size=BATCH)
        if updates:
            changed = sorted({k for _, c in updates for k in c})
            model.objects.bulk_update([obj for obj, _ in updates], changed, batch_size=500)
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
                    for obj, c in updates
                ],
                batch_size=BATCH,
            )
        self.after_write(creates, updates, ctx)


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


def id_column() -> Column:
    from studio.imports.values import parse_int

    return Column("id", "Studio Manager ID", ID_ALIASES, parse=lambda v, c: parse_int(v, c.locale))


def decimal_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    from studio.imports.values import parse_decimal

    return Column(key, label, aliases, parse=lambda v, c: parse_decimal(v, c.locale))


def int_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    from studio.imports.values import parse_int

    return Column(key, label, aliases, parse=lambda v, c: parse_int(v, c.locale))


def bool_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    from studio.imports.values import parse_bool

    return Column(key, label, aliases, parse=lambda v, c: parse_bool(v, c.locale))


def date_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    from studio.imports.values import parse_date

    return Column(key, label, aliases, parse=lambda v, c: parse_date(v, c.locale))


def choice_column(key: str, label: str, choices, what: str, aliases=()) -> Column:
    from studio.imports.values import match_choice

    return Column(key, label, aliases, parse=lambda v, c: match_choice(v, choices, what) or "")


class PlainWidget(widgets.Widget):
    """Exports values as plain text a spreadsheet and our import both read back exactly:
    decimals without thousands separators, dates in ISO form, yes/no for booleans."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)
