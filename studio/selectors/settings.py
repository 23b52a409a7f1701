from __future__ import annotations

import zoneinfo

from django.core.cache import cache

from studio.models import StudioSettings

_TZ_KEY = "studio-settings:timezone"


def studio_settings_get() -> StudioSettings:
    """The studio's settings row (created with defaults by migration 0002)."""
    settings, _ = StudioSettings.objects.get_or_create(singleton=True)
    return settings


def studio_timezone() -> zoneinfo.ZoneInfo:
    """The studio's time zone, cached (the cache key is per studio schema)."""
    name = cache.get(_TZ_KEY)
    if name is None:
        name = studio_settings_get().timezone
        cache.set(_TZ_KEY, name, 300)
    return zoneinfo.ZoneInfo(name)


def studio_timezone_forget() -> None:
    cache.delete(_TZ_KEY)


def studio_display_name() -> str:
    """The name the studio signs with: its legal name if set, else its name on the platform."""
    legal = studio_settings_get().legal_name
    if legal:
        return legal
    from django.db import connection

    from siteconf.tenancy.models import Studio

    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "")
    if not name:
        name = (
            Studio.objects.filter(schema_name=connection.schema_name)
            .values_list("name", flat=True)
            .first()
        )
    return name or "Studio"


def studio_today():
    """Today's date where the studio is (documents are dated in the studio's zone)."""
    from django.utils import timezone

    return timezone.localdate(timezone=studio_settings_get().tz)
