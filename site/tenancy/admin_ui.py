"""Callbacks the UNFOLD settings point at (dotted paths), shared by both admins."""

from __future__ import annotations

from django.conf import settings


def site_title(request) -> str:
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "name", None) or settings.PLATFORM_NAME


def environment_badge(request) -> list[str] | None:
    if settings.DEBUG:
        return ["Demo / development", "warning"]
    return None
