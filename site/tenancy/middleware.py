from __future__ import annotations

from django.core.exceptions import DisallowedHost
from django_tenants.middleware.main import TenantMainMiddleware

from siteconf.tenancy import host_cache


class CachedTenantMiddleware(TenantMainMiddleware):
    """Selects the studio's schema from the host, through the host cache.

    An unknown host is a 400 Bad Request (Django's DisallowedHost, the answer to a host outside
    ALLOWED_HOSTS as well): never the public site or another studio. A studio's custom domain
    is known only while it is served (verified, and in the studio's plan: see host_cache), so a
    domain waiting for its DNS check, or just removed, is a 400 too.
    """

    TENANT_NOT_FOUND_EXCEPTION = DisallowedHost

    def process_request(self, request):
        # django-tenants turns a host outside ALLOWED_HOSTS into a 404; asking for it first
        # lets Django's own DisallowedHost (a 400) through instead.
        request.get_host()
        return super().process_request(request)

    def get_tenant(self, domain_model, hostname):
        studio = host_cache.studio_for_host(hostname)
        if studio is None:
            raise domain_model.DoesNotExist(hostname)
        return studio
