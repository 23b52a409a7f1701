"""A split sheet: per track its ISRC, credits and the shares of each right, then a line for
every owner to sign. Printed from `studio.selectors.split_sheets.SplitSheet`, which the CSV
export prints too."""

from __future__ import annotations

from typing import ClassVar

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from studio.pdf.base import Renderer
from studio.pdf.formatting import long_date
from studio.pdf.text import wrap_text
from studio.selectors.split_sheets import SheetTrack, SplitSheet


def _duration(seconds: int | None) -> str:
    if not seconds:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


class SplitSheetRenderer(Renderer):
    cell_padding: ClassVar[float] = 3
    credit_widths: ClassVar[tuple[float, float]] = (45 * mm, 45 * mm)  # role, instrument
    share_width: ClassVar[float] = 28 * mm
    signature_height: ClassVar[float] = 14 * mm

    def header_title(self, data: SplitSheet) -> tuple[str, str]:
        return "Split sheet", f"Prepared {long_date(data.prepared_on)}"

    def metadata_title(self, data: SplitSheet) -> str:
        return data.title

    def footer_label(self, data: SplitSheet) -> str:
        return f"{data.title}  ·  {data.issuer.name}"

    def story(self, data: SplitSheet) -> list[Flowable]:
        story: list[Flowable] = [self.summary(data), Spacer(0, 4 * mm)]
        if not data.tracks:
            story.append(self.text("This project has no tracks yet.", colour=self.muted))
        for track in data.tracks:
            story += self.track(track)
        story += self.signatures(data)
        return story

    def summary(self, data: SplitSheet) -> Table:
        rows = [
            [self.label("Project"), self.label("Artist"), self.label("Client")],
            [
                self.text(data.project, bold=True),
                self.text(data.artist),
                self.text(data.client),
            ],
        ]
        third = self.text_width / 3
        return Table(rows, colWidths=(third, third, third), style=self.plain_grid())

    def plain_grid(self) -> TableStyle:
        return TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )

    def track(self, track: SheetTrack) -> list[Flowable]:
        facts = [f"ISRC {track.isrc_display}" if track.isrc else "No ISRC yet"]
        if track.duration_seconds:
            facts.append(_duration(track.duration_seconds))
        blocks: list[Flowable] = [
            self.text("  ·  ".join(facts), size=self.small_font_size, colour=self.muted),
            Spacer(0, 2 * mm),
            self.credits_table(track),
        ]
        for right in track.rights:
            blocks.append(Spacer(0, 3 * mm))
            blocks.append(self.shares_table(right.label, right.shares, right.total))
        return self.section(f"{track.number}. {track.title}", *blocks)

    def table_style(self, *extra: tuple) -> TableStyle:
        return TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), self.font_label, self.small_font_size),
                ("TEXTCOLOR", (0, 0), (-1, 0), self.accent),
                ("FONT", (0, 1), (-1, -1), self.font, self.font_size, self.font_size * 1.2),
                ("TEXTCOLOR", (0, 1), (-1, -1), self.text_colour),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), self.cell_padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), self.cell_padding),
                ("TOPPADDING", (0, 0), (-1, -1), self.cell_padding - 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), self.cell_padding - 1),
                ("LINEBELOW", (0, 0), (-1, 0), 0.9, self.accent),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, self.rule_colour),
                *extra,
            ]
        )

    def wrapped(self, text: str, width: float) -> str:
        return "\n".join(wrap_text(text, self.font, self.font_size, width - 2 * self.cell_padding))

    def credits_table(self, track: SheetTrack) -> Flowable:
        if not track.credits:
            return self.text("No credits recorded.", colour=self.muted)
        person_width = self.text_width - sum(self.credit_widths)
        widths = (person_width, *self.credit_widths)
        rows = [["Credit", "Role", "Instrument"]]
        for credit in track.credits:
            rows.append(
                [
                    self.wrapped(credit.person, widths[0]),
                    self.wrapped(credit.role, widths[1]),
                    self.wrapped(credit.instrument or "–", widths[2]),
                ]
            )
        return Table(rows, colWidths=widths, repeatRows=1, style=self.table_style())

    def shares_table(self, label: str, shares, total) -> Flowable:
        person_width = self.text_width - self.share_width
        if not shares:
            return self.text(f"{label}: no shares recorded.", colour=self.muted)
        rows = [[label, "Share"]]
        for share in shares:
            rows.append([self.wrapped(share.person, person_width), f"{share.percent:.2f} %"])
        rows.append(["Total", f"{total:.2f} %"])
        last = len(rows) - 1
        return Table(
            rows,
            colWidths=(person_width, self.share_width),
            repeatRows=1,
            style=self.table_style(
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, last), (-1, last), self.font_bold, self.font_size),
                ("LINEABOVE", (0, last), (-1, last), 0.9, self.accent),
            ),
        )

    def signatures(self, data: SplitSheet) -> list[Flowable]:
        if not data.signatories:
            return []
        intro = self.text(
            "Each owner signs to confirm the shares above.",
            size=self.small_font_size,
            colour=self.muted,
            space_after=2 * mm,
        )
        half = (self.text_width - 10 * mm) / 2
        cells = [self.signature_block(name, half) for name in data.signatories]
        if len(cells) % 2:
            cells.append("")
        pairs = [cells[i : i + 2] for i in range(0, len(cells), 2)]
        table = Table(
            pairs,
            colWidths=(half + 10 * mm, half),
            style=TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            ),
        )
        return [KeepTogether([self.heading("Signatures"), intro]), table]

    def signature_block(self, who: str, width: float) -> Table:
        rows = [[self.text(who, bold=True)], [""], ["Signature"], [""], ["Date"]]
        return Table(
            rows,
            colWidths=(width,),
            rowHeights=[None, self.signature_height, None, 7 * mm, None],
            style=TableStyle(
                [
                    ("FONT", (0, 1), (-1, -1), self.font, self.small_font_size),
                    ("TEXTCOLOR", (0, 1), (-1, -1), self.muted),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LINEBELOW", (0, 1), (-1, 1), 0.6, self.text_colour),
                    ("LINEBELOW", (0, 3), (-1, 3), 0.6, self.text_colour),
                ]
            ),
        )


_RENDERER = SplitSheetRenderer()


def split_sheet_pdf(sheet: SplitSheet) -> bytes:
    return _RENDERER.render(sheet)
