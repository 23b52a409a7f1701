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
