"""Invoices, quotes and credit notes: one layout, three titles."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import ClassVar

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from studio.money import money_format
from studio.pdf.base import Renderer
from studio.pdf.data import DocumentData, PrintedLine
from studio.pdf.formatting import long_date, plain_number
from studio.pdf.text import wrap_text

COLUMNS = ("Description", "Qty", "Unit price", "Discount %", "Tax %", "Amount")


def line_rows(
    lines: list[PrintedLine],
    currency: str,
    description: Callable[[str], str | Flowable] = str.strip,
) -> list[list[str | Flowable]]:
    """The line table's rows, column titles first; `description` lays out the first cell."""
    rows: list[list[str | Flowable]] = [list(COLUMNS)]
    for line in lines:
        rows.append(
            [
                description(line.description),
                plain_number(line.quantity),
                money_format(line.unit_price, currency),
                plain_number(line.discount_percent) if line.discount_percent else "–",
                plain_number(line.tax_rate),
                money_format(line.net, currency),
            ]
        )
    return rows


class DocumentRenderer(Renderer):
    title: ClassVar[str] = "Document"
    tax_label: ClassVar[str] = "VAT"
    # Description takes what the other columns leave.
    number_column_widths: ClassVar[tuple[float, ...]] = (
        14 * mm,
        26 * mm,
        18 * mm,
        13 * mm,
        28 * mm,
    )
    cell_padding: ClassVar[float] = 3
    totals_widths: ClassVar[tuple[float, float]] = (64 * mm, 32 * mm)

    def header_title(self, data: DocumentData) -> tuple[str, str]:
        # A draft has no number yet; the alert under the title says what it is instead.
        return self.title, data.number

    def footer_label(self, data: DocumentData) -> str:
        return f"{self.title} {data.number or '(draft)'}  ·  {data.issuer.name}"

    def alert(self, data: DocumentData) -> str:
        return f"DRAFT — not a valid {self.title.lower()}" if data.draft else ""

    def watermark(self, data: DocumentData) -> str:
        return "DRAFT" if data.draft else ""

    def story(self, data: DocumentData) -> list[Flowable]:
        story: list[Flowable] = [self.parties(data), Spacer(0, 7 * mm), self.line_table(data)]
        story.append(KeepTogether(self.totals(data)))
        if data.notes.strip():
            story += self.section("Notes", self.text(data.notes))
        story += self.closing(data)
        return story

    def parties(self, data: DocumentData) -> Table:
        """Who is billed on the left; the dates that matter on the right, under the title."""
        bill_lines = [line.strip() for line in data.bill_to.strip().splitlines() if line.strip()]
        bill_to: list[Flowable] = [self.label("Bill to")]
        bill_to.append(self.text(bill_lines[0] if bill_lines else "—", bold=True))
        if bill_lines[1:]:
            bill_to.append(self.text("\n".join(bill_lines[1:])))
        facts = self.facts(data)
        facts_table = Table(
            [[label, value] for label, value in facts],
            colWidths=(self.title_width * 0.45, self.title_width * 0.55),
            style=TableStyle(
                [
                    ("FONT", (0, 0), (0, -1), self.font, self.small_font_size),
                    ("TEXTCOLOR", (0, 0), (0, -1), self.muted),
                    ("FONT", (1, 0), (1, -1), self.font, self.font_size),
                    ("TEXTCOLOR", (1, 0), (1, -1), self.text_colour),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    *self.emphasis(facts),
                ]
            ),
        )
        return Table(
            [[bill_to, facts_table]],
            colWidths=(self.text_width - self.title_width, self.title_width),
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )

    def facts(self, data: DocumentData) -> list[tuple[str, str]]:
        return [("Issue date", long_date(data.issue_date) or "Not issued yet")]

    def emphasis(self, facts: list[tuple[str, str]]) -> list[tuple]:
        """TableStyle commands that single out one of the facts (an invoice's amount due)."""
        return []

    def line_table(self, data: DocumentData) -> Table:
        widths = (self.text_width - sum(self.number_column_widths), *self.number_column_widths)
        room = widths[0] - 2 * self.cell_padding

        def description(text: str) -> str:
            # Table draws a string, line breaks included, many times faster than it lays out
            # a Paragraph, so the wrapping is done here.
            return "\n".join(wrap_text(text, self.font, self.font_size, room))

        rows = line_rows(data.lines, data.currency, description)
        return Table(
            rows,
            colWidths=widths,
            repeatRows=1,  # the column titles again at the top of every page
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), self.font_label, self.small_font_size),
                    ("TEXTCOLOR", (0, 0), (-1, 0), self.accent),
                    ("FONT", (0, 1), (-1, -1), self.font, self.font_size, self.font_size * 1.2),
                    ("TEXTCOLOR", (0, 1), (-1, -1), self.text_colour),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), self.cell_padding),
                    ("RIGHTPADDING", (0, 0), (-1, -1), self.cell_padding),
                    ("TOPPADDING", (0, 0), (-1, -1), self.cell_padding),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.cell_padding),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.9, self.accent),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, self.rule_colour),
                ]
            ),
        )

    def totals(self, data: DocumentData) -> list[Flowable]:
        currency = data.currency
        rows: list[tuple[str, str]] = [("Subtotal", money_format(data.gross, currency))]
        if data.discount:
            rows.append(("Discount", money_format(-data.discount, currency)))
            rows.append(("Net", money_format(data.net, currency)))
        for tax in data.taxes:
            base = money_format(tax.base, currency)
            label = f"{self.tax_label} {plain_number(tax.rate)} % on {base}"
            rows.append((label, money_format(tax.tax, currency)))
        total_row = len(rows)
        rows.append(("Total", money_format(data.total, currency)))
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), self.font, self.font_size),
            ("TEXTCOLOR", (0, 0), (0, -1), self.muted),
            ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.cell_padding),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("FONT", (0, total_row), (-1, total_row), self.font_bold, self.font_size + 2),
            ("TEXTCOLOR", (0, total_row), (-1, total_row), self.text_colour),
            ("LINEABOVE", (0, total_row), (-1, total_row), 0.9, self.accent),
            ("TOPPADDING", (0, total_row), (-1, total_row), 5),
        ]
        if data.amount_paid is not None:
            rows.append(("Amount paid", money_format(data.amount_paid, currency)))
            rows.append(("Balance due", money_format(data.total - data.amount_paid, currency)))
            last = len(rows) - 1
            commands += [
                ("FONT", (0, last), (-1, last), self.font_bold, self.font_size + 1),
                ("TEXTCOLOR", (0, last), (-1, last), self.text_colour),
                ("LINEABOVE", (0, last), (-1, last), 0.3, self.rule_colour),
            ]
        flowables: list[Flowable] = [
            Spacer(0, 3 * mm),
            Table(rows, colWidths=self.totals_widths, hAlign="RIGHT", style=TableStyle(commands)),
        ]
        if data.exchange_rate is not None and data.studio_currency:
            text = (
                f"Exchange rate: 1 {data.currency} = {plain_number(data.exchange_rate)} "
                f"{data.studio_currency} (frozen on this document)"
            )
            if data.total_in_studio_currency is not None:
                total = money_format(data.total_in_studio_currency, data.studio_currency)
                text += f"; total {total}"
            flowables.append(
                self.text(
                    text,
                    size=self.small_font_size,
                    colour=self.muted,
                    align="right",
                    space_before=2 * mm,
                )
            )
        return flowables

    def closing(self, data: DocumentData) -> list[Flowable]:
        return []


