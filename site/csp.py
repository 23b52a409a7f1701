"""One Content-Security-Policy for every surface, loosened per path where a vendor UI needs it.

The policy itself is CONTENT_SECURITY_POLICY in settings; CONTENT_SECURITY_POLICY_BY_PATH adds
sources to some of its directives, or replaces them, for the paths that start with a prefix (the
admins' Alpine.js needs 'unsafe-eval', Wagtail's inline scripts 'unsafe-inline'), so that the
marketing site and the portal keep the strict policy. Each allowance says why, in settings.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

# Where Wagtail's editor lives (urls_public.py).
CMS_PATH = "/cms/"


def path_allowances(path: str) -> tuple[dict, dict]:
    """(sources to add, directives to replace) for a request path."""
    update: dict[str, list[str]] = {}
    replace: dict[str, list[str]] = {}
    for prefix, allowance in settings.CONTENT_SECURITY_POLICY_BY_PATH.items():
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
        update, replace = path_allowances(policy_path(request))
        if update:
            merged = {key: list(value) for key, value in update.items()}
            for directive, sources in (parts.update or {}).items():
                merged.setdefault(directive, []).extend(sources)
            parts.update = merged
        if replace:
            parts.replace = {**replace, **(parts.replace or {})}
        return parts
