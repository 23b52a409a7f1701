"""Turn an uploaded file into a header and rows, whatever tool saved it.

CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), otherwise
Windows-1252, which is what Excel on Windows writes and a superset of Latin-1 for letters.
The delimiter (comma, semicolon, tab or pipe) is the one that splits the first lines into the
same number of cells. XLSX: the first worksheet, read in streaming mode.

Uploads are bounded before and while they are parsed: an XLSX's unpacked size is checked from
its ZIP directory before openpyxl opens it, and rows are counted as they are read, so a file
that would cost minutes is refused before it does.

Line numbers are the ones the user sees in their spreadsheet: the header is line 1 when it is
the first line. Blank rows are skipped but keep their number.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import load_workbook

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000  # data rows of one file, CSV or XLSX
# An XLSX is a ZIP archive: what it inflates to is read from the archive's directory before
# anything is decompressed, so a small file that would expand to gigabytes (a "zip bomb") is
# refused at once instead of costing the server seconds of CPU. Workbooks compress 5 to 20
# times (a 200,000-row sheet of identical rows about 18); a run of one repeated byte ~1,000.
MAX_XLSX_UNPACKED = 256 * 1024 * 1024
MAX_XLSX_RATIO = 100
XLSX_RATIO_FROM = 1024 * 1024  # small members compress oddly and cost nothing to read
# Excel ends a sheet at line 1,048,576; no workbook it wrote goes further.
MAX_XLSX_LINES = 1_048_576
# Cells read from each line: more than any import needs, a wide CRM export included.
MAX_XLSX_COLUMNS = 1_000
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, .doc, ...


class TableError(Exception):
    """The file as a whole cannot be read; nothing in it was looked at further."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    header_line: int
    rows: list[tuple[int, list[Any]]]  # (line number, cells)
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.format == "xlsx":
            return "Excel workbook (first sheet)"
        return (
            f"CSV, {self.encoding}, {DELIMITER_NAMES.get(self.delimiter, self.delimiter)}-separated"
        )


TOO_MANY_ROWS = "The file has more than {limit} rows; split it into files of at most {limit}."
XLSX_TOO_BIG = (
    "This workbook would unpack to {size} MB, more than the {limit} MB a workbook may hold; "
    "it was not opened. Split it into several files."
)
XLSX_BOMB = (
    "This workbook's “{member}” unpacks to {ratio} times its packed size, far more than a "
    "spreadsheet does ({limit} at most); it was not opened. Save it again as .xlsx or CSV."
)
XLSX_TOO_LONG = (
    "The first sheet goes on past line {limit}, the last line Excel has; it was not read."
)
NOT_A_WORKBOOK = (
    "This file is a ZIP archive but not an Excel workbook that can be read. "
    "Save it again as .xlsx or CSV."
)


def read_table(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> Table:
    """The file's header and rows; a file with more than `max_rows` data rows is refused as
    soon as the reading gets past them."""
    if not data or not data.strip():
        raise TableError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise TableError(
            f"The file is {len(data) // (1024 * 1024)} MB; the limit is "
            f"{MAX_BYTES // (1024 * 1024)} MB. Split it into several files."
        )
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_rows)
    if data.startswith(OLE_MAGIC):
        raise TableError(
            "This looks like an old Excel .xls file. Open it and save it as .xlsx or CSV, "
            "then import that."
        )
    text, encoding = _decode(data)
    return _read_csv(text, encoding, max_rows)


# --- CSV --------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise TableError(
                "The file claims to be UTF-16 text but is not readable as such."
            ) from exc
    head = data[:65536]
    if b"\x00" in head or _looks_binary(head):
        raise TableError(
            "This file is not a spreadsheet: save it as CSV (comma or semicolon separated) "
            "or as an Excel .xlsx workbook."
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _looks_binary(head: bytes) -> bool:
    """Control bytes other than tab, CR, LF and form feed do not occur in spreadsheets saved as
    text; a PDF, an image or an archive has plenty of them."""
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > max(4, len(head) // 200)


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for candidate in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines]
        header = counts[0]
        if header < 2:
            continue
        # Share of lines that split into as many cells as the header does.
        score = sum(1 for c in counts if c == header) / len(counts) + header / 1000
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(text: str, encoding: str, max_rows: int) -> Table:
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[Any]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not "".join(cells).strip():
                continue
            if headers is None:
                headers, header_line = [c.strip() for c in cells], line
                continue
            rows.append((line, cells))
            if len(rows) > max_rows:
                raise TableError(TOO_MANY_ROWS.format(limit=max_rows))
    except csv.Error as exc:
        raise TableError(
            f"Line {reader.line_num}: the file cannot be read as CSV ({exc})."
        ) from exc
    if headers is None:
        raise TableError("The file is empty.")
    if len(headers) == 1 and len(headers[0]) > 200:
        raise TableError(
            "This file is not a spreadsheet: its first line is not a row of column names."
        )
    return Table(headers, header_line, rows, "csv", encoding=encoding, delimiter=delimiter)


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx_unpacked_check(data: bytes) -> None:
    """Refuse an archive that would unpack to too much, from its directory alone. zipfile
    stops at the size the directory declares (a member that lies fails its CRC check), so the
    declared sizes are a bound on what openpyxl can be made to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(NOT_A_WORKBOOK) from exc
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise TableError(
            XLSX_TOO_BIG.format(
                size=unpacked // (1024 * 1024), limit=MAX_XLSX_UNPACKED // (1024 * 1024)
            )
        )
    for member in members:
        if member.file_size < XLSX_RATIO_FROM:
            continue
        ratio = member.file_size // max(member.compress_size, 1)
        if ratio > MAX_XLSX_RATIO:
            raise TableError(
                XLSX_BOMB.format(member=member.filename[-60:], ratio=ratio, limit=MAX_XLSX_RATIO)
            )


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    _xlsx_unpacked_check(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(NOT_A_WORKBOOK) from exc
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        header_line = 0
        rows: list[tuple[int, list[Any]]] = []
        # The sizes a sheet declares are not trusted: openpyxl would pad every row to the
        # declared width and add an empty row for every line number skipped, a few bytes of
        # XML turning into millions of cells.
        sheet.reset_dimensions()
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line > MAX_XLSX_LINES:
                raise TableError(XLSX_TOO_LONG.format(limit=f"{MAX_XLSX_LINES:,}"))
            values = values[:MAX_XLSX_COLUMNS]
            cells = [_xlsx_cell(v) for v in values]
            if not any(c != "" for c in cells):
                continue
            if headers is None:
                headers, header_line = [str(c).strip() for c in cells], line
                continue
            rows.append((line, cells))
            if len(rows) > max_rows:
                raise TableError(TOO_MANY_ROWS.format(limit=max_rows))
    finally:
        workbook.close()
    if headers is None:
        raise TableError("The workbook's first sheet is empty.")
    # Excel often reports trailing formatted-but-empty columns; drop unnamed ones at the end.
    while headers and headers[-1] == "":
        headers.pop()
    notes = []
    if len(workbook.sheetnames) > 1:
        notes.append(f"Only the first sheet (“{workbook.sheetnames[0]}”) was read.")
    return Table(headers, header_line, rows, "xlsx", notes=notes)


def _xlsx_cell(value: Any) -> Any:
    """Keep typed values Excel already parsed (numbers, dates); text is stripped later."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time, int, float, bool)):
        return value
    return str(value)
