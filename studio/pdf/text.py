"""Plain text laid out without Paragraph: no markup to parse (so nothing to escape) and a
fraction of the cost, for the many blocks that are one font and one colour."""

from __future__ import annotations

from copy import copy

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than `width`: broken at spaces, and inside a word only when the word
    alone is too wide (a URL, an IBAN written without spaces). A blank line between
    paragraphs is kept, as one."""
    lines: list[str] = []
    for paragraph in text.strip().replace("\r\n", "\n").split("\n"):
        if not paragraph.strip():
            if lines and lines[-1]:
                lines.append("")
            continue
        for line in simpleSplit(paragraph, font, size, width):
            while stringWidth(line, font, size) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and stringWidth(line[:cut], font, size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
    return lines


def fit_line(text: str, font: str, size: float, width: float) -> str:
    """The text on one line, cut short with an ellipsis if it is too wide."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class TextBlock(Flowable):
    """Lines of text in one font, wrapped to the frame, split between lines across pages."""

    def __init__(
        self,
        text: str,
        font: str,
        size: float,
        colour: Color,
        leading: float | None = None,
        align: str = "left",  # "left" | "right" | "centre"
        space_before: float = 0,
        space_after: float = 0,
    ) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.colour = colour
        self.leading = leading or size * 1.3
        self.align = align
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.lines: list[str] = []
        self._wrapped_to: float | None = None

    def _layout(self, width: float) -> list[str]:
        if self._wrapped_to != width:
            self.lines = wrap_text(self.text, self.font, self.size, width)
            self._wrapped_to = width
        return self.lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self._layout(availWidth)) * self.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self._layout(availWidth)
        fits = int(availHeight // self.leading)
        if fits < 1 or fits >= len(lines):
            return []
        head, tail = self._part(lines[:fits], availWidth), self._part(lines[fits:], availWidth)
        head.spaceAfter = tail.spaceBefore = 0
        return [head, tail]

    def _part(self, lines: list[str], width: float) -> TextBlock:
        part = copy(self)
        # Its own text, so that a frame of another width re-wraps this part and not the whole.
        part.text, part.lines, part._wrapped_to = "\n".join(lines), lines, width
        return part

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(self.colour)
        canvas.setFont(self.font, self.size)
        # Each line's letters centred in its leading, descenders clear of the next line.
        y = self.height - self.leading / 2 - self.size * 0.35
        for line in self.lines:
            if self.align == "right":
                canvas.drawRightString(self.width, y, line)
            elif self.align == "centre":
                canvas.drawCentredString(self.width / 2, y, line)
            else:
                canvas.drawString(0, y, line)
            y -= self.leading
