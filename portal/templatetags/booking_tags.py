"""Money and times as the portal writes them."""

from __future__ import annotations

from django import template
from django.utils import timezone

from studio.money import money_format
from studio.selectors.settings import studio_settings_get

register = template.Library()


@register.simple_tag
def money(amount, currency) -> str:
    """An amount in the studio's way of writing money: “€1,234.50”, “¥12,000”."""
    return money_format(amount, currency)


@register.filter
def wall_clock(moment) -> str:
    """A moment as the studio's clock shows it, “14:00”; a time that happens twice (the night
    the clocks go back) also says which, “02:00 CEST” or “02:00 CET”."""
    local = timezone.localtime(moment, studio_settings_get().tz)
    twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    return f"{local:%H:%M %Z}" if twice else f"{local:%H:%M}"


@register.filter
def studio_time(moment):
    """A moment in the studio's time zone (the client may be elsewhere; the session is here)."""
    return timezone.localtime(moment, studio_settings_get().tz)
