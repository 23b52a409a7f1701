from __future__ import annotations

from django_tenants.middleware.main import TenantMainMiddleware

from siteconf.tenancy import host_cache


class CachedTenantMiddleware(TenantMainMiddleware):
    """Selects the studio's schema from the host, through the host cache.

    An unknown host is a 404 (django-tenants' default), never the public site or another studio.
    """

    def get_tenant(self, domain_model, hostname):
        studio = host_cache.studio_for_host(hostname)
        if studio is None:
            raise domain_model.DoesNotExist(hostname)
        return studio
