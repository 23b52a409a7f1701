"""Where a `?next=` may send someone: only back into this site, never elsewhere, and never to a
`javascript:` or other non-HTTP address."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, *, default: str, field: str = "next") -> str:
    """`request`'s `next` (from the query or the form) when it points into this host, else
    `default`."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
