"""django-axes, fitted to this site: a second limit per address, and the lockout page.

Axes counts failures per login (AXES_LOCKOUT_PARAMETERS) against one limit; the address limit
is larger (an office behind one address has many people), so it is checked here. The rules
themselves are in `studio.services.lockouts`.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out
from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django_tenants.utils import get_public_schema_name

from studio.services.lockouts import Lockout, lockout_duration, lockout_find


class ThrottlingHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return self._address_lockout(request) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes announces a lockout again on every attempt refused while it lasts; the trail
        # wants the moment it began, so remember whether this attempt was already refused.
        request.lockout_already_known = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if not request.axes_locked_out and self._address_lockout(request) is not None:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def _address_lockout(self, request) -> Lockout | None:
        return lockout_find(
            address=getattr(request, "axes_ip_address", "") or "",
            now=getattr(request, "axes_attempt_time", None),
        )


def _admin_site():
    # The platform admin and the CMS share the public schema and the platform's look.
    if connection.schema_name == get_public_schema_name():
        from siteconf.tenancy.admin import platform_admin_site

        return platform_admin_site
    from studio.admin.site import studio_admin_site

    return studio_admin_site


def lockout_response(request, original_response=None, credentials=None):
    """The answer to a sign-in refused by a lockout: what is locked, for how long, who can
    lift it. Said the same way whether the login exists or not."""
    login = get_client_username(request, credentials) or ""
    address = getattr(request, "axes_ip_address", "") or ""
    lockout = lockout_find(login=login, address=address)
    public = connection.schema_name == get_public_schema_name()
    site = _admin_site()
    context = {
        **site.each_context(request),
        "title": "Sign-in locked",
        "lockout": lockout,
        "kind": lockout.kind if lockout else "account",
        "login": login,
        "minutes": lockout.minutes_left if lockout else _minutes(),
        "on_platform": public,
        "sign_in_url": request.get_full_path(),
        "account_limit": settings.AXES_FAILURE_LIMIT,
    }
    # Rendered here: the middleware that asks for this answer comes after the view's own.
    response = render(
        request, "sign_in/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(context["minutes"] * 60)
    return response


def _minutes() -> int:
    return max(1, int(lockout_duration().total_seconds() // 60))
