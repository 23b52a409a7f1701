"""Amounts as people read them, and each currency's smallest unit, from Babel's currency data.

One formatter for the back office, the e-mails, the PDFs and the pricing pages:
`money_format(Decimal("1234.5"), "EUR")` is "€1,234.50" for a British studio and "1.234,50 €"
for a German one; a yen amount has no decimals ("¥12,500" in American English), a dinar three.

Which locale: the studio's own "dates and numbers" setting (`StudioSettings.locale`, e.g.
"de-DE"), the one it already reads its spreadsheets with, so a studio sees amounts written the
way its imports are. A back-office request activates it once (`StudioLocaleMiddleware`); outside
a request (tasks rendering PDFs and e-mails) it is read through the per-studio cache of
`studio_locale()`. The public schema, which has no studio (the pricing pages), writes amounts in
the platform's language, `settings.LANGUAGE_CODE`. A caller may always pass `locale=`.

Symbols are CLDR's for that locale: "$" and "¥" in American English, "US$" and "JP¥" in British
English, where "$" alone could be any dollar.
"""

from __future__ import annotations

import copy
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from asgiref.local import Local
from babel import Locale
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    list_currencies,
)

NBSP = "\u00a0"

_CURRENCIES = frozenset(list_currencies())
# The locale activated for the current request, with the schema it belongs to.
_active = Local()


class MoneyError(ValueError):
    pass


def _code(currency: str) -> str:
    code = str(currency or "").strip().upper()
    if code not in _CURRENCIES:
        raise MoneyError(f"“{currency}” is not a currency this studio can bill in.")
    return code


def currency_decimals(code: str) -> int:
    """Digits after the decimal point in the currency's smallest unit: EUR 2, JPY 0, BHD 3."""
    return get_currency_precision(_code(code))


@cache
def _quantum(code: str) -> Decimal:
    return Decimal(1).scaleb(-currency_decimals(code))


def currency_quantum(code: str) -> Decimal:
    """The currency's smallest unit as a Decimal to round to: Decimal("0.01"), Decimal("1")."""
    return _quantum(_code(code))


def locale_activate(code: str, *, schema_name: str) -> None:
    """Write amounts in `code` for the rest of this request, while it stays in `schema_name`."""
    _active.value = (schema_name, code)


def locale_deactivate() -> None:
    if hasattr(_active, "value"):
        del _active.value


def current_locale() -> str:
    """The locale amounts are written in here: the studio's, or the platform's in public."""
    from django.db import connection
    from django_tenants.utils import get_public_schema_name

    schema = getattr(connection, "schema_name", None)
    active = getattr(_active, "value", None)
    if active is not None and active[0] == schema:
        return active[1]
    if schema is None or schema == get_public_schema_name():
        return platform_locale()
    from studio.selectors.settings import studio_locale

    return studio_locale()


def platform_locale() -> str:
    from django.conf import settings
    from django.utils.translation import to_locale

    return to_locale(settings.LANGUAGE_CODE)


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name.replace("-", "_"))


@lru_cache(maxsize=512)
def _pattern(name: str, code: str, *, whole: bool) -> NumberPattern:
    """The locale's currency pattern with this currency's symbol and decimals written in.

    Keyed by locale and currency only, so an entry is right for every studio. Writing the symbol
    in once also spares Babel looking the currency's name up for every amount."""
    babel_locale = _locale(name)
    pattern = copy.copy(babel_locale.currency_formats["standard"])
    symbol = get_currency_symbol(code, babel_locale)
    pattern.prefix = tuple(_affix(text, symbol, before_number=True) for text in pattern.prefix)
    pattern.suffix = tuple(_affix(text, symbol, before_number=False) for text in pattern.suffix)
    digits = 0 if whole else currency_decimals(code)
    pattern.frac_prec = (digits, digits)
    return pattern


def _affix(text: str, symbol: str, *, before_number: bool) -> str:
    """The symbol in place of "¤", with CLDR's currency spacing, which Babel leaves out: a symbol
    that meets the digits with a letter is kept off them by a no-break space, "CHF 1,234.50"
    (but "€1,234.50")."""
    if "¤" not in text or not symbol:
        return text
    if before_number and text.endswith("¤") and _letter_like(symbol[-1]):
        symbol = symbol + NBSP
    elif not before_number and text.startswith("¤") and _letter_like(symbol[0]):
        symbol = NBSP + symbol
    return text.replace("¤", symbol)


def _letter_like(char: str) -> bool:
    # CLDR's currencyMatch: neither a symbol (€, $, ¥) nor a space.
    return unicodedata.category(char)[0] not in "SZ"


def money_format(
    amount: Decimal | int | str,
    currency: str,
    *,
    locale: str | None = None,
    drop_zero_fraction: bool = False,
) -> str:
    """The amount with its currency's symbol and decimals, in the studio's locale (or `locale`):
    "€1,234.50", "-€80.00", "¥12,500", "1.234,50 €". Rounded half-up, as totals are, and never
    "-€0.00". `drop_zero_fraction` leaves ".00" off whole amounts ("€29" on a price list)."""
    code = _code(currency)
    rounded = Decimal(amount).quantize(_quantum(code), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    name = locale or current_locale()
    whole = drop_zero_fraction and rounded == rounded.to_integral_value()
    return _pattern(name, code, whole=whole).apply(rounded, _locale(name))


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount in the currency's smallest unit, as card processors count it: EUR 12.34 → 1234,
    JPY 1200 → 1200. Refuses an amount finer than the currency allows rather than rounding it."""
    quantum = currency_quantum(currency)
    if Decimal(amount).quantize(quantum) != Decimal(amount):
        raise MoneyError(f"{amount} has more decimals than {currency} allows.")
    return int(Decimal(amount).scaleb(currency_decimals(currency)))


def from_minor_units(value: int, currency: str) -> Decimal:
    """The inverse of minor_units: 1234 EUR cents → Decimal("12.34")."""
    return (
        Decimal(int(value))
        .scaleb(-currency_decimals(currency))
        .quantize(currency_quantum(currency))
    )
