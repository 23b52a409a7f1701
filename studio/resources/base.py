"""What every studio resource shares.

Export is django-import-export's: a resource's fields are the file's columns, labelled as the
import expects them, so a file exported here imports back unchanged. Import goes through
studio/imports/engine.py, which hands the parsed rows to `process()`; resources check rows with
the same model field rules the admin forms use (or call the booking services), and write in
batches so a 100,000-row client list takes seconds.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import operator
import re
from typing import Any, ClassVar

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import (
    EmailValidator,
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.db import connection, models
from django.utils import timezone
from import_export import resources, widgets
from import_export.formats.base_formats import JSON

from studio.imports.columns import Column
from studio.imports.engine import NEW, SKIP, UPDATE, ImportContext, ImportReport, ImportRow
from studio.imports.values import FORMULA_TRIGGERS
from studio.models import AuditEntry
from studio.services.audit import _plain

BATCH = 2_000
SIMPLE_VALIDATORS = (MaxLengthValidator, ProhibitNullCharactersValidator)
ID_ALIASES = ("Studio Manager ID", "RSM ID", "SM ID")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (shown as text by
    Excel and LibreOffice, removed again by our import)."""
    if isinstance(value, str) and value and value[0] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def neutralise_dataset(dataset) -> None:
    """Neutralise every cell of a tablib Dataset in place (for CSV and XLSX files)."""
    for index, row in enumerate(dataset._data):
        dataset._data[index] = type(row)([neutralise(v) for v in row], row.tags)


def export_file(dataset, file_format):
    """The file for an export. CSV and XLSX are opened in spreadsheets, so text that looks
    like a formula is neutralised; JSON keeps the values exactly."""
    if not isinstance(file_format, JSON):
        neutralise_dataset(dataset)
    return file_format.export_data(dataset)


def first_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


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


MISSING, KEEP = object(), object()


def _when_empty(field):
    """What an empty cell means for a field: keep the default or current value (KEEP), store
    NULL or "" (that value), or let the field's own check refuse it (MISSING)."""
    if not (field.has_default() or field.null):
        return MISSING
    if not field.blank:
        return KEEP
    return None if field.null else ""


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
        checks = [(k, f, plain_text_check(f), _when_empty(f)) for k, f in fields.items()]
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
                    k: [_plain(getattr(current, k)), _plain(v)]
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


def _plain_string_check(field):
    if isinstance(field, models.EmailField):
        return _email_check(field)
    if not isinstance(field, (models.CharField, models.TextField)):
        return None
    patterns = []
    for validator in field.validators:
        if isinstance(validator, RegexValidator):
            # The validator's regex is lazy; compile it once for the whole file.
            regex = re.compile(validator.regex.pattern, validator.regex.flags)
            patterns.append((regex.search, validator.inverse_match))
        elif not isinstance(validator, SIMPLE_VALIDATORS):
            return None
    limit = field.max_length or 10**9
    allowed = {str(k) for k, _ in field.flatchoices} if field.choices else None
    blank = field.blank

    def basic(v) -> bool:
        return (
            v.__class__ is str
            and len(v) <= limit
            and (blank or v != "")
            and "\x00" not in v
            and (allowed is None or v in allowed)
        )

    if not patterns:
        return basic
    if len(patterns) == 1:
        search, inverse = patterns[0]
        if inverse:
            return lambda v: basic(v) and search(v) is None
        return lambda v: basic(v) and search(v) is not None
    return lambda v: basic(v) and all(bool(search(v)) != inverse for search, inverse in patterns)


def _email_check(field):
    """EmailField's rules with Django's own validator, its domain check remembered per domain
    (a client list has thousands of addresses at a handful of domains)."""
    validators = [v for v in field.validators if not isinstance(v, SIMPLE_VALIDATORS)]
    if len(validators) != 1 or not isinstance(validators[0], EmailValidator):
        return None
    email = validators[0]
    # The validator's regex is a lazy object; resolve it once, not on every address.
    user_ok = re.compile(email.user_regex.pattern, email.user_regex.flags).match
    domain_ok = functools.lru_cache(maxsize=4096)(
        lambda domain: domain in email.domain_allowlist or email.validate_domain_part(domain)
    )
    limit = field.max_length or 10**9
    blank = field.blank

    def check(v) -> bool:
        if v.__class__ is not str or len(v) > limit or "\x00" in v or "\n" in v:
            return False
        if v == "":
            return blank
        user, at, domain = v.rpartition("@")
        return bool(at and user and user_ok(user) and domain_ok(domain))

    return check


