"""A receipt for one payment, or a refund note when the amount is negative: one page."""

from __future__ import annotations

from typing import ClassVar

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from studio.money import money_format
from studio.pdf.base import Renderer
from studio.pdf.data import ReceiptData
from studio.pdf.formatting import long_date, long_datetime


class ReceiptRenderer(Renderer):
    amount_font_size: ClassVar[float] = 30
    label_width: ClassVar[float] = 55 * mm

    @staticmethod
    def is_refund(data: ReceiptData) -> bool:
        return data.amount < 0

    def header_title(self, data: ReceiptData) -> tuple[str, str]:
        return ("Refund note" if self.is_refund(data) else "Receipt"), data.number

    def footer_label(self, data: ReceiptData) -> str:
        title, number = self.header_title(data)
        return f"{title} {number}  ·  {data.issuer.name}"

    def story(self, data: ReceiptData) -> list[Flowable]:
        refund = self.is_refund(data)
        # The sign is in the words ("refunded"), so the big figure reads as a plain amount.
        box = Table(
            [
                [self.label("Amount refunded" if refund else "Amount received", align="centre")],
                [
                    self.text(
                        money_format(abs(data.amount), data.currency),
                        bold=True,
                        size=self.amount_font_size,
                        colour=self.accent,
                        align="centre",
                    )
                ],
                [self.text(f"on {long_date(data.received_at)}", colour=self.muted, align="centre")],
            ],
            colWidths=(self.text_width,),
            style=TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), self.shade),
                    ("TOPPADDING", (0, 0), (-1, 0), 6 * mm),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 6 * mm),
                ]
            ),
        )
        balance = money_format(data.invoice_balance, data.currency)
        if data.invoice_balance == 0:
            balance += " (paid in full)"
        rows = [
            ("Refunded to" if refund else "Received from", data.received_from),
            ("Date", long_datetime(data.received_at)),
            ("Method", data.method),
            ("Reference", data.reference or "—"),
            ("Invoice", data.invoice_number),
            ("Invoice total", money_format(data.invoice_total, data.currency)),
            ("Balance after this refund" if refund else "Balance after this payment", balance),
        ]
        facts = Table(
            [[label, self.text(value)] for label, value in rows if value],
            colWidths=(self.label_width, self.text_width - self.label_width),
            style=TableStyle(
                [
                    ("FONT", (0, 0), (0, -1), self.font, self.font_size),
                    ("TEXTCOLOR", (0, 0), (0, -1), self.muted),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, self.rule_colour),
                ]
            ),
        )
        story: list[Flowable] = [box, Spacer(0, 8 * mm), facts]
        if not refund:
            story += [Spacer(0, 8 * mm), self.text("Thank you for your payment.")]
        return story
