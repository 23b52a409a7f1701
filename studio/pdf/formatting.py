"""How quantities and dates read on paper, in one style for every document.

Amounts are written by `studio.money.money_format`, as everywhere else: in the studio's locale,
with the currency's symbol and its own number of decimals ("€1,234.50", "¥12,500").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

MONTHS = (
    "January February March April May June July August September October November December"
).split()


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
