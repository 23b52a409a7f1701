"""The page every studio document is printed on: letterhead, footer, page numbers, watermark.

Subclasses provide the story (the flowables between header and footer) and the words the header
and footer show; every measurement and colour is a class attribute so a subclass (or a test) can
change one without copying code.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any, ClassVar

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
)

from studio.pdf.canvas import Letterhead, NumberedCanvas
from studio.pdf.data import Issuer
from studio.pdf.fonts import MONO, SANS, SANS_BOLD, register_fonts
from studio.pdf.text import TextBlock, fit_line


class Renderer:
    # Page.
    pagesize: ClassVar[tuple[float, float]] = A4
    margin_left: ClassVar[float] = 18 * mm
    margin_right: ClassVar[float] = 18 * mm
    margin_top: ClassVar[float] = 37 * mm  # the letterhead lives above this
    margin_bottom: ClassVar[float] = 20 * mm  # the footer lives below this
    header_top: ClassVar[float] = 12 * mm  # page edge to the top of the letterhead
    footer_bottom: ClassVar[float] = 10 * mm  # page edge to the footer's baseline
    title_width: ClassVar[float] = 62 * mm  # the column under the letterhead's title
    # Type.
    font: ClassVar[str] = SANS
    font_bold: ClassVar[str] = SANS_BOLD
    # Labels and column titles. SANS_SEMIBOLD reads a little better but is a third embedded
    # font subset: about 1.5 ms more per render.
    font_label: ClassVar[str] = SANS_BOLD
    font_mono: ClassVar[str] = MONO
    font_size: ClassVar[float] = 9.5
    small_font_size: ClassVar[float] = 8
    footer_font_size: ClassVar[float] = 7.5
    heading_font_size: ClassVar[float] = 10.5
    name_font_size: ClassVar[float] = 15
    title_font_size: ClassVar[float] = 22
    line_spacing: ClassVar[float] = 1.3  # leading as a multiple of the font size
    # Colour.
    text_colour: ClassVar[Color] = HexColor("#1f2328")
    accent: ClassVar[Color] = HexColor("#1d4e89")
    muted: ClassVar[Color] = HexColor("#6b7280")
    rule_colour: ClassVar[Color] = HexColor("#d0d7de")
    shade: ClassVar[Color] = HexColor("#f3f5f8")  # behind boxed sections
    alert_colour: ClassVar[Color] = HexColor("#b42318")
    watermark_alpha: ClassVar[float] = 0.09
    # Logo: scaled down (never up) to fit this box, keeping its proportions.
    logo_max_height: ClassVar[float] = 16 * mm
    logo_max_width: ClassVar[float] = 40 * mm
    # Off only for tests that read the content streams.
    compress: ClassVar[bool] = True

    # ------------------------------------------------------------------ what subclasses say

    def story(self, data: Any) -> list[Flowable]:
        raise NotImplementedError

    def header_title(self, data: Any) -> tuple[str, str]:
        """The letterhead's right-hand title and the line under it (usually the number)."""
        return "", ""

    def footer_label(self, data: Any) -> str:
        return ""

    def alert(self, data: Any) -> str:
        """A red warning under the letterhead's title, when not empty."""
        return ""

    def watermark(self, data: Any) -> str:
        """Large see-through text across every page, when not empty."""
        return ""

    def metadata_title(self, data: Any) -> str:
        return " ".join(part for part in self.header_title(data) if part)

    # ------------------------------------------------------------------ rendering

    def render(self, data: Any) -> bytes:
        register_fonts()
        buffer = io.BytesIO()
        width, height = self.pagesize
        doc = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin_left,
            rightMargin=self.margin_right,
            topMargin=self.margin_top,
            bottomMargin=self.margin_bottom,
            # Fixed dates and document id: the same data gives the same bytes (and hash).
            invariant=1,
            pageCompression=1 if self.compress else 0,
            title=self.metadata_title(data),
            author=data.issuer.name,
            creator="Recording Studio Manager",
            producer="Recording Studio Manager",
        )
        frame = Frame(
            self.margin_left,
            self.margin_bottom,
            width - self.margin_left - self.margin_right,
            height - self.margin_top - self.margin_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        letterhead = self.letterhead(data)
        doc.addPageTemplates(
            [PageTemplate("page", [frame], onPage=partial(self.draw_letterhead, head=letterhead))]
        )
        finish = partial(
            self.finish_page, label=self.footer_label(data), watermark=self.watermark(data)
        )
        doc.build(self.story(data), canvasmaker=partial(NumberedCanvas, finish_page=finish))
        return buffer.getvalue()

    # ------------------------------------------------------------------ letterhead and footer

    @property
    def text_width(self) -> float:
        return self.pagesize[0] - self.margin_left - self.margin_right

    def letterhead(self, data: Any) -> Letterhead:
        issuer: Issuer = data.issuer
        logo, logo_size = None, (0.0, 0.0)
        if issuer.logo:
            try:
                logo = ImageReader(io.BytesIO(issuer.logo))
                w, h = logo.getSize()
            except OSError:
                # An unreadable upload must not stop the studio from invoicing: print the name.
                logo = None
            else:
                scale = min(self.logo_max_width / w, self.logo_max_height / h, 1.0)
                logo_size = (w * scale, h * scale)
        title, subtitle = self.header_title(data)
        alert = self.alert(data)
        right = max(
            stringWidth(title, self.font_bold, self.title_font_size),
            stringWidth(subtitle, self.font_label, self.font_size + 1),
            stringWidth(alert, self.font_bold, self.font_size),
        )
        room = self.text_width - right - 8 * mm
        if logo:
            room -= logo_size[0] + 5 * mm
        # A long studio name shrinks, then takes two lines, rather than run into the title.
        size = self.name_font_size
        while (
            size > self.name_font_size * 0.8
            and stringWidth(issuer.name, self.font_bold, size) > room
        ):
            size -= 0.5
        names = simpleSplit(issuer.name, self.font_bold, size, room) or [""]
        if len(names) > 2:
            names = [names[0], fit_line(" ".join(names[1:]), self.font_bold, size, room)]
        room_for_details = 4 - len(names)  # lines, before they would run into the rule
        contact = [issuer.email, issuer.phone]
        if issuer.vat_number:
            contact.append(f"VAT {issuer.vat_number}")
        contact_lines = self._wrap([c for c in contact if c], "  ·  ", room)
        address = [line.strip() for line in issuer.address.splitlines() if line.strip()]
        address_lines = self._wrap(address, ", ", room)
        # The e-mail and VAT number matter more than the end of a long address.
        keep = max(room_for_details - len(contact_lines), 0)
        if len(address_lines) > keep:
            address_lines = address_lines[:keep]
            if address_lines:
                address_lines[-1] = fit_line(
                    address_lines[-1] + " …", self.font, self.small_font_size, room
                )
        return Letterhead(
            names=names,
            name_size=size,
            details=(address_lines + contact_lines)[:room_for_details],
            logo=logo,
            logo_size=logo_size,
            title=title,
            subtitle=subtitle,
            alert=alert,
        )

    def _wrap(self, pieces: list[str], separator: str, width: float) -> list[str]:
        """Pieces joined on as few lines as fit, breaking between pieces rather than inside
        one, so "VAT FR123…" or a postcode and its town stay together."""
        lines: list[str] = []
        size = self.small_font_size
        for piece in pieces:
            joined = f"{lines[-1]}{separator}{piece}" if lines else piece
            if lines and stringWidth(joined, self.font, size) <= width:
                lines[-1] = joined
            else:
                lines += simpleSplit(piece, self.font, size, width)
        return lines

    def draw_letterhead(self, canvas: Canvas, doc: BaseDocTemplate, head: Letterhead) -> None:
        width, height = self.pagesize
        top = height - self.header_top
        right = width - self.margin_right
        canvas.saveState()
        x = self.margin_left
        if head.logo is not None:
            w, h = head.logo_size
            canvas.drawImage(head.logo, x, top - h, w, h, mask="auto")
            x += w + 5 * mm
        canvas.setFillColor(self.accent)
        canvas.setFont(self.font_bold, head.name_size)
        y = top - head.name_size * 0.85
        for number, name in enumerate(head.names):
            if number:
                y -= head.name_size * 1.1
            canvas.drawString(x, y, name)
        canvas.setFillColor(self.muted)
        canvas.setFont(self.font, self.small_font_size)
        y -= head.name_size * 0.45
        for line in head.details:
            y -= self.small_font_size * self.line_spacing
            canvas.drawString(x, y, line)
        y = top - self.font_size
        if head.title:
            canvas.setFillColor(self.accent)
            canvas.setFont(self.font_bold, self.title_font_size)
            y = top - self.title_font_size * 0.8
            canvas.drawRightString(right, y, head.title)
            y -= self.font_size * 1.8
        if head.subtitle:
            canvas.setFillColor(self.text_colour)
            canvas.setFont(self.font_label, self.font_size + 1)
            canvas.drawRightString(right, y, head.subtitle)
            y -= self.font_size * self.line_spacing
        if head.alert:
            canvas.setFillColor(self.alert_colour)
            canvas.setFont(self.font_bold, self.font_size)
            canvas.drawRightString(right, y, head.alert)
        canvas.setStrokeColor(self.rule_colour)
        canvas.setLineWidth(0.6)
        rule = height - self.margin_top + 5 * mm
        canvas.line(self.margin_left, rule, right, rule)
        canvas.restoreState()

    def finish_page(
        self, canvas: Canvas, number: int, total: int, label: str, watermark: str
    ) -> None:
        width, _ = self.pagesize
        right = width - self.margin_right
        canvas.saveState()
        canvas.setStrokeColor(self.rule_colour)
        canvas.setLineWidth(0.6)
        rule = self.footer_bottom + self.footer_font_size * 1.6
        canvas.line(self.margin_left, rule, right, rule)
        canvas.setFillColor(self.muted)
        canvas.setFont(self.font, self.footer_font_size)
        pages = f"Page {number} of {total}"
        room = self.text_width - stringWidth(pages, self.font, self.footer_font_size) - 10 * mm
        canvas.drawString(
            self.margin_left,
            self.footer_bottom,
            fit_line(label, self.font, self.footer_font_size, room),
        )
        canvas.drawRightString(right, self.footer_bottom, pages)
        if watermark:
            # Drawn over the content, see-through, so table shading cannot hide it.
            canvas.setFillColor(self.alert_colour)
            canvas.setFillAlpha(self.watermark_alpha)
            canvas.setFont(self.font_bold, 120)
            canvas.translate(width / 2, self.pagesize[1] / 2)
            canvas.rotate(50)
            canvas.drawCentredString(0, -40, watermark)
        canvas.restoreState()

    # ------------------------------------------------------------------ text

    def text(
        self,
        text: str,
        *,
        bold: bool = False,
        size: float | None = None,
        colour: Color | None = None,
        **options: Any,
    ) -> TextBlock:
        size = size or self.font_size
        return TextBlock(
            text,
            self.font_bold if bold else self.font,
            size,
            colour or self.text_colour,
            leading=size * self.line_spacing,
            **options,
        )

    def heading(self, text: str) -> TextBlock:
        return self.text(
            text,
            bold=True,
            size=self.heading_font_size,
            colour=self.accent,
            space_before=self.font_size * 1.4,
            space_after=self.font_size * 0.3,
        )

    def section(self, title: str, *blocks: Flowable) -> list[Flowable]:
        """A heading and what follows it. A short section moves to the next page whole; a long
        one starts wherever the heading and a few lines fit, and flows on."""
        heading = self.heading(title)
        height = sum(
            block.wrap(self.text_width, self.pagesize[1])[1] + block.getSpaceAfter()
            for block in blocks
        )
        if height < self.pagesize[1] / 4:
            return [KeepTogether([heading, *blocks])]
        needed = heading.spaceBefore + heading.leading + 4 * self.font_size * self.line_spacing
        return [CondPageBreak(needed), heading, *blocks]

    def label(self, text: str, **options: Any) -> TextBlock:
        """Small capitals-style caption above a block: "BILL TO"."""
        options.setdefault("space_after", 2)
        return self.text(
            text.upper(), bold=True, size=self.small_font_size, colour=self.muted, **options
        )

    # ------------------------------------------------------------------ paragraphs

    @classmethod
    def paragraph_style(cls, name: str, **overrides: Any) -> ParagraphStyle:
        """A ParagraphStyle in the class's body type, made once per class and name (so a
        subclass's knobs apply) rather than once per render."""
        cache = cls.__dict__.get("_paragraph_styles")
        if cache is None:
            cache = cls._paragraph_styles = {}
        style = cache.get(name)
        if style is None:
            base = {
                "fontName": cls.font,
                "fontSize": cls.font_size,
                "leading": cls.font_size * cls.line_spacing,
                "textColor": cls.text_colour,
            }
            style = cache[name] = ParagraphStyle(name, **(base | overrides))
        return style
