"""The COPY fast path: validated rows streamed into a table with PostgreSQL COPY."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import operator

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.utils import timezone

BATCH = 2_000


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
