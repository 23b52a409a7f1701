"""Cell parsers: one spreadsheet cell in, one Python value out, or a ValueProblem whose message
says what was expected.

Spreadsheets from other tools disagree about dates and numbers, so the parsers accept every
unambiguous spelling and settle the ambiguous ones (03/04/2026, 1,234) with the studio's locale.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

# Characters that make a spreadsheet treat a cell as a formula. Exports prefix such text with an
# apostrophe; imports take the apostrophe off again so a round trip changes nothing.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

LOCALES = {
    # code: (label, date order, decimal separator)
    "en-GB": ("English (UK) — 31/12/2026, 1,234.50", "DMY", "."),
    "en-US": ("English (US) — 12/31/2026, 1,234.50", "MDY", "."),
    "en-CA": ("English (Canada) — 2026-12-31, 1,234.50", "YMD", "."),
    "en-AU": ("English (Australia) — 31/12/2026, 1,234.50", "DMY", "."),
    "fr-FR": ("Français — 31/12/2026, 1 234,50", "DMY", ","),
    "de-DE": ("Deutsch — 31.12.2026, 1.234,50", "DMY", ","),
    "es-ES": ("Español — 31/12/2026, 1.234,50", "DMY", ","),
    "it-IT": ("Italiano — 31/12/2026, 1.234,50", "DMY", ","),
    "nl-NL": ("Nederlands — 31-12-2026, 1.234,50", "DMY", ","),
    "pt-PT": ("Português — 31/12/2026, 1 234,50", "DMY", ","),
    "ja-JP": ("日本語 — 2026/12/31, 1,234", "YMD", "."),
}
LOCALE_CHOICES = [(code, label) for code, (label, _, _) in LOCALES.items()]
DATE_ORDER_WORDS = {"DMY": "day/month/year", "MDY": "month/day/year", "YMD": "year/month/day"}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "jan january janv janvier januar enero ene gennaio",
            "feb february fevr fev fevrier februar febrero febbraio",
            "mar march mars marz maerz marzo",
            "apr april avr avril abril aprile",
            "may mai mayo maggio",
            "jun june juin juni junio giugno",
            "jul july juil juillet juli julio luglio",
            "aug august aout agosto",
            "sep sept september septembre septiembre settembre",
            "oct october octobre oktober octubre ottobre okt",
            "nov november novembre noviembre",
            "dec december decembre dezember diciembre dicembre dez dic",
        ],
        start=1,
    )
    for name in names.split()
}


class ValueProblem(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Locale:
    date_order: str = "DMY"
    decimal: str = "."

    @classmethod
    def from_code(cls, code: str) -> Locale:
        _, order, decimal = LOCALES.get(code, LOCALES["en-GB"])
        return cls(order, decimal)


def fold(text: str) -> str:
    """Lowercase without accents: "Téléphone" -> "telephone"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def text(value: Any) -> str:
    """A cell as clean text: numbers Excel stored as floats lose their ".0", a formula guard
    apostrophe added by our exports is taken off."""
    if type(value) is str:
        result = value.strip()
        if len(result) > 1 and result[0] == "'" and result[1] in FORMULA_TRIGGERS:
            return result[1:]
        return result
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    result = str(value).strip()
    if len(result) > 1 and result[0] == "'" and result[1] in FORMULA_TRIGGERS:
        result = result[1:]
    return result


def parse_decimal(value: Any, locale: Locale) -> Decimal | None:
    if isinstance(value, bool):
        raise ValueProblem("Expected a number.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = text(value)
    if not raw:
        return None
    cleaned = re.sub(r"[\s\u00a0\u202f'’€$£¥]|EUR|USD|GBP|CAD|AUD|JPY|CHF", "", raw, flags=re.I)
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if "," in cleaned and "." in cleaned:
        # Both present: the one on the right separates the decimals.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        groups = cleaned.split(",")
        grouping = len(groups) > 2 or (len(groups) == 2 and len(groups[1]) == 3)
        if grouping and (locale.decimal == "." or len(groups) > 2):
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem(f"“{raw}” is not a number.") from None
    if not number.is_finite():
        raise ValueProblem(f"“{raw}” is not a number.")
    return -number if negative else number


def parse_int(value: Any, locale: Locale) -> int | None:
    number = parse_decimal(value, locale)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueProblem(f"“{text(value)}” is not a whole number.")
    return int(number)


TRUE_WORDS = {"1", "yes", "y", "true", "t", "x", "oui", "ja", "si", "sí", "vrai", "on", "✓"}
FALSE_WORDS = {"0", "no", "n", "false", "f", "non", "nein", "faux", "off", "-"}


def parse_bool(value: Any, locale: Locale) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if not raw:
        return None
    word = fold(raw)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueProblem(f"“{raw}” is not yes or no.")


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})\.?$")
_WORDY_DATE = re.compile(
    r"^(?:(\d{1,2})\.?\s+([^\W\d]+)\.?,?\s+(\d{4})|([^\W\d]+)\.?\s+(\d{1,2}),?\s+(\d{4}))$"
)


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year < 70 else 1900
    return year


