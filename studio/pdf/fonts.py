"""Source Sans Pro for every PDF: the standard Helvetica has no glyphs for Ř, ł, № or Ж."""

from __future__ import annotations

import os
import threading

import font_source_sans_pro
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "Sans"
SANS_BOLD = "Sans-Bold"
SANS_ITALIC = "Sans-Italic"
SANS_BOLD_ITALIC = "Sans-BoldItalic"
SANS_SEMIBOLD = "Sans-Semibold"
# The hash and other machine strings: a core font, nothing to embed, and every glyph is ASCII.
MONO = "Courier"

_FILES = {
    SANS: "SourceSansPro-Regular.ttf",
    SANS_BOLD: "SourceSansPro-Bold.ttf",
    # The italics lack Cyrillic and №: use them for fixed labels only, never for client text.
    SANS_ITALIC: "SourceSansPro-It.ttf",
    SANS_BOLD_ITALIC: "SourceSansPro-BoldIt.ttf",
    SANS_SEMIBOLD: "SourceSansPro-Semibold.ttf",
}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Parse and register the fonts once per process (a few ms); later calls return at once.

    A TTFont keeps its per-document subsetting state in a WeakKeyDictionary, so one instance
    serves every render, concurrently too.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        # Binary (Flate only) streams instead of Flate + ASCII85: a PDF has not needed to be
        # 7-bit clean for decades, and without reportlab's optional C accelerator the pure
        # Python ASCII85 encoder costs a fifth of the render. Process-wide, but this package
        # is the only user of reportlab.
        rl_config.useA85 = 0
        directory = font_source_sans_pro.font_directory
        for name, filename in _FILES.items():
            # asciiReadable keeps plain ASCII text legible in uncompressed content streams,
            # which the tests rely on.
            font = TTFont(name, os.path.join(directory, filename), asciiReadable=True)
            pdfmetrics.registerFont(font)
        # The family lets Paragraph markup (<b>, <i>) find the bold and italic faces.
        pdfmetrics.registerFontFamily(
            SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
        )
        _registered = True
