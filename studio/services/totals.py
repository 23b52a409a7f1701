"""Money arithmetic for quotes, invoices and credit notes: pure Decimal, no database.

Each line is quantity times unit price, less its discount, rounded to the currency's smallest unit.
Tax is worked out per rate on the sum of the lines at that rate and rounded once per rate (the
tax summary a European invoice prints), so a document of many small lines does not drift by a
cent per line. Amounts in another currency are converted at a rate frozen on the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from studio.money import MoneyError, currency_quantum

HUNDRED = Decimal(100)


def quantum(currency: str) -> Decimal:
    """The currency's smallest unit (Babel's currency data); an unknown code is a MoneyError."""
    return currency_quantum(currency)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Half-up to the currency's smallest unit: 0.125 EUR -> 0.13, 12.5 JPY -> 13."""
    return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)

    def check(self) -> None:
        if self.quantity < 0 and self.unit_price < 0:
            raise MoneyError("Use a negative quantity or a negative price, not both.")
        if not Decimal(0) <= self.discount_percent <= HUNDRED:
            raise MoneyError("A discount is between 0 and 100 %.")
        if not Decimal(0) <= self.tax_rate <= HUNDRED:
            raise MoneyError("A tax rate is between 0 and 100 %.")


@dataclass(frozen=True)
class LineTotal:
    gross: Decimal  # quantity times unit price, rounded
    discount: Decimal
    net: Decimal  # gross - discount: what the tax is charged on
    tax_rate: Decimal


@dataclass(frozen=True)
class TaxBand:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    lines: tuple[LineTotal, ...]
    gross: Decimal
    discount: Decimal
    net: Decimal
    taxes: tuple[TaxBand, ...]
    tax: Decimal
    total: Decimal


def line_total(line: Line, currency: str) -> LineTotal:
    line.check()
    gross = round_money(line.quantity * line.unit_price, currency)
    discount = round_money(gross * line.discount_percent / HUNDRED, currency)
    return LineTotal(gross=gross, discount=discount, net=gross - discount, tax_rate=line.tax_rate)


def document_totals(lines: Iterable[Line], currency: str) -> Totals:
    """Totals of a document: discount first, then tax per rate, then the sum."""
    zero = round_money(Decimal(0), currency)
    computed = tuple(line_total(line, currency) for line in lines)
    bases: dict[Decimal, Decimal] = {}
    for item in computed:
        key = item.tax_rate  # 20 and 20.00 are the same key: equal Decimals hash alike
        bases[key] = bases.get(key, zero) + item.net
    taxes = tuple(
        TaxBand(rate=rate, base=base, tax=round_money(base * rate / HUNDRED, currency))
        for rate, base in sorted(bases.items())
    )
    net = sum((i.net for i in computed), zero)
    tax = sum((t.tax for t in taxes), zero)
    return Totals(
        currency=currency,
        lines=computed,
        gross=sum((i.gross for i in computed), zero),
        discount=sum((i.discount for i in computed), zero),
        net=net,
        taxes=taxes,
        tax=tax,
        total=net + tax,
    )


def convert(amount: Decimal, *, rate: Decimal, to_currency: str) -> Decimal:
    """An amount in the document's currency expressed in the studio's, at the rate frozen on
    the document (units of the studio's currency per unit of the document's)."""
    try:
        rate = Decimal(rate)
    except InvalidOperation:
        raise MoneyError(f"“{rate}” is not an exchange rate.") from None
    if rate <= 0:
        raise MoneyError("An exchange rate is a positive number.")
    return round_money(Decimal(amount) * rate, to_currency)