class InvoiceRenderer(DocumentRenderer):
    title = "Invoice"

    def facts(self, data: DocumentData) -> list[tuple[str, str]]:
        facts = super().facts(data)
        if data.due_date:
            facts.append(("Due date", long_date(data.due_date)))
        if data.reference:
            facts.append(("Quote", data.reference))
        due = data.total - (data.amount_paid or Decimal(0))
        facts.append(("Amount due", money_format(due, data.currency)))
        return facts

    def emphasis(self, facts: list[tuple[str, str]]) -> list[tuple]:
        last = len(facts) - 1
        return [
            ("FONT", (1, last), (1, last), self.font_bold, self.font_size + 1),
            ("TEXTCOLOR", (0, last), (0, last), self.text_colour),
            ("LINEABOVE", (0, last), (-1, last), 0.3, self.rule_colour),
            ("TOPPADDING", (0, last), (-1, last), 4),
        ]

    def closing(self, data: DocumentData) -> list[Flowable]:
        bank = "\n".join(data.issuer.bank_lines)
        details = data.issuer.payment_details.strip()
        if not bank and not details:
            return []
        blocks = [self.text(part) for part in (bank, details) if part]
        if data.number:
            blocks.append(self.text(f"Payment reference: {data.number}", bold=True))
        return self.section("Payment details", *blocks)


class QuoteRenderer(DocumentRenderer):
    title = "Quote"

    def facts(self, data: DocumentData) -> list[tuple[str, str]]:
        facts = super().facts(data)
        if data.valid_until:
            facts.append(("Valid until", long_date(data.valid_until)))
        return facts


class CreditNoteRenderer(DocumentRenderer):
    title = "Credit note"

    def facts(self, data: DocumentData) -> list[tuple[str, str]]:
        facts = super().facts(data)
        if data.reference:
            facts.append(("Credits invoice", data.reference))
        return facts
