"""The page every studio document is printed on: letterhead, footer, page numbers, watermark.

Subclasses provide the story (the flowables between header and footer) and the words the header
and footer show; every measurement and colour is a class attribute so a subclass (or a test) can
change one without copying code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from studio.pdf.data import Issuer
from studio.pdf.fonts import MONO, SANS, SANS_BOLD, register_fonts


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    muted_right: ParagraphStyle
    label: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle
    mono: ParagraphStyle


@dataclass(frozen=True)
class Letterhead:
    """What the running header prints, worked out once per render rather than once per page."""

    name: str
    name_size: float
    details: list[str]
    logo: ImageReader | None
    logo_size: tuple[float, float]
    title: str
    subtitle: str
    alert: str  # red, e.g. "DRAFT — not a valid invoice"


class _NumberedCanvas(Canvas):
    """Holds each finished page back until the last one, so its footer can say "Page 2 of 5".

    Keeping a page costs a shallow copy of the canvas state; a second layout pass would cost
    the whole render again.
    """

    def __init__(self, *args: Any, finish_page: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._finish_page = finish_page
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._finish_page(self, number, total)
            super().showPage()
        super().save()


class Renderer:
    # Page.
    pagesize: ClassVar[tuple[float, float]] = A4
    margin_left: ClassVar[float] = 18 * mm
    margin_right: ClassVar[float] = 18 * mm
    margin_top: ClassVar[float] = 37 * mm  # the letterhead lives above this
    margin_bottom: ClassVar[float] = 20 * mm  # the footer lives below this
    header_top: ClassVar[float] = 12 * mm  # page edge to the top of the letterhead
    footer_bottom: ClassVar[float] = 10 * mm  # page edge to the footer's baseline
    title_width: ClassVar[float] = 62 * mm  # the letterhead's right-hand column
    # Type.
    font: ClassVar[str] = SANS
    font_bold: ClassVar[str] = SANS_BOLD
    # Labels and column titles. Semibold reads better but is a third embedded font subset:
    # about 1.5 ms more per render, a tenth of the budget.
    font_semibold: ClassVar[str] = SANS_BOLD
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
    shade: ClassVar[Color] = HexColor("#f3f5f8")  # alternate table rows, boxes
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
        """A red warning under the title, and a watermark on every page, when not empty."""
        return ""

    def watermark(self, data: Any) -> str:
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
        doc.build(self.story(data), canvasmaker=partial(_NumberedCanvas, finish_page=finish))
        return buffer.getvalue()

    # ------------------------------------------------------------------ letterhead and footer

    @property
    def text_width(self) -> float:
        return self.pagesize[0] - self.margin_left - self.margin_right

    def letterhead(self, data: Any) -> Letterhead:
        issuer: Issuer = data.issuer
        logo, logo_size = None, (0.0, 0.0)
        if issuer.logo:
            logo = ImageReader(io.BytesIO(issuer.logo))
            w, h = logo.getSize()
            scale = min(self.logo_max_width / w, self.logo_max_height / h, 1.0)
            logo_size = (w * scale, h * scale)
        room = self.text_width - self.title_width - 6 * mm
        if logo:
            room -= logo_size[0] + 5 * mm
        # A long studio name shrinks rather than runs into the title.
        size = self.name_font_size
        while size > 9 and stringWidth(issuer.name, self.font_bold, size) > room:
            size -= 0.5
        address = [line.strip() for line in issuer.address.splitlines() if line.strip()]
        contact = [issuer.email, issuer.phone]
        if issuer.vat_number:
            contact.append(f"VAT {issuer.vat_number}")
        details = self._wrap(address, ", ", room) + self._wrap(
            [c for c in contact if c], "  ·  ", room
        )
        title, subtitle = self.header_title(data)
        return Letterhead(
            name=issuer.name,
            name_size=size,
            details=details[:3],  # more would run into the rule
            logo=logo,
            logo_size=logo_size,
            title=title,
            subtitle=subtitle,
            alert=self.alert(data),
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
        canvas.drawString(x, y, head.name)
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
            canvas.setFont(self.font_semibold, self.font_size + 1)
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
            _fit(label, self.font, self.footer_font_size, room),
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

    # ------------------------------------------------------------------ shared styles

    @classmethod
    def styles(cls) -> Styles:
        """Built once per class (so a subclass's sizes and colours apply), not once per render."""
        cached = cls.__dict__.get("_styles")
        if cached is None:
            cached = cls._build_styles()
            cls._styles = cached
        return cached

    @classmethod
    def variant(cls, name: str, parent: ParagraphStyle, **overrides: Any) -> ParagraphStyle:
        """A one-off variation of a shared style, made once per class as well."""
        cache = cls.__dict__.get("_variants")
        if cache is None:
            cache = cls._variants = {}
        style = cache.get(name)
        if style is None:
            style = cache[name] = ParagraphStyle(name, parent=parent, **overrides)
        return style

    @classmethod
    def _build_styles(cls) -> Styles:
        size, small = cls.font_size, cls.small_font_size
        body = ParagraphStyle(
            "body",
            fontName=cls.font,
            fontSize=size,
            leading=size * cls.line_spacing,
            textColor=cls.text_colour,
        )
        small_style = ParagraphStyle(
            "small", parent=body, fontSize=small, leading=small * cls.line_spacing
        )
        muted = ParagraphStyle("muted", parent=small_style, textColor=cls.muted)
        return Styles(
            body=body,
            small=small_style,
            muted=muted,
            muted_right=ParagraphStyle("muted_right", parent=muted, alignment=TA_RIGHT),
            label=ParagraphStyle(
                "label", parent=muted, fontName=cls.font_semibold, spaceAfter=small * 0.3
            ),
            heading=ParagraphStyle(
                "heading",
                parent=body,
                fontName=cls.font_bold,
                fontSize=cls.heading_font_size,
                leading=cls.heading_font_size * cls.line_spacing,
                textColor=cls.accent,
                spaceBefore=size * 1.4,
                spaceAfter=size * 0.4,
            ),
            title=ParagraphStyle(
                "title",
                parent=body,
                fontName=cls.font_bold,
                fontSize=cls.title_font_size,
                leading=cls.title_font_size * 1.15,
                textColor=cls.accent,
                spaceAfter=size,
            ),
            cell=ParagraphStyle("cell", parent=body, leading=size * 1.2),
            mono=ParagraphStyle(
                "mono", parent=body, fontName=cls.font_mono, fontSize=small, leading=small * 1.3
            ),
        )


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis if it would not fit on one line."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
