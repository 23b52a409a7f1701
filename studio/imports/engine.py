"""One import run: read the file, match its columns, parse every cell, let the resource check and
write the rows, then keep everything or nothing.

The resource does its work inside one transaction. The run is rolled back when it is a preview
(dry run), or when any row is invalid and the user did not choose to skip invalid rows, so a
failed import never leaves part of a file behind. A row is never half-written either: a resource
writes each row whole or, for rows it writes in batches, the whole batch.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction

from studio.imports.columns import HeaderMatch, match_headers
from studio.imports.reader import TableError, read_table
from studio.imports.values import Locale, ValueProblem, text
from studio.services.errors import StudioError
from studio.services.plan_limits import PlanLimitReached, plan_limit_check

if TYPE_CHECKING:
    from studio.resources.base import StudioResource

MAX_ROWS = 200_000
PROGRESS_EVERY = 2_000

NEW, UPDATE, SKIP, INVALID = "new", "update", "skip", "invalid"


@dataclass
class CellError:
    line: int
    column: str
    value: str
    message: str


class ImportRow:
    """One data row of the file: its cells, then its parsed values, problems and outcome.
    (A plain class with slots: a file can have 200,000 of them.)"""

    __slots__ = ("action", "cells", "line", "object_id", "parsed", "problems", "values")

    def __init__(self, line: int, values: dict[str, Any], cells: list):
        self.line = line
        self.values = values
        self.cells = cells
        self.problems: list[tuple[str | None, str]] = []
        self.action = ""
        self.object_id: int | None = None
        self.parsed = False

    def fail(self, message: str, column: str | None = None) -> None:
        self.problems.append((column, message))

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportContext:
    locale: Locale
    tz: Any
    by: Any = None
    dry_run: bool = False
    skip_invalid: bool = False
    match: HeaderMatch | None = None
    progress: Callable[[int, int], None] | None = None
    parse: Callable[[ImportRow], None] = lambda row: None

    def parse_all(self, rows: list[ImportRow]) -> None:
        for row in rows:
            self.parse(row)

    def tick(self, done: int, total: int) -> None:
        if self.progress and (done % PROGRESS_EVERY == 0 or done == total):
            self.progress(done, total)


@dataclass
class ImportReport:
    resource: str
    filename: str
    dry_run: bool
    skip_invalid: bool
    source: str = ""
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {NEW: 0, UPDATE: 0, SKIP: 0, INVALID: 0})
    errors: list[CellError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        data = dict(data)
        data["errors"] = [CellError(**e) for e in data.get("errors", [])]
        return cls(**data)

    def outcome(self) -> str:
        """One sentence saying what happened to the database."""
        c = self.counts
        if self.file_errors:
            return "The file was not imported; nothing was changed."
        if self.committed:
            skipped = f", {c[INVALID]} invalid rows skipped" if c[INVALID] else ""
            return f"Imported: {c[NEW]} created, {c[UPDATE]} updated, {c[SKIP]} unchanged{skipped}."
        if self.dry_run:
            return (
                f"Preview only, nothing was changed: {c[NEW]} to create, {c[UPDATE]} to update, "
                f"{c[SKIP]} unchanged, {c[INVALID]} invalid."
            )
        if c[INVALID]:
            return (
                f"Nothing was imported: {c[INVALID]} rows are invalid. Fix them, or choose to "
                "import the valid rows and skip the invalid ones."
            )
        return "Nothing to import: every row is already up to date."

    def as_text(self, max_errors: int = 50) -> str:
        lines = [f"{self.resource}: {self.filename} ({self.source or 'unread'})"]
        lines += [f"  error: {e}" for e in self.file_errors]
        lines += [f"  note: {w}" for w in self.warnings]
        if not self.file_errors:
            c = self.counts
            lines.append(
                f"  rows: {self.rows}  new: {c[NEW]}  updated: {c[UPDATE]}  "
                f"unchanged: {c[SKIP]}  invalid: {c[INVALID]}"
            )
        for e in self.errors[:max_errors]:
            where = f"line {e.line}" + (f", {e.column}" if e.column else "")
            value = f" “{e.value}”" if e.value else ""
            lines.append(f"  {where}:{value} {e.message}")
        if len(self.errors) > max_errors:
            lines.append(f"  … and {len(self.errors) - max_errors} more errors")
        lines.append(f"  {self.outcome()}")
        return "\n".join(lines)


class RowParser:
    """Parses a row's cells into values, once, when a resource first needs them.

    Rows are parsed on demand rather than all up front so a resource can check and write each
    row as it parses it: PostgreSQL stores the first rows while the later ones are read.
    """

    def __init__(self, table, match: HeaderMatch, ctx: ImportContext, resource):
        self.width = len(table.headers)
        self.mapped = [(i, column.key, column.parse) for i, column in match.by_index.items()]
        self.ctx = ctx
        self.prepare = resource.prepare

    def __call__(self, row: ImportRow) -> None:
        if row.parsed:
            return
        row.parsed = True
        cells, ctx, values = row.cells, self.ctx, row.values
        count = len(cells)
        if count > self.width and any(text(c) for c in cells[self.width :]):
            row.fail(
                f"This line has {count} cells but the header names {self.width} columns; "
                "check for an unquoted delimiter in a value."
            )
        for index, key, parse in self.mapped:
            cell = cells[index] if index < count else ""
            if cell.__class__ is str:
                clean = cell.strip()
                if clean.startswith("'"):
                    clean = text(clean)
                typed = clean
            else:
                clean, typed = text(cell), cell  # XLSX numbers and dates reach the parser as such
            if parse is None:
                values[key] = clean
                continue
            try:
                values[key] = parse(typed, ctx)
            except ValueProblem as exc:
                row.fail(exc.message, key)
        if not row.problems:
            self.prepare(row, ctx)


def import_run(
    *,
    resource: StudioResource,
    data: bytes,
    filename: str,
    locale: Locale,
    tz,
    by=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    started = clock.perf_counter()
    report = ImportReport(
        resource=str(resource.title), filename=filename, dry_run=dry_run, skip_invalid=skip_invalid
    )
    try:
        table = read_table(data, filename)
    except TableError as exc:
        report.file_errors.append(exc.message)
        return report
    report.source = table.describe()
    report.warnings.extend(table.notes)
    match = match_headers(table.headers, resource.import_columns, resource.alternatives)
    report.file_errors.extend(match.problems)
    report.warnings.extend(f"Column “{h}” is not recognised and is ignored." for h in match.ignored)
    if not table.rows and not report.file_errors:
        report.file_errors.append("The file has column names but no rows below them.")
    if len(table.rows) > MAX_ROWS:
        report.file_errors.append(
            f"The file has {len(table.rows)} rows; split it into files of at most {MAX_ROWS}."
        )
    if report.file_errors:
        return report

    ctx = ImportContext(
        locale=locale,
        tz=tz,
        by=by,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        match=match,
        progress=progress,
    )
    ctx.parse = RowParser(table, match, ctx, resource)
    rows = [ImportRow(line=line, values={}, cells=cells) for line, cells in table.rows]
    report.rows = len(rows)
    try:
        with transaction.atomic():
            resource.process(rows, ctx)
            ctx.parse_all(rows)
            _tally(report, rows, match)
            if resource.plan_limit and report.counts[NEW]:
                # The new rows are written in this transaction: count them against the plan.
                plan_limit_check(resource.plan_limit, adding=0)
            wanted = not dry_run and (skip_invalid or report.counts[INVALID] == 0)
            if wanted and (report.counts[NEW] or report.counts[UPDATE]):
                resource.record_import(report, ctx)
                report.committed = True
            else:
                transaction.set_rollback(True)
    except PlanLimitReached as exc:
        report.committed = False
        report.file_errors.append(f"Nothing was imported: {exc.message}")
    except (StudioError, DatabaseError) as exc:
        message = getattr(exc, "message", None) or str(exc).splitlines()[0]
        report.committed = False
        report.file_errors.append(
            f"The import stopped and nothing was written: {message} "
            "If someone edited the same records meanwhile, run the import again."
        )
    report.seconds = round(clock.perf_counter() - started, 3)
    return report


def _cell_text(row: ImportRow, index: int | None) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return text(row.cells[index])


def _tally(report: ImportReport, rows: list[ImportRow], match: HeaderMatch) -> None:
    position = {column.key: index for index, column in match.by_index.items()}
    report.counts = {NEW: 0, UPDATE: 0, SKIP: 0, INVALID: 0}
    for row in rows:
        if row.problems:
            row.action = INVALID
            for column, message in row.problems:
                header = match.header_of.get(column, column or "") if column else ""
                report.errors.append(
                    CellError(row.line, header, _cell_text(row, position.get(column)), message)
                )
        report.counts[row.action or SKIP] += 1
