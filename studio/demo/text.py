"""Spelling helpers for made-up names and addresses."""

from __future__ import annotations

import re
import unicodedata


def ascii_lower(text: str) -> str:
    """`text` in lower-case ASCII, accents dropped ("Léa" -> "lea")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def slug(text: str, sep: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", sep, ascii_lower(text)).strip(sep)
