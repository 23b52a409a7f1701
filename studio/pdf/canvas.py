"""The canvas and the per-render letterhead values behind every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Letterhead:
    """What the running header prints, worked out once per render rather than once per page."""

    names: list[str]  # the studio's name, on one line or two
    name_size: float
    details: list[str]
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
