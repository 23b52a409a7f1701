"""Settings → Custom domains: the studio's portal on its own domain (Enterprise).

The page lists each domain with its state, the TXT record that proves the studio owns it and
the CNAME that sends its visitors here, and offers "Check now" and "Remove". What a domain may
be, when it is served and what is recorded are the service's (siteconf.tenancy.services.
custom_domains); this page only asks it and shows its answer. Studios on other plans see what
the feature is and where to upgrade.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from siteconf.tenancy.features import feature_plans_sentence, studio_has, subscription_url
from siteconf.tenancy.models import CustomDomain, Studio
from siteconf.tenancy.services import custom_domains as service
from studio.services.errors import StudioError

# Who may see the page at all: adding a domain changes where the studio is served.
PERMISSION = service.PERMISSION

VERIFIED, WAITING, ERROR, UNSERVED = "verified", "waiting", "error", "unserved"
STATE_LABELS = {
    VERIFIED: _("Verified — served"),
    WAITING: _("Waiting for DNS"),
    ERROR: _("Not verified yet"),
    UNSERVED: _("Verified — not served on your plan"),
}


def _studio() -> Studio:
    return Studio.objects.select_related("plan").get(schema_name=connection.schema_name)


def _sub_domain(studio: Studio) -> str:
    return next((d.domain for d in studio.domains.all() if d.is_primary), "")


def _row(domain: CustomDomain, *, in_plan: bool) -> dict:
    if domain.verified_at is not None:
        state = VERIFIED if in_plan else UNSERVED
    else:
        state = ERROR if domain.last_error else WAITING
    return {"domain": domain, "state": state, "state_label": STATE_LABELS[state]}


def _act(request, studio: Studio) -> None:
    """Do what the posted form asks, through the service; say how it went."""
    action = request.POST.get("action")
    if action == "add":
        domain = service.custom_domain_add(
            studio=studio, hostname=request.POST.get("hostname", ""), by=request.user
        )
        messages.success(
            request,
            _("%(host)s was added. Add the TXT record below to your DNS, then press Check now.")
            % {"host": domain.hostname},
        )
        return
    try:
        domain = CustomDomain.objects.get(studio=studio, pk=int(request.POST.get("domain", "")))
    except (ValueError, CustomDomain.DoesNotExist):
        raise Http404 from None
    if action == "check":
        domain = service.custom_domain_verify(domain=domain, by=request.user)
        if domain.verified_at is not None and not domain.last_error:
            messages.success(
                request,
                _("%(host)s is verified and serves your studio.") % {"host": domain.hostname},
            )
        else:
            messages.warning(request, domain.last_error)
    elif action == "remove":
        host = domain.hostname
        service.custom_domain_remove(domain=domain, by=request.user)
        messages.success(
            request, _("%(host)s was removed and is no longer served.") % {"host": host}
        )
    else:
        raise Http404


@require_http_methods(["GET", "POST"])
def custom_domains_view(request, *, admin_site: AdminSite):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    studio = _studio()
    here = reverse("admin:custom_domains")
    if request.method == "POST":
        try:
            _act(request, studio)
        except StudioError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(here)
    in_plan = studio_has("custom_domains", studio)
    domains = list(CustomDomain.objects.filter(studio=studio))
    context = {
        **admin_site.each_context(request),
        "title": _("Custom domains"),
        "studio": studio,
        "in_plan": in_plan,
        "plans_sentence": feature_plans_sentence("custom_domains"),
        "upgrade_url": subscription_url(studio),
        "sub_domain": _sub_domain(studio),
        "rows": [_row(domain, in_plan=in_plan) for domain in domains],
        "can_add": in_plan and len(domains) < service.MAX_PER_STUDIO,
    }
    return TemplateResponse(request, "studio/admin/custom_domains.html", context)
