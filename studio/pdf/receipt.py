"""A receipt for one payment, or a refund note when the amount is negative: one page."""

from __future__ import annotations

from typing import ClassVar

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from studio.pdf.base import Renderer
from studio.pdf.data import ReceiptData
from studio.pdf.formatting import long_datetime, markup, money


class ReceiptRenderer(Renderer):
    amount_font_size: ClassVar[float] = 28
    label_width: ClassVar[float] = 55 * mm

    @staticmethod
    def is_refund(data: ReceiptData) -> bool:
        return data.amount < 0

    def header_title(self, data: ReceiptData) -> tuple[str, str]:
        return ("Refund note" if self.is_refund(data) else "Receipt"), data.number

    def footer_label(self, data: ReceiptData) -> str:
        return "  ·  ".join(part for part in (*self.header_title(data), data.issuer.name) if part)

    def story(self, data: ReceiptData) -> list[Flowable]:
        styles = self.styles()
        refund = self.is_refund(data)
        # The sign is in the words ("refunded"), so the big figure reads as a plain amount.
        caption = "Amount refunded" if refund else "Amount received"
        big = self.variant(
            "amount",
            styles.body,
            fontName=self.font_bold,
            fontSize=self.amount_font_size,
            leading=self.amount_font_size * 1.2,
            textColor=self.accent,
            alignment=TA_CENTER,
        )
        centred = self.variant("centred_label", styles.label, alignment=TA_CENTER)
        box = Table(
            [
                [Paragraph(caption.upper(), centred)],
                [Paragraph(markup(money(abs(data.amount), data.currency)), big)],
                [Paragraph(markup(long_datetime(data.received_at)), centred)],
            ],
            colWidths=(self.text_width,),
            style=TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), self.shade),
                    ("TOPPADDING", (0, 0), (-1, 0), 5 * mm),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 5 * mm),
                ]
            ),
        )
        rows = [
            ("Refunded to" if refund else "Received from", data.received_from),
            ("Date", long_datetime(data.received_at)),
            ("Method", data.method),
            ("Reference", data.reference),
            ("Invoice", data.invoice_number),
            ("Invoice total", money(data.invoice_total, data.currency)),
            (
                "Balance after this refund" if refund else "Balance after this payment",
                money(data.invoice_balance, data.currency)
                + (" (paid in full)" if data.invoice_balance == 0 else ""),
            ),
        ]
        value_width = self.text_width - self.label_width
        facts = Table(
            [
                [label, Paragraph(markup(value) or "—", styles.body)]
                for label, value in rows
                if value or label == "Reference"
            ],
            colWidths=(self.label_width, value_width),
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
            story += [Spacer(0, 8 * mm), Paragraph("Thank you for your payment.", styles.body)]
        return story
