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

from django.db import DatabaseError, transaction

from studio.imports.columns import HeaderMatch, match_headers
from studio.imports.reader import TableError, read_table
from studio.imports.types import (
    INVALID,
    NEW,
    SKIP,
    UPDATE,
    CellError,
    ImportContext,
    ImportReport,
    ImportResource,
    ImportRow,
)
from studio.imports.values import Locale, ValueProblem, text
from studio.services.errors import StudioError
from studio.services.plan_limits import PlanLimitReached, plan_limit_check


class RowParser:
    """Parses a row's cells into values, once, when a resource first needs them.

    Rows are parsed on demand rather than all up front so a resource can check and write each
    row as it parses it: PostgreSQL stores the first rows while the later ones are read.
    """

    def __init__(self, table, match: HeaderMatch, ctx: ImportContext, resource: ImportResource):
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
    resource: ImportResource,
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
        # Sizes and row counts are bounded while the file is read (reader.MAX_ROWS).
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
