"""A contract: its text, then either the record of its electronic signature or lines to sign."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from studio.pdf.base import Renderer, Styles
from studio.pdf.data import ContractData, Issuer
from studio.pdf.formatting import long_date, long_datetime, markup


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: separated by blank lines, single line breaks kept inside."""
    blocks, current = [], []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def as_utc(moment: datetime) -> datetime:
    # A naive value comes from a database that stores UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class ContractRenderer(Renderer):
    contract_title_font_size: ClassVar[float] = 18
    body_font_size: ClassVar[float] = 10
    evidence_label_width: ClassVar[float] = 38 * mm

    def header_title(self, data: ContractData) -> tuple[str, str]:
        if data.signed_name and data.signed_at:
            return "", f"Signed electronically on {long_date(as_utc(data.signed_at))}"
        return "", ""

    def metadata_title(self, data: ContractData) -> str:
        return data.title

    def footer_label(self, data: ContractData) -> str:
        return f"{data.title}  ·  {data.issuer.name}"

    def story(self, data: ContractData) -> list[Flowable]:
        styles = self.styles()
        title = self.variant(
            "contract_title",
            styles.title,
            fontSize=self.contract_title_font_size,
            leading=self.contract_title_font_size * 1.2,
        )
        body = self.variant(
            "contract_body",
            styles.body,
            fontSize=self.body_font_size,
            leading=self.body_font_size * 1.45,
            spaceAfter=self.body_font_size * 0.8,
        )
        story: list[Flowable] = [Paragraph(markup(data.title), title), self.parties(data, styles)]
        story.append(Spacer(0, 6 * mm))
        story += [Paragraph(markup(text), body) for text in paragraphs(data.body)]
        if data.signed_name:
            story += self.evidence(data, styles)
        else:
            story.append(self.signature_lines(data, styles))
        return story

    def parties(self, data: ContractData, styles: Styles) -> Table:
        half = self.text_width / 2
        return Table(
            [
                [Paragraph("BETWEEN", styles.label), Paragraph("AND", styles.label)],
                [
                    self.party_block(issuer_lines(data.issuer), styles),
                    self.party_block(
                        [line for line in data.party.splitlines() if line.strip()], styles
                    ),
                ],
            ],
            colWidths=(half, half),
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            ),
        )

    @staticmethod
    def party_block(lines: list[str], styles: Styles) -> list[Flowable]:
        if not lines:
            return [Paragraph("—", styles.body)]
        block = [Paragraph(f"<b>{markup(lines[0])}</b>", styles.body)]
        if lines[1:]:
            block.append(Paragraph(markup("\n".join(lines[1:])), styles.body))
        return block

    def evidence(self, data: ContractData, styles: Styles) -> list[Flowable]:
        """What a court or the client would need to check who signed what, when, from where."""
        rows: list[tuple[str, str]] = [("Signed by", f"<b>{markup(data.signed_name)}</b>")]
        if data.signed_at:
            utc = as_utc(data.signed_at)
            iso = utc.isoformat(timespec="seconds").replace("+00:00", "Z")
            rows.append(("Signed at", f"{iso}<br/>{markup(long_datetime(utc))}"))
        for label, value in (
            ("IP address", data.signed_ip),
            ("User agent", data.signed_user_agent),
            ("Method", data.signed_method),
            *data.extra.items(),
        ):
            if value:
                rows.append((label, markup(value)))
        mono = styles.mono
        cells = [[Paragraph(label, styles.muted), Paragraph(v, styles.body)] for label, v in rows]
        if data.document_sha256:
            cells.append(
                [Paragraph("Document SHA-256", styles.muted), Paragraph(data.document_sha256, mono)]
            )
        table = Table(
            cells,
            colWidths=(self.evidence_label_width, self.text_width - self.evidence_label_width),
            style=TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), self.shade),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, 0), 4 * mm),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 4 * mm),
                ]
            ),
        )
        note = (
            "The SHA-256 fingerprint identifies the exact text above: any change to the text, "
            "however small, gives a different fingerprint."
        )
        section = [Paragraph("Electronic signature", styles.heading), table]
        if data.document_sha256:
            section += [Spacer(0, 2 * mm), Paragraph(note, styles.muted)]
        return [CondPageBreak(40 * mm), KeepTogether(section)]

    def signature_lines(self, data: ContractData, styles: Styles) -> Flowable:
        party = next((line.strip() for line in data.party.splitlines() if line.strip()), "")
        half = self.text_width / 2 - 5 * mm
        blocks = [self.signature_block(f"For {data.issuer.name}", styles, half)]
        blocks.append(self.signature_block(party or "The client", styles, half))
        section: list[Flowable] = [
            Paragraph("Signatures", styles.heading),
            Spacer(0, 2 * mm),
            Table(
                [blocks],
                colWidths=(half + 10 * mm, half),
                style=TableStyle(
                    [("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                ),
            ),
        ]
        if data.document_sha256:
            section += [
                Spacer(0, 4 * mm),
                Paragraph(f"Document SHA-256: {data.document_sha256}", styles.mono),
            ]
        return KeepTogether(section)

    def signature_block(self, who: str, styles: Styles, width: float) -> Table:
        rows = [[Paragraph(f"<b>{markup(who)}</b>", styles.body)]]
        heights: list[float | None] = [None]
        for label, height in (("Name", 9 * mm), ("Place and date", 9 * mm), ("Signature", 20 * mm)):
            rows += [[""], [label]]
            heights += [height, None]
        return Table(
            rows,
            colWidths=(width,),
            rowHeights=heights,
            style=TableStyle(
                [
                    ("FONT", (0, 1), (-1, -1), self.font, self.small_font_size),
                    ("TEXTCOLOR", (0, 1), (-1, -1), self.muted),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    *[
                        ("LINEBELOW", (0, row), (-1, row), 0.6, self.text_colour)
                        for row in range(1, len(rows), 2)
                    ],
                ]
            ),
        )


def issuer_lines(issuer: Issuer) -> list[str]:
    lines = [issuer.name, *(line for line in issuer.address.splitlines() if line.strip())]
    lines += [value for value in (issuer.email, issuer.phone) if value]
    if issuer.vat_number:
        lines.append(f"VAT {issuer.vat_number}")
    return lines
