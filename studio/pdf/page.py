"""What every page carries around the story: the letterhead, the footer with "Page X of Y",
the watermark; and the canvas that makes the page count known before the footers are drawn."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate

from studio.pdf.data import Issuer
from studio.pdf.text import fit_line

if TYPE_CHECKING:
    from studio.pdf.base import Renderer


@dataclass(frozen=True)
class Letterhead:
    """What the running header prints, worked out once per render rather than once per page."""

    names: list[str]  # the studio's name, on one line or two
    name_size: float
    details: list[str]
    depth: float  # page top to the top of the body; the rule is drawn just above
    logo: ImageReader | None
    logo_size: tuple[float, float]
    title: str
    subtitle: str
    alert: str  # red, e.g. "DRAFT — not a valid invoice"


class NumberedCanvas(Canvas):
    """Holds each finished page back until the last one, so its footer can say "Page 2 of 5".

    Keeping a page costs a shallow copy of the canvas state; a second layout pass would cost
    the whole render again.
    """

    def __init__(
        self, *args: Any, finish_page: Callable[[Canvas, int, int], None], **kwargs: Any
    ) -> None:
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


def letterhead(r: Renderer, data: Any) -> Letterhead:
    """Measure the letterhead once: the logo, the name's size, the wrapped detail lines and
    how far down the body must start."""
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
            scale = min(r.logo_max_width / w, r.logo_max_height / h, 1.0)
            logo_size = (w * scale, h * scale)
    title, subtitle = r.header_title(data)
    alert = r.alert(data)
    right = max(
        stringWidth(title, r.font_bold, r.title_font_size),
        stringWidth(subtitle, r.font_label, r.font_size + 1),
        stringWidth(alert, r.font_bold, r.font_size),
    )
    room = r.text_width - right - 8 * mm
    if logo:
        room -= logo_size[0] + 5 * mm
    # A long studio name shrinks, then takes two lines, rather than run into the title.
    size = r.name_font_size
    while size > r.name_font_size * 0.8 and stringWidth(issuer.name, r.font_bold, size) > room:
        size -= 0.5
    names = simpleSplit(issuer.name, r.font_bold, size, room) or [""]
    if len(names) > 2:
        names = [names[0], fit_line(" ".join(names[1:]), r.font_bold, size, room)]
    contact = [issuer.email, issuer.phone]
    contact += issuer.registration
    address = [line.strip() for line in issuer.address.splitlines() if line.strip()]
    details = wrap_pieces(r, address, ", ", room)
    details += wrap_pieces(r, [c for c in contact if c], "  ·  ", room)
    left = size * (0.85 + 1.1 * (len(names) - 1) + 0.45)
    left += len(details) * r.small_font_size * r.line_spacing + r.small_font_size * 0.3
    # Usually within margin_top; a long name or address pushes the body down on every page.
    depth = max(r.margin_top, r.header_top + max(left, logo_size[1]) + 8 * mm)
    return Letterhead(
        names=names,
        name_size=size,
        details=details,
        depth=depth,
        logo=logo,
        logo_size=logo_size,
        title=title,
        subtitle=subtitle,
        alert=alert,
    )


def wrap_pieces(r: Renderer, pieces: list[str], separator: str, width: float) -> list[str]:
    """Pieces joined on as few lines as fit, breaking between pieces rather than inside
    one, so "VAT FR123…" or a postcode and its town stay together."""
    lines: list[str] = []
    size = r.small_font_size
    for piece in pieces:
        joined = f"{lines[-1]}{separator}{piece}" if lines else piece
        if lines and stringWidth(joined, r.font, size) <= width:
            lines[-1] = joined
        else:
            lines += simpleSplit(piece, r.font, size, width)
    return lines


def draw_letterhead(r: Renderer, canvas: Canvas, doc: BaseDocTemplate, head: Letterhead) -> None:
    """A PageTemplate's onPage: drawn before the story, so the story paints over nothing."""
    width, height = r.pagesize
    top = height - r.header_top
    right = width - r.margin_right
    canvas.saveState()
    x = r.margin_left
    if head.logo is not None:
        w, h = head.logo_size
        canvas.drawImage(head.logo, x, top - h, w, h, mask="auto")
        x += w + 5 * mm
    canvas.setFillColor(r.accent)
    canvas.setFont(r.font_bold, head.name_size)
    y = top - head.name_size * 0.85
    for number, name in enumerate(head.names):
        if number:
            y -= head.name_size * 1.1
        canvas.drawString(x, y, name)
    canvas.setFillColor(r.muted)
    canvas.setFont(r.font, r.small_font_size)
    y -= head.name_size * 0.45
    for line in head.details:
        y -= r.small_font_size * r.line_spacing
        canvas.drawString(x, y, line)
    y = top - r.font_size
    if head.title:
        canvas.setFillColor(r.accent)
        canvas.setFont(r.font_bold, r.title_font_size)
        y = top - r.title_font_size * 0.8
        canvas.drawRightString(right, y, head.title)
        y -= r.font_size * 1.8
    if head.subtitle:
        canvas.setFillColor(r.text_colour)
        canvas.setFont(r.font_label, r.font_size + 1)
        canvas.drawRightString(right, y, head.subtitle)
        y -= r.font_size * r.line_spacing
    if head.alert:
        canvas.setFillColor(r.alert_colour)
        canvas.setFont(r.font_bold, r.font_size)
        canvas.drawRightString(right, y, head.alert)
    canvas.setStrokeColor(r.rule_colour)
    canvas.setLineWidth(0.6)
    rule = height - head.depth + 5 * mm
    canvas.line(r.margin_left, rule, right, rule)
    canvas.restoreState()


def finish_page(
    r: Renderer, canvas: Canvas, number: int, total: int, label: str, watermark: str
) -> None:
    """Called by NumberedCanvas once the page count is known: footer, then watermark."""
    width, _ = r.pagesize
    right = width - r.margin_right
    canvas.saveState()
    canvas.setStrokeColor(r.rule_colour)
    canvas.setLineWidth(0.6)
    rule = r.footer_bottom + r.footer_font_size * 1.6
    canvas.line(r.margin_left, rule, right, rule)
    canvas.setFillColor(r.muted)
    canvas.setFont(r.font, r.footer_font_size)
    pages = f"Page {number} of {total}"
    room = r.text_width - stringWidth(pages, r.font, r.footer_font_size) - 10 * mm
    canvas.drawString(
        r.margin_left,
        r.footer_bottom,
        fit_line(label, r.font, r.footer_font_size, room),
    )
    canvas.drawRightString(right, r.footer_bottom, pages)
    if watermark:
        # Drawn over the content, see-through, so table shading cannot hide it.
        canvas.setFillColor(r.alert_colour)
        canvas.setFillAlpha(r.watermark_alpha)
        canvas.setFont(r.font_bold, 120)
        canvas.translate(width / 2, r.pagesize[1] / 2)
        canvas.rotate(50)
        canvas.drawCentredString(0, -40, watermark)
    canvas.restoreState()
