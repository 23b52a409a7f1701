"""Cached host -> studio resolution.

django-tenants looks the domain up with one query per request. The answer rarely changes, so it
is kept in the "platform" cache (not prefixed by schema: it is the same whichever schema asks)
and dropped whenever a studio or one of its domains is saved or deleted. Unknown hosts are
remembered briefly too, so a flood of requests for random hosts does not become a flood of
queries. Bulk `QuerySet.update()` bypasses this; the TTL bounds how long that can be stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from django_tenants.utils import get_tenant_domain_model

# The models call this module when they are saved, so it finds them through django-tenants'
# settings instead of importing them.
if TYPE_CHECKING:
    from siteconf.tenancy.models import Studio

_MISSING = "__no_studio__"


def _cache():
    return caches["platform"]


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname.lower()}"


def studio_for_host(hostname: str) -> Studio | None:
    key = _key(hostname)
    cached = _cache().get(key)
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domains = get_tenant_domain_model().objects.select_related("tenant")
    domain = domains.filter(domain=hostname.lower()).first()
    if domain is None:
        _cache().set(key, _MISSING, settings.TENANT_MISS_CACHE_SECONDS)
        return None
    _cache().set(key, domain.tenant, settings.TENANT_CACHE_SECONDS)
    return domain.tenant


def forget_hosts(hostnames: list[str]) -> None:
    _cache().delete_many([_key(host) for host in hostnames])


def forget_studio(studio: Studio) -> None:
    if studio.pk:
        forget_hosts(list(studio.domains.values_list("domain", flat=True)))
