"""Which file column feeds which field.

Header cells are compared folded (no case, no accents, no punctuation or spaces), against the
column's label, its key and its aliases, so "E-mail", "Email address" and "COURRIEL" all land on
the e-mail column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studio.imports.values import fold


def header_key(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(header))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    # cell value, import context -> Python value (raises ValueProblem)
    parse: Callable[[Any, Any], Any] | None = None

    def names(self) -> set[str]:
        return {header_key(n) for n in (self.key, self.label, *self.aliases)}


@dataclass
class HeaderMatch:
    by_index: dict[int, Column] = field(default_factory=dict)
    header_of: dict[str, str] = field(default_factory=dict)  # column key -> header in the file
    ignored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.header_of


def match_headers(
    headers: list[str], columns: tuple[Column, ...], alternatives: dict[str, tuple[str, ...]]
) -> HeaderMatch:
    """`alternatives` names required columns that other columns can stand in for, e.g. a
    client's name can come from first name + last name."""
    lookup: dict[str, Column] = {}
    for column in columns:
        for key in column.names():
            lookup.setdefault(key, column)
    result = HeaderMatch()
    for index, header in enumerate(headers):
        if not header:
            continue
        column = lookup.get(header_key(header))
        if column is None:
            result.ignored.append(header)
            continue
        if column.key in result.header_of:
            result.problems.append(
                f"Columns “{result.header_of[column.key]}” and “{header}” both mean "
                f"{column.label}; keep one of them."
            )
            continue
        result.by_index[index] = column
        result.header_of[column.key] = header
    for column in columns:
        if not column.required or result.has(column.key):
            continue
        stand_ins = alternatives.get(column.key, ())
        if stand_ins and any(result.has(k) for k in stand_ins):
            continue
        names = ", ".join(f"“{a}”" for a in (column.label, *column.aliases[:3]))
        result.problems.append(
            f"The required column {column.label} is missing (looked for {names})."
        )
    if not result.by_index:
        expected = ", ".join(c.label for c in columns)
        result.problems = [
            "None of the column names in the first row were recognised, so this is probably "
            f"not the right file. Expected columns such as: {expected}."
        ]
    return result
