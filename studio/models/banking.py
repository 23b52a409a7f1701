"""What a studio prints so clients can pay it: bank account numbers checked the way banks check
them, and a logo checked before it reaches a PDF.

An IBAN carries its own check digits (ISO 13616, mod 97), so a mistyped one is refused here
rather than discovered when a client's transfer bounces. A UK account is a six-digit sort code
and an eight-digit account number.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Length of a valid IBAN per country (the registry's figures, for the countries our studios
# bank in most; any other country is checked by format and check digits only).
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15,
    "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
}  # fmt: skip
BIC_PATTERN = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_MIN_SIDE = 32


def compact(value: str) -> str:
    """An account number as banks compare it: no spaces, dashes or dots, upper case."""
    return re.sub(r"[\s\-.]", "", value or "").upper()


def iban_valid(value: str) -> bool:
    iban = compact(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def iban_grouped(value: str) -> str:
    """FR7630006000011234567890189 → FR76 3000 6000 0112 3456 7890 189 (as printed)."""
    iban = compact(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def validate_iban(value: str) -> None:
    iban = compact(value)
    if not iban:
        return
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban):
        raise ValidationError(
            _("An IBAN from %(country)s has %(n)s characters; this one has %(got)s."),
            params={"country": iban[:2], "n": expected, "got": len(iban)},
        )
    if not iban_valid(iban):
        raise ValidationError(
            _(
                "This is not a valid IBAN: its check digits do not match. Copy it again from "
                "your bank statement (e.g. FR76 3000 6000 0112 3456 7890 189)."
            )
        )


def validate_bic(value: str) -> None:
    if value and not BIC_PATTERN.match(compact(value)):
        raise ValidationError(
            _("A BIC (SWIFT code) has 8 or 11 letters and digits, e.g. BNPAFRPP or BNPAFRPPXXX.")
        )


def validate_sort_code(value: str) -> None:
    if value and not re.fullmatch(r"\d{6}", compact(value)):
        raise ValidationError(_("A sort code has six digits, e.g. 12-34-56."))


def validate_account_number(value: str) -> None:
    if value and not re.fullmatch(r"\d{8}", compact(value)):
        raise ValidationError(_("A UK account number has eight digits, e.g. 31926819."))


def sort_code_grouped(value: str) -> str:
    code = compact(value)
    return f"{code[0:2]}-{code[2:4]}-{code[4:6]}" if len(code) == 6 else value


def validate_logo(file) -> None:
    """A PNG or JPEG of sensible size, read by Pillow before it is stored: a renamed PDF or a
    50-megapixel photo is refused with what to do instead."""
    if not file:
        return
    size = getattr(file, "size", None)
    if size is not None and size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(mb).1f MB; use an image under 2 MB (a PNG of about 800 px wide)."),
            params={"mb": size / 1024 / 1024},
        )
    from PIL import Image, UnidentifiedImageError

    position = file.tell() if hasattr(file, "tell") else None
    try:
        with Image.open(file) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The logo must be a PNG or JPEG image.")) from None
    finally:
        if position is not None:
            file.seek(position)
    if kind not in ("PNG", "JPEG"):
        raise ValidationError(
            _("The logo is a %(kind)s image; save it as PNG or JPEG."), params={"kind": kind}
        )
    if max(width, height) > LOGO_MAX_SIDE or min(width, height) < LOGO_MIN_SIDE:
        raise ValidationError(
            _(
                "The logo is %(w)s × %(h)s pixels; use one between %(lo)s and %(hi)s pixels on "
                "each side."
            ),
            params={"w": width, "h": height, "lo": LOGO_MIN_SIDE, "hi": LOGO_MAX_SIDE},
        )
