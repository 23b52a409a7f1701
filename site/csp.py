"""One Content-Security-Policy for every surface, loosened per path where a vendor UI needs it.

The policy itself is CONTENT_SECURITY_POLICY in settings; CONTENT_SECURITY_POLICY_BY_PATH adds
sources to some of its directives, or replaces them, for the paths that start with a prefix (the
admins' Alpine.js needs 'unsafe-eval', Wagtail's inline scripts 'unsafe-inline'), so that the
marketing site and the portal keep the strict policy. Each allowance says why, in settings.
On a studio's host outside /admin/ (its client portal), CONTENT_SECURITY_POLICY_PORTAL is added
as well: Stripe.js, its card frames and its API, for the card form.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django_tenants.utils import get_public_schema_name

# Where Wagtail's editor lives (urls_public.py).
CMS_PATH = "/cms/"


# Where each studio's back office lives; the rest of a studio's host is its client portal.
ADMIN_PATH = "/admin/"


def path_allowances(path: str, *, portal: bool = False) -> tuple[dict, dict]:
    """(sources to add, directives to replace) for a request path; `portal` adds the client
    portal's allowances (Stripe.js, see CONTENT_SECURITY_POLICY_PORTAL)."""
    update: dict[str, list[str]] = {}
    replace: dict[str, list[str]] = {}
    allowances = list(settings.CONTENT_SECURITY_POLICY_BY_PATH.items())
    if portal and not path.startswith(ADMIN_PATH):
        allowances.append(("", getattr(settings, "CONTENT_SECURITY_POLICY_PORTAL", {})))
    for prefix, allowance in allowances:
        if not path.startswith(prefix):
            continue
        for directive, sources in allowance.get("update", {}).items():
            update.setdefault(directive, []).extend(sources)
        replace.update(allowance.get("replace", {}))
    return update, replace


def policy_path(request) -> str:
    """The path whose allowances apply. Wagtail draws a page preview by sending a stand-in
    request for the page's own URL through the middleware (it marks it is_dummy); the answer is
    shown framed in the editor, so it takes the editor's policy, not the public page's."""
    return CMS_PATH if getattr(request, "is_dummy", False) else request.path_info


class PathPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the path's allowances merged in before the header is
    built. A view's own @csp_update / @csp_replace still apply on top."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        tenant = getattr(request, "tenant", None)
        portal = tenant is not None and tenant.schema_name != get_public_schema_name()
        update, replace = path_allowances(policy_path(request), portal=portal)
        if update:
            merged = {key: list(value) for key, value in update.items()}
            for directive, sources in (parts.update or {}).items():
                merged.setdefault(directive, []).extend(sources)
            parts.update = merged
        if replace:
            parts.replace = {**replace, **(parts.replace or {})}
        return parts
