"""A contract: its text, then either the record of its electronic signature or lines to sign."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from reportlab.lib.enums import TA_JUSTIFY
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

from studio.pdf.base import Renderer
from studio.pdf.data import ContractData, Issuer
from studio.pdf.formatting import long_date, long_datetime, markup
from studio.pdf.text import TextBlock


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
            how = "on paper" if data.signed_on_paper else "electronically"
            return "", f"Signed {how} on {long_date(as_utc(data.signed_at))}"
        return "", ""

    def metadata_title(self, data: ContractData) -> str:
        return data.title

    def footer_label(self, data: ContractData) -> str:
        return f"{data.title}  ·  {data.issuer.name}"

    def story(self, data: ContractData) -> list[Flowable]:
        title = self.paragraph_style(
            "contract_title",
            fontName=self.font_bold,
            fontSize=self.contract_title_font_size,
            leading=self.contract_title_font_size * 1.2,
            textColor=self.accent,
            spaceAfter=self.font_size,
        )
        body = self.paragraph_style(
            "contract_body",
            fontSize=self.body_font_size,
            leading=self.body_font_size * 1.45,
            spaceAfter=self.body_font_size * 0.8,
            alignment=TA_JUSTIFY,
        )
        story: list[Flowable] = [Paragraph(markup(data.title), title), self.parties(data)]
        story.append(Spacer(0, 6 * mm))
        story += [Paragraph(markup(text), body) for text in paragraphs(data.body)]
        story += self.evidence(data) if data.signed_name else self.signature_lines(data)
        return story

    def parties(self, data: ContractData) -> Table:
        half = self.text_width / 2
        party = [line.strip() for line in data.party.splitlines() if line.strip()]
        return Table(
            [
                [self.label("Between"), self.label("And")],
                [self.party_block(issuer_lines(data.issuer)), self.party_block(party)],
            ],
            colWidths=(half, half),
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )

    def party_block(self, lines: list[str]) -> list[Flowable]:
        block = [self.text(lines[0] if lines else "—", bold=True)]
        if lines[1:]:
            block.append(self.text("\n".join(lines[1:])))
        return block

    def evidence(self, data: ContractData) -> list[Flowable]:
        """What a court or the client would need to check who signed what, when, from where."""
        rows: list[list[Flowable]] = [
            [self.evidence_label("Signed by"), self.text(data.signed_name, bold=True)]
        ]
        if data.signed_at:
            utc = as_utc(data.signed_at)
            iso = utc.isoformat(timespec="seconds").replace("+00:00", "Z")
            rows.append(
                [self.evidence_label("Signed at"), self.text(f"{iso}\n{long_datetime(utc)}")]
            )
        for label, value in (
            ("IP address", data.signed_ip),
            ("User agent", data.signed_user_agent),
            ("Method", data.signed_method),
            *data.extra.items(),
        ):
            if value:
                rows.append([self.evidence_label(label), self.text(value)])
        if data.document_sha256:
            rows.append(
                [
                    self.evidence_label("Document SHA-256"),
                    TextBlock(
                        data.document_sha256,
                        self.font_mono,
                        self.small_font_size + 0.5,
                        self.text_colour,
                        leading=self.font_size * self.line_spacing,
                    ),
                ]
            )
        table = Table(
            rows,
            colWidths=(self.evidence_label_width, self.text_width - self.evidence_label_width),
            style=TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), self.shade),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("TOPPADDING", (0, 0), (-1, 0), 4 * mm),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 4 * mm),
                ]
            ),
        )
        heading = "Signature on paper" if data.signed_on_paper else "Electronic signature"
        section: list[Flowable] = [self.heading(heading), table]
        if data.document_sha256:
            section.append(
                self.text(
                    "The SHA-256 fingerprint identifies the exact text above: any change to the "
                    "text, however small, gives a different fingerprint.",
                    size=self.small_font_size,
                    colour=self.muted,
                    space_before=2 * mm,
                )
            )
        return [CondPageBreak(60 * mm), KeepTogether(section)]

    def evidence_label(self, text: str) -> TextBlock:
        # Same size as the value beside it, so both share a baseline.
        return self.text(text, colour=self.muted)

    def signature_lines(self, data: ContractData) -> list[Flowable]:
        party = next((line.strip() for line in data.party.splitlines() if line.strip()), "")
        half = self.text_width / 2 - 5 * mm
        blocks = [
            self.signature_block(f"For {data.issuer.name}", half),
            self.signature_block(party or "The client", half),
        ]
        section: list[Flowable] = [
            self.heading("Signatures"),
            Spacer(0, 2 * mm),
            Table(
                [blocks],
                colWidths=(half + 10 * mm, half),
                style=TableStyle(
                    [
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                ),
            ),
        ]
        if data.document_sha256:
            section.append(
                TextBlock(
                    f"Document SHA-256: {data.document_sha256}",
                    self.font_mono,
                    self.small_font_size,
                    self.muted,
                    space_before=5 * mm,
                )
            )
        return [KeepTogether(section)]

    def signature_block(self, who: str, width: float) -> Table:
        rows: list[list[str | Flowable]] = [[self.text(who, bold=True)]]
        heights: list[float | None] = [None]
        for label, height in (
            ("Name", 10 * mm),
            ("Place and date", 10 * mm),
            ("Signature", 22 * mm),
        ):
            rows += [[""], [label]]
            heights += [height, None]
        lines = [
            ("LINEBELOW", (0, row), (-1, row), 0.6, self.text_colour)
            for row in range(1, len(rows), 2)
        ]
        return Table(
            rows,
            colWidths=(width,),
            rowHeights=heights,
            style=TableStyle(
                [
                    ("FONT", (0, 1), (-1, -1), self.font, self.small_font_size),
                    ("TEXTCOLOR", (0, 1), (-1, -1), self.muted),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    *lines,
                ]
            ),
        )


def issuer_lines(issuer: Issuer) -> list[str]:
    lines = [issuer.name, *(line.strip() for line in issuer.address.splitlines() if line.strip())]
    lines += [value for value in (issuer.email, issuer.phone) if value]
    return lines + issuer.registration
