"""The forgiving half: files as other tools save them, cells as people type them."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from studio.imports.columns import Column, match_headers
from studio.imports.reader import TableError, read_table
from studio.imports.values import (
    Locale,
    ValueProblem,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_time,
    text,
)

UK, US, FR = Locale("DMY", "."), Locale("MDY", "."), Locale("DMY", ",")
CSV = "Nom;E-mail;Téléphone\nÉlodie Brûlé;elodie@example.fr;+33 1 23\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + CSV.encode("utf-8"), "UTF-8 with BOM"),
        (CSV.encode("cp1252"), "Windows-1252"),
        (CSV.encode("utf-16"), "UTF-16"),
    ],
)
def test_every_usual_encoding_reads_the_same_accented_text(data, encoding):
    table = read_table(data)
    assert table.encoding == encoding
    assert table.headers == ["Nom", "E-mail", "Téléphone"]
    assert table.rows == [(2, ["Élodie Brûlé", "elodie@example.fr", "+33 1 23"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected(delimiter):
    data = delimiter.join(["Name", "Email", "Notes"]) + "\n"
    data += delimiter.join(["Ana", "ana@example.com", '"plays bass, sings"']) + "\n"
    table = read_table(data.encode())
    assert table.delimiter == delimiter
    assert table.rows[0][1][2] == "plays bass, sings"


def test_blank_rows_are_skipped_and_line_numbers_stay_those_of_the_file():
    table = read_table(b"\n\nName,Email\nAna,a@x.io\n,\n\nBo,b@x.io\n\n\n,,\n")
    assert table.header_line == 3
    assert [line for line, _ in table.rows] == [4, 7]


def test_an_xlsx_workbook_keeps_its_typed_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Purchase date", "Price"])
    sheet.append(["U 87", datetime(2024, 5, 1), 2499.5])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.format == "xlsx"
    assert table.rows == [(2, ["U 87", datetime(2024, 5, 1), 2499.5])]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (b"%PDF-1.7\n\x00\x01\x02binary", "This file is not a spreadsheet"),
        (bytes(range(256)) * 20, "This file is not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls"),
        (b"PK\x03\x04 not really a zip", "not an Excel workbook"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_with_a_reason(data, message):
    with pytest.raises(TableError) as caught:
        read_table(data)
    assert message in caught.value.message


def test_headers_match_whatever_their_case_accents_and_aliases():
    columns = (
        Column("name", "Name", ("Nom",), required=True),
        Column("email", "E-mail", ("Email address",)),
        Column("phone", "Phone", ("Téléphone",)),
    )
    match = match_headers(["NOM", "email ADDRESS", "telephone", "Shoe size"], columns, {})
    assert match.header_of == {"name": "NOM", "email": "email ADDRESS", "phone": "telephone"}
    assert match.ignored == ["Shoe size"]
    assert match.problems == []


def test_a_missing_required_column_and_a_doubled_column_are_named():
    columns = (Column("name", "Name", required=True), Column("email", "E-mail", ("Email",)))
    match = match_headers(["Email", "E-mail"], columns, {})
    assert match.problems == [
        "Columns “Email” and “E-mail” both mean E-mail; keep one of them.",
        "The required column Name is missing (looked for “Name”).",
    ]


@pytest.mark.parametrize(
    ("raw", "locale", "expected"),
    [
        ("2026-03-04", US, date(2026, 3, 4)),
        ("04/03/2026", UK, date(2026, 3, 4)),
        ("03/04/2026", US, date(2026, 3, 4)),
        ("4.3.2026", FR, date(2026, 3, 4)),
        ("04-03-26", UK, date(2026, 3, 4)),
        ("2026/03/04", UK, date(2026, 3, 4)),
        ("4 Mar 2026", US, date(2026, 3, 4)),
        ("March 4, 2026", UK, date(2026, 3, 4)),
        ("4 mars 2026", FR, date(2026, 3, 4)),
        ("2026-03-04T10:00:00", UK, date(2026, 3, 4)),
        (datetime(2026, 3, 4, 10), UK, date(2026, 3, 4)),
        ("", UK, None),
    ],
)
def test_dates_in_iso_and_in_the_studios_order(raw, locale, expected):
    assert parse_date(raw, locale) == expected


@pytest.mark.parametrize("raw", ["31/02/2026", "13/13/2026", "next tuesday", "2026-14-01"])
def test_impossible_dates_say_which_order_is_expected(raw):
    with pytest.raises(ValueProblem) as caught:
        parse_date(raw, UK)
    assert caught.value.message.startswith(f"“{raw}” is not a date.")
    assert "day/month/year" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "locale", "expected"),
    [
        ("1234.5", UK, Decimal("1234.5")),
        ("1234,5", UK, Decimal("1234.5")),
        ("1 234,50 €", FR, Decimal("1234.50")),
        ("1.234,50", FR, Decimal("1234.50")),
        ("1,234.50", UK, Decimal("1234.50")),
        ("1,234", UK, Decimal("1234")),
        ("1,234", FR, Decimal("1.234")),
        ("£45", UK, Decimal("45")),
        ("(12.00)", UK, Decimal("-12.00")),
        (2499.5, UK, Decimal("2499.5")),
        ("", UK, None),
    ],
)
def test_numbers_with_decimal_commas_grouping_and_currency_signs(raw, locale, expected):
    assert parse_decimal(raw, locale) == expected


@pytest.mark.parametrize("raw", ["12 euros", "1.2.3,4,5", "NaN", "abc"])
def test_text_is_not_a_number(raw):
    with pytest.raises(ValueProblem):
        parse_decimal(raw, UK)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("14:30", time(14, 30)), ("9h15", time(9, 15)), ("2pm", time(14)), ("2:30 PM", time(14, 30))],
)
def test_times(raw, expected):
    assert parse_time(raw, UK) == expected


def test_a_moment_without_offset_is_the_studios_wall_clock():
    paris = ZoneInfo("Europe/Paris")
    assert parse_datetime("04/03/2026 14:00", UK, paris) == datetime(2026, 3, 4, 14, tzinfo=paris)
    assert parse_datetime("2026-03-04 14:00", UK, paris) == datetime(2026, 3, 4, 14, tzinfo=paris)


def test_yes_and_no_in_several_languages():
    assert [parse_bool(v, UK) for v in ("Yes", "oui", "x", "0", "Non", "")] == [
        True,
        True,
        True,
        False,
        False,
        None,
    ]


def test_the_formula_guard_of_our_exports_is_removed_on_the_way_back():
    assert text("'=SUM(A1)") == "=SUM(A1)"
    assert text("'+44 20 7946 0000") == "+44 20 7946 0000"
    assert text("'Tis the season") == "'Tis the season"
    assert text(12.0) == "12"
