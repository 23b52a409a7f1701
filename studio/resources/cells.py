"""Import columns that parse their cells: the studio's ID, numbers, yes/no, dates and choices,
each read with the studio's locale (date order, decimal comma)."""

from __future__ import annotations

from studio.imports.columns import Column
from studio.imports.values import choice_parser, parse_bool, parse_date, parse_decimal, parse_int

ID_ALIASES = ("Studio Manager ID", "RSM ID", "SM ID")


def id_column() -> Column:
    return Column("id", "Studio Manager ID", ID_ALIASES, parse=lambda v, c: parse_int(v, c.locale))


def decimal_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, label, aliases, parse=lambda v, c: parse_decimal(v, c.locale))


def int_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, label, aliases, parse=lambda v, c: parse_int(v, c.locale))


def bool_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, label, aliases, parse=lambda v, c: parse_bool(v, c.locale))


def date_column(key: str, label: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(key, label, aliases, parse=lambda v, c: parse_date(v, c.locale))


def choice_column(key: str, label: str, choices, what: str, aliases=()) -> Column:
    parse = choice_parser(choices, what)
    return Column(key, label, aliases, parse=lambda v, c: parse(v) or "")
