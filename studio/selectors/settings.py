from __future__ import annotations

import zoneinfo

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import to_locale

from siteconf.tenancy.models import Studio
from studio.models import StudioSettings
from studio.models.settings import LOCALE_CACHE_KEY, TIMEZONE_CACHE_KEY


def studio_settings_get() -> StudioSettings:
    """The studio's settings row (created with defaults by migration 0002)."""
    settings, _ = StudioSettings.objects.get_or_create(singleton=True)
    return settings


def studio_timezone() -> zoneinfo.ZoneInfo:
    """The studio's time zone, cached (the cache key is per studio schema)."""
    name = cache.get(TIMEZONE_CACHE_KEY)
    if name is None:
        name = studio_settings_get().timezone
        cache.set(TIMEZONE_CACHE_KEY, name, 300)
    return zoneinfo.ZoneInfo(name)


def studio_locale() -> str:
    """The Babel locale the studio's amounts are written in ("en_GB", "de_DE"): its "dates and
    numbers" setting, cached like the time zone (the cache key is per studio schema)."""
    name = cache.get(LOCALE_CACHE_KEY)
    if name is None:
        name = to_locale(studio_settings_get().locale or "en-GB")
        cache.set(LOCALE_CACHE_KEY, name, 300)
    return name


def studio_display_name() -> str:
    """The name the studio signs with: its legal name if set, else its name on the platform."""
    legal = studio_settings_get().legal_name
    if legal:
        return legal
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
    return timezone.localdate(timezone=studio_settings_get().tz)