def parse_date(value: Any, locale: Locale) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    candidate = raw.split("T")[0].split(" ")[0] if _ISO_DATE.match(raw[:10]) else raw
    try:
        if match := _ISO_DATE.match(candidate):
            year, month, day = (int(g) for g in match.groups())
        elif match := _NUMERIC_DATE.match(candidate):
            a, b, c = match.groups()
            if len(a) == 4:
                year, month, day = int(a), int(b), int(c)
            elif locale.date_order == "MDY":
                month, day, year = int(a), int(b), _year(c)
            else:
                day, month, year = int(a), int(b), _year(c)
        elif match := _WORDY_DATE.match(fold(candidate)):
            d1, m1, y1, m2, d2, y2 = match.groups()
            month_name, day, year = (m1, int(d1), int(y1)) if d1 else (m2, int(d2), int(y2))
            if month_name not in MONTHS:
                raise ValueError
            month = MONTHS[month_name]
        else:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        order = DATE_ORDER_WORDS[locale.date_order]
        raise ValueProblem(
            f"“{raw}” is not a date. Use 2026-03-31 or {order} as set in the studio's settings."
        ) from None


_TIME = re.compile(r"^(\d{1,2})(?:[:hH.](\d{2}))?(?::(\d{2}))?\s*([aApP][mM])?$")


def parse_time(value: Any, locale: Locale) -> time | None:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, float) and 0 <= value < 1:  # Excel stores times as a day fraction
        minutes = round(value * 24 * 60)
        return time(minutes // 60, minutes % 60)
    raw = text(value)
    if not raw:
        return None
    match = _TIME.match(raw.replace(" ", "") if raw[-2:].lower() in ("am", "pm") else raw)
    if not match:
        raise ValueProblem(f"“{raw}” is not a time. Use 14:30.")
    hour, minute, second, meridiem = match.groups()
    hour, minute = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueProblem(f"“{raw}” is not a time. Use 14:30.")
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    if hour == 24 and minute == 0:
        hour = 0  # "24:00" closes a day; the caller rolls it over
    try:
        return time(hour, minute, int(second or 0))
    except ValueError:
        raise ValueProblem(f"“{raw}” is not a time. Use 14:30.") from None


def parse_datetime(value: Any, locale: Locale, tz) -> datetime | None:
    """A moment: "2026-03-31 14:00", "31/03/2026 14:00", ISO with an offset. Without an offset
    the time is the studio's wall-clock time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    raw = text(value)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    except ValueError:
        pass
    day_part, _, time_part = raw.replace("T", " ").partition(" ")
    if not time_part:
        raise ValueProblem(f"“{raw}” has a date but no time. Use 2026-03-31 14:00.")
    day = parse_date(day_part, locale)
    moment = parse_time(time_part.strip(), locale)
    return datetime.combine(day, moment, tzinfo=tz)


def parse_list(value: Any, locale: Locale) -> list[str]:
    """Tags and similar: comma, semicolon or pipe separated; blanks and repeats dropped."""
    raw = text(value)
    if not raw:
        return []
    seen: list[str] = []
    for part in raw.replace(";", ",").replace("|", ",").split(","):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def choice_parser(choices, what: str, synonyms: dict[str, str] | None = None):
    """A parser for one set of choices: the stored value, the label or a synonym (words other
    tools use), forgiving case and accents. The lookup table is built once, not per cell."""
    table: dict[str, str] | None = None

    def parse(value: Any, locale: Any = None) -> str | None:
        nonlocal table
        if table is None:
            table = {}
            names = [(str(k), k) for k, _ in choices] + [(str(label), k) for k, label in choices]
            names += [(word, key) for word, key in (synonyms or {}).items()]
            for name, key in names:
                table.setdefault(name, key)
                table.setdefault(fold(name), key)
        raw = text(value)
        if not raw:
            return None
        # Exact spellings first: folding accents costs more than the whole lookup.
        found = table.get(raw) or table.get(raw.casefold()) or table.get(fold(raw))
        if found is None:
            allowed = ", ".join(str(label) for _, label in choices)
            raise ValueProblem(f"“{raw}” is not a {what}. Use one of: {allowed}.")
        return found

    return parse