def plain_text_check(field):
    """For a field whose rules can be checked inline (text with a maximum length and maybe
    choices, e-mail, a list of short texts), a function that says whether a value passes them.
    Values that fail, and other kinds of field, go through field.clean() for Django's own
    message, so the rules and the wording stay Django's."""
    if isinstance(field, ArrayField):
        item = _plain_string_check(field.base_field)
        if (
            item is None
            or field.size
            or any(not isinstance(v, SIMPLE_VALIDATORS) for v in field.validators)
        ):
            return None
        return lambda v: v.__class__ is list and all(item(i) for i in v)
    return _plain_string_check(field)


def _array_literal(items: list) -> str:
    quoted = (
        "NULL" if i is None else '"' + str(i).replace("\\", "\\\\").replace('"', '\\"') + '"'
        for i in items
    )
    return "{" + ",".join(quoted) + "}"


def _copy_converter(field):
    """How a field's Python value is written in a COPY CSV cell; None for text, written as is."""
    if field.is_relation:
        return lambda v: None if v is None else str(getattr(v, "pk", v))
    if isinstance(field, ArrayField):
        return lambda v: None if v is None else _array_literal(v)
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else ("t" if v else "f")
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if isinstance(field, (models.CharField, models.TextField)):
        return None
    return lambda v: None if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v))


class CopyWriter:
    """Inserts validated rows (field name -> value) with PostgreSQL COPY, streamed in batches.

    bulk_create spends most of its time building and re-parsing one enormous INSERT per batch;
    COPY streams the same rows, formatted by the csv module. Batches are sent while the caller
    goes on checking rows, so PostgreSQL updates the table's indexes on the other core in the
    meantime. Columns a row does not give take the field's default, and auto_now(_add)
    timestamps are set, as save() would. New ids are not read back: imports do not need them.

    No other query may run on the connection between the first add() and close().
    """

    def __init__(self, model):
        now = timezone.now()
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.plan = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default, factory = now, None
            elif f.has_default() and callable(f.default):
                default, factory = None, f.default
            else:
                default, factory = f.get_default(), None
            convert = _copy_converter(f)
            if factory is not None and convert is not None:
                # A list or dict default (tags=[]) is written as text: the same every time.
                default, factory = convert(factory()), None
            elif convert is not None:
                default = convert(default)  # a constant: converted once, not per row
            self.plan.append((f.name, default, factory, convert))
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        self.sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        self.pending: list[list] = []
        self.last_keys: set | None = None
        self.stack = contextlib.ExitStack()
        self.copy = None
        self.count = 0

    def add(self, row: dict) -> None:
        keys = row.keys()
        if keys == self.last_keys:
            # The usual case: every row gives the same columns. Constants are copied from the
            # template, given values picked in one go, and only those needing it converted.
            cells = self.template.copy()
            for slot, value in zip(self.slots, self.pick(row), strict=True):
                cells[slot] = value
            for slot, convert in self.converts:
                cells[slot] = convert(cells[slot])
            self.pending.append(cells)
            if len(self.pending) >= BATCH:
                self._flush()
            return
        self._learn(row)
        cells = []
        for name, default, factory, convert in self.plan:
            if name in row:
                value = row[name]
            elif factory is None:
                cells.append(default)
                continue
            else:
                value = factory()
            cells.append(convert(value) if convert is not None else value)
        self.pending.append(cells)
        if len(self.pending) >= BATCH:
            self._flush()

    def _learn(self, row: dict) -> None:
        """Prepare the fast path for rows with exactly these keys (when no default is a
        factory: those must run per row)."""
        if any(factory is not None and name not in row for name, _, factory, _ in self.plan):
            self.last_keys = None
            return
        self.last_keys = set(row.keys())
        self.template = [None if name in row else default for name, default, _, _ in self.plan]
        given = [(i, name) for i, (name, _, _, _) in enumerate(self.plan) if name in row]
        self.slots = [i for i, _ in given]
        names = [name for _, name in given]
        getter = operator.itemgetter(*names)
        self.pick = (lambda r: (getter(r),)) if len(names) == 1 else getter
        self.converts = [(i, self.plan[i][3]) for i in self.slots if self.plan[i][3] is not None]

    def _flush(self) -> None:
        if not self.pending:
            return
        if self.copy is None:
            cursor = self.stack.enter_context(connection.cursor()).cursor  # psycopg's own
            self.copy = self.stack.enter_context(cursor.copy(self.sql))
        buffer = io.StringIO()
        # QUOTE_NOTNULL: None is an unquoted empty cell (NULL), "" a quoted one (empty text).
        csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n").writerows(self.pending)
        self.copy.write(buffer.getvalue().encode())
        self.count += len(self.pending)
        self.pending = []

    def close(self) -> None:
        self._flush()
        self.stack.close()


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
    from studio.imports.values import choice_parser

    parse = choice_parser(choices, what)
    return Column(key, label, aliases, parse=lambda v, c: parse(v) or "")


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
