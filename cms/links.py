"""Addresses editors type into links (buttons, feature cards, the footer). They go into href as
written, so only a path, an anchor, a web address, mail or phone is accepted: a javascript: or
data: address would run when a visitor, or an operator in the preview, clicks it.

The validator refuses such an address when the page is saved; the template filter drops one that
reached the database another way (an import, an old revision) rather than print it.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator

# Control characters and spaces are stripped by browsers before they read the scheme
# ("java\tscript:"), so they are stripped here too before judging it.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_ALLOWED = re.compile(r"^(?:/(?!/)|#|\?|https?://|mailto:|tel:)", re.IGNORECASE)

link_validator = RegexValidator(
    r"^(?:/(?!/)|#|\?|https?://|mailto:|tel:)\S*$",
    "Use a path like /pricing/, a full http(s):// address, mailto: or tel:.",
    flags=re.IGNORECASE,
)


def link_safe(value: str | None) -> str:
    """The address if a browser would treat it as a place to go, else an empty string."""
    text = (value or "").strip()
    return text if text and _ALLOWED.match(_INVISIBLE.sub("", text)) else ""
