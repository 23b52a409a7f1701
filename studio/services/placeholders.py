"""Fill {{ name }} placeholders in texts the studio writes (e-mail and contract templates).

Deliberately not the Django template language: a studio's text must not reach settings, loops or
attributes. Only the names offered for that kind of text are allowed, and a template naming
another is refused when it is saved, not when a client would receive a blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from studio.services.errors import StudioError

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


def placeholders_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def placeholders_check(text: str, *, allowed: Iterable[str], field: str | None = None) -> None:
    allowed = set(allowed)
    unknown = sorted({name for name in placeholders_in(text) if name not in allowed})
    if unknown:
        names = ", ".join(f"{{{{ {n} }}}}" for n in unknown)
        offered = ", ".join(f"{{{{ {n} }}}}" for n in sorted(allowed))
        raise StudioError(f"Unknown placeholder {names}. You can use: {offered}.", field=field)


def placeholders_fill(text: str, values: Mapping[str, object]) -> str:
    """Replace each known placeholder by its value; an unknown one is left as written so a
    mistake is visible rather than silently blank."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(value, text)
