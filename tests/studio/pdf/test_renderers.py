"""The PDF renderers, checked on the PDF bytes themselves.

Renderers with ``compress = False`` write their content streams in clear, and the fonts are
registered with ASCII kept readable, so "(Description) Tj" can be found in the raw file; the
non-ASCII characters are checked in the fonts' ToUnicode maps. No poppler, no pypdf.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from studio.money import money_format
from studio.pdf import (
    ContractRenderer,
    CreditNoteRenderer,
    InvoiceRenderer,
    QuoteRenderer,
    ReceiptRenderer,
    render_pdf,
)
from studio.pdf.data import (
    ContractData,
    DocumentData,
    Issuer,
    PrintedLine,
    ReceiptData,
    TaxRow,
)
from studio.pdf.documents import COLUMNS, line_rows
from studio.pdf.formatting import plain_number
from studio.pdf.text import wrap_text

D = Decimal
ISSUER = Issuer(
    name="Studio Řízek & Łukasz",
    address="12 Rue des Lilas\n75011 Paris",
    email="hello@rizek.example",
    vat_number="FR12345678901",
    payment_details="IBAN FR76 3000 6000 0112 3456 7890 189",
)
HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def line(n: int, price: str = "120.00", rate: str = "20") -> PrintedLine:
    return PrintedLine(
        description=f"Mixing, song {n}: a description long enough to wrap onto a second line",
        quantity=D(2),
        unit_price=D(price),
        discount_percent=D(0),
        tax_rate=D(rate),
        net=D(price) * 2,
    )


def document(
    kind: str = "invoice", lines: int | list[PrintedLine] = 3, currency: str = "EUR", **kw
) -> DocumentData:
    printed = [line(n) for n in range(1, lines + 1)] if isinstance(lines, int) else lines
    net = sum((item.net for item in printed), D(0))
    values = {
        "kind": kind,
        "number": "INV-2026-0042",
        "issuer": ISSUER,
        "bill_to": "Жанна Petrova & Paweł Nowak\nFlat № 5, 221B Baker Street",
        "issue_date": date(2026, 3, 3),
        "currency": currency,
        "lines": printed,
        "gross": net,
        "discount": D(0),
        "net": net,
        "taxes": [TaxRow(D(20), net, net / 5)],
        "tax": net / 5,
        "total": net * D("1.2"),
        "due_date": date(2026, 4, 2),
    }
    return DocumentData(**(values | kw))


def receipt(amount: str = "150.00") -> ReceiptData:
    return ReceiptData(
        number="R-2026-0007",
        issuer=ISSUER,
        received_from="Жанна Petrova",
        received_at=datetime(2026, 3, 5, 14, 5, tzinfo=timezone(timedelta(hours=1))),
        amount=D(amount),
        currency="EUR",
        method="Bank transfer",
        reference="SEPA-88421",
        invoice_number="INV-2026-0042",
        invoice_total=D("432.00"),
        invoice_balance=D("282.00"),
    )


def contract(signed: bool = False, body: str = "First clause.\n\nSecond clause.") -> ContractData:
    signature = {}
    if signed:
        signature = {
            "signed_name": "Жанна Petrova",
            "signed_at": datetime(2026, 3, 4, 9, 12, 33, tzinfo=UTC),
            "signed_ip": "203.0.113.42",
            "signed_user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
            "signed_method": "Signed in the client portal",
        }
    return ContractData(
        title="Recording agreement",
        issuer=ISSUER,
        party="Жанна Petrova\nLondon",
        body=body,
        document_sha256=HASH,
        **signature,
    )


def clear(renderer: type, data: object) -> bytes:
    """The PDF with uncompressed content streams, to be read as text."""
    return type("Clear", (renderer,), {"compress": False})().render(data)


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def shown(pdf: bytes) -> list[bytes]:
    """The lines of text the content streams show, as written in the file: the strings of one
    text object ("BT … ET") up to each line break ("T*") joined, since a Paragraph may show a
    line in several pieces."""
    lines = []
    for text_object in re.findall(rb"\bBT\b(.*?)\bET\b", pdf, re.S):
        for line in text_object.split(b" T*"):
            pieces = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", line)
            if pieces:
                # Unescape the parentheses and backslashes; other characters stay as written.
                lines.append(re.sub(rb"\\([()\\])", rb"\1", b"".join(pieces)))
    return lines


def unicode_map(pdf: bytes) -> set[int]:
    """Every character the embedded font subsets declare (their ToUnicode maps)."""
    return {int(code, 16) for code in re.findall(rb"<[0-9A-F]{2}> <([0-9A-F]{4})>", pdf)}


SAMPLES = {
    "invoice": (InvoiceRenderer, document()),
    "quote": (QuoteRenderer, document("quote", valid_until=date(2026, 4, 3))),
    "credit_note": (CreditNoteRenderer, document("credit_note", reference="INV-2026-0001")),
    "receipt": (ReceiptRenderer, receipt()),
    "refund": (ReceiptRenderer, receipt("-150.00")),
    "contract": (ContractRenderer, contract()),
    "signed_contract": (ContractRenderer, contract(signed=True)),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_renderer_returns_a_pdf(name):
    renderer, data = SAMPLES[name]
    pdf = renderer().render(data)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert render_pdf(data) == pdf, "render_pdf picks the same renderer"


@pytest.mark.parametrize("name", SAMPLES)
def test_same_input_renders_the_same_bytes(name):
    renderer, data = SAMPLES[name]
    first = renderer().render(data)
    # Another document in between must not leak state (font subsets, page count) into the next.
    render_pdf(document(lines=40))
    assert renderer().render(data) == first


def test_render_pdf_refuses_what_it_cannot_print():
    with pytest.raises(ValueError, match="statement"):
        render_pdf(document(kind="statement"))
    with pytest.raises(TypeError):
        render_pdf("an invoice")


def test_long_invoice_repeats_the_column_titles_and_counts_pages():
    pdf = clear(InvoiceRenderer, document(lines=120))
    total = pages(pdf)
    assert total >= 3
    strings = shown(pdf)
    assert strings.count(b"Description") == total, "column titles on every page"
    for number in range(1, total + 1):
        assert f"Page {number} of {total}".encode() in strings
    # Every line made it, once.
    assert sum(s.startswith(b"Mixing, song ") for s in strings) == 120


def test_short_invoice_is_one_page():
    pdf = clear(InvoiceRenderer, document(lines=3))
    assert pages(pdf) == 1
    assert b"Page 1 of 1" in shown(pdf)


def test_non_latin_characters_are_embedded():
    pdf = clear(InvoiceRenderer, document(currency="EUR", notes="Price in ¥ on request"))
    characters = unicode_map(pdf)
    for char in "ŘłŁ€№Ж¥":
        assert ord(char) in characters, char
    assert b"SourceSansPro-Regular" in pdf
    assert b"/FontFile2" in pdf, "the font is embedded, not just named"


def test_jpy_amounts_print_without_decimals():
    lines = [PrintedLine("Session", D(2), D(12500), D(0), D(10), D(25000))]
    data = document(
        "quote",
        currency="JPY",
        lines=lines,
        gross=D(25000),
        net=D(25000),
        taxes=[TaxRow(D(10), D(25000), D(2500))],
        tax=D(2500),
        total=D(27500),
    )
    text = b" ".join(shown(clear(QuoteRenderer, data)))
    assert b"27,500" in text
    assert b"12,500" in text
    assert not re.search(rb"\d,\d{3}\.\d", text), "no decimals on yen"


def test_money():
    # Outside a studio's schema amounts are written in the platform's language (English).
    assert money_format(D("1234.5"), "EUR") == "€1,234.50"
    assert money_format(D("12500"), "JPY") == "¥12,500"
    assert money_format(D("12500.5"), "JPY") == "¥12,501"
    assert money_format(D("-80"), "EUR") == "-€80.00"
    assert money_format(D("-0.001"), "USD") == "$0.00"
    assert money_format(D("1234.567"), "CHF") == "CHF\u00a01,234.57"
    assert money_format(D("99"), "CAD") == "CA$99.00"
    assert money_format(D("5"), "sek") == "SEK\u00a05.00"
    assert money_format(D("1.2345"), "BHD") == "BHD\u00a01.235"


def test_plain_number():
    assert plain_number(D("2.000")) == "2"
    assert plain_number(D("5.50")) == "5.5"
    assert plain_number(D("1E+3")) == "1,000"
    assert plain_number(D("0.923400")) == "0.9234"


def test_line_rows():
    rows = line_rows(
        [PrintedLine("  Refund: session  ", D(-1), D(480), D("12.5"), D(20), D(-420))], "EUR"
    )
    assert rows[0] == list(COLUMNS)
    assert rows[1] == ["Refund: session", "-1", "€480.00", "12.5", "20", "-€420.00"]
    no_discount = line_rows([line(1)], "EUR", description=lambda text: "X")
    assert no_discount[1][0] == "X"
    assert no_discount[1][3] == "–"


def test_wrap_text_breaks_words_too_long_for_the_line():
    url = "https://example.com/" + "a" * 200
    lines = wrap_text(f"See {url} now", "Helvetica", 10, 100)
    assert "".join(lines).replace(" ", "") == f"See{url}now"
    assert len(lines) > 3


def test_totals_show_discount_taxes_payment_and_exchange_rate():
    data = document(
        currency="USD",
        gross=D("1000.00"),
        discount=D("100.00"),
        net=D("900.00"),
        taxes=[TaxRow(D(20), D(600), D(120)), TaxRow(D("5.5"), D(300), D("16.50"))],
        tax=D("136.50"),
        total=D("1036.50"),
        amount_paid=D("500.00"),
        studio_currency="EUR",
        exchange_rate=D("0.92"),
        total_in_studio_currency=D("953.58"),
    )
    text = b"\n".join(shown(clear(InvoiceRenderer, data)))
    for expected in (
        b"Subtotal",
        b"Discount",
        b"VAT 20 % on $600.00",
        b"VAT 5.5 % on $300.00",
        b"$1,036.50",
        b"Amount paid",
        b"Balance due",
        b"$536.50",
        b"Exchange rate: 1 USD = 0.92 EUR (frozen on this document); total ",
    ):
        assert expected in text, expected


def test_draft_is_marked():
    text = shown(clear(InvoiceRenderer, document(number="", draft=True)))
    assert b"DRAFT" in text
    assert any(b"not a valid invoice" in s for s in text)
    assert b"DRAFT" not in shown(clear(InvoiceRenderer, document()))


def test_credit_note_and_quote_say_what_they_are():
    credit = shown(clear(CreditNoteRenderer, document("credit_note", reference="INV-2026-0001")))
    assert b"Credit note" in credit and b"Credits invoice" in credit and b"INV-2026-0001" in credit
    quote = shown(clear(QuoteRenderer, document("quote", valid_until=date(2026, 4, 3))))
    assert b"Quote" in quote and b"Valid until" in quote and b"3 April 2026" in quote
    assert b"Payment details" not in quote


def test_refund_note():
    text = shown(clear(ReceiptRenderer, receipt("-150.00")))
    assert b"Refund note" in text and b"AMOUNT REFUNDED" in text and b"Refunded to" in text
    assert pages(clear(ReceiptRenderer, receipt())) == 1


def test_contract_prints_markup_characters_as_text():
    body = "Fees < 5 & costs > 3, not <b>bold</b>.\n\nSecond clause."
    text = b" ".join(shown(clear(ContractRenderer, contract(body=body))))
    assert b"Fees < 5 & costs > 3, not <b>bold</b>." in text


def test_signed_contract_prints_the_evidence():
    pdf = clear(ContractRenderer, contract(signed=True, body="Clause.\n\n" * 120))
    text = shown(pdf)
    assert pages(pdf) >= 2
    assert HASH.encode() in text, "the hash in full, on one line"
    assert b"2026-03-04T09:12:33Z" in text
    assert b"203.0.113.42" in text and b"Signed in the client portal" in text
    assert b"Signatures" not in text


def test_unsigned_contract_has_lines_to_sign():
    text = shown(clear(ContractRenderer, contract()))
    assert b"Signatures" in text and b"Signature" in text
    assert b"Electronic signature" not in text


def test_logo_is_embedded_once():
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
        b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00"
        b"\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    one_page = clear(InvoiceRenderer, document(lines=1, issuer=replace(ISSUER, logo=png)))
    many_pages = clear(InvoiceRenderer, document(lines=120, issuer=replace(ISSUER, logo=png)))
    assert pages(many_pages) > 1
    images = re.findall(rb"/Subtype /Image", one_page)
    assert images, "the logo is in the file"
    assert len(re.findall(rb"/Subtype /Image", many_pages)) == len(images), "embedded once"
    assert many_pages.count(b" Do\n") == pages(many_pages), "drawn on every page"


def test_an_unreadable_logo_is_left_out():
    data = document(issuer=replace(ISSUER, logo=b"not an image"))
    pdf = clear(InvoiceRenderer, data)
    assert b"/Subtype /Image" not in pdf
    assert b"Invoice" in shown(pdf)


def test_wrap_text_keeps_one_blank_line_between_paragraphs():
    assert wrap_text("a\n\n\n b\r\n  \nc\n", "Helvetica", 10, 100) == ["a", "", "b", "", "c"]
