"""Cached host -> studio resolution, and the hosts Django accepts.

django-tenants looks the domain up with one query per request. The answer rarely changes, so it
is kept in the "platform" cache (not prefixed by schema: it is the same whichever schema asks)
and dropped whenever a studio or one of its domains is saved or deleted. Unknown hosts are
remembered briefly too, so a flood of requests for random hosts does not become a flood of
queries. Bulk `QuerySet.update()` bypasses this; the TTL bounds how long that can be stale.

A studio's custom domain (`book.mystudio.com`, a `CustomDomain` row) is served only while it
is verified, has its `Domain` row, and the studio's plan includes custom domains: a studio that
moves to a plan without them keeps its domains on file, unserved, and gets them back when it
moves up again. `ServedCustomDomains`, an entry of ALLOWED_HOSTS, makes Django's own host
check (`request.get_host()`) follow the same set, so a domain verified a second ago is
accepted and a removed one refused, without a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches

# The models call this module when they are saved, so it finds them through django-tenants'
# settings and the app registry instead of importing them.
if TYPE_CHECKING:
    from siteconf.tenancy.models import Studio

_MISSING = "__no_studio__"
_CUSTOM_HOSTS_KEY = "tenant-custom-hosts"


def _cache():
    return caches["platform"]


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname.lower()}"


def _models():
    from django.apps import apps
    from django_tenants.utils import get_tenant_domain_model

    return get_tenant_domain_model(), apps.get_model("tenancy", "CustomDomain")


def _custom_domain_served(custom_domain, studio: Studio) -> bool:
    from siteconf.tenancy.features import studio_has

    return custom_domain.verified_at is not None and studio_has("custom_domains", studio)


def studio_for_host(hostname: str) -> Studio | None:
    key = _key(hostname)
    cached = _cache().get(key)
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain_model, custom_domain_model = _models()
    host = hostname.lower()
    domain = domain_model.objects.select_related("tenant").filter(domain=host).first()
    if domain is not None:
        custom = custom_domain_model.objects.filter(hostname=host).first()
        if custom is not None and (
            custom.studio_id != domain.tenant_id or not _custom_domain_served(custom, domain.tenant)
        ):
            domain = None
    if domain is None:
        _cache().set(key, _MISSING, settings.TENANT_MISS_CACHE_SECONDS)
        return None
    _cache().set(key, domain.tenant, settings.TENANT_CACHE_SECONDS)
    return domain.tenant


def custom_hosts() -> frozenset[str]:
    """The custom domains served right now, on every studio (one query per Enterprise studio
    when the set is rebuilt, none while it is cached)."""
    hosts = _cache().get(_CUSTOM_HOSTS_KEY)
    if hosts is not None:
        return hosts
    from django.db.models import Exists, OuterRef

    domain_model, custom_domain_model = _models()
    serving = domain_model.objects.filter(domain=OuterRef("hostname"), tenant=OuterRef("studio"))
    rows = custom_domain_model.objects.filter(
        Exists(serving), verified_at__isnull=False
    ).select_related("studio")
    allowed: dict[int, bool] = {}
    served = set()
    for row in rows:
        if row.studio_id not in allowed:
            allowed[row.studio_id] = _custom_domain_served(row, row.studio)
        if allowed[row.studio_id]:
            served.add(row.hostname)
    hosts = frozenset(served)
    _cache().set(_CUSTOM_HOSTS_KEY, hosts, settings.TENANT_CACHE_SECONDS)
    return hosts


def forget_hosts(hostnames: list[str]) -> None:
    _cache().delete_many([*(_key(host) for host in hostnames), _CUSTOM_HOSTS_KEY])


def forget_studio(studio: Studio) -> None:
    if studio.pk:
        forget_hosts(list(studio.domains.values_list("domain", flat=True)))


def written_hosts() -> list[str]:
    """The host patterns written in settings, without the custom domains."""
    return [host for host in settings.ALLOWED_HOSTS if not isinstance(host, ServedCustomDomains)]


class ServedCustomDomains(str):
    """The ALLOWED_HOSTS entry that stands for every custom domain served right now.

    Django compares each ALLOWED_HOSTS entry with the request's host (`validate_host`: the entry
    is lower-cased, then its first character is checked for a leading dot, then it is compared
    with `==`). This entry stays itself when lower-cased, starts with no dot, and is equal to a
    host exactly when the host is in `custom_hosts()`. Being one entry of the list, it survives
    the copies Django's test set-up and `override_settings` make of the setting, and it is
    reached only by hosts that no written pattern before it matched.
    """

    def __new__(cls):
        return super().__new__(cls, "<served custom domains>")

    def lower(self) -> ServedCustomDomains:
        return self

    def __eq__(self, other) -> bool:
        if isinstance(other, ServedCustomDomains):
            return True
        if not isinstance(other, str) or other == "*":
            return False
        return other.lower() in custom_hosts()

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = str.__hash__
