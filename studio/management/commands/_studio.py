"""What the import and export commands share: finding the studio and its schema."""

from __future__ import annotations

from django.core.management.base import CommandError

from siteconf.tenancy.models import Studio
from studio.resources import RESOURCES


def studio_for(slug: str) -> Studio:
    try:
        return Studio.objects.get(slug=slug, kind=Studio.Kind.STUDIO)
    except Studio.DoesNotExist:
        known = ", ".join(
            Studio.objects.filter(kind=Studio.Kind.STUDIO).values_list("slug", flat=True)
        )
        raise CommandError(f"No studio “{slug}”. Studios: {known or 'none yet'}.") from None


def model_choices() -> list[str]:
    return list(RESOURCES)
