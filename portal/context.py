"""The studio's name, logo and colour for portal pages, as `{{ portal }}` in templates.

Every template gets the variable, but it is lazy: only a page that uses it (the portal's
base.html) reads the studio's settings, once per request however many times it is used; the
back office and the marketing site never pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name

from siteconf.tenancy.features import studio_has
from siteconf.tenancy.models import Studio
from studio.models import StudioSettings
from studio.selectors.settings import studio_settings_get

DEFAULT_COLOUR = "#7c3aed"


@dataclass(frozen=True)
class Branding:
    name: str
    logo_url: str
    colour: str
    registration_open: bool
    # On a plan with white-label (Enterprise) the portal names only the studio, never the
    # platform: base.html leaves out "powered by Recording Studio Manager".
    white_label: bool = False


def branding_get(request) -> Branding | None:
    """The current studio's branding, read once per request (None on the platform)."""
    cached = getattr(request, "_portal_branding", None)
    if cached is not None:
        return cached
    if connection.schema_name == get_public_schema_name():
        return None
    settings = studio_settings_get()
    tenant = getattr(request, "tenant", None)
    branding = Branding(
        name=getattr(tenant, "name", "") or settings.legal_name or "Studio",
        logo_url=settings.logo.url if settings.logo else "",
        # Validated as #rrggbb by the model; anything else falls back rather than reaching CSS.
        colour=settings.brand_colour if _is_hex(settings.brand_colour) else DEFAULT_COLOUR,
        registration_open=settings.booking_mode != StudioSettings.BookingMode.INVITE,
        white_label=_white_label(tenant),
    )
    request._portal_branding = branding
    return branding


def _white_label(tenant) -> bool:
    return isinstance(tenant, Studio) and studio_has("white_label", tenant)


def _is_hex(value: str) -> bool:
    return (
        len(value or "") == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )


def portal_branding(request) -> dict:
    return {"portal": SimpleLazyObject(lambda: branding_get(request))}
