"""The forgiving half: files as other tools save them, cells as people type them."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from studio.imports import reader
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
from tests.imports.conftest import xlsx_bomb

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


def xlsx_of(rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_zip_bomb_named_xlsx_is_refused_without_being_opened(monkeypatch):
    bomb = xlsx_bomb()
    assert len(bomb) < 150 * 1024

    def opened(*args, **kwargs):
        raise AssertionError("openpyxl was handed the bomb")

    monkeypatch.setattr(reader, "load_workbook", opened)
    with pytest.raises(TableError) as caught:
        read_table(bomb, "clients.xlsx")
    assert caught.value.message == (
        "This workbook's “xl/worksheets/sheet1.xml” unpacks to 1027 times its packed size, far "
        "more than a spreadsheet does (100 at most); it was not opened. Save it again as .xlsx "
        "or CSV."
    )


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(monkeypatch):
    data = xlsx_of([["Name"]] + [[f"Client {i}"] for i in range(20_000)])
    monkeypatch.setattr(reader, "MAX_XLSX_UNPACKED", 1024 * 1024)

    with pytest.raises(TableError) as caught:
        read_table(data)
    assert caught.value.message.startswith("This workbook would unpack to 1 MB, more than the 1 MB")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_with_too_many_rows_is_refused_as_it_is_read(kind, monkeypatch):
    rows = [["Name"]] + [[f"Client {i}"] for i in range(1_000)]
    data = xlsx_of(rows) if kind == "xlsx" else "\n".join(r[0] for r in rows).encode()
    seen = []
    cell = reader._xlsx_cell
    monkeypatch.setattr(reader, "_xlsx_cell", lambda value: seen.append(value) or cell(value))

    with pytest.raises(TableError) as caught:
        read_table(data, max_rows=100)
    assert caught.value.message == (
        "The file has more than 100 rows; split it into files of at most 100."
    )
    if kind == "xlsx":
        assert len(seen) == 102  # the header and 101 rows, not the 1,000


def test_a_sheet_that_goes_past_excels_last_line_is_refused():
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD2000000"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>Ana</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(io.BytesIO(xlsx_of([["Name"]]))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)

    with pytest.raises(TableError) as caught:
        read_table(data.getvalue())
    assert caught.value.message == (
        "The first sheet goes on past line 1,048,576, the last line Excel has; it was not read."
    )


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
