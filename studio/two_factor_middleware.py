"""Who may use the admins and the CMS without having passed a second factor.

- An account with two-factor sign-in whose session never gave a code (signed in by a path that
  skips the code, or signed in before it was set up elsewhere) is signed out and asked to sign
  in again: a password alone never opens a page of such an account.
- An account without it, where it is required (every operator; a studio's staff when the
  studio says so), reaches only the set-up page and sign-out until it is on.
- The CMS has no sign-in of its own: /cms/login/ goes to the platform admin's, which asks for
  the code.

It runs once the URL is resolved, after django-otp's middleware has said whether the session
is verified.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from studio.services.two_factor import two_factor_is_on, two_factor_is_required

ADMIN_SITES = ("admin", "platform_admin")
PLATFORM_SITE = "platform_admin"
SIGN_OUTS = ("logout", "wagtailadmin_logout")
# What an account that must set up two-factor sign-in can still open.
OPEN_BEFORE_SET_UP = ("two_factor", "two_factor_confirm", "jsi18n", *SIGN_OUTS)


def _site_of(request, match) -> str | None:
    """The admin site whose rules apply to this page, if any."""
    if match.namespace in ADMIN_SITES:
        return match.namespace
    on_platform = connection.schema_name == get_public_schema_name()
    if on_platform and request.path_info.startswith("/cms/"):
        return PLATFORM_SITE
    return None


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        site = _site_of(request, match) if match else None
        if site is None:
            return None
        name = match.url_name
        if name == "wagtailadmin_login":
            login_url = reverse(f"{PLATFORM_SITE}:login")
            return redirect(
                f"{login_url}?{urlencode({'next': request.GET.get('next') or '/cms/'})}"
            )
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if two_factor_is_on(user):
            if name in SIGN_OUTS:
                return None
            logout(request)
            if name == "login":
                return None  # the sign-in page, now for a signed-out visitor
            messages.info(request, _("Sign in again with your two-factor code."))
            return redirect_to_login(request.get_full_path(), reverse(f"{site}:login"))
        if name in OPEN_BEFORE_SET_UP or not two_factor_is_required(user):
            return None
        return redirect(f"{site}:two_factor")
