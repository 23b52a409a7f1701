"""Document arithmetic: per-currency rounding, discount before tax, tax per rate, conversion."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from studio.services.totals import (
    Line,
    MoneyError,
    convert,
    document_totals,
    round_money,
)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "EUR", "0.13"),
        ("0.124", "EUR", "0.12"),
        ("12.5", "JPY", "13"),
        ("1234.4", "JPY", "1234"),
        ("-0.125", "GBP", "-0.13"),
    ],
)
def test_rounding_follows_the_currency(amount, currency, expected):
    assert round_money(D(amount), currency) == D(expected)
    assert str(round_money(D(amount), currency)) == expected


def test_yen_documents_have_no_cents():
    totals = document_totals([Line(D("3"), D("3333"), tax_rate=D("10"))], "JPY")
    assert (totals.net, totals.tax, totals.total) == (D("9999"), D("1000"), D("10999"))
    assert str(totals.total) == "10999"


def test_discount_comes_off_before_tax():
    totals = document_totals(
        [Line(D("10"), D("75.00"), discount_percent=D("15"), tax_rate=D("20"))], "EUR"
    )
    line = totals.lines[0]
    assert (line.gross, line.discount, line.net) == (D("750.00"), D("112.50"), D("637.50"))
    assert (totals.tax, totals.total) == (D("127.50"), D("765.00"))


def test_mixed_tax_rates_are_summed_per_rate():
    totals = document_totals(
        [
            Line(D("8"), D("95.00"), tax_rate=D("20")),  # studio time
            Line(D("1"), D("40.00"), tax_rate=D("5.5")),  # a reduced-rate item
            Line(D("2"), D("12.50"), tax_rate=D("20")),
            Line(D("1"), D("30.00")),  # no tax
        ],
        "EUR",
    )
    assert [(t.rate, t.base, t.tax) for t in totals.taxes] == [
        (D("0"), D("30.00"), D("0.00")),
        (D("5.5"), D("40.00"), D("2.20")),
        (D("20"), D("785.00"), D("157.00")),
    ]
    assert (totals.net, totals.tax, totals.total) == (D("855.00"), D("159.20"), D("1014.20"))


def test_tax_is_rounded_once_per_rate_not_per_line():
    lines = [Line(D("1"), D("0.05"), tax_rate=D("20"))] * 10  # 1 cent tax each, if rounded per line
    totals = document_totals(lines, "EUR")
    assert totals.net == D("0.50") and totals.tax == D("0.10")
    lines = [Line(D("1"), D("0.02"), tax_rate=D("20"))] * 10  # 0.004 each: 0.00 per line
    assert document_totals(lines, "EUR").tax == D("0.04")


def test_credit_lines_are_negative_quantities():
    totals = document_totals(
        [Line(D("4"), D("95.00"), tax_rate=D("20")), Line(D("-1"), D("95.00"), tax_rate=D("20"))],
        "EUR",
    )
    assert totals.total == D("342.00")


def test_conversion_uses_the_frozen_rate_and_the_target_currency():
    assert convert(D("1014.20"), rate=D("0.853210"), to_currency="GBP") == D("865.33")
    assert convert(D("100.00"), rate=D("161.37"), to_currency="JPY") == D("16137")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line(D("1"), D("10"), discount_percent=D("120")), "A discount is between 0 and 100 %."),
        (Line(D("1"), D("10"), tax_rate=D("-5")), "A tax rate is between 0 and 100 %."),
        (Line(D("-1"), D("-10")), "Use a negative quantity or a negative price, not both."),
    ],
)
def test_impossible_lines_are_refused(line, message):
    with pytest.raises(MoneyError, match=message.replace("%", "%").replace(".", r"\.")):
        document_totals([line], "EUR")


def test_unknown_currency_and_bad_rate_are_refused():
    with pytest.raises(MoneyError, match="“XYZ” is not a currency"):
        round_money(D("1"), "XYZ")
    with pytest.raises(MoneyError, match="positive"):
        convert(D("1"), rate=D("0"), to_currency="EUR")
