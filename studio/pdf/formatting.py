"""How amounts, quantities and dates read on paper, in one style for every document.

Amounts: the currency's symbol (or its code and a space) before the number, thousands separated
by commas, the currency's own number of decimals: "€1,234.50", "¥12,500", "CHF 1,234.50",
"-€80.00". The documents are in English, so are the separators.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

# Symbols that cannot be mistaken for another currency once the document says which it is in.
SYMBOLS = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "JPY": "¥",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "CHF": "CHF ",
}
# ISO 4217 minor units where they differ from 2.
DECIMALS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "XOF": 0,
    "XAF": 0,
    "UGX": 0,
    "PYG": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}
_QUANTS = {n: Decimal(1).scaleb(-n) for n in range(4)}
MONTHS = (
    "January February March April May June July August September October November December"
).split()


def decimals(currency: str) -> int:
    return DECIMALS.get(currency.upper(), 2)


def amount(value: Decimal, currency: str) -> str:
    """The number alone, rounded to the currency's decimals: "1,234.50", "-12,500"."""
    rounded = Decimal(value).quantize(_QUANTS[decimals(currency)], rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,}"


def money(value: Decimal, currency: str) -> str:
    """ "€1,234.50", "¥12,500", "CHF 1,234.50", "SEK 99.00", "-€80.00"."""
    code = currency.upper()
    text = amount(value, code)
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    prefix = SYMBOLS.get(code, f"{code} ")
    return f"{sign}{prefix}{text}"


def plain_number(value: Decimal) -> str:
    """A quantity, a percentage or a rate without trailing zeros: 2, 1.5, 5.5, 0.9234."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.normalize():,f}"


def long_date(day: date | datetime | None) -> str:
    """ "3 March 2026": unambiguous in every country, unlike 03/03/2026."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_datetime(moment: datetime) -> str:
    """ "3 March 2026, 14:05 UTC+01:00"; naive values are printed as they are."""
    text = f"{long_date(moment)}, {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    if not offset:
        return f"{text} UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text} UTC{sign}{hours:02d}:{minutes:02d}"


def markup(text: str) -> str:
    """Client text as Paragraph markup: XML special characters escaped, line breaks kept."""
    return escape(text.strip()).replace("\n", "<br/>")
