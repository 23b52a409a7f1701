"""The base of every studio PDF.

Subclasses provide the story (the flowables between letterhead and footer) and the words the
letterhead and footer show; page.py draws those. Every measurement and colour is a class
attribute, so a subclass (or a test) can change one without copying code.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any, ClassVar

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
)

from studio.pdf import page
from studio.pdf.fonts import MONO, SANS, SANS_BOLD, register_fonts
from studio.pdf.text import TextBlock


class Renderer:
    # Page.
    pagesize: ClassVar[tuple[float, float]] = A4
    margin_left: ClassVar[float] = 18 * mm
    margin_right: ClassVar[float] = 18 * mm
    margin_top: ClassVar[float] = 37 * mm  # the letterhead lives above this (or lower: see depth)
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
        letterhead = page.letterhead(self, data)
        doc = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin_left,
            rightMargin=self.margin_right,
            topMargin=letterhead.depth,
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
            height - letterhead.depth - self.margin_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        doc.addPageTemplates(
            [
                PageTemplate(
                    "page", [frame], onPage=partial(page.draw_letterhead, self, head=letterhead)
                )
            ]
        )
        finish = partial(
            page.finish_page, self, label=self.footer_label(data), watermark=self.watermark(data)
        )
        doc.build(self.story(data), canvasmaker=partial(page.NumberedCanvas, finish_page=finish))
        return buffer.getvalue()

    # ------------------------------------------------------------------ layout

    @property
    def text_width(self) -> float:
        return self.pagesize[0] - self.margin_left - self.margin_right

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
