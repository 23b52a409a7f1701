"""What an export writes: values as plain text that our import reads back exactly, and text a
spreadsheet would run as a formula made harmless."""

from __future__ import annotations

from typing import Any

from import_export import widgets
from import_export.formats.base_formats import JSON

from studio.imports.values import FORMULA_TRIGGERS


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
