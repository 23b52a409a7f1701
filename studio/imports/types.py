"""What an import run and the resources share: the rows, the run's context, its report, the
outcome of each row, and what the run asks of a resource.

The engine (engine.py) and the resources (studio/resources/) both import this module; neither
imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from studio.imports.columns import Column, HeaderMatch
from studio.imports.values import Locale

PROGRESS_EVERY = 2_000

# What happened to a row.
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


class ImportResource(Protocol):
    """What a run needs from a resource (studio.resources.base.StudioResource is the one)."""

    title: Any
    import_columns: tuple[Column, ...]
    alternatives: dict[str, tuple[str, ...]]
    plan_limit: str | None

    def prepare(self, row: ImportRow, ctx: ImportContext) -> None: ...

    def process(self, rows: list[ImportRow], ctx: ImportContext) -> None: ...

    def record_import(self, report: ImportReport, ctx: ImportContext) -> None: ...
